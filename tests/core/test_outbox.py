"""The email outbox (issue 6, §3): promised in the transaction of the change, delivered
after commit or by the sweeper, claimed by one worker at a time, retried with backoff,
failed for good with the reason, cancelled when no longer relevant, never lost when the
queue cannot be reached.

Tasks run in huey's immediate mode (tests/conftest.py). A worker that died is simulated by
the state it leaves: a row claimed, with an attempt counted, and the claim in the past."""

import logging
import os
import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.campaign.test_signing import sign
from tests.factories import SignatureFactory, StaffFactory, SuperuserFactory
from withrefugees.campaign import services, tasks
from withrefugees.campaign.models import Signature
from withrefugees.core import outbox
from withrefugees.core.audit import audit_history
from withrefugees.core.models import OutboundEmail

pytestmark = pytest.mark.django_db
S = Signature.Status
E = OutboundEmail.Status


class FailingBackend(LocmemBackend):
    """The locmem backend that raises ``error`` (a class attribute) instead of sending,
    and counts how often it was asked."""

    error: BaseException | None = None
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).error is not None:
            raise type(self).error
        return super().send_messages(messages)


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = "tests.core.test_outbox.FailingBackend"
    FailingBackend.error, FailingBackend.calls = None, 0
    yield FailingBackend
    FailingBackend.error = None


def confirm_row(signature) -> OutboundEmail:
    return outbox.outbox_for_record(signature).get(kind=tasks.CONFIRM)


def make_due(email: OutboundEmail) -> None:
    """Let the time of the next attempt come."""
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1))


# --- Promised in the transaction ------------------------------------------------------------
def test_signing_writes_the_row_with_the_signature_and_sends_it_once(client, mailoutbox):
    assert sign(client, lang="en").status_code == 302
    signature = Signature.objects.get(local_government__jis_code="342084")
    email = confirm_row(signature)
    assert email.status == E.SENT and email.sent_at is not None and email.attempts == 1
    assert email.recipient == signature.email and email.language == "en"
    assert email.args == {"signature_id": signature.pk, "expected_status": "unconfirmed"}
    assert len(mailoutbox) == 1
    assert outbox.outbox_deliver(email_id=email.pk) is None  # sent: never again
    assert outbox.outbox_sweep() == 0
    assert len(mailoutbox) == 1


def test_a_rolled_back_change_promises_nothing(mailoutbox, django_capture_on_commit_callbacks):
    signature = SignatureFactory(status=S.PENDING)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            services.signature_publish(signature=signature, actor=None)
            raise RuntimeError("the request failed after the change")
    assert not OutboundEmail.objects.exists()
    assert not mailoutbox


