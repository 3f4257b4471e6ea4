"""services.signature_withdraw: pending | published → withdrawn, audited, contact told;
the local government may then sign again."""

import pytest

from tests.factories import StaffFactory
from withrefugees.campaign import services

from .conftest import ALL_STATUSES, S, audit_rows, signature_in

pytestmark = pytest.mark.django_db
ALLOWED = [S.PENDING, S.PUBLISHED]


@pytest.mark.parametrize("status", ALLOWED)
def test_withdraws_a_pending_or_published_signature(status, run_on_commit, mailoutbox):
    staff = StaffFactory()
    signature = signature_in(status, language="en")
    run_on_commit(services.signature_withdraw, signature=signature, actor=staff,
                  note="asked by the city")
    signature.refresh_from_db()
    assert signature.status == S.WITHDRAWN
    assert audit_rows(signature) == [
        ("signature.withdraw", status, S.WITHDRAWN, staff.pk, "asked by the city")]
    assert len(mailoutbox) == 1 and "withdrawn" in mailoutbox[0].body
    assert signature_in(S.PENDING, local_government=signature.local_government).pk


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s not in ALLOWED])
def test_refused_when_not_pending_or_published(status, run_on_commit, mailoutbox):
    signature = signature_in(status)
    with pytest.raises(services.InvalidTransition):
        run_on_commit(services.signature_withdraw, signature=signature, actor=StaffFactory())
    signature.refresh_from_db()
    assert signature.status == status
    assert audit_rows(signature) == [] and mailoutbox == []
