"""Emails of step 3, through the outbox (``core.outbox``), and the daily reminder task.

The services promise an email with ``queue_*`` in the transaction that changes the record:
one ``core.OutboundEmail`` row per recipient, of a kind below. Right before sending, its
handler re-reads the record and sends only while the email is still true (the event is
still approved, or still sent back by *that* review; the recipient is still an officer of
the local government; the local government still a signatory for a reminder); otherwise
the row is cancelled with the reason (``Skip``). Emails leave through
``core.mail.send_templated_mail`` (plain text, the recipient's language):

- ``event.approved`` / ``event.returned``: UNHCR approved an event, or sent it back with a
  comment; to every officer of the event's local government, each in their language
  (``officer_recipients``). ``args``: ``{"event_id", "user_id", "reviewed_at"}`` (ISO time
  of the review, so that a later review's email replaces an earlier one's) and, when sent
  back, ``"comment"`` (the words of that review).
- ``support.reply``: a reply of UNHCR to a support request, in the request's language, to
  the officer who asked (or, once that person is gone, the local government's officers).
  ``args``: ``{"reply_id", "user_id"}``.
- ``events.reminder``: World Refugee Day is coming: register a light-up or an event
  (``reminders``). ``args``: ``{"local_government_id", "year", "user_id"}``.

Recipients and their languages: ``recipients.py``.
"""

import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from withrefugees.core.mail import absolute_url, mail_language
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import Message, Skip, outbox_enqueue, outbox_handler

from . import reminders
from .models import Event, EventStatus, SupportReply, SupportRequest
from .recipients import is_officer as _is_officer
from .recipients import officer_recipients

APPROVED = "event.approved"
RETURNED = "event.returned"
SUPPORT_REPLY = "support.reply"
REMINDER = reminders.REMINDER
TEMPLATES = {APPROVED: "events/email/event_approved", RETURNED: "events/email/event_returned",
             SUPPORT_REPLY: "events/email/support_reply", REMINDER: "events/email/reminder"}


# --- Event decisions --------------------------------------------------------------------------
def queue_event_decision_emails(event: Event, kind: str) -> list[OutboundEmail]:
    """Promise ``kind`` (``APPROVED`` or ``RETURNED``) about ``event`` to each officer of its
    local government, in the caller's transaction. Returns the outbox rows (none when the
    local government has no officer)."""
    args = {"event_id": event.pk,
            "reviewed_at": event.reviewed_at.isoformat() if event.reviewed_at else ""}
    if kind == RETURNED:
        args["comment"] = event.review_comment
    return [outbox_enqueue(kind=kind, recipient=user.email, language=language, record=event,
                           args={**args, "user_id": user.pk})
            for user, language in officer_recipients(event.local_government_id)]


def _event_still(email: OutboundEmail, status: str) -> Event:
    event_id = email.args.get("event_id")
    event = (Event.objects.select_related("local_government__region",
                                          "local_government__country", "landmark")
             .filter(pk=event_id).first())
    if event is None:
        raise Skip(f"event {event_id} no longer exists")
    if event.status != status:
        raise Skip(f"event {event_id} is no longer {status} (now {event.status})")
    reviewed = parse_datetime(email.args.get("reviewed_at") or "")
    if reviewed and event.reviewed_at and event.reviewed_at > reviewed:
        raise Skip(f"event {event_id} was reviewed again since")
    if not _is_officer(email.args.get("user_id"), event.local_government_id):
        raise Skip(f"user {email.args.get('user_id')} is no longer an officer of the "
                   f"local government of event {event_id}")
    return event


def event_context(event: Event, language: str) -> dict:
    """What the event emails show: the event, its local government, its title and date in
    ``language``, the links of its public page and of its page in the workspace."""
    from .posts import event_date_text

    lg = event.local_government
    return {
        "event": event, "lg": lg,
        "title": event.localised("title", language),
        "when": event_date_text(event, language),
        "event_url": absolute_url("events:event", language=language, args=[event.pk]),
        "edit_url": absolute_url("workspace:event_edit", language=language,
                                 args=[lg.pk, event.pk]),
        "events_url": absolute_url("workspace:events", language=language, args=[lg.pk]),
    }


@outbox_handler(APPROVED, label=_("event approved"))
def event_approved_email(email: OutboundEmail) -> Message:
    """UNHCR approved the event: it is public (its page, the calendar, the feeds). Sent only
    while it is still approved by that review."""
    event = _event_still(email, EventStatus.APPROVED)
    return Message(to=email.recipient, language=email.language, template=TEMPLATES[APPROVED],
                   context=event_context(event, email.language))