def test_every_promised_email_is_an_outbox_row(mailoutbox, django_capture_on_commit_callbacks):
    signature = SignatureFactory(status=S.PENDING, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_publish(signature=signature, actor=None)
        services.signature_withdraw(signature=signature, actor=None)
    kinds = {e.kind: e.status for e in outbox.outbox_for_record(signature)}
    # the "published" email ran after the withdrawal had committed: no longer relevant
    assert kinds == {tasks.PUBLISHED: E.CANCELLED, tasks.WITHDRAWN: E.SENT}
    cancelled = outbox.outbox_for_record(signature).get(kind=tasks.PUBLISHED)
    assert "no longer published" in cancelled.last_error and cancelled.sent_at is None
    # (and the workspace invitation promised at publication, accounts.services)
    signature_emails = [m for m in mailoutbox if "/workspace/invitations/" not in m.body]
    assert len(signature_emails) == 1 and "withdrawn" in signature_emails[0].body


# --- Lost deliveries: the sweeper -----------------------------------------------------------
def test_queue_unreachable_after_commit_the_sign_post_succeeds_and_the_sweeper_sends(
        client, mailoutbox, monkeypatch, caplog):
    def redis_down(email_id):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(outbox, "outbox_deliver_task", redis_down)
    with caplog.at_level(logging.WARNING, logger="withrefugees.core.outbox"):
        response = sign(client)
    assert response.status_code == 302 and response.url == "/ja/sign/sent/"
    signature = Signature.objects.get(local_government__jis_code="342084")
    email = confirm_row(signature)
    assert email.status == E.PENDING and not mailoutbox
    assert "the sweeper will send it" in caplog.text
    assert outbox.outbox_sweep() == 1
    email.refresh_from_db()
    assert email.status == E.SENT and len(mailoutbox) == 1
    assert "/ja/sign/confirm/" in mailoutbox[0].body


def test_a_delivery_task_lost_from_the_queue_is_swept(mailoutbox,
                                                      django_capture_on_commit_callbacks):
    signature = SignatureFactory(status=S.PENDING)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.signature_publish(signature=signature, actor=None)
    lost = [c for c in queued if "outbox" in c.__qualname__]  # the delivery tasks are lost
    # (the "published" email and the workspace invitation, accounts.services)
    assert len(lost) == 2 and not mailoutbox
    assert outbox.outbox_sweep() == 2
    assert len(mailoutbox) == 2
    for task in lost:  # the lost tasks turn up after all: nothing more is sent
        task()
    assert len(mailoutbox) == 2


def test_a_worker_that_died_mid_send_is_taken_over_once_its_claim_expires(mailoutbox):
    email = outbox.outbox_enqueue(kind=tasks.PUBLISHED, recipient="a@example.jp",
                                  language="ja", deliver_after_commit=False,
                                  args={"signature_id": SignatureFactory(
                                      status=S.PUBLISHED, published_at=timezone.now()).pk})
    claimed = outbox._claim(email.pk)  # the worker took it, then was killed
    assert claimed is not None
    assert outbox._claim(email.pk) is None  # another worker cannot take it meanwhile
    assert outbox.outbox_deliver(email_id=email.pk) is None
    assert outbox.outbox_sweep() == 0 and not mailoutbox
    OutboundEmail.objects.filter(pk=email.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbox.outbox_sweep() == 1
    email.refresh_from_db()
    assert email.status == E.SENT and email.attempts == 2 and len(mailoutbox) == 1
    assert email.claimed_until is None and email.claim_token == ""
    # the dead worker's claim is worthless now: its outcome is not written
    assert not outbox._finish(email, claimed[1], status=E.FAILED, last_error="late")
    email.refresh_from_db()
    assert email.status == E.SENT


def test_a_worker_killed_during_every_attempt_ends_failed(mailoutbox):
    signature = SignatureFactory(status=S.UNCONFIRMED)
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    OutboundEmail.objects.filter(pk=email.pk).update(
        attempts=outbox.MAX_ATTEMPTS, claim_token="dead",
        claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbox.outbox_sweep() == 1
    email.refresh_from_db()
    assert email.status == E.FAILED and "stopped" in email.last_error
    assert not mailoutbox


# --- Retries, backoff, failure --------------------------------------------------------------
def test_unreachable_server_retries_with_backoff_then_fails_with_the_reason(failing, caplog):
    failing.error = ConnectionRefusedError(111, "Connection refused")
    signature = SignatureFactory(status=S.UNCONFIRMED)
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        before = timezone.now()
        status = outbox.outbox_deliver(email_id=email.pk)
        email.refresh_from_db()
        assert email.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            assert status == E.PENDING and email.error == OutboundEmail.Error.UNREACHABLE
            waits.append(round((email.next_attempt_at - before).total_seconds() / 60))
            assert outbox.outbox_deliver(email_id=email.pk) is None  # not due yet
            make_due(email)
    assert waits == [1, 5, 15, 60]
    assert status == E.FAILED and email.status == E.FAILED
    assert "ConnectionRefusedError" in email.last_error and "refused" in email.last_error
    assert failing.calls == outbox.MAX_ATTEMPTS
    assert outbox.outbox_sweep() == 0  # failed for good: left alone
    assert "failed after 5 attempt(s)" in caplog.text


def test_a_temporary_failure_then_success(failing, mailoutbox):
    failing.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    signature = SignatureFactory(status=S.UNCONFIRMED)
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    assert outbox.outbox_deliver(email_id=email.pk) == E.PENDING
    failing.error = None
    make_due(email)
    assert outbox.outbox_sweep() == 1
    email.refresh_from_db()
    assert email.status == E.SENT and email.attempts == 2 and email.last_error == ""
    assert len(mailoutbox) == 1


def test_an_address_refused_for_good_fails_at_once(failing):
    failing.error = smtplib.SMTPRecipientsRefused(
        {"nobody@city.example.jp": (550, b"5.1.1 <nobody@city.example.jp>: user unknown")})
    signature = SignatureFactory(status=S.UNCONFIRMED, email="nobody@city.example.jp")
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    assert outbox.outbox_deliver(email_id=email.pk) == E.FAILED
    email.refresh_from_db()
    assert email.error == OutboundEmail.Error.REFUSED and email.attempts == 1
    assert "550 5.1.1" in email.last_error and "user unknown" in email.last_error


def test_a_temporary_refusal_is_retried(failing):
    failing.error = smtplib.SMTPRecipientsRefused({"a@example.jp": (451, b"try later")})
    email = outbox.outbox_enqueue(kind=tasks.CONFIRM, recipient="a@example.jp",
                                  language="ja", deliver_after_commit=False,
                                  args={"signature_id": SignatureFactory().pk})
    assert outbox.outbox_deliver(email_id=email.pk) == E.PENDING


def test_the_reason_never_carries_the_smtp_credentials(failing, settings):
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "mailer", "s3cr3t-pw"
    failing.error = smtplib.SMTPAuthenticationError(535, b"bad login mailer s3cr3t-pw")
    email = outbox.outbox_enqueue(kind=tasks.CONFIRM, recipient="a@example.jp",
                                  language="ja", deliver_after_commit=False,
                                  args={"signature_id": SignatureFactory().pk})
    outbox.outbox_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert "535" in email.last_error and "s3cr3t" not in email.last_error
    assert "mailer" not in email.last_error


def test_an_unknown_kind_is_retried_not_lost():
    email = outbox.outbox_enqueue(kind="nothing.known", recipient="a@example.jp",
                                  language="ja", deliver_after_commit=False)
    assert outbox.outbox_deliver(email_id=email.pk) == E.PENDING
    email.refresh_from_db()
    assert "no handler" in email.last_error


def test_acceptance_is_recorded_before_quit(settings, mailoutbox):
    """A failure after the server has accepted the message (e.g. at QUIT) is not an error:
    the row is already sent and nothing is sent twice."""
    class QuitFails(LocmemBackend):
        def close(self):
            raise smtplib.SMTPServerDisconnected("gone at QUIT")

    settings.EMAIL_BACKEND = f"{__name__}.QuitFailsBackend"
    globals()["QuitFailsBackend"] = QuitFails
    signature = SignatureFactory(status=S.UNCONFIRMED)
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    assert outbox.outbox_deliver(email_id=email.pk) == E.SENT
    assert outbox.outbox_sweep() == 0 and len(mailoutbox) == 1


def test_database_constraints():
    from django.db import IntegrityError

    email = outbox.outbox_enqueue(kind=tasks.CONFIRM, recipient="a@example.jp",
                                  language="ja", deliver_after_commit=False)
    for values in ({"status": "sent"}, {"status": "failed"}, {"status": "bogus"},
                   {"status": "cancelled", "claimed_until": timezone.now()}):
        with pytest.raises(IntegrityError), transaction.atomic():
            OutboundEmail.objects.filter(pk=email.pk).update(**values)


# --- Staff: retry now -----------------------------------------------------------------------
def test_staff_retry_a_failed_email_through_the_service(failing, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    failing.error = smtplib.SMTPRecipientsRefused({"a@example.jp": (550, b"unknown")})
    signature = SignatureFactory(status=S.UNCONFIRMED)
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    outbox.outbox_deliver(email_id=email.pk)
    failing.error = None
    staff = SuperuserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_retry(email=email, actor=staff, note="mailbox fixed")
    email.refresh_from_db()
    assert email.status == E.SENT and len(mailoutbox) == 1
    entry = audit_history(email).get()
    assert (entry.action, entry.actor, entry.from_state, entry.to_state, entry.note) == (
        "outboundemail.retry", staff, "failed", "pending", "mailbox fixed")
    with pytest.raises(outbox.NotRetryable):
        outbox.outbox_retry(email=email, actor=staff)


def test_admin_retry_action_needs_its_permission(client, failing,
                                                 django_capture_on_commit_callbacks):
    failing.error = smtplib.SMTPRecipientsRefused({"a@example.jp": (550, b"unknown")})
    signature = SignatureFactory(status=S.UNCONFIRMED)
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    outbox.outbox_deliver(email_id=email.pk)
    failing.error = None
    url = "/ja/admin/core/outboundemail/"
    data = {"action": "retry_now", "_selected_action": [email.pk]}
    viewer = StaffFactory()  # a reviewer without the retry permission: may view, not retry
    viewer.groups.clear()
    viewer.user_permissions.set(Permission.objects.filter(
        content_type__app_label="core", codename="view_outboundemail"))
    client.force_login(viewer)
    assert client.get(url).status_code == 200
    client.post(url, data)
    email.refresh_from_db()
    assert email.status == E.FAILED
    client.force_login(StaffFactory())  # the reviewer role may retry
    client.post(url, data)
    email.refresh_from_db()
    assert email.status == E.SENT
    assert audit_history(email).get().action == "outboundemail.retry"


def test_mail_uses_a_timeout_so_a_stalled_server_cannot_outlive_the_claim(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_TIMEOUT = None
    from withrefugees.core.mail import SMTP_TIMEOUT, mail_connection

    assert mail_connection().timeout == SMTP_TIMEOUT
    assert SMTP_TIMEOUT * 8 < settings.EMAIL_OUTBOX_CLAIM_TIMEOUT
    assert mail.get_connection().timeout is None  # Django's own default: for ever


@pytest.mark.parametrize("whose,released", [
    ("dead process here", True),
    ("live process here", False),
    ("dead pid in another container of the same host name", False),
    ("another host", False),
])
def test_only_claims_of_dead_processes_of_this_process_space_are_released(whose, released):
    """A claim names its process (host, pid namespace, pid): a worker restarted here sends
    at once what a dead one left, never what a live one (or one it cannot see) holds."""
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    here = outbox._process_space()
    token = {"dead process here": f"{here}:{dead.pid}:ab",
             "live process here": f"{here}:{os.getppid()}:ab",
             "dead pid in another container of the same host name":
                 f"{here.split(':')[0]}:999999999:{dead.pid}:ab",
             "another host": f"elsewhere.example:1:{dead.pid}:ab"}[whose]
    signature = SignatureFactory(status=S.UNCONFIRMED)
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    OutboundEmail.objects.filter(pk=email.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=15), claim_token=token, attempts=1)
    assert outbox._release_dead_claims() == int(released)
    email.refresh_from_db()
    assert (email.claim_token == "") is released
