"""services.signature_resend_confirmation: only while unconfirmed, limited in number and
frequency; each email sent leaves a ``signature.resend`` row (no state change)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from withrefugees.campaign import services

from .conftest import ALL_STATUSES, S, audit_rows, signature_in

pytestmark = pytest.mark.django_db


def test_sends_again_while_unconfirmed(run_on_commit, mailoutbox):
    signature = signature_in(S.UNCONFIRMED, confirmation_send_count=1,
                             confirmation_sent_at=timezone.now() - timedelta(minutes=5))
    run_on_commit(services.signature_resend_confirmation, signature=signature)
    signature.refresh_from_db()
    assert signature.status == S.UNCONFIRMED and signature.confirmation_send_count == 2
    assert audit_rows(signature) == [("signature.resend", "", "", None, "")]
    assert [m.to for m in mailoutbox] == [[signature.email]]


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != S.UNCONFIRMED])
def test_refused_once_confirmed(status, run_on_commit, mailoutbox):
    signature = signature_in(status)
    with pytest.raises(services.InvalidTransition):
        run_on_commit(services.signature_resend_confirmation, signature=signature)
    signature.refresh_from_db()
    assert signature.confirmation_send_count == 0
    assert audit_rows(signature) == [] and mailoutbox == []


@pytest.mark.parametrize("count,minutes_ago", [
    (services.RESEND_MAX, 60),  # too many in all
    (1, 0),  # too soon after the previous one
])
def test_refused_when_limited(count, minutes_ago, run_on_commit, mailoutbox):
    signature = signature_in(S.UNCONFIRMED, confirmation_send_count=count,
                             confirmation_sent_at=timezone.now() - timedelta(minutes=minutes_ago))
    with pytest.raises(services.ResendLimited):
        run_on_commit(services.signature_resend_confirmation, signature=signature)
    assert audit_rows(signature) == [] and mailoutbox == []
