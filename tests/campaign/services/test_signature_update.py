"""services.signature_update: staff correct a signature's details in any status; the
status never changes; one ``signature.update`` row with the changed fields."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import StaffFactory
from withrefugees.campaign import services
from withrefugees.core.audit import audit_history

from .conftest import ALL_STATUSES, audit_rows, signature_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_corrects_details_in_any_status_and_audits_the_fields(status):
    staff = StaffFactory()
    signature = signature_in(status, signed_on=None)
    old_email = signature.email
    result = services.signature_update(
        signature=signature, actor=staff, note="typo reported by phone",
        data={"email": "Kokusai@ＣＩＴＹ.fuchu.tokyo.jp", "signed_on": datetime.date(2026, 4, 1),
              "message": signature.message, "signatory_name": "山田 太郎"})
    signature.refresh_from_db()
    assert result.status == signature.status == status
    assert signature.email == "Kokusai@city.fuchu.tokyo.jp"  # normalised
    assert signature.signed_on == datetime.date(2026, 4, 1)
    assert audit_rows(signature) == [("signature.update", "", "", staff.pk,
                                      "typo reported by phone")]
    assert audit_history(signature).get().changes == {  # unchanged message not listed
        "email": [old_email, "Kokusai@city.fuchu.tokyo.jp"],
        "signed_on": [None, "2026-04-01"],
        "signatory_name": ["山田太郎", "山田 太郎"],
    }


def test_no_change_writes_nothing():
    signature = signature_in("published")
    services.signature_update(signature=signature, actor=None,
                              data={"email": signature.email, "website": signature.website})
    assert audit_rows(signature) == []


@pytest.mark.parametrize("field,value", [
    ("status", "published"), ("local_government", 1), ("statement_hash", "0" * 64),
    ("published_at", None), ("rejection_reason", None),
])
def test_refuses_fields_that_only_transitions_or_nobody_change(field, value):
    signature = signature_in("pending")
    with pytest.raises(ValueError):
        services.signature_update(signature=signature, actor=None, data={field: value})
    assert audit_rows(signature) == []


@pytest.mark.parametrize("field,value", [
    ("email", "not an address"), ("website", "javascript:alert(1)"),
    ("message", "a\u202eb"), ("signatory_name", "x" * 101),
])
def test_refuses_invalid_values_by_field(field, value):
    signature = signature_in("published")
    before = getattr(signature, field)
    with pytest.raises(ValidationError) as refused:
        services.signature_update(signature=signature, actor=None, data={field: value})
    assert field in refused.value.message_dict
    signature.refresh_from_db()
    assert getattr(signature, field) == before and audit_rows(signature) == []
