"""services.signature_confirm: unconfirmed → pending through the emailed token, audited
(no actor: the signer); refused from every other status and when another signature of the
same local government got there first."""

import pytest

from tests.factories import jp
from withrefugees.campaign import services, tokens
from withrefugees.core.audit import audit_history

from .conftest import ALL_STATUSES, S, audit_rows, signature_in

pytestmark = pytest.mark.django_db


def test_confirms_an_unconfirmed_signature():
    signature = signature_in(S.UNCONFIRMED)
    result = services.signature_confirm(token=tokens.confirmation_token(signature))
    signature.refresh_from_db()
    assert result.status == signature.status == S.PENDING
    assert signature.email_confirmed_at and signature.signed_on
    assert signature.confirmation_nonce == ""
    assert audit_rows(signature) == [("signature.confirm", S.UNCONFIRMED, S.PENDING, None, "")]
    (entry,) = audit_history(signature)
    assert entry.changes == {"email_confirmed_at": [None, entry.changes["email_confirmed_at"][1]],
                             "signed_on": [None, signature.signed_on.isoformat()]}
    assert entry.changes["email_confirmed_at"][1]


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != S.UNCONFIRMED])
def test_refused_from_any_other_status(status):
    signature = signature_in(status, confirmation_nonce="1" * 32)
    token = tokens.confirmation_token(signature)
    with pytest.raises(tokens.TokenUsed):
        services.signature_confirm(token=token)
    signature.refresh_from_db()
    assert signature.status == status and audit_rows(signature) == []


def test_token_used_twice_is_refused_the_second_time():
    signature = signature_in(S.UNCONFIRMED)
    token = tokens.confirmation_token(signature)
    services.signature_confirm(token=token)
    with pytest.raises(tokens.TokenUsed):
        services.signature_confirm(token=token)
    assert len(audit_rows(signature)) == 1


@pytest.mark.parametrize("other_status", [S.PENDING, S.PUBLISHED])
def test_refused_when_the_local_government_signed_meanwhile(other_status):
    lg = jp("342084")
    signature = signature_in(S.UNCONFIRMED, local_government=lg)
    other = signature_in(other_status, local_government=lg)
    with pytest.raises(services.AlreadySigned) as refused:
        services.signature_confirm(token=tokens.confirmation_token(signature))
    assert refused.value.signature == other
    signature.refresh_from_db()
    assert signature.status == S.UNCONFIRMED and audit_rows(signature) == []


@pytest.mark.parametrize("other_status", [S.UNCONFIRMED, S.REJECTED, S.WITHDRAWN])
def test_other_inactive_signatures_do_not_block(other_status):
    lg = jp("342084")
    signature_in(other_status, local_government=lg, confirmation_nonce="2" * 32)
    signature = signature_in(S.UNCONFIRMED, local_government=lg)
    assert services.signature_confirm(token=tokens.confirmation_token(signature)).status == (
        S.PENDING)


def test_forged_token_is_refused():
    with pytest.raises(tokens.TokenInvalid):
        services.signature_confirm(token="forged")
