"""Emails re-check the signature's state right before sending: an email promised for one
state never leaves once the signature has moved on (e.g. "published" after a withdrawal).

Tasks run in huey's immediate mode (tests/conftest.py): calling a task runs it at once, by
id, as the worker would. To hold a queued delivery back, the after-commit callbacks that
queue it are captured and run later. The ``send_signature_*`` tasks are those queued by the
release before the outbox (core/outbox.py): they still work, through the outbox.
"""

import pytest

from tests.factories import SignatureFactory, jp
from withrefugees.campaign import services, tasks
from withrefugees.campaign.models import RejectionReason, Signature
from withrefugees.core.outbox import outbox_for_record

pytestmark = pytest.mark.django_db
S = Signature.Status


def make(status: str, **kwargs) -> Signature:
    """A signature in ``status`` with what the database requires of that status."""
    if status in (S.PUBLISHED, S.WITHDRAWN):
        kwargs.setdefault("published_at", "2026-01-01T00:00Z")
    if status == S.REJECTED:
        kwargs.setdefault("rejection_reason", RejectionReason.objects.first())
    return SignatureFactory(status=status, **kwargs)


def test_published_email_is_not_sent_after_a_withdrawal(mailoutbox,
                                                         django_capture_on_commit_callbacks):
    signature = SignatureFactory(status=S.PENDING, language="en")
    with django_capture_on_commit_callbacks() as publish_queued:
        services.signature_publish(signature=signature, actor=None)
    with django_capture_on_commit_callbacks() as withdraw_queued:
        services.signature_withdraw(signature=signature, actor=None)
    assert not mailoutbox  # nothing has run yet
    for callback in publish_queued + withdraw_queued:  # the queue catches up, in order
        callback()
    # the withdrawal email only: not the "published" email, nor the workspace invitation
    # promised at publication (the withdrawal revoked it; accounts.services)
    signature_emails = [m for m in mailoutbox if "/workspace/invitations/" not in m.body]
    assert len(mailoutbox) == 1 and len(signature_emails) == 1
    assert "is now listed" not in signature_emails[0].subject
    assert "has been withdrawn" in signature_emails[0].body


def test_published_email_is_sent_while_still_published(mailoutbox):
    signature = SignatureFactory(status=S.PUBLISHED, language="en",
                                 published_at="2026-01-01T00:00Z")
    tasks.send_signature_published(signature.pk)
    assert len(mailoutbox) == 1 and "is now listed" in mailoutbox[0].subject
    assert f"/en/signatories/{signature.local_government_id}/" in mailoutbox[0].body


@pytest.mark.parametrize("status", [S.UNCONFIRMED, S.PENDING, S.REJECTED, S.WITHDRAWN])
def test_published_email_needs_the_published_state(mailoutbox, status):
    signature = make(status)
    tasks.send_signature_published(signature.pk)
    assert not mailoutbox


def test_confirmation_is_not_sent_once_the_signature_has_moved_on(mailoutbox):
    unconfirmed = SignatureFactory(status=S.UNCONFIRMED, language="en")
    tasks.send_signature_confirmation(unconfirmed.pk)
    assert len(mailoutbox) == 1 and "/en/sign/confirm/" in mailoutbox[0].body
    for status, code in [(S.PENDING, "012025"), (S.PUBLISHED, "012033"),
                         (S.REJECTED, "012041"), (S.WITHDRAWN, "012050")]:
        tasks.send_signature_confirmation(
            make(status, local_government=jp(code)).pk)
    assert len(mailoutbox) == 1


def test_rejection_notice_only_while_rejected(mailoutbox):
    reason = RejectionReason.objects.first()
    signature = SignatureFactory(status=S.REJECTED, rejection_reason=reason, language="ja")
    tasks.send_signature_decision(signature.pk, S.WITHDRAWN)  # not what it is about
    assert not mailoutbox
    tasks.send_signature_decision(signature.pk, S.REJECTED)
    assert len(mailoutbox) == 1 and reason.label_ja in mailoutbox[0].body


