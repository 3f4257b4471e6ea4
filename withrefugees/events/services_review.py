"""Writes of UNHCR staff in step 3: the review of events, the support queue, the reminder
date. (The officers' writes are in ``services.py``.)

Every function is keyword-only and atomic, checks its rule with ``accounts.rules.can``
(``PermissionDenied`` naming the rule when refused), locks the row it changes, writes one
audit row (``core.audit.audit_record``: public pages are refreshed after commit) and
promises its emails in the same transaction (``core.outbox``, see ``tasks.py``).

Events (``EventStatus``):

Staff approve only what they saw: the review page carries the version it showed
(``event_version``) and ``event_approve`` refuses (``EventChanged``) when the event changed
since. An approved event's officers change it through its *revision* (``services``): staff
approve or send back the revision, and the approved event stays public as it was meanwhile.

- ``event_approve``: a ``submitted`` event → ``approved`` (public): ``was_approved``,
  ``reviewed_at``, an optional comment kept in ``review_comment``. A ``submitted``
  revision: its content (fields, report, image, partners, photos) is copied onto its
  event, which stays approved (``sequence`` + 1), and the revision is deleted. Audit
  ``event.approve`` on the event (with the fields changed); the officers get
  ``event.approved``.
- ``event_return``: ``submitted`` or ``approved`` → ``returned`` with a comment (required).
  A revision sent back: its event stays public unchanged. An approved event sent back
  leaves the public pages and calendars (its ``sequence`` grows, so calendars that had it
  see the next version as newer; cancelled later, it stays private: ``services.
  event_cancel``), and a pending revision is merged into it (not public).
  Audit ``event.return`` on the event; the officers get ``event.returned`` with the
  comment.

Support requests (``SupportStatus``): ``support_request_set_status`` (any status to any
other; audit ``support_request.status``), ``support_request_reply`` (a ``SupportReply``;
the status becomes ``answered`` unless the request is ``closed``; audit
``support_request.reply``; the email ``support.reply``).

``reminder_schedule_set``: the reminder date of a year (audit ``reminder_schedule.set``).
"""

import datetime
import hashlib
import json

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.audit import audit_record
from withrefugees.core.errors import ServiceError
from withrefugees.core.validators import without_control_characters

from . import selectors_officer, services, tasks
from .models import (
    EARLIEST_YEAR,
    LATEST_YEAR_AHEAD,
    Event,
    EventStatus,
    ReminderSchedule,
    SupportReply,
    SupportRequest,
    SupportStatus,
)

S = EventStatus
#: Longest review comment and support reply (the models' ``max_length``).
COMMENT_MAX_LENGTH = Event._meta.get_field("review_comment").max_length
REPLY_MAX_LENGTH = SupportReply._meta.get_field("body").max_length


class InvalidTransition(ServiceError):
    """The event (or request) is not in a state the action applies to, e.g. approving a
    draft, or an approved event nobody changed."""

    code = "invalid_transition"
    message = _("This action is not possible in the event's current state. Reload the page "
                "to see its state now.")


def _check(actor, rule: str, obj=None) -> None:
    if not can(actor, rule, obj):
        raise PermissionDenied(rule)


def _text(value: str, *, field: str, max_length: int, required: bool) -> str:
    """``value`` without control characters (tab and line breaks kept), stripped; raises
    ``ValidationError({field: …})`` code ``<field>_required`` / ``<field>_too_long``."""
    value = without_control_characters(value or "").strip()
    if required and not value:
        messages = {"comment": _("Say what the officers should change: they read this "
                                 "comment with the event."),
                    "body": _("Write the reply: the officer who asked reads it by email "
                              "and in the workspace.")}
        raise ValidationError({field: ValidationError(messages[field],
                                                      code=f"{field}_required")})
    if len(value) > max_length:
        raise ValidationError({field: ValidationError(
            _("This text is %(length)d characters long; at most %(max)d are accepted."),
            code=f"{field}_too_long", params={"length": len(value), "max": max_length})})
    return value


