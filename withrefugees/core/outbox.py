"""Email that is never lost: a transactional outbox (``core.models.OutboundEmail``).

A service that promises an email calls ``outbox_enqueue`` inside its own transaction: the
row is committed with the change it is about, or not at all. After commit, a huey task
delivers it at once (the fast path); if the queue cannot be reached (Redis down), the row
waits for the sweeper, nothing is lost. The sweeper (``outbox_sweep``, every minute and
when the task worker starts) delivers every pending row that is due and that no live
worker holds. So each crash point is covered: killed between commit and enqueue, task
lost from the queue (Redis pops without acknowledgement), worker stopped by SIGTERM or
SIGKILL while talking to the SMTP server.

Delivery (``outbox_deliver``), one row at a time, never inside a transaction:

1. claim: one ``UPDATE … WHERE status='pending' AND next_attempt_at <= now AND
   (claimed_until IS NULL OR claimed_until < now)`` sets ``claimed_until`` (now +
   ``settings.EMAIL_OUTBOX_CLAIM_TIMEOUT``, 15 minutes by default), a random
   ``claim_token`` and ``attempts + 1``. The database runs it atomically on SQLite and
   PostgreSQL, so two workers never both get a row;
2. the kind's handler (registered with ``@outbox_handler(kind)`` by the app, e.g.
   ``campaign/tasks.py``) re-reads the record and returns the ``Message``, or raises
   ``Skip`` when the email is no longer relevant (status ``cancelled``, with the reason);
3. the message goes to the SMTP server (``core.mail.send_templated_mail`` over a connection
   opened here, each socket operation limited by ``EMAIL_TIMEOUT`` or
   ``core.mail.SMTP_TIMEOUT``);
4. right after the server has accepted it, and before ``QUIT``, the row is marked ``sent``
   (one autocommit ``UPDATE``).

An error in 2 or 3 is recorded (``error``, ``last_error``: the SMTP reply or exception, no
secrets) and the row waits ``BACKOFF`` (1, 5, 15, 60 minutes) before the next attempt;
after ``MAX_ATTEMPTS`` attempts, or at once when the server refuses the address for good
(5xx to ``RCPT``), it is ``failed``: staff see it in the admin and the signer's page says
to contact the campaign. A worker killed mid-send leaves its claim: the row is due again
when the claim expires, and an attempt interrupted that way counts as an attempt.

Not twice: a row is sent only by the worker holding its claim. The one window that cannot
be closed is between the SMTP server's acceptance of the message (the reply to ``DATA``)
and the ``sent`` write, a few milliseconds: a crash exactly there sends the message again
once the claim expires (SMTP has no two-phase commit). An SMTP exchange slower than the
claim (impossible while ``EMAIL_TIMEOUT`` × the exchange's few commands stays below it) is
the other way to a second copy; the late worker logs it.
"""

import logging
import os
import secrets
import smtplib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from .audit import audit_record
from .errors import ServiceError
from .mail import mail_connection, send_templated_mail
from .models import OutboundEmail

logger = logging.getLogger(__name__)
Status = OutboundEmail.Status
Error = OutboundEmail.Error

#: Wait before attempt n + 1 after attempt n failed (n = 1…4); then the email has failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
           timedelta(minutes=60))
MAX_ATTEMPTS = len(BACKOFF) + 1
#: Rows delivered by one run of the sweeper at most (the next run takes the rest).
SWEEP_BATCH = 100
#: Length of ``last_error``, characters.
ERROR_LENGTH = 500


@dataclass(frozen=True)
class Message:
    """What a handler asks to send: ``core.mail.send_templated_mail``'s arguments
    (``attachments``: ``(filename, content bytes, MIME type)`` triples, built by the handler
    from the record when the email is sent, e.g. a pledge's Word document)."""

    to: str
    language: str
    template: str
    context: dict = field(default_factory=dict)
    attachments: tuple[tuple[str, bytes, str], ...] = ()


