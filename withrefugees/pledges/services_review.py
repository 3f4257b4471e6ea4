"""Writes of UNHCR staff in step 4: the review of pledges, the email to the GCR mailbox, the
record of the pledge's publication by the GCR, the period of the progress reminders. (The
officers' writes are in ``services.py``.)

Every function is keyword-only and atomic, checks its rule with ``accounts.rules.can``
(``PermissionDenied`` naming the rule when refused), locks the row it changes, writes one
audit row (``core.audit.audit_record``: public pages are refreshed after commit) and
promises its emails in the same transaction (``core.outbox``, see ``tasks.py``).

Pledges (``PledgeStatus``):

- ``pledge_approve``: ``submitted`` → ``sent_to_gcr`` (public): ``reviewed_at``, an optional
  comment kept in ``review_comment``; promises (a) the email to the GCR mailbox
  (``settings.GCR_PLEDGE_EMAIL``, kind ``pledge.gcr_submission``), kept on
  ``Pledge.gcr_email`` (its ``sent_at`` is when the platform records the pledge as sent;
  the Word documents, English and Japanese, are built when it is sent), and (b) the
  email ``pledge.approved`` to the lead's officers. Staff approve only the version they
  saw: officers cannot change a submitted pledge, but they may withdraw it to a draft,
  edit it and submit it again; ``version`` (``pledge_version``, carried by the review
  page) refuses a pledge submitted again since (``PledgeChanged``), and any other state
  is refused (``NotAwaitingReview``). Audit ``pledge.approve``.
- ``pledge_return``: ``submitted`` → ``returned`` with a comment (required); the officers
  get ``pledge.returned`` with it. Audit ``pledge.return``.
- ``pledge_record_publication``: ``sent_to_gcr`` → ``published`` (``published_at``) with
  the GCR reference and/or the pledge's address on the GCR platform (at least one); on a
  ``published`` pledge, corrects them (no email). The officers get ``pledge.published``.
  Audit ``pledge.publish``.
- ``pledge_email_gcr_again``: a new email to the GCR mailbox (e.g. the first one failed),
  unless one is still waiting to be sent. Audit ``pledge.email_gcr``.

``reminder_settings_update``: the months without a progress report before a reminder
(1–60). Audit ``pledge_reminder_settings.set``.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.audit import audit_record
from withrefugees.core.errors import ServiceError
from withrefugees.core.models import OutboundEmail
from withrefugees.core.validators import control_characters_refusal, without_control_characters

from . import tasks
from .models import (
    Pledge,
    PledgeReminderSettings,
    PledgeStatus,
)

S = PledgeStatus
#: Longest review comment (the model's ``max_length``), GCR reference and address.
COMMENT_MAX_LENGTH = Pledge._meta.get_field("review_comment").max_length
GCR_REFERENCE_MAX_LENGTH = Pledge._meta.get_field("gcr_reference").max_length
GCR_URL_MAX_LENGTH = Pledge._meta.get_field("gcr_url").max_length
#: The reminder period staff may choose, months (the model's check constraint).
STALE_AFTER_MONTHS_RANGE = (1, 60)
#: Statuses in which the GCR has (or is being sent) the pledge.
WITH_THE_GCR = (S.SENT_TO_GCR, S.PUBLISHED)


class NotAwaitingReview(ServiceError):
    """Approve or send back a pledge that is not awaiting review (e.g. its officers withdrew
    it to a draft to change it)."""

    code = "not_awaiting_review"
    message = _("This pledge is no longer awaiting review (its officers may have withdrawn "
                "it to change it), so nothing was done. Reload the page to see its state "
                "now.")


class PledgeChanged(ServiceError):
    """The pledge was submitted again after the review page was loaded."""

    code = "pledge_changed"
    message = _("The officers withdrew this pledge and submitted it again after you opened "
                "it, so it was not approved. The page now shows the new version: check it "
                "and decide again.")


class NotWithTheGcr(ServiceError):
    """Record a publication, or email the GCR, for a pledge not approved."""

    code = "not_with_the_gcr"
    message = _("Only a pledge approved and submitted to the GCR can have a GCR reference "
                "or be emailed to the GCR. Reload the page to see its state now.")


class GcrEmailPending(ServiceError):
    code = "gcr_email_pending"
    message = _("The email to the GCR is still waiting to be sent: it was not sent again. "
                "If it keeps failing, its last error is shown on the review page.")


class NoGcrAddress(ServiceError):
    code = "no_gcr_address"
    message = _("No address of the GCR pledge mailbox is configured (setting "
                "GCR_PLEDGE_EMAIL), so nothing was done. Ask the platform's administrators.")


def _check(actor, rule: str, obj=None) -> None:
    if not can(actor, rule, obj):
        raise PermissionDenied(rule)


def _comment(value: str, *, required: bool) -> str:
    """``value`` without control characters (tab and line breaks kept), stripped; raises
    ``ValidationError({"comment": …})`` code ``comment_required`` / ``comment_too_long``."""
    value = without_control_characters(value or "").strip()
    if required and not value:
        raise ValidationError({"comment": ValidationError(
            _("Say what the officers should change: they read this comment with the "
              "pledge."), code="comment_required")})
    if len(value) > COMMENT_MAX_LENGTH:
        raise ValidationError({"comment": ValidationError(
            _("This text is %(length)d characters long; at most %(max)d are accepted."),
            code="comment_too_long", params={"length": len(value), "max": COMMENT_MAX_LENGTH})})
    return value


def _lock(pledge: Pledge) -> Pledge:
    """The pledge, locked (only its own row), with its lead local government. Raises
    ``Pledge.DoesNotExist`` when it was deleted meanwhile."""
    locked = Pledge.objects.select_for_update(of=("self",)).get(pk=pledge.pk)
    locked.local_government  # noqa: B018 (read outside the lock's join)
    return locked


def pledge_version(pledge: Pledge) -> str:
    """What the review page carries so that ``pledge_approve`` approves that version only:
    the status and the time of the pledge's last save (a withdrawal, an edit and a new
    submission all save it)."""
    updated = pledge.updated_at.isoformat() if pledge.updated_at else ""
    return f"{pledge.status}:{updated}"


def _gcr_address() -> str:
    address = (getattr(settings, "GCR_PLEDGE_EMAIL", "") or "").strip()
    if not address:
        raise NoGcrAddress()
    return address


def _changes(before: dict, pledge: Pledge) -> dict[str, list]:
    return {name: [old, getattr(pledge, name)] for name, old in before.items()
            if old != getattr(pledge, name)}


# --- Review -----------------------------------------------------------------------------------
@transaction.atomic
def pledge_approve(*, pledge: Pledge, actor: AbstractBaseUser, comment: str = "",
                   note: str = "", version: str | None = None) -> Pledge:
    """Approve ``pledge`` (see the module docstring) and return it, now ``sent_to_gcr``.

    ``comment``: optional words to the officers (kept in ``review_comment``, in their
    email); ``note``: internal, the audit row's note; ``version``: the ``pledge_version``
    the reviewer saw. Rule ``pledges.review``. Raises ``PermissionDenied``,
    ``NotAwaitingReview``, ``PledgeChanged``, ``NoGcrAddress``, ``ValidationError``
    (comment too long), ``Pledge.DoesNotExist`` (deleted meanwhile)."""
    _check(actor, "pledges.review", pledge)
    comment = _comment(comment, required=False)
    address = _gcr_address()
    locked = _lock(pledge)
    if locked.status != S.SUBMITTED:
        raise NotAwaitingReview()
    if version is not None and version != pledge_version(locked):
        raise PledgeChanged()
    before = {"status": locked.status, "review_comment": locked.review_comment}
    locked.status = S.SENT_TO_GCR
    locked.review_comment = comment
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["status", "review_comment", "reviewed_at", "updated_at"])
    email = tasks.queue_gcr_submission_email(locked, recipient=address)
    locked.gcr_email = email
    locked.save(update_fields=["gcr_email"])
    changes = _changes(before, locked)
    changes["gcr_email"] = [None, email.pk]
    audit_record(target=locked, action="pledge.approve", actor=actor, from_state=S.SUBMITTED,
                 to_state=locked.status, changes=changes, note=note)
    tasks.queue_pledge_officer_emails(locked, tasks.APPROVED)
    return locked


@transaction.atomic
def pledge_return(*, pledge: Pledge, actor: AbstractBaseUser, comment: str,
                  note: str = "") -> Pledge:
    """Send the submitted ``pledge`` back to its officers with ``comment`` (required: what
    to change) and return it, now ``returned`` (editable again). Rule ``pledges.review``.
    Raises ``PermissionDenied``, ``ValidationError`` (``comment_required``,
    ``comment_too_long``), ``NotAwaitingReview``, ``Pledge.DoesNotExist``. Audit
    ``pledge.return`` (the comment is its note unless ``note`` is given)."""
    _check(actor, "pledges.review", pledge)
    comment = _comment(comment, required=True)
    locked = _lock(pledge)
    if locked.status != S.SUBMITTED:
        raise NotAwaitingReview()
    before = {"status": locked.status, "review_comment": locked.review_comment}
    locked.status = S.RETURNED
    locked.review_comment = comment
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=["status", "review_comment", "reviewed_at", "updated_at"])
    audit_record(target=locked, action="pledge.return", actor=actor, from_state=S.SUBMITTED,
                 to_state=locked.status, changes=_changes(before, locked),
                 note=note or comment)
    tasks.queue_pledge_officer_emails(locked, tasks.RETURNED)
    return locked


# --- The GCR ----------------------------------------------------------------------------------
def _gcr_text(value, *, field: str, max_length: int) -> str:
    """A typed value of the publication form: refused (not cleaned) when it holds control
    characters (code ``null_characters``/``control_characters``), stripped, at most
    ``max_length`` (code ``<field>_too_long``)."""
    value = "" if value is None else str(value)
    refusal = control_characters_refusal(value)
    if refusal is not None:
        raise ValidationError({field: refusal})
    value = value.strip()
    if len(value) > max_length:
        raise ValidationError({field: ValidationError(
            _("This text is %(length)d characters long; at most %(max)d are accepted."),
            code=f"{field}_too_long", params={"length": len(value), "max": max_length})})
    return value


def gcr_publication_check(*, gcr_reference: str, gcr_url: str) -> tuple[str, str]:
    """``(reference, address)`` cleaned, or ``ValidationError`` by field: control characters
    (``control_characters``, ``null_characters``), too long, an address that is not
    ``http(s)://`` with a valid host (``gcr_url_invalid``), neither given
    (``gcr_reference_required``). For forms and ``pledge_record_publication`` alike."""
    reference = _gcr_text(gcr_reference, field="gcr_reference",
                          max_length=GCR_REFERENCE_MAX_LENGTH)
    url = _gcr_text(gcr_url, field="gcr_url", max_length=GCR_URL_MAX_LENGTH)
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError({"gcr_url": ValidationError(
                _("Enter the pledge's web address on the GCR platform, beginning with "
                  "https:// (or http://)."), code="gcr_url_invalid")}) from None
    if not reference and not url:
        raise ValidationError({"gcr_reference": ValidationError(
            _("Enter the GCR reference of the pledge, its address on the GCR platform, or "
              "both."), code="gcr_reference_required")})
    return reference, url


@transaction.atomic
def pledge_record_publication(*, pledge: Pledge, actor: AbstractBaseUser,
                              gcr_reference: str = "", gcr_url: str = "",
                              note: str = "") -> Pledge:
    """Record that the GCR published ``pledge`` (``sent_to_gcr`` → ``published``,
    ``published_at`` now; its officers are emailed), or correct the reference and address
    of a published pledge (no email; the same values again write nothing). Returns the
    pledge. Rule ``pledges.review``. Raises ``PermissionDenied``, ``ValidationError``
    (``gcr_publication_check``), ``NotWithTheGcr``, ``Pledge.DoesNotExist``. Audit
    ``pledge.publish``."""
    _check(actor, "pledges.review", pledge)
    reference, url = gcr_publication_check(gcr_reference=gcr_reference, gcr_url=gcr_url)
    locked = _lock(pledge)
    if locked.status not in WITH_THE_GCR:
        raise NotWithTheGcr()
    from_state = locked.status
    if (from_state == S.PUBLISHED and locked.gcr_reference == reference
            and locked.gcr_url == url):
        return locked
    before = {"status": locked.status, "gcr_reference": locked.gcr_reference,
              "gcr_url": locked.gcr_url}
    locked.status = S.PUBLISHED
    locked.gcr_reference = reference
    locked.gcr_url = url
    fields = ["status", "gcr_reference", "gcr_url", "updated_at"]
    if from_state != S.PUBLISHED:
        locked.published_at = timezone.now()
        fields.append("published_at")
    locked.save(update_fields=fields)
    audit_record(target=locked, action="pledge.publish", actor=actor, from_state=from_state,
                 to_state=locked.status, changes=_changes(before, locked), note=note)
    if from_state != S.PUBLISHED:
        tasks.queue_pledge_officer_emails(locked, tasks.PUBLISHED)
    return locked


@transaction.atomic
def pledge_email_gcr_again(*, pledge: Pledge, actor: AbstractBaseUser,
                           note: str = "") -> OutboundEmail:
    """Promise a new email with the pledge's Word documents to the GCR mailbox (the
    previous one failed, was cancelled, or the GCR asks for it again) and keep it on
    ``Pledge.gcr_email``; returns it. Refused while the previous one is still waiting to
    be sent (``GcrEmailPending``: no second copy by a double click). Rule
    ``pledges.review``. Raises ``PermissionDenied``, ``NotWithTheGcr``,
    ``GcrEmailPending``, ``NoGcrAddress``, ``Pledge.DoesNotExist``. Audit
    ``pledge.email_gcr``."""
    _check(actor, "pledges.review", pledge)
    address = _gcr_address()
    locked = _lock(pledge)
    if locked.status not in WITH_THE_GCR:
        raise NotWithTheGcr()
    previous = (OutboundEmail.objects.select_for_update().filter(pk=locked.gcr_email_id)
                .first() if locked.gcr_email_id else None)
    if previous is not None and previous.status == OutboundEmail.Status.PENDING:
        raise GcrEmailPending()
    email = tasks.queue_gcr_submission_email(locked, recipient=address)
    locked.gcr_email = email
    locked.save(update_fields=["gcr_email", "updated_at"])
    audit_record(target=locked, action="pledge.email_gcr", actor=actor,
                 from_state=locked.status, to_state=locked.status,
                 changes={"gcr_email": [previous.pk if previous else None, email.pk]},
                 note=note or (f"previous email: {previous.get_status_display()}"
                               if previous else ""))
    return email


# --- Reminder period --------------------------------------------------------------------------
def stale_after_months_check(value) -> int:
    """``value`` as a whole number of months in ``STALE_AFTER_MONTHS_RANGE``, or
    ``ValidationError({"stale_after_months": …})`` code ``stale_after_months_range``."""
    low, high = STALE_AFTER_MONTHS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError({"stale_after_months": ValidationError(
            _("Enter a whole number of months from %(low)d to %(high)d."),
            code="stale_after_months_range", params={"low": low, "high": high})})
    return value


@transaction.atomic
def reminder_settings_update(*, actor: AbstractBaseUser, stale_after_months: int,
                             note: str = "") -> PledgeReminderSettings:
    """Set the months without a progress report after which a published pledge is stale
    and its officers are reminded (``reminders``); returns the one row (created when
    missing). The same value again writes nothing. Rule ``pledges.edit_settings``. Raises
    ``PermissionDenied``, ``ValidationError`` (``stale_after_months_range``). Audit
    ``pledge_reminder_settings.set``."""
    _check(actor, "pledges.edit_settings")
    months = stale_after_months_check(stale_after_months)
    row = PledgeReminderSettings.objects.select_for_update().filter(pk=1).first()
    if row is None:
        row = PledgeReminderSettings(pk=1)
        old = None
    else:
        old = row.stale_after_months
        if old == months:
            return row
    row.stale_after_months = months
    row.save()
    audit_record(target=row, action="pledge_reminder_settings.set", actor=actor,
                 changes={"stale_after_months": [old, months]}, note=note)
    return row
