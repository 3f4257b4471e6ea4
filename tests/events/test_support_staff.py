"""UNHCR staff work through support requests (``events.services_review``): status changes and
replies, the reply emailed to the officer who asked in the request's language."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import EventFactory, SupportRequestFactory
from withrefugees.core.audit import audit_history
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import outbox_deliver
from withrefugees.events import services_review as review
from withrefugees.events.models import SupportReply

pytestmark = pytest.mark.django_db


def deliver_all() -> list[str]:
    return [outbox_deliver(email_id=pk) for pk in OutboundEmail.objects.filter(
        status="pending").order_by("pk").values_list("pk", flat=True)]


@pytest.fixture
def asked(lg, officer):
    return SupportRequestFactory(local_government=lg, requested_by=officer,
                                 event=EventFactory(local_government=lg))


def test_a_reply_reaches_the_officer_who_asked_in_the_request_language(
        staff, lg, officer, make_officer):
    colleague = make_officer(lg)
    asked = SupportRequestFactory(local_government=lg, requested_by=officer, language="en")
    reply = review.support_request_reply(support_request=asked, actor=staff,
                                         body="We send 50 posters on 1 June.")
    asked.refresh_from_db()
    assert asked.status == "answered" and reply.author == staff
    assert list(asked.replies.all()) == [reply]
    row = audit_history(asked).get()
    assert (row.action, row.from_state, row.to_state, row.note) == (
        "support_request.reply", "new", "answered", "We send 50 posters on 1 June.")
    assert deliver_all() == ["sent"]
    message = mail.outbox[0]
    assert message.to == [officer.email] and colleague.email not in message.to
    assert message.extra_headers["Content-Language"] == "en"
    assert "We send 50 posters on 1 June." in message.body
    assert "× 50" in message.body and "ポスター（A2）" in message.body
    assert f"/en/workspace/{lg.pk}/support/{asked.pk}/" in message.body


def test_a_reply_to_a_closed_request_keeps_it_closed(staff, asked):
    asked.status = "closed"
    asked.save()
    review.support_request_reply(support_request=asked, actor=staff, body="Thank you.")
    asked.refresh_from_db()
    assert asked.status == "closed"
    row = audit_history(asked).get()
    assert (row.from_state, row.to_state, row.changes) == ("closed", "closed", {})


@pytest.mark.parametrize("gone", ["deleted", "removed"])
def test_when_the_officer_who_asked_is_gone_the_officers_get_it(
        staff, lg, officer, make_officer, gone):
    colleague = make_officer(lg)
    asked = SupportRequestFactory(local_government=lg, requested_by=officer)
    if gone == "deleted":
        asked.requested_by = None
        asked.save()
    else:
        officer.memberships.all().delete()
    review.support_request_reply(support_request=asked, actor=staff, body="OK")
    deliver_all()
    expected = {colleague.email} if gone == "removed" else {officer.email, colleague.email}
    assert {m.to[0] for m in mail.outbox} == expected
    assert {m.extra_headers["Content-Language"] for m in mail.outbox} == {"ja"}


@pytest.mark.parametrize("body", ["", "  \n"])
def test_an_empty_reply_is_refused(staff, asked, body):
    with pytest.raises(ValidationError) as caught:
        review.support_request_reply(support_request=asked, actor=staff, body=body)
    assert caught.value.error_dict["body"][0].code == "body_required"
    assert not SupportReply.objects.exists() and not OutboundEmail.objects.exists()
    asked.refresh_from_db()
    assert asked.status == "new"


def test_status_changes_are_audited_once(staff, asked):
    review.support_request_set_status(support_request=asked, actor=staff,
                                      status="in_progress", note="posters ordered")
    review.support_request_set_status(support_request=asked, actor=staff,
                                      status="in_progress")
    asked.refresh_from_db()
    assert asked.status == "in_progress"
    row = audit_history(asked).get()
    assert (row.action, row.from_state, row.to_state, row.note) == (
        "support_request.status", "new", "in_progress", "posters ordered")


def test_a_forged_status_is_refused(staff, asked):
    with pytest.raises(ValidationError) as caught:
        review.support_request_set_status(support_request=asked, actor=staff,
                                          status="done")
    assert caught.value.error_dict["status"][0].code == "invalid_status"


@pytest.mark.parametrize("who", ["officer", "other_officer", "staff_without_totp"])
def test_only_staff_with_a_second_factor_answer(request, asked, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        review.support_request_reply(support_request=asked, actor=actor, body="hi")
    with pytest.raises(PermissionDenied):
        review.support_request_set_status(support_request=asked, actor=actor,
                                          status="closed")
    asked.refresh_from_db()
    assert asked.status == "new" and not asked.replies.exists()
    assert not audit_history(asked).exists()
