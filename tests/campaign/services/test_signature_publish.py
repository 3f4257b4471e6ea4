"""services.signature_publish: pending → published, by staff, audited, contact emailed."""

import pytest

from tests.factories import StaffFactory
from withrefugees.campaign import services
from withrefugees.core.audit import audit_history

from .conftest import ALL_STATUSES, S, audit_rows, signature_in

pytestmark = pytest.mark.django_db


def test_publishes_a_pending_signature(run_on_commit, mailoutbox):
    staff = StaffFactory()
    signature = signature_in(S.PENDING)
    result = run_on_commit(services.signature_publish, signature=signature, actor=staff,
                           note="checked by phone")
    signature.refresh_from_db()
    assert result.status == signature.status == S.PUBLISHED and signature.published_at
    assert audit_rows(signature) == [
        ("signature.publish", S.PENDING, S.PUBLISHED, staff.pk, "checked by phone")]
    changes = audit_history(signature).get().changes  # the publication time, too
    assert list(changes) == ["published_at"] and changes["published_at"][0] is None
    # the next-steps email, and the invitation into the workspace (accounts.services)
    assert [m.to for m in mailoutbox] == [[signature.email], [signature.email]]
    assert "/workspace/invitations/" in mailoutbox[1].body


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != S.PENDING])
def test_refused_from_any_other_status(status, run_on_commit, mailoutbox):
    signature = signature_in(status)
    with pytest.raises(services.InvalidTransition):
        run_on_commit(services.signature_publish, signature=signature, actor=StaffFactory())
    signature.refresh_from_db()
    assert signature.status == status
    assert audit_rows(signature) == [] and mailoutbox == []


def test_without_an_email_address_nobody_is_emailed(run_on_commit, mailoutbox):
    signature = signature_in(S.PENDING, email="")
    run_on_commit(services.signature_publish, signature=signature, actor=None)
    assert mailoutbox == [] and audit_rows(signature)[0][3] is None