def _lock_event(event: Event) -> Event:
    return (Event.objects.select_for_update().select_related("local_government")
            .get(pk=event.pk))


def _lock_with_revision(event: Event) -> tuple[Event, Event | None]:
    """``(the event, its revision or None)``, locked in the officers' order (the event
    first); for a revision, its event and the revision. Raises ``Event.DoesNotExist`` when
    ``event`` is gone."""
    if event.revision_of_id is not None:
        original = (Event.objects.select_for_update().select_related("local_government")
                    .get(pk=event.revision_of_id))
        revision = (Event.objects.select_for_update().select_related("local_government")
                    .get(pk=event.pk, revision_of=original))
        return original, revision
    original = _lock_event(event)
    revision = (Event.objects.select_for_update().select_related("local_government")
                .filter(revision_of=original).first())
    return original, revision


class EventChanged(ServiceError):
    """The officers changed the event (or its changes) after the page the decision was made
    on was loaded: nothing was approved."""

    code = "event_changed"
    message = _("The officers changed this event after you opened it, so it was not "
                "approved. The page now shows the new version: check it and decide again.")


def event_version(event: Event) -> str:
    """A short fingerprint of what ``event`` is now (what its officers wrote, partners,
    photos, its state): the review page carries it, and ``event_approve`` approves only
    that version. Two queries."""
    content = selectors_officer.event_content(event)
    content.update(pk=event.pk, status=event.status, revision_of=event.revision_of_id)
    data = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:32]


def _merge(original: Event, revision: Event) -> dict[str, list]:
    """Copy ``revision``'s content (fields, report, image, partners, photos) onto
    ``original`` (saved; ``sequence`` + 1), delete the revision, and return the changes
    ``{name: [old, new]}`` (files no longer used are deleted after commit)."""
    before = selectors_officer.event_content(original)
    changes = selectors_officer.content_changes(before,
                                                selectors_officer.event_content(revision))
    old_files = [original.image.name, *(photo[0] for photo in before["photos"])]
    for name in (*selectors_officer.CONTENT_FIELDS, "image_width", "image_height"):
        setattr(original, name, getattr(revision, name))
    original.image = revision.image.name or ""
    original.sequence += 1
    original.save()
    original.partners.all().delete()
    revision.partners.update(event=original)
    original.photos.all().delete()
    revision.photos.update(event=original)
    storage = original.image.storage
    revision.delete()
    services.delete_unused_files_later(storage, old_files)
    return changes


# --- Events -----------------------------------------------------------------------------------
@transaction.atomic
def event_approve(*, event: Event, actor: AbstractBaseUser, comment: str = "",
                  note: str = "", version: str | None = None) -> Event:
    """Approve ``event`` (see the module docstring) and return the event approved (for a
    revision: its event, now with the changes).

    ``version``: the ``event_version`` the reviewer saw; when given and ``event`` is no
    longer that version, nothing is approved (``EventChanged``). ``comment``: optional
    words to the officers (kept in ``review_comment``, in their email); ``note``: internal,
    the audit row's note. Rule ``events.review_events``. Raises ``PermissionDenied``,
    ``InvalidTransition`` (not submitted; a revision whose event is no longer approved; a
    record of the campaign), ``EventChanged``, ``ValidationError`` (comment too long),
    ``Event.DoesNotExist`` (deleted meanwhile: a revision discarded or decided on)."""
    _check(actor, "events.review_events", event)
    comment = _text(comment, field="comment", max_length=COMMENT_MAX_LENGTH, required=False)
    original, revision = _lock_with_revision(event)
    locked = revision if event.revision_of_id is not None else original
    if version is not None and version != event_version(locked):
        raise EventChanged()
    if locked.origin != "platform" or locked.status != S.SUBMITTED:
        raise InvalidTransition()
    now = timezone.now()
    if locked is revision:
        if original.status != S.APPROVED:
            raise InvalidTransition()
        changes = _merge(original, revision)
        if original.review_comment != comment:
            changes["review_comment"] = [original.review_comment, comment]
        original.review_comment = comment
        original.reviewed_at = now
        original.save(update_fields=["review_comment", "reviewed_at", "updated_at"])
        audit_record(target=original, action="event.approve", actor=actor,
                     from_state=S.SUBMITTED, to_state=S.APPROVED, changes=changes,
                     note=note)
        tasks.queue_event_decision_emails(original, tasks.APPROVED)
        return original
    before = {"status": locked.status, "was_approved": locked.was_approved,
              "review_comment": locked.review_comment}
    locked.status = S.APPROVED
    locked.was_approved = True
    locked.review_comment = comment
    locked.reviewed_at = now
    locked.save(update_fields=["status", "was_approved", "review_comment", "reviewed_at",
                               "updated_at"])
    changes = {name: [old, getattr(locked, name)] for name, old in before.items()
               if old != getattr(locked, name)}
    audit_record(target=locked, action="event.approve", actor=actor, from_state=S.SUBMITTED,
                 to_state=locked.status, changes=changes, note=note)
    tasks.queue_event_decision_emails(locked, tasks.APPROVED)
    return locked


