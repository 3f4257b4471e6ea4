"""UNHCR staff review events (``events.services_review``): approve, send back with a comment;
each decision audited and emailed to the local government's officers in their language."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import EventFactory, LandmarkFactory
from withrefugees.accounts.models import Invitation
from withrefugees.core.audit import audit_history
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import outbox_deliver
from withrefugees.events import services_review as review
from withrefugees.events.models import Event

pytestmark = pytest.mark.django_db


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
def submitted(lg, officer):
    return EventFactory(local_government=lg, status="submitted", was_approved=False,
                        submitted_at=timezone.now(), created_by=officer)


def test_staff_approve_a_submitted_event(staff, submitted, officer, make_officer, lg):
    english = make_officer(lg, email="mary@city.fuchu.tokyo.jp")
    accepted_invitation(english, lg, "en")
    event = review.event_approve(event=submitted, actor=staff, note="looks good")
    event.refresh_from_db()
    assert (event.status, event.was_approved) == ("approved", True)
    assert event.reviewed_at is not None and event.is_public
    row = audit_history(event).get()
    assert (row.action, row.actor, row.from_state, row.to_state, row.note) == (
        "event.approve", staff, "submitted", "approved", "looks good")
    assert row.changes["status"] == ["submitted", "approved"]
    assert deliver_all() == ["sent", "sent"]
    by_address = {m.to[0]: m for m in mail.outbox}
    ja, en = by_address[officer.email], by_address[english.email]
    assert ja.extra_headers["Content-Language"] == "ja"
    assert en.extra_headers["Content-Language"] == "en"
    assert event.title_en in en.subject and "approved" in en.subject
    assert f"/en/events/{event.pk}/" in en.body and f"/ja/events/{event.pk}/" in ja.body


@pytest.mark.parametrize("status", ["draft", "returned", "approved", "cancelled"])
def test_approve_refuses_other_states_and_changes_nothing(staff, lg, status):
    event = EventFactory(local_government=lg, status=status)
    with pytest.raises(review.InvalidTransition):
        review.event_approve(event=event, actor=staff)
    fresh = Event.objects.get(pk=event.pk)
    assert fresh.status == status and fresh.reviewed_at is None
    assert not audit_history(event).exists() and not OutboundEmail.objects.exists()


def test_records_of_the_campaign_are_not_reviewed(staff, lg):
    event = EventFactory(local_government=lg, kind="light_up", landmark=LandmarkFactory(),
                         origin="reference", status="submitted", reference_key="x")
    with pytest.raises(review.InvalidTransition):
        review.event_approve(event=event, actor=staff)
    with pytest.raises(review.InvalidTransition):
        review.event_return(event=event, actor=staff, comment="no")


def test_send_back_with_a_comment(staff, submitted, officer):
    event = review.event_return(event=submitted, actor=staff,
                                comment="会場の住所を入力してください。\nPlease add the address.")
    event.refresh_from_db()
    assert event.status == "returned" and not event.is_public
    assert event.review_comment.startswith("会場の住所")
    assert event.sequence == 0  # never public: nothing for calendars to learn
    row = audit_history(event).get()
    assert (row.action, row.from_state, row.to_state) == ("event.return", "submitted",
                                                          "returned")
    assert deliver_all() == ["sent"]
    message = mail.outbox[0]
    assert message.to == [officer.email] and "会場の住所を入力してください。" in message.body
    assert f"/ja/workspace/{event.local_government_id}/events/{event.pk}/" in message.body


def test_an_approved_event_sent_back_leaves_the_public_pages(staff, lg, officer):
    event = EventFactory(local_government=lg)
    assert event.is_public
    review.event_return(event=event, actor=staff, comment="The photo has no credit.")
    event.refresh_from_db()
    assert event.status == "returned" and not event.is_public and event.sequence == 1
    deliver_all()
    assert "not shown on the public pages" in mail.outbox[0].body or "公開" in mail.outbox[0].body


@pytest.mark.parametrize("comment", ["", "   \n ", "\x0b\x0c"])
def test_sending_back_needs_a_comment(staff, submitted, comment):
    with pytest.raises(ValidationError) as caught:
        review.event_return(event=submitted, actor=staff, comment=comment)
    assert caught.value.error_dict["comment"][0].code == "comment_required"
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not OutboundEmail.objects.exists()


def test_a_comment_too_long_is_refused(staff, submitted):
    with pytest.raises(ValidationError) as caught:
        review.event_return(event=submitted, actor=staff, comment="x" * 2001)
    assert caught.value.error_dict["comment"][0].code == "comment_too_long"


@pytest.mark.parametrize("who", ["officer", "other_officer", "staff_without_totp"])
def test_only_staff_with_a_second_factor_review(request, submitted, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        review.event_approve(event=submitted, actor=actor)
    with pytest.raises(PermissionDenied):
        review.event_return(event=submitted, actor=actor, comment="no")
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not audit_history(submitted).exists()


def test_an_email_of_a_decision_overtaken_by_another_is_not_sent(staff, submitted, officer):
    review.event_approve(event=submitted, actor=staff)
    review.event_return(event=submitted, actor=staff, comment="Wrong date, sorry.")
    assert deliver_all() == ["cancelled", "sent"]
    assert len(mail.outbox) == 1 and "Wrong date" in mail.outbox[0].body


def test_no_email_to_an_officer_removed_before_it_left(staff, submitted, officer):
    review.event_approve(event=submitted, actor=staff)
    officer.memberships.all().delete()
    assert deliver_all() == ["cancelled"]
    assert mail.outbox == []
