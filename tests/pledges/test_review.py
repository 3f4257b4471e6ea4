"""UNHCR staff review pledges (``pledges.services_review``): approve (the pledge goes to the
GCR), send back with a comment, record the GCR reference once published, email the GCR
again, the reminder period; each write audited, the officers emailed in their language,
refused writes change nothing."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.factories import PledgeFactory
from withrefugees.accounts.models import Invitation
from withrefugees.core.audit import audit_history
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import outbox_deliver
from withrefugees.pledges import services_review as review
from withrefugees.pledges.models import Pledge, PledgeReminderSettings

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def accepted_invitation(user, lg, language: str) -> Invitation:
    """As if ``user`` had accepted an invitation into ``lg`` written in ``language``."""
    now = timezone.now()
    return Invitation.objects.create(
        local_government=lg, email=user.email, email_canonical=user.email_canonical,
        language=language, token_hash=uuid.uuid4().hex * 2, status="accepted",
        expires_at=now, accepted_at=now, accepted_by=user)


def deliver_all() -> list[str]:
    """Deliver every pending outbox row; the statuses after the attempt."""
    return [outbox_deliver(email_id=pk) for pk in OutboundEmail.objects.filter(
        status="pending").order_by("pk").values_list("pk", flat=True)]


@pytest.fixture
def fake_documents(monkeypatch):
    """``documents.pledge_docx``/``document_filename`` replaced by small stand-ins (the
    real ones are exercised in ``test_gcr_email``)."""
    from withrefugees.pledges import documents

    monkeypatch.setattr(documents, "pledge_docx",
                        lambda pledge, *, language: f"DOCX {language} {pledge.pk}".encode())
    monkeypatch.setattr(documents, "document_filename",
                        lambda pledge, *, language, extension: f"pledge-{language}.{extension}")


@pytest.fixture
def submitted(lg, officer):
    return PledgeFactory(local_government=lg, status="submitted",
                         submitted_at=timezone.now(), created_by=officer)


def officer_mail(address: str):
    return [m for m in mail.outbox if m.to == [address]]


# --- Approve -----------------------------------------------------------------------------------
def test_staff_approve_a_submitted_pledge(staff, submitted, officer, make_officer, lg,
                                          settings, fake_documents):
    settings.GCR_PLEDGE_EMAIL = "gcr-mailbox@unhcr.example"
    english = make_officer(lg, email="mary@city.fuchu.tokyo.jp")
    accepted_invitation(english, lg, "en")
    pledge = review.pledge_approve(pledge=submitted, actor=staff, comment="良い誓約です。",
                                   note="checked")
    pledge.refresh_from_db()
    assert pledge.status == "sent_to_gcr" and pledge.is_public
    assert pledge.reviewed_at is not None and pledge.review_comment == "良い誓約です。"
    email = pledge.gcr_email
    assert (email.kind, email.recipient, email.language, email.status) == (
        "pledge.gcr_submission", "gcr-mailbox@unhcr.example", "en", "pending")
    assert pledge.sent_to_gcr_at is None  # not sent yet
    row = audit_history(pledge).get()
    assert (row.action, row.actor, row.from_state, row.to_state, row.note) == (
        "pledge.approve", staff, "submitted", "sent_to_gcr", "checked")
    assert row.changes["status"] == ["submitted", "sent_to_gcr"]
    assert row.changes["gcr_email"] == [None, email.pk]
    assert deliver_all() == ["sent", "sent", "sent"]
    pledge.refresh_from_db()
    assert pledge.sent_to_gcr_at is not None  # when the mail server accepted it
    ja, en = officer_mail(officer.email)[0], officer_mail(english.email)[0]
    assert ja.extra_headers["Content-Language"] == "ja"
    assert en.extra_headers["Content-Language"] == "en"
    assert pledge.title_en in en.subject and "approved" in en.subject
    assert pledge.title_ja in ja.subject
    assert f"/en/pledges/{pledge.pk}/" in en.body and f"/ja/pledges/{pledge.pk}/" in ja.body
    assert "良い誓約です。" in ja.body
    gcr = [m for m in mail.outbox if m.to == ["gcr-mailbox@unhcr.example"]][0]
    assert [a[0] for a in gcr.attachments] == ["pledge-en.docx", "pledge-ja.docx"]


@pytest.mark.parametrize("status", ["draft", "returned", "sent_to_gcr", "published"])
def test_approve_refuses_a_pledge_not_awaiting_review(staff, lg, status):
    """E.g. the officers withdrew it to a draft: the version staff saw is no longer there."""
    extra = {"gcr_reference": "GRF-1"} if status == "published" else {}
    pledge = PledgeFactory(local_government=lg, status=status, **extra)
    with pytest.raises(review.NotAwaitingReview) as caught:
        review.pledge_approve(pledge=pledge, actor=staff)
    assert caught.value.code == "not_awaiting_review"
    with translation.override("en"):
        assert "no longer awaiting review" in str(caught.value.message)
    with pytest.raises(review.NotAwaitingReview):
        review.pledge_return(pledge=pledge, actor=staff, comment="no")
    fresh = Pledge.objects.get(pk=pledge.pk)
    assert fresh.status == status and fresh.reviewed_at is None and fresh.gcr_email is None
    assert not audit_history(pledge).exists() and not OutboundEmail.objects.exists()


def test_a_pledge_withdrawn_and_submitted_again_is_not_approved_unseen(staff, submitted):
    seen = review.pledge_version(submitted)
    # The officers withdraw it, edit it and submit it again meanwhile.
    Pledge.objects.filter(pk=submitted.pk).update(
        status="submitted", title_ja="書き換えた題名",
        updated_at=timezone.now() + timezone.timedelta(seconds=5))
    with pytest.raises(review.PledgeChanged):
        review.pledge_approve(pledge=submitted, actor=staff, version=seen)
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not OutboundEmail.objects.exists()
    review.pledge_approve(pledge=submitted, actor=staff,
                          version=review.pledge_version(submitted))
    submitted.refresh_from_db()
    assert submitted.status == "sent_to_gcr"


def test_without_a_gcr_address_nothing_is_approved(staff, submitted, settings):
    settings.GCR_PLEDGE_EMAIL = ""
    with pytest.raises(review.NoGcrAddress):
        review.pledge_approve(pledge=submitted, actor=staff)
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not audit_history(submitted).exists()


# --- Send back -------------------------------------------------------------------------------
def test_send_back_with_a_comment(staff, submitted, officer):
    pledge = review.pledge_return(pledge=submitted, actor=staff,
                                  comment="目標の数値を入れてください。\nAdd a number.")
    pledge.refresh_from_db()
    assert pledge.status == "returned" and pledge.is_editable and not pledge.is_public
    assert pledge.review_comment.startswith("目標の数値")
    row = audit_history(pledge).get()
    assert (row.action, row.from_state, row.to_state) == ("pledge.return", "submitted",
                                                          "returned")
    assert deliver_all() == ["sent"]
    message = mail.outbox[0]
    assert message.to == [officer.email] and "目標の数値を入れてください。" in message.body
    assert f"/ja/workspace/{pledge.local_government_id}/pledges/{pledge.pk}/" in message.body


@pytest.mark.parametrize("comment", ["", "   \n ", "\x0b\x0c", "\x00"])
def test_sending_back_needs_a_comment(staff, submitted, comment):
    with pytest.raises(ValidationError) as caught:
        review.pledge_return(pledge=submitted, actor=staff, comment=comment)
    assert caught.value.error_dict["comment"][0].code == "comment_required"
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not OutboundEmail.objects.exists()


def test_a_comment_too_long_is_refused(staff, submitted):
    with pytest.raises(ValidationError) as caught:
        review.pledge_return(pledge=submitted, actor=staff, comment="x" * 20_000)
    assert caught.value.error_dict["comment"][0].code == "comment_too_long"
    with pytest.raises(ValidationError):
        review.pledge_approve(pledge=submitted, actor=staff, comment="x" * 2001)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_an_email_of_a_decision_overtaken_is_not_sent(staff, submitted, officer):
    review.pledge_return(pledge=submitted, actor=staff, comment="Add a target.")
    # The officers fix it and submit again; staff approve.
    Pledge.objects.filter(pk=submitted.pk).update(status="submitted")
    submitted.refresh_from_db()
    review.pledge_approve(pledge=submitted, actor=staff)
    statuses = dict(zip(OutboundEmail.objects.order_by("pk").values_list("kind", flat=True),
                        deliver_all(), strict=True))
    assert statuses["pledge.returned"] == "cancelled"
    assert statuses["pledge.approved"] == "sent"


def test_no_email_to_an_officer_removed_before_it_left(staff, submitted, officer):
    review.pledge_return(pledge=submitted, actor=staff, comment="Add a target.")
    officer.memberships.all().delete()
    assert deliver_all() == ["cancelled"]
    assert mail.outbox == []


# --- Who --------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["officer", "other_officer", "staff_without_totp"])
def test_only_staff_with_a_second_factor_review(request, submitted, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        review.pledge_approve(pledge=submitted, actor=actor)
    with pytest.raises(PermissionDenied):
        review.pledge_return(pledge=submitted, actor=actor, comment="no")
    published = PledgeFactory(status="sent_to_gcr")
    with pytest.raises(PermissionDenied):
        review.pledge_record_publication(pledge=published, actor=actor, gcr_reference="X")
    with pytest.raises(PermissionDenied):
        review.pledge_email_gcr_again(pledge=published, actor=actor)
    with pytest.raises(PermissionDenied):
        review.reminder_settings_update(actor=actor, stale_after_months=3)
    submitted.refresh_from_db()
    published.refresh_from_db()
    assert submitted.status == "submitted" and published.status == "sent_to_gcr"
    assert not audit_history(submitted).exists() and not audit_history(published).exists()
    assert not PledgeReminderSettings.objects.exists() and not OutboundEmail.objects.exists()


# --- Publication ----------------------------------------------------------------------------
@pytest.fixture
def with_the_gcr(staff, submitted):
    return review.pledge_approve(pledge=submitted, actor=staff)


def test_staff_record_the_publication(staff, with_the_gcr, officer):
    OutboundEmail.objects.all().delete()
    pledge = review.pledge_record_publication(
        pledge=with_the_gcr, actor=staff, gcr_reference="  GRF-2023-0042 ",
        gcr_url="https://globalcompactrefugees.org/pledges-contributions/42")
    pledge.refresh_from_db()
    assert pledge.status == "published" and pledge.published_at is not None
    assert (pledge.gcr_reference, pledge.gcr_url) == (
        "GRF-2023-0042", "https://globalcompactrefugees.org/pledges-contributions/42")
    row = audit_history(pledge).filter(action="pledge.publish").get()
    assert (row.from_state, row.to_state) == ("sent_to_gcr", "published")
    assert row.changes["gcr_reference"] == ["", "GRF-2023-0042"]
    assert deliver_all() == ["sent"]
    assert "GRF-2023-0042" in mail.outbox[0].body
    assert f"/ja/workspace/{pledge.local_government_id}/pledges/{pledge.pk}/progress/" in (
        mail.outbox[0].body)


def test_a_correction_of_the_reference_emails_nobody(staff, with_the_gcr):
    review.pledge_record_publication(pledge=with_the_gcr, actor=staff, gcr_reference="GRF-1")
    published_at = Pledge.objects.get(pk=with_the_gcr.pk).published_at
    OutboundEmail.objects.all().delete()
    pledge = review.pledge_record_publication(pledge=with_the_gcr, actor=staff,
                                              gcr_reference="", gcr_url="http://gcr.example/1")
    assert (pledge.status, pledge.gcr_reference, pledge.gcr_url) == (
        "published", "", "http://gcr.example/1")
    assert pledge.published_at == published_at
    assert not OutboundEmail.objects.exists()
    # The same values again: nothing written.
    before = audit_history(pledge).count()
    review.pledge_record_publication(pledge=with_the_gcr, actor=staff,
                                     gcr_url="http://gcr.example/1")
    assert audit_history(pledge).count() == before == 3


@pytest.mark.parametrize("reference,url,field,code", [
    ("", "", "gcr_reference", "gcr_reference_required"),
    ("  ", " ", "gcr_reference", "gcr_reference_required"),
    ("GRF\x00", "", "gcr_reference", "null_characters"),
    ("GRF\x07-1", "", "gcr_reference", "control_characters"),
    ("x" * 101, "", "gcr_reference", "gcr_reference_too_long"),
    ("", "javascript:alert(1)", "gcr_url", "gcr_url_invalid"),
    ("", "ftp://gcr.example/1", "gcr_url", "gcr_url_invalid"),
    ("", "https://", "gcr_url", "gcr_url_invalid"),
    ("", "globalcompactrefugees.org/x", "gcr_url", "gcr_url_invalid"),
    ("", "https://gcr.example/" + "x" * 500, "gcr_url", "gcr_url_too_long"),
    ("", "https://gcr.example/\x0b", "gcr_url", "control_characters"),
])
def test_bad_references_are_refused(staff, with_the_gcr, reference, url, field, code):
    with pytest.raises(ValidationError) as caught:
        review.pledge_record_publication(pledge=with_the_gcr, actor=staff,
                                         gcr_reference=reference, gcr_url=url)
    assert caught.value.error_dict[field][0].code == code
    fresh = Pledge.objects.get(pk=with_the_gcr.pk)
    assert fresh.status == "sent_to_gcr" and fresh.gcr_reference == "" and fresh.gcr_url == ""


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_only_a_pledge_with_the_gcr_is_published(staff, lg, status):
    pledge = PledgeFactory(local_government=lg, status=status)
    with pytest.raises(review.NotWithTheGcr):
        review.pledge_record_publication(pledge=pledge, actor=staff, gcr_reference="GRF-1")
    with pytest.raises(review.NotWithTheGcr):
        review.pledge_email_gcr_again(pledge=pledge, actor=staff)
    assert Pledge.objects.get(pk=pledge.pk).status == status
    assert not OutboundEmail.objects.exists()


# --- The GCR email again ---------------------------------------------------------------------
def test_email_the_gcr_again_once_the_first_failed(staff, with_the_gcr):
    first = with_the_gcr.gcr_email
    with pytest.raises(review.GcrEmailPending):  # still on its way: no second copy
        review.pledge_email_gcr_again(pledge=with_the_gcr, actor=staff)
    OutboundEmail.objects.filter(pk=first.pk).update(status="failed", error="refused",
                                                     last_error="550")
    email = review.pledge_email_gcr_again(pledge=with_the_gcr, actor=staff, note="mailbox full")
    pledge = Pledge.objects.get(pk=with_the_gcr.pk)
    assert pledge.gcr_email_id == email.pk != first.pk and email.status == "pending"
    row = audit_history(pledge).filter(action="pledge.email_gcr").get()
    assert row.changes["gcr_email"] == [first.pk, email.pk] and row.note == "mailbox full"


def test_an_older_gcr_email_retried_after_a_newer_one_is_not_sent(staff, with_the_gcr,
                                                                  fake_documents):
    first = with_the_gcr.gcr_email
    OutboundEmail.objects.filter(pk=first.pk).update(status="failed", error="other",
                                                     last_error="timeout")
    review.pledge_email_gcr_again(pledge=with_the_gcr, actor=staff)
    OutboundEmail.objects.filter(pk=first.pk).update(status="pending")  # e.g. "send again"
    assert outbox_deliver(email_id=first.pk) == "cancelled"
    assert "newer email" in OutboundEmail.objects.get(pk=first.pk).last_error


# --- Reminder period ------------------------------------------------------------------------
def test_staff_set_the_reminder_period(staff):
    row = review.reminder_settings_update(actor=staff, stale_after_months=3)
    assert row.pk == 1 and PledgeReminderSettings.objects.get().stale_after_months == 3
    review.reminder_settings_update(actor=staff, stale_after_months=3)  # same: nothing
    review.reminder_settings_update(actor=staff, stale_after_months=12)
    rows = list(audit_history(row))
    assert [r.changes["stale_after_months"] for r in rows] == [[None, 3], [3, 12]]


@pytest.mark.parametrize("months", [0, 61, -1, 99999, True, 1.5, "6", None])
def test_a_reminder_period_out_of_range_is_refused(staff, months):
    with pytest.raises(ValidationError) as caught:
        review.reminder_settings_update(actor=staff, stale_after_months=months)
    assert caught.value.error_dict["stale_after_months"][0].code == "stale_after_months_range"
    assert not PledgeReminderSettings.objects.exists()