@transaction.atomic
def event_return(*, event: Event, actor: AbstractBaseUser, comment: str,
                 note: str = "") -> Event:
    """Send ``event`` back to its officers with ``comment`` (required: what to change) and
    return it (see the module docstring): a submitted event or revision → ``returned``; an
    approved event → ``returned`` (public again only once approved again), its revision,
    if any, merged into it (nothing the officers typed is lost; none of it public).

    Rule ``events.review_events``. Raises ``PermissionDenied``, ``ValidationError``
    (``comment_required``, ``comment_too_long``), ``InvalidTransition`` (any other state,
    or a record of the campaign), ``Event.DoesNotExist``. The audit row is the event's."""
    _check(actor, "events.review_events", event)
    comment = _text(comment, field="comment", max_length=COMMENT_MAX_LENGTH, required=True)
    original, revision = _lock_with_revision(event)
    locked = revision if event.revision_of_id is not None else original
    if locked.origin != "platform" or locked.status not in (S.SUBMITTED, S.APPROVED):
        raise InvalidTransition()
    from_state = locked.status
    before = {"status": locked.status, "was_approved": locked.was_approved,
              "review_comment": locked.review_comment, "sequence": locked.sequence}
    changes: dict[str, list] = {}
    if from_state == S.APPROVED:
        if revision is not None:
            changes = _merge(original, revision)
        locked.sequence += 1  # it leaves the calendars that had it
    locked.status = S.RETURNED
    locked.review_comment = comment
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["status", "was_approved", "review_comment", "reviewed_at",
                               "sequence", "updated_at"])
    changes.update({name: [old, getattr(locked, name)] for name, old in before.items()
                    if old != getattr(locked, name)})
    audit_record(target=original, action="event.return", actor=actor, from_state=from_state,
                 to_state=locked.status, changes=changes, note=note or comment)
    tasks.queue_event_decision_emails(locked, tasks.RETURNED)
    return locked


# --- Support requests -------------------------------------------------------------------------
def _lock_request(support_request: SupportRequest) -> SupportRequest:
    # (no outer join under FOR UPDATE: PostgreSQL refuses to lock the nullable side)
    return (SupportRequest.objects.select_for_update().select_related("local_government")
            .get(pk=support_request.pk))


@transaction.atomic
def support_request_set_status(*, support_request: SupportRequest, actor: AbstractBaseUser,
                               status: str, note: str = "") -> SupportRequest:
    """Move ``support_request`` to ``status`` (a ``SupportStatus`` value) and return it; the
    same status again writes nothing. Rule ``events.answer_support``. Raises
    ``PermissionDenied``, ``ValidationError`` code ``invalid_status``,
    ``SupportRequest.DoesNotExist``. Audit ``support_request.status``."""
    _check(actor, "events.answer_support", support_request)
    if status not in SupportStatus.values:
        raise ValidationError({"status": ValidationError(
            _("Choose one of the statuses in the list."), code="invalid_status")})
    locked = _lock_request(support_request)
    if locked.status == status:
        return locked
    from_state = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    audit_record(target=locked, action="support_request.status", actor=actor,
                 from_state=from_state, to_state=status,
                 changes={"status": [from_state, status]}, note=note)
    return locked


