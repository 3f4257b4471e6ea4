"""Emails of step 4, through the outbox (``core.outbox``), and the daily reminder task.

The services promise an email with ``queue_*`` in the transaction that changes the pledge:
one ``core.OutboundEmail`` row per recipient, of a kind below. Right before sending, its
handler re-reads the pledge and sends only while the email is still true (the pledge is
still in the state the email announces, by *that* review; the recipient is still an
officer of the lead local government); otherwise the row is cancelled with the reason
(``Skip``). Emails leave through ``core.mail.send_templated_mail`` (plain text, the
recipient's language):

- ``pledge.gcr_submission``: the pledge, approved by UNHCR staff, to the GCR pledge mailbox
  (``settings.GCR_PLEDGE_EMAIL``, in English): the lead local government, the title, the
  platform's page, the contact (this email is to UNHCR, not public), and the Word
  documents in English and Japanese (``documents.pledge_docx``), built when the email is
  sent (the pledge's content does not change after approval). Sent while the pledge is
  with the GCR (``sent_to_gcr``/``published``) and this email is still its
  ``gcr_email`` (a newer one replaces it). ``args``: ``{"pledge_id"}``.
- ``pledge.approved`` / ``pledge.returned``: UNHCR approved the pledge (sent to the GCR,
  now public) or sent it back with a comment; ``pledge.published``: staff recorded its
  GCR reference. To every officer of the lead, each in their language
  (``recipients.officer_recipients``). ``args``: ``{"pledge_id", "user_id",
  "reviewed_at"}`` (ISO time of the review, so that a later review's email replaces an
  earlier one's) and, when sent back, ``"comment"``.
- ``pledge.progress_reminder``: no progress report for the period (``reminders``).
  ``args``: ``{"pledge_id", "due_on", "anchor", "user_id"}``; not sent once a progress
  report has moved the anchor.
"""

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from withrefugees.core.mail import absolute_url
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import Message, Skip, outbox_enqueue, outbox_handler

from . import reminders
from .models import PUBLIC_STATUSES, Pledge, PledgeStatus
from .recipients import GCR_LANGUAGE, officer_recipients
from .recipients import is_officer as _is_officer

GCR_SUBMISSION = "pledge.gcr_submission"
APPROVED = "pledge.approved"
RETURNED = "pledge.returned"
PUBLISHED = "pledge.published"
#: To UNHCR's campaign address: a pledge awaits review (``services.pledge_submit``).
SUBMITTED = "pledge.submitted"
REMINDER = reminders.REMINDER
TEMPLATES = {GCR_SUBMISSION: "pledges/email/gcr_submission",
             APPROVED: "pledges/email/pledge_approved",
             RETURNED: "pledges/email/pledge_returned",
             PUBLISHED: "pledges/email/pledge_published",
             SUBMITTED: "pledges/email/pledge_submitted",
             REMINDER: "pledges/email/progress_reminder"}
#: The state each officer email announces.
ANNOUNCES = {APPROVED: PledgeStatus.SENT_TO_GCR, RETURNED: PledgeStatus.RETURNED,
             PUBLISHED: PledgeStatus.PUBLISHED}
#: MIME type of a Word document (.docx).
DOCX_MIME_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The languages of the documents attached to the email to the GCR, in this order.
GCR_DOCUMENT_LANGUAGES = ("en", "ja")


def _pledge(pledge_id) -> Pledge:
    pledge = (Pledge.objects.select_related("local_government__region",
                                            "local_government__country")
              .filter(pk=pledge_id).first()) if pledge_id else None
    if pledge is None:
        raise Skip(f"pledge {pledge_id} no longer exists")
    return pledge


# --- The GCR mailbox --------------------------------------------------------------------------
def queue_gcr_submission_email(pledge: Pledge, *, recipient: str) -> OutboundEmail:
    """Promise the email of ``pledge`` to the GCR mailbox ``recipient``, in the caller's
    transaction; the caller keeps it on ``Pledge.gcr_email``."""
    return outbox_enqueue(kind=GCR_SUBMISSION, recipient=recipient, language=GCR_LANGUAGE,
                          record=pledge, args={"pledge_id": pledge.pk})


def _as_bytes(document) -> bytes:
    """The document ``documents.pledge_docx`` built (bytes, or a file-like object)."""
    if isinstance(document, bytes | bytearray | memoryview):
        return bytes(document)
    if hasattr(document, "getvalue"):
        return document.getvalue()
    return document.read()