class Skip(Exception):  # noqa: N818 (not an error: the email is no longer relevant)
    """Raised by a handler when its email is no longer relevant; the message is the
    reason, for staff (e.g. "signature 7 is no longer unconfirmed")."""


class NotRetryable(ServiceError):
    code = "outbox_not_retryable"
    message = _("Only an email that failed, or is waiting for its next attempt, can be "
                "sent again now.")


@dataclass(frozen=True)
class Handler:
    kind: str
    label: str
    build: Callable[[OutboundEmail], Message]


_HANDLERS: dict[str, Handler] = {}


def outbox_handler(kind: str, *, label: str = "") -> Callable:
    """Register ``function(email: OutboundEmail) -> Message`` as the handler of ``kind``
    (raises ``Skip`` when the email is no longer relevant). ``label``: how staff read the
    kind. The app's ``tasks.py`` registers its handlers: huey imports it in the worker."""

    def register(function: Callable[[OutboundEmail], Message]):
        _HANDLERS[kind] = Handler(kind=kind, label=label or kind, build=function)
        return function

    return register


#: Argument names whose values are secrets (a link token, a sign-in code, a message body
#: that carries one): kept for the handler, never shown to staff (``public_args``).
SECRET_ARG_MARKERS = ("token", "secret", "code", "body", "subject", "password", "key")


def public_args(args: dict) -> dict:
    """``args`` with the value of every argument whose name contains one of
    ``SECRET_ARG_MARKERS`` replaced by ``"(hidden)"``."""
    return {name: "(hidden)" if any(m in name.lower() for m in SECRET_ARG_MARKERS) else value
            for name, value in (args or {}).items()}


def kind_label(kind: str) -> str:
    """How staff read ``kind`` (its handler's label, else the kind itself)."""
    handler = _HANDLERS.get(kind)
    return str(handler.label) if handler else kind


def claim_timeout() -> timedelta:
    """How long a worker owns a row it is sending (``EMAIL_OUTBOX_CLAIM_TIMEOUT``, s)."""
    return timedelta(seconds=getattr(settings, "EMAIL_OUTBOX_CLAIM_TIMEOUT", 900))


# --- Writes ---------------------------------------------------------------------------------
def outbox_enqueue(*, kind: str, recipient: str, language: str, args: dict | None = None,
                   record: models.Model | None = None,
                   deliver_after_commit: bool = True) -> OutboundEmail:
    """Promise an email: one ``pending`` row, written in the caller's transaction (call it
    inside the service's ``transaction.atomic``; outside one it commits at once).

    ``kind``: a registered handler (``outbox_handler``); ``args``: its JSON arguments;
    ``record``: the saved model instance the email is about (shown with it in the admin).
    After commit, the delivery is queued (huey); a queue that cannot be reached is logged
    and the sweeper sends the row instead. ``deliver_after_commit=False``: the caller
    delivers it itself (``outbox_deliver``).
    """
    email = OutboundEmail.objects.create(
        kind=kind, args=args or {}, recipient=recipient, language=language,
        content_type=(ContentType.objects.get_for_model(record, for_concrete_model=True)
                      if record is not None else None),
        object_id=str(record.pk) if record is not None else "",
    )
    if deliver_after_commit:
        transaction.on_commit(lambda: _queue_delivery(email.pk))
    return email


def _queue_delivery(email_id: int) -> None:
    try:
        outbox_deliver_task(email_id)
    except Exception:  # e.g. redis.ConnectionError: the row is committed, the sweeper sends
        logger.warning("Email %s: could not queue its delivery; the sweeper will send it",
                       email_id, exc_info=True)