@transaction.atomic
def support_request_reply(*, support_request: SupportRequest, actor: AbstractBaseUser,
                          body: str) -> SupportReply:
    """Answer ``support_request`` with ``body`` (required, at most 5,000 characters) and
    return the ``SupportReply``: the request becomes ``answered`` unless it is ``closed``;
    the officer who asked is emailed in the request's language (``tasks.
    support_reply_recipients``). Rule ``events.answer_support``. Raises
    ``PermissionDenied``, ``ValidationError`` (``body_required``, ``body_too_long``),
    ``SupportRequest.DoesNotExist``. Audit ``support_request.reply`` (the reply's text is
    its note)."""
    _check(actor, "events.answer_support", support_request)
    body = _text(body, field="body", max_length=REPLY_MAX_LENGTH, required=True)
    locked = _lock_request(support_request)
    reply = SupportReply.objects.create(request=locked, body=body, author=actor)
    from_state = locked.status
    changes = {}
    if locked.status != SupportStatus.CLOSED:
        locked.status = SupportStatus.ANSWERED
        changes = ({"status": [from_state, locked.status]}
                   if from_state != locked.status else {})
    locked.save(update_fields=["status", "updated_at"])
    audit_record(target=locked, action="support_request.reply", actor=actor,
                 from_state=from_state, to_state=locked.status, changes=changes, note=body)
    reply.request = locked
    tasks.queue_support_reply_emails(reply)
    return reply


# --- Reminder date ----------------------------------------------------------------------------
def reminder_schedule_check(*, year: int, send_on: datetime.date) -> None:
    """Raise ``ValidationError`` (by field) unless ``send_on`` may be the reminder date of
    ``year``: ``year`` in ``EARLIEST_YEAR`` … this year + ``LATEST_YEAR_AHEAD`` (code
    ``year_out_of_range``), ``send_on`` in ``year`` (``send_on_outside_year``) and not after
    20 June (``send_on_after_wrd``). For forms and ``reminder_schedule_set`` alike."""
    from .reminders import world_refugee_day

    last = timezone.localdate().year + LATEST_YEAR_AHEAD
    if not EARLIEST_YEAR <= year <= last:
        raise ValidationError({"year": ValidationError(
            _("Enter a year between %(first)s and %(last)s."), code="year_out_of_range",
            params={"first": EARLIEST_YEAR, "last": last})})
    if send_on.year != year:
        raise ValidationError({"send_on": ValidationError(
            _("The date must be in %(year)s."), code="send_on_outside_year",
            params={"year": year})})
    if send_on > world_refugee_day(year):
        raise ValidationError({"send_on": ValidationError(
            _("The reminder must go out on or before World Refugee Day (20 June)."),
            code="send_on_after_wrd")})


@transaction.atomic
def reminder_schedule_set(*, year: int, send_on: datetime.date,
                          actor: AbstractBaseUser) -> ReminderSchedule:
    """Set the day the World Refugee Day reminder of ``year`` goes out (``reminders``) and
    return the row; the same date again writes nothing. ``reminder_schedule_check`` gives
    the dates refused. A date already past sends at the next run (if 20 June has not
    passed). Rule ``events.edit_reminders``. Raises ``PermissionDenied``,
    ``ValidationError``. Audit ``reminder_schedule.set``."""
    _check(actor, "events.edit_reminders")
    reminder_schedule_check(year=year, send_on=send_on)
    row = ReminderSchedule.objects.select_for_update().filter(year=year).first()
    if row is not None and row.send_on == send_on:
        return row
    old = row.send_on.isoformat() if row is not None else None
    if row is None:
        row = ReminderSchedule.objects.create(year=year, send_on=send_on)
    else:
        row.send_on = send_on
        row.save(update_fields=["send_on"])
    audit_record(target=row, action="reminder_schedule.set", actor=actor,
                 changes={"send_on": [old, send_on.isoformat()]})
    return row