def gcr_attachments(pledge: Pledge) -> tuple[tuple[str, bytes, str], ...]:
    """The Word documents of ``pledge`` in ``GCR_DOCUMENT_LANGUAGES``, as outbox
    attachments ``(filename, bytes, DOCX_MIME_TYPE)``."""
    from withrefugees.pledges.documents import document_filename, pledge_docx

    return tuple((document_filename(pledge, language=language, extension="docx"),
                  _as_bytes(pledge_docx(pledge, language=language)), DOCX_MIME_TYPE)
                 for language in GCR_DOCUMENT_LANGUAGES)


def gcr_context(pledge: Pledge) -> dict:
    """What the email to the GCR shows (in English): the lead local government, the title
    in both languages, the expected impact, the forum and multistakeholder pledges, the
    co-pledgers, the platform's public page and the contact (labels read in English)."""
    with translation.override(GCR_LANGUAGE):
        return _gcr_context(pledge)


def _gcr_context(pledge: Pledge) -> dict:
    return {
        "pledge": pledge, "lg": pledge.local_government,
        "title_en": pledge.title_en, "title_ja": pledge.title_ja,
        "impact": pledge.localised("expected_impact", "en"),
        "forum": pledge.get_forum_display(),
        "multistakeholder": [m.localised("name", "en")
                             for m in pledge.multistakeholder_pledges.all()],
        "co_pledgers": [str(c) for c in pledge.co_pledgers.select_related(
                            "local_government__region", "local_government__country")],
        "pledge_url": absolute_url("pledges:pledge", language=GCR_LANGUAGE, args=[pledge.pk]),
        "contact_name": pledge.contact_name, "contact_email": pledge.contact_email,
        "languages": GCR_DOCUMENT_LANGUAGES,
    }


@outbox_handler(GCR_SUBMISSION, label=_("pledge to the GCR mailbox"))
def gcr_submission_email(email: OutboundEmail) -> Message:
    """The pledge, with its Word documents (English and Japanese), to the GCR mailbox.
    Sent while the pledge is with the GCR and this email is its ``gcr_email``."""
    pledge = _pledge(email.args.get("pledge_id"))
    if pledge.status not in PUBLIC_STATUSES:
        raise Skip(f"pledge {pledge.pk} is not approved (now {pledge.status})")
    if pledge.gcr_email_id != email.pk:
        raise Skip(f"a newer email to the GCR replaced this one for pledge {pledge.pk}")
    return Message(to=email.recipient, language=GCR_LANGUAGE,
                   template=TEMPLATES[GCR_SUBMISSION], context=gcr_context(pledge),
                   attachments=gcr_attachments(pledge))


# --- The officers -----------------------------------------------------------------------------
def queue_pledge_officer_emails(pledge: Pledge, kind: str) -> list[OutboundEmail]:
    """Promise ``kind`` (``APPROVED``, ``RETURNED``, ``PUBLISHED``) about ``pledge`` to each
    officer of its lead local government, in the caller's transaction. Returns the outbox
    rows (none when it has no officer)."""
    args = {"pledge_id": pledge.pk,
            "reviewed_at": pledge.reviewed_at.isoformat() if pledge.reviewed_at else ""}
    if kind == RETURNED:
        args["comment"] = pledge.review_comment
    return [outbox_enqueue(kind=kind, recipient=user.email, language=language, record=pledge,
                           args={**args, "user_id": user.pk})
            for user, language in officer_recipients(pledge.local_government_id)]


def _pledge_still(email: OutboundEmail, status: str) -> Pledge:
    pledge = _pledge(email.args.get("pledge_id"))
    if pledge.status != status:
        raise Skip(f"pledge {pledge.pk} is no longer {status} (now {pledge.status})")
    reviewed = parse_datetime(email.args.get("reviewed_at") or "")
    if reviewed and pledge.reviewed_at and pledge.reviewed_at > reviewed:
        raise Skip(f"pledge {pledge.pk} was reviewed again since")
    if not _is_officer(email.args.get("user_id"), pledge.local_government_id):
        raise Skip(f"user {email.args.get('user_id')} is no longer an officer of the "
                   f"lead local government of pledge {pledge.pk}")
    return pledge


def pledge_context(pledge: Pledge, language: str) -> dict:
    """What the officers' emails show: the pledge, its lead, its title in ``language``, the
    links of its public page, its page and progress page in the workspace."""
    lg = pledge.local_government
    return {
        "pledge": pledge, "lg": lg, "title": pledge.localised("title", language),
        "pledge_url": absolute_url("pledges:pledge", language=language, args=[pledge.pk]),
        "edit_url": absolute_url("workspace:pledge_edit", language=language,
                                 args=[lg.pk, pledge.pk]),
        "progress_url": absolute_url("workspace:pledge_progress", language=language,
                                     args=[lg.pk, pledge.pk]),
    }