@outbox_handler(RETURNED, label=_("event sent back"))
def event_returned_email(email: OutboundEmail) -> Message:
    """UNHCR sent the event back with a comment: what to change, and the link to edit and
    submit it again. Sent only while it is still sent back by that review."""
    event = _event_still(email, EventStatus.RETURNED)
    return Message(to=email.recipient, language=email.language, template=TEMPLATES[RETURNED],
                   context={**event_context(event, email.language),
                            "comment": email.args.get("comment") or event.review_comment,
                            "was_public": event.was_approved})


# --- Support replies --------------------------------------------------------------------------
def support_reply_recipients(support_request: SupportRequest) -> list[tuple[object, str]]:
    """``[(user, language)]``: the officer who asked (``requested_by``) while they are an
    active officer of the request's local government; else every officer of it. The
    language is the request's (that of the officer when asking)."""
    language = mail_language(support_request.language)
    asker = support_request.requested_by
    if asker is not None and _is_officer(asker.pk, support_request.local_government_id):
        return [(asker, language)]
    return [(user, language)
            for user, _lang in officer_recipients(support_request.local_government_id)]


def queue_support_reply_emails(reply: SupportReply) -> list[OutboundEmail]:
    """Promise the reply ``reply`` to ``support_reply_recipients``, in the caller's
    transaction."""
    support_request = reply.request
    return [outbox_enqueue(kind=SUPPORT_REPLY, recipient=user.email, language=language,
                           record=support_request,
                           args={"reply_id": reply.pk, "user_id": user.pk})
            for user, language in support_reply_recipients(support_request)]


@outbox_handler(SUPPORT_REPLY, label=_("reply to a support request"))
def support_reply_email(email: OutboundEmail) -> Message:
    """The reply of UNHCR, with what was asked for and the link to the request in the
    workspace. Sent while the reply exists and the recipient is still an officer."""
    reply_id = email.args.get("reply_id")
    reply = (SupportReply.objects.select_related("request__local_government__region",
                                                 "request__local_government__country",
                                                 "request__event")
             .filter(pk=reply_id).first())
    if reply is None:
        raise Skip(f"support reply {reply_id} no longer exists")
    support_request = reply.request
    lg = support_request.local_government
    if not _is_officer(email.args.get("user_id"), lg.pk):
        raise Skip(f"user {email.args.get('user_id')} is no longer an officer of {lg.pk}")
    language = email.language
    return Message(to=email.recipient, language=language, template=TEMPLATES[SUPPORT_REPLY],
                   context={"reply": reply, "support_request": support_request, "lg": lg,
                            "items": list(support_request.items.all()),
                            "event_title": (support_request.event.localised("title", language)
                                            if support_request.event else ""),
                            "request_url": absolute_url(
                                "workspace:support_request", language=language,
                                args=[lg.pk, support_request.pk])})


# --- World Refugee Day reminders ------------------------------------------------------------
@outbox_handler(REMINDER, label=_("World Refugee Day reminder"))
def reminder_email(email: OutboundEmail) -> Message:
    """World Refugee Day (20 June) is coming: register a light-up or an event, ask UNHCR for
    support. Sent while the local government is still a signatory, the recipient still one
    of its officers, and World Refugee Day of that year has not passed (in Japan's time)."""
    from withrefugees.places.models import LocalGovernment

    lg_id, year = email.args.get("local_government_id"), int(email.args.get("year") or 0)
    lg = LocalGovernment.objects.with_places().filter(pk=lg_id).first()
    if lg is None:
        raise Skip(f"local government {lg_id} no longer exists")
    if not reminders.is_signatory(lg.pk):
        raise Skip(f"local government {lg_id} is no longer a signatory")
    if not _is_officer(email.args.get("user_id"), lg.pk):
        raise Skip(f"user {email.args.get('user_id')} is no longer an officer of {lg_id}")
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    day = reminders.world_refugee_day(year)
    if today > day:
        raise Skip(f"World Refugee Day {year} has passed")
    language = email.language
    return Message(to=email.recipient, language=language, template=TEMPLATES[REMINDER],
                   context={"lg": lg, "year": year, "day": day,
                            "days_left": (day - today).days,
                            "event_new_url": absolute_url("workspace:event_new",
                                                          language=language, args=[lg.pk]),
                            "support_new_url": absolute_url("workspace:support_new",
                                                            language=language, args=[lg.pk]),
                            "wrd_url": absolute_url("events:world_refugee_day",
                                                    language=language, args=[year - 1])})


@db_periodic_task(crontab(hour="0", minute="30"))
def world_refugee_day_reminders_task() -> None:
    """Every day at 00:30 UTC (huey's scheduler runs in UTC: 09:30 in Japan), the reminders
    due that day (``reminders.reminders_send``); a day the worker missed is caught up the
    next day, since a reminder is due on *or after* its date."""
    reminders.reminders_send()
