"""services.signature_reject: unconfirmed | pending → rejected, with a reason from the
staff list, audited (the reason in the row's changes), contact told in their language."""

import pytest

from tests.factories import StaffFactory
from withrefugees.campaign import services
from withrefugees.campaign.models import RejectionReason
from withrefugees.core.audit import audit_history

from .conftest import ALL_STATUSES, S, audit_rows, signature_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.UNCONFIRMED, S.PENDING]


@pytest.mark.parametrize("status", ALLOWED)
def test_rejects_an_unpublished_signature_with_a_reason(status, run_on_commit, mailoutbox):
    staff = StaffFactory()
    reason = RejectionReason.objects.last()
    signature = signature_in(status, language="en")
    run_on_commit(services.signature_reject, signature=signature, actor=staff, reason=reason,
                  note="called the city")
    signature.refresh_from_db()
    assert signature.status == S.REJECTED and signature.rejection_reason == reason
    assert audit_rows(signature) == [
        ("signature.reject", status, S.REJECTED, staff.pk, "called the city")]
    assert audit_history(signature).get().changes == {"rejection_reason": [None, reason.pk]}
    assert len(mailoutbox) == 1 and reason.label_en in mailoutbox[0].body


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s not in ALLOWED])
def test_refused_once_published_rejected_or_withdrawn(status, run_on_commit, mailoutbox):
    signature = signature_in(status)
    before = signature.rejection_reason_id
    with pytest.raises(services.InvalidTransition):
        run_on_commit(services.signature_reject, signature=signature, actor=StaffFactory(),
                      reason=RejectionReason.objects.last())
    signature.refresh_from_db()
    assert (signature.status, signature.rejection_reason_id) == (status, before)
    assert audit_rows(signature) == [] and mailoutbox == []