@transaction.atomic
def outbox_retry(*, email: OutboundEmail, actor=None, note: str = "") -> OutboundEmail:
    """Staff send a ``failed`` email (or a ``pending`` one waiting for its next attempt)
    again now, with a fresh run of attempts. Writes one audit row
    ``outboundemail.retry`` (``failed`` → ``pending``). Raises ``NotRetryable`` for an
    email sent, cancelled or being sent right now."""
    email = OutboundEmail.objects.select_for_update().get(pk=email.pk)
    now = timezone.now()
    claimed = email.claimed_until is not None and email.claimed_until >= now
    if email.status not in (Status.FAILED, Status.PENDING) or claimed:
        raise NotRetryable()
    before = email.status
    changes = {"attempts": [email.attempts, 0]}
    email.status = Status.PENDING
    email.attempts = 0
    email.next_attempt_at = now
    email.claimed_until = None
    email.claim_token = ""
    email.updated_at = now
    email.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_until",
                              "claim_token", "updated_at"])
    audit_record(target=email, action="outboundemail.retry", actor=actor, from_state=before,
                 to_state=email.status, changes=changes, note=note)
    transaction.on_commit(lambda: _queue_delivery(email.pk))
    return email


# --- Delivery -------------------------------------------------------------------------------
def _due(now) -> Q:
    return (Q(status=Status.PENDING, next_attempt_at__lte=now)
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)))


def _process_space() -> str:
    """``host:boot:pid-namespace`` of this process: where its pid means something. Two
    containers may share a host name (``--network host``, a fixed ``hostname:``) but not a
    pid namespace (its inode, from ``/proc/self/ns/pid``); two machines may share a host
    name and the initial namespace's inode, not the kernel's boot id
    (``/proc/sys/kernel/random/boot_id``). Without /proc, the host name."""
    try:
        namespace = str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        namespace = "-"
    try:  # hosts of one name (VMs, bare metal share the initial pid namespace's inode)
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            boot = fh.read().strip()[:8]
    except OSError:
        boot = "-"
    return f"{socket.gethostname()[:40]}:{boot}:{namespace}"


def _worker_id() -> str:
    """``host:pid-namespace:pid`` of this process: the first part of a claim token, so that
    a worker starting in the same process space can tell a claim of a dead process
    (``_release_dead_claims``)."""
    return f"{_process_space()}:{os.getpid()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # exists (another user's) or unreadable: assume alive
    return True