@outbox_handler(APPROVED, label=_("pledge approved and sent to the GCR"))
def pledge_approved_email(email: OutboundEmail) -> Message:
    """UNHCR approved the pledge and sends it to the GCR; it is public on the platform."""
    pledge = _pledge_still(email, ANNOUNCES[APPROVED])
    return Message(to=email.recipient, language=email.language, template=TEMPLATES[APPROVED],
                   context=pledge_context(pledge, email.language))


@outbox_handler(RETURNED, label=_("pledge sent back"))
def pledge_returned_email(email: OutboundEmail) -> Message:
    """UNHCR sent the pledge back with a comment: what to change, and the link to edit it
    and submit it again."""
    pledge = _pledge_still(email, ANNOUNCES[RETURNED])
    return Message(to=email.recipient, language=email.language, template=TEMPLATES[RETURNED],
                   context={**pledge_context(pledge, email.language),
                            "comment": email.args.get("comment") or pledge.review_comment})


@outbox_handler(PUBLISHED, label=_("pledge published by the GCR"))
def pledge_published_email(email: OutboundEmail) -> Message:
    """The GCR published the pledge: its reference and address, and how to report
    progress. Sent while it is published."""
    pledge = _pledge(email.args.get("pledge_id"))
    if pledge.status != PledgeStatus.PUBLISHED:
        raise Skip(f"pledge {pledge.pk} is no longer published (now {pledge.status})")
    if not _is_officer(email.args.get("user_id"), pledge.local_government_id):
        raise Skip(f"user {email.args.get('user_id')} is no longer an officer of the "
                   f"lead local government of pledge {pledge.pk}")
    return Message(to=email.recipient, language=email.language, template=TEMPLATES[PUBLISHED],
                   context={**pledge_context(pledge, email.language),
                            "months": reminders.stale_after_months()})


@outbox_handler(REMINDER, label=_("reminder to report progress on a pledge"))
def reminder_email(email: OutboundEmail) -> Message:
    """No progress report on the pledge for the period: report progress. Sent while the
    pledge is published, has no newer progress report than when the reminder was due,
    and the recipient is still an officer of its lead."""
    pledge = _pledge(email.args.get("pledge_id"))
    if pledge.status != PledgeStatus.PUBLISHED:
        raise Skip(f"pledge {pledge.pk} is no longer published (now {pledge.status})")
    anchor = reminders.pledge_anchor(pledge)
    if anchor is None or anchor.isoformat() != email.args.get("anchor"):
        raise Skip(f"pledge {pledge.pk} has a new progress report since")
    if not _is_officer(email.args.get("user_id"), pledge.local_government_id):
        raise Skip(f"user {email.args.get('user_id')} is no longer an officer of the "
                   f"lead local government of pledge {pledge.pk}")
    language = email.language
    return Message(to=email.recipient, language=language, template=TEMPLATES[REMINDER],
                   context={**pledge_context(pledge, language), "anchor": anchor,
                            "reported": pledge.progress_reported_on is not None,
                            "months": reminders.months_between(
                                anchor, datetime.date.fromisoformat(email.args["due_on"]))})


@db_periodic_task(crontab(hour="0", minute="45"))
def pledge_reminders_task() -> None:
    """Every day at 00:45 UTC (huey's scheduler runs in UTC: 09:45 in Japan), the progress
    reminders due (``reminders.send_pledge_reminders``); a day the worker missed is caught
    up the next day (the due date stays until the next one)."""
    reminders.send_pledge_reminders()


# --- UNHCR: a pledge awaits review --------------------------------------------------------------
def queue_review_notice(pledge: Pledge) -> OutboundEmail | None:
    """Promise UNHCR's campaign address (``settings.CAMPAIGN_CONTACT_EMAIL``; none when it
    is empty) a notice that ``pledge`` awaits review, in the caller's transaction."""
    if not settings.CAMPAIGN_CONTACT_EMAIL:
        return None
    return outbox_enqueue(kind=SUBMITTED, recipient=settings.CAMPAIGN_CONTACT_EMAIL,
                          language=settings.LANGUAGE_CODE, record=pledge,
                          args={"pledge_id": pledge.pk})


@outbox_handler(SUBMITTED, label=_("pledge awaiting review (to UNHCR)"))
def pledge_submitted_email(email: OutboundEmail) -> Message:
    """A pledge awaits UNHCR's review: its lead, title and the review page. Sent while it is
    still submitted."""
    pledge = _pledge(email.args.get("pledge_id"))
    if pledge.status != PledgeStatus.SUBMITTED:
        raise Skip(f"pledge {pledge.pk} no longer awaits review (now {pledge.status})")
    return Message(to=email.recipient, language=email.language, template=TEMPLATES[SUBMITTED],
                   context={**pledge_context(pledge, email.language),
                            "review_url": absolute_url("admin:pledges_pledge_review",
                                                       language=email.language,
                                                       args=[pledge.pk])})