def test_withdrawal_notice_only_while_withdrawn(mailoutbox):
    signature = SignatureFactory(status=S.WITHDRAWN, language="en",
                                 published_at="2026-01-01T00:00Z")
    tasks.send_signature_decision(signature.pk, S.REJECTED)
    assert not mailoutbox
    tasks.send_signature_decision(signature.pk, S.WITHDRAWN)
    assert len(mailoutbox) == 1
    assert "withdrawn and is no longer shown" in mailoutbox[0].body


@pytest.mark.parametrize("status", [S.UNCONFIRMED, S.PENDING, S.PUBLISHED])
def test_no_decision_notice_for_a_signature_that_is_not_decided(mailoutbox, status):
    signature = make(status)
    for expected in (None, S.REJECTED, S.WITHDRAWN, S.PUBLISHED):
        tasks.send_signature_decision(signature.pk, expected)
    assert not mailoutbox


def test_decision_task_queued_without_the_status_still_works(mailoutbox):
    """Tasks queued by the previous release carry only the id."""
    signature = SignatureFactory(status=S.WITHDRAWN, language="en")
    tasks.send_signature_decision(signature.pk)
    assert len(mailoutbox) == 1 and "withdrawn before publication" in mailoutbox[0].body


def test_review_decisions_through_the_services_email_once_each(mailoutbox,
                                                               django_capture_on_commit_callbacks):
    reason = RejectionReason.objects.first()
    rejected = SignatureFactory(status=S.PENDING, language="en")
    withdrawn = SignatureFactory(status=S.PENDING, language="en", local_government=jp("012025"))
    with django_capture_on_commit_callbacks(execute=True):
        services.signature_reject(signature=rejected, actor=None, reason=reason)
        services.signature_withdraw(signature=withdrawn, actor=None)
    assert len(mailoutbox) == 2
    assert reason.label_en in mailoutbox[0].body
    assert "withdrawn before publication" in mailoutbox[1].body


def test_tasks_send_nothing_for_a_deleted_signature_or_one_without_email(mailoutbox):
    signature = SignatureFactory(status=S.PUBLISHED, email="", published_at="2026-01-01T00:00Z")
    tasks.send_signature_published(signature.pk)
    gone = signature.pk
    signature.delete()
    tasks.send_signature_published(gone)
    tasks.send_signature_confirmation(gone)
    tasks.send_signature_decision(gone, S.WITHDRAWN)
    assert not mailoutbox


def test_emails_carry_the_headers_of_the_core_helper(mailoutbox, settings):
    settings.CAMPAIGN_CONTACT_EMAIL = "team@unhcr.example"
    signature = SignatureFactory(status=S.UNCONFIRMED, language="ja")
    tasks.send_signature_confirmation(signature.pk)
    message = mailoutbox[0].message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "ja"
    assert message["Reply-To"] == "team@unhcr.example"
    assert "/ja/sign/confirm/" in mailoutbox[0].body


def test_a_task_of_the_previous_release_goes_through_the_outbox(mailoutbox):
    signature = SignatureFactory(status=S.WITHDRAWN, language="en")
    tasks.send_signature_decision(signature.pk)
    tasks.send_signature_published(signature.pk)  # no longer relevant: cancelled
    rows = {e.kind: e.status for e in outbox_for_record(signature)}
    assert rows == {tasks.WITHDRAWN: "sent", tasks.PUBLISHED: "cancelled"}
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("verb, kind", [("publish", tasks.PUBLISHED),
                                        ("withdraw", tasks.WITHDRAWN)])
def test_review_services_promise_their_email_in_their_transaction(verb, kind,
                                                                  mailoutbox):
    """Without running any after-commit callback, the promise is already recorded."""
    signature = SignatureFactory(status=S.PENDING if verb == "publish" else S.PUBLISHED,
                                 published_at=None if verb == "publish"
                                 else "2026-01-01T00:00Z")
    getattr(services, f"signature_{verb}")(signature=signature, actor=None)
    email = outbox_for_record(signature).get()
    assert (email.kind, email.status, email.recipient) == (kind, "pending", signature.email)
    assert not mailoutbox