def _release_dead_claims() -> int:
    """Give back at once the claims held by processes of this host and pid namespace that
    no longer run (a worker stopped by SIGTERM or SIGKILL mid-send, then restarted): their
    rows are due now rather than when the claim would expire (``EMAIL_OUTBOX_CLAIM_TIMEOUT``).
    Claims of other hosts or containers wait for their expiry (their processes cannot be
    checked from here).
    A reused pid keeps a claim until it expires (no harm, only the wait). Returns how
    many claims were released."""
    host = f"{_process_space()}:"
    released = 0
    held = (OutboundEmail.objects.filter(status=Status.PENDING, claimed_until__gte=timezone.now(),
                                         claim_token__startswith=host)
            .values_list("pk", "claim_token"))
    for pk, token in held:
        pid = token[len(host):].partition(":")[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _process_alive(int(pid)):
            continue
        released += OutboundEmail.objects.filter(pk=pk, status=Status.PENDING,
                                                 claim_token=token).update(
            claimed_until=None, claim_token="", updated_at=timezone.now())
        logger.warning("Email %s: its worker (pid %s) stopped while sending; sending again",
                       pk, pid)
    return released


def _claim(email_id: int) -> tuple[OutboundEmail, str] | None:
    """Take the row if it is due and nobody holds it: ``(row, token)``, else None."""
    now = timezone.now()
    token = f"{_worker_id()}:{secrets.token_hex(8)}"
    taken = OutboundEmail.objects.filter(_due(now), pk=email_id).update(
        claimed_until=now + claim_timeout(), claim_token=token,
        attempts=F("attempts") + 1, updated_at=now)
    if not taken:
        return None
    return OutboundEmail.objects.get(pk=email_id), token


def _clean(text: str) -> str:
    """``text`` without the SMTP credentials, on one line, at most ``ERROR_LENGTH``."""
    for secret in (getattr(settings, "EMAIL_HOST_PASSWORD", ""),
                   getattr(settings, "EMAIL_HOST_USER", "")):
        if secret:
            text = text.replace(secret, "***")
    return " ".join(text.split())[:ERROR_LENGTH]


def _reply(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def classify(exc: BaseException) -> tuple[str, str, bool]:
    """``(Error code, reason for staff, permanent?)`` of a failed attempt. Permanent: the
    server refused every recipient with a 5xx reply (RFC 5321 4.2.1: do not repeat), or
    the address cannot be written in SMTP at all."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        permanent = bool(replies) and all(code >= 500 for code, _msg in replies)
        detail = "; ".join(f"{code} {_reply(msg)}" for code, msg in replies)
        return (Error.REFUSED if permanent else Error.OTHER,
                _clean(f"{name}: the server refused the address: {detail}"), permanent)
    if isinstance(exc, smtplib.SMTPConnectError):
        return Error.UNREACHABLE, _clean(f"{name}: {exc.smtp_code} {_reply(exc.smtp_error)}"), False
    if isinstance(exc, smtplib.SMTPResponseException):
        return Error.OTHER, _clean(f"{name}: {exc.smtp_code} {_reply(exc.smtp_error)}"), False
    if isinstance(exc, smtplib.SMTPNotSupportedError | UnicodeError):
        return (Error.REFUSED,
                _clean(f"{name}: the address cannot be written in an email: {exc}"), True)
    if isinstance(exc, OSError):  # refused, timed out, disconnected, name not found
        return Error.UNREACHABLE, _clean(f"{name}: {exc}"), False
    return Error.OTHER, _clean(f"{name}: {exc}"), False


def _finish(email: OutboundEmail, token: str, **values) -> bool:
    """Write the outcome of the attempt holding ``token``; False if the claim was lost."""
    values.setdefault("claimed_until", None)
    values.setdefault("claim_token", "")
    values["updated_at"] = timezone.now()
    done = OutboundEmail.objects.filter(pk=email.pk, status=Status.PENDING,
                                        claim_token=token).update(**values)
    if not done:
        logger.warning("Email %s: its claim expired during the attempt; outcome not written",
                       email.pk)
    return bool(done)


def _failed_attempt(email: OutboundEmail, token: str, error: str, reason: str,
                    permanent: bool) -> str:
    if permanent or email.attempts >= MAX_ATTEMPTS:
        _finish(email, token, status=Status.FAILED, error=error, last_error=reason)
        logger.error("Email %s (%s) failed after %s attempt(s): %s", email.pk, email.kind,
                     email.attempts, reason)
        return Status.FAILED
    wait = BACKOFF[email.attempts - 1]
    _finish(email, token, error=error, last_error=reason,
            next_attempt_at=timezone.now() + wait)
    logger.warning("Email %s (%s), attempt %s of %s: %s; next attempt in %s", email.pk,
                   email.kind, email.attempts, MAX_ATTEMPTS, reason, wait)
    return Status.PENDING


def outbox_deliver(*, email_id: int) -> str | None:
    """Attempt to send one outbox row (steps in the module doc). Returns the row's status
    after the attempt (``sent``, ``pending`` = will be tried again, ``failed``,
    ``cancelled``), or None when it was not due, not pending or held by another worker
    (nothing done). Errors of the handler or the mail server are recorded, not raised."""
    claimed = _claim(email_id)
    if claimed is None:
        return None
    email, token = claimed
    if email.attempts > MAX_ATTEMPTS:  # the worker stopped during every attempt so far
        reason = email.last_error or "the task worker stopped during every attempt"
        return _failed_attempt(email, token, email.error or Error.OTHER, reason, True)
    handler = _HANDLERS.get(email.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for the kind {email.kind!r}")
        message = handler.build(email)
    except Skip as skip:
        _finish(email, token, status=Status.CANCELLED, last_error=_clean(str(skip)))
        logger.info("Email %s (%s) cancelled: %s", email.pk, email.kind, skip)
        return Status.CANCELLED
    except Exception as exc:
        logger.exception("Email %s (%s): could not be prepared", email.pk, email.kind)
        return _failed_attempt(email, token, Error.OTHER, _clean(f"{type(exc).__name__}: {exc}"),
                               False)
    connection = mail_connection()
    try:
        connection.open()
        send_templated_mail(to=[message.to], language=message.language,
                            template=message.template, context=message.context,
                            attachments=message.attachments, connection=connection)
    except Exception as exc:
        error, reason, permanent = classify(exc)
        _close(connection)
        return _failed_attempt(email, token, error, reason, permanent)
    # Accepted by the server: record it before anything else can fail (QUIT comes after).
    now = timezone.now()
    marked = OutboundEmail.objects.filter(pk=email.pk, status=Status.PENDING).update(
        status=Status.SENT, sent_at=now, updated_at=now, recipient=message.to,
        claimed_until=None, claim_token="", error=Error.NONE, last_error="")
    if not marked:  # the claim expired mid-send and another worker finished it
        logger.warning("Email %s (%s) sent after its claim had expired: the recipient may "
                       "get it twice", email.pk, email.kind)
    _close(connection)
    logger.info("Email %s (%s) sent, attempt %s", email.pk, email.kind, email.attempts)
    return Status.SENT


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # the message is already accepted (or already failed)
        logger.info("Closing the mail connection failed", exc_info=True)


def outbox_sweep(*, limit: int = SWEEP_BATCH) -> int:
    """Deliver the pending rows that are due and held by no live worker (oldest first, at
    most ``limit``): rows whose queued delivery was lost, retries whose time has come, rows
    of a worker that died mid-send (at once when it ran on this host, else once the claim
    has expired). Returns how many were
    attempted."""
    _release_dead_claims()
    ids = list(OutboundEmail.objects.filter(_due(timezone.now()))
               .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    attempted = sum(outbox_deliver(email_id=pk) is not None for pk in ids)
    if attempted:
        logger.info("Outbox sweep: %s email(s) attempted", attempted)
    return attempted


# --- Reads ----------------------------------------------------------------------------------
def outbox_for_record(record: models.Model) -> models.QuerySet[OutboundEmail]:
    """The emails about ``record``, newest first."""
    return OutboundEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(record, for_concrete_model=True),
        object_id=str(record.pk)).order_by("-created_at", "-pk")


def mask_address(address: str) -> str:
    """``hanako@example.jp`` → ``h•••••@example.jp`` (lists show who without the whole
    address)."""
    local, at, domain = address.rpartition("@")
    if not at:
        return "•" * min(len(address), 8)
    return f"{local[:1]}{'•' * max(len(local) - 1, 1)}@{domain}"


# --- Task worker (huey) ---------------------------------------------------------------------
@db_task()
def outbox_deliver_task(email_id: int) -> None:
    """The fast path: deliver one row right after the commit that promised it."""
    outbox_deliver(email_id=email_id)


@db_periodic_task(crontab(minute="*"))
def outbox_sweep_task() -> None:
    """Every minute (the consumer's scheduler; ``run_huey`` runs periodic tasks unless
    given ``--no-periodic``)."""
    outbox_sweep()


_started = threading.Lock()
_sweep_queued_at_start = False


@on_startup()
def _sweep_when_the_worker_starts() -> None:
    """Once per consumer process (each worker thread runs the startup hooks): queue a sweep,
    so that what a previous worker left is sent without waiting for the minute."""
    global _sweep_queued_at_start
    with _started:
        if _sweep_queued_at_start:
            return
        _sweep_queued_at_start = True
    outbox_sweep_task()
