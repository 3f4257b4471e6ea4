"""Bad input in the pledge builder: a clear translated message with a code, what was typed
kept, nothing half-saved, never a 500 (NUL and control characters, 20,000 characters, dates
that do not exist, year 99999, nan, 1e400, 40-digit ids, forged choices)."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import PledgeFactory, PledgeTargetFactory, jp
from tests.pledges.test_builder_views import AJAX, form_data, url
from withrefugees.core.models import AuditEntry
from withrefugees.pledges.models import Pledge

pytestmark = pytest.mark.django_db

GARBAGE = ["\x00", "a\x07b", "x" * 20_000, "2027-02-30", "99999-12-31", "-1", "1e400",
           "nan", "inf", "<script>alert(1)</script>", "' OR 1=1 --", "９９", "💥" * 300,
           "9" * 40, "\u202e"]
FIELDS = ["title_ja", "title_en", "description_ja", "description_en", "expected_impact_ja",
          "expected_impact_en", "kinds", "objectives", "areas", "scope", "countries",
          "starts_on", "ends_on", "budget_amount", "budget_currency", "contact_name",
          "contact_email", "forum", "multistakeholder_pledges", "matched_pledge",
          "matches_gcr_reference", "targets-0-indicator", "targets-0-target_value",
          "targets-0-unit", "targets-0-target_date", "targets-TOTAL_FORMS",
          "targets-INITIAL_FORMS", "co_pledgers-0-local_government",
          "co_pledgers-0-organisation_name", "co_pledgers-TOTAL_FORMS",
          "co_pledgers-INITIAL_FORMS"]


@pytest.mark.parametrize("field", FIELDS)
def test_garbage_in_any_field_never_gives_500(client, lg, officer, field):
    client.force_login(officer)
    for value in ("\x00", "x" * 20_000, "9" * 40, "2027-02-30", "99999-12-31", "nan",
                  "1e400"):
        response = client.post(url("pledge_new", lg), form_data(**{field: value}))
        assert response.status_code in (302, 400), (field, value, response.status_code)


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_every_field_at_once_never_gives_500(client, lg, officer, value):
    client.force_login(officer)
    pledge = PledgeFactory(local_government=lg, title_ja="元の題")
    for target in (url("pledge_new", lg), url("pledge_edit", lg, pledge.pk)):
        response = client.post(target, form_data(**dict.fromkeys(FIELDS, value)))
        assert response.status_code == 400, (value, response.status_code)
        response = client.post(target, form_data(**dict.fromkeys(FIELDS, value)), **AJAX)
        assert response.status_code == 400 and json.loads(response.content)["ok"] is False
    assert Pledge.objects.get().title_ja == "元の題"


@pytest.mark.parametrize("field, value, code", [
    ("title_ja", "題\x00名", "null_characters"),
    ("description_en", "a\x07b", "control_characters"),
    ("title_en", "x" * 20_000, "max_length"),
    ("starts_on", "2027-02-30", "invalid"),
    ("ends_on", "99999-12-31", "invalid"),
    ("starts_on", "1900-01-01", "date_out_of_range"),
    ("budget_amount", "nan", "number_not_finite"),
    ("budget_amount", "inf", "number_not_finite"),
    ("budget_amount", "1e400", "number_too_large"),
    ("budget_amount", "12,5,x", "number_invalid"),
    ("budget_amount", "1.5", "budget_decimals"),
    ("budget_currency", "XYZ", "invalid_choice"),
    ("kinds", "bribe", "invalid_choice"),
    ("areas", "999999", "invalid_choice"),
    ("areas", "9" * 40, "invalid_choice"),
    ("areas", "abc", "invalid_pk_value"),
    ("countries", "XX", "invalid_choice"),
    ("scope", "moon", "invalid_choice"),
    ("forum", "grf_1999", "invalid_choice"),
    ("matched_pledge", "9" * 40, "invalid_choice"),
    ("contact_email", "hanako@", "invalid_email"),
    ("contact_email", "a@b\x00.jp", "null_characters"),
])
def test_each_bad_value_has_its_code_and_keeps_the_rest(client, lg, officer, field, value,
                                                        code):
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), form_data(
        description_ja="説明は消えない", **{field: value}))
    assert response.status_code == 400
    assert code in [e.code for e in response.context["form"].errors.as_data()[field]]
    page = response.content.decode()
    assert "説明は消えない" in page and "通う子ども" in page and "府中市国際交流協会" in page
    assert "\x00" not in page
    assert not Pledge.objects.exists()


def test_a_forged_draft_to_match_is_refused(client, lg, other_lg, officer):
    draft = PledgeFactory(local_government=other_lg)
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), form_data(matched_pledge=str(draft.pk)))
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["matched_pledge"][0].code == "invalid_choice"


@pytest.mark.parametrize("field, value, code", [
    ("targets-0-target_value", "nan", "number_not_finite"),
    ("targets-0-target_value", "1e400", "number_too_large"),
    ("targets-0-target_value", "9" * 40, "number_too_large"),
    ("targets-0-target_value", "1.23456", "number_too_many_decimals"),
    ("targets-0-target_value", "-5", "number_negative"),
    ("targets-0-target_date", "2027-02-30", "invalid"),
    ("targets-0-indicator", "", "indicator_required"),
    ("targets-0-indicator", "指標\x00", "null_characters"),
])
def test_bad_target_rows(client, lg, officer, field, value, code):
    client.force_login(officer)
    response = client.post(url("pledge_new", lg), form_data(**{field: value}))
    assert response.status_code == 400
    name = field.split("-")[-1]
    errors = response.context["targets"].forms[0].errors.as_data()[name]
    assert code in [e.code for e in errors]
    assert not Pledge.objects.exists()


def test_forged_co_pledgers(client, lg, other_lg, officer, other_officer):
    client.force_login(officer)
    # Its own local government is not offered (the lead is never a co-pledger).
    response = client.post(url("pledge_new", lg), form_data(**{
        "co_pledgers-0-organisation_name": "", "co_pledgers-0-local_government": str(lg.pk)}))
    assert response.status_code == 400
    errors = response.context["co_pledgers"].forms[0].errors.as_data()
    assert errors["local_government"][0].code == "invalid_choice"
    # A place that is on no one's list (no signature, no officer).
    unknown = jp("011002")
    response = client.post(url("pledge_new", lg), form_data(**{
        "co_pledgers-0-local_government": str(unknown.pk)}))
    assert response.status_code == 400
    # The same local government twice.
    response = client.post(url("pledge_new", lg), form_data(**{
        "co_pledgers-0-organisation_name": "", "co_pledgers-0-local_government": str(other_lg.pk),
        "co_pledgers-1-local_government": str(other_lg.pk)}))
    assert response.status_code == 400
    assert response.context["co_pledgers"].non_form_errors().as_data()[0].code == (
        "co_pledger_twice")
    # Both kinds in one row.
    response = client.post(url("pledge_new", lg), form_data(**{
        "co_pledgers-0-local_government": str(other_lg.pk)}))
    assert response.status_code == 400
    assert response.context["co_pledgers"].forms[0].errors.as_data()[
        "organisation_name"][0].code == "co_pledger_both"
    assert not Pledge.objects.exists()


def test_too_many_rows_are_refused_not_crashed(client, lg, officer):
    client.force_login(officer)
    data = form_data(**{"targets-TOTAL_FORMS": "1000"})
    for i in range(30):
        data[f"targets-{i}-indicator"] = f"指標{i}"
        data[f"targets-{i}-target_value"] = str(i)
    response = client.post(url("pledge_new", lg), data)
    assert response.status_code == 400
    assert not Pledge.objects.exists()


def test_messages_are_translated(client, lg, officer):
    client.force_login(officer)
    with translation.override("en"):
        response = client.post(url("pledge_new", lg), form_data(budget_amount="nan",
                                                                 title_ja="\x00"))
    page = response.content.decode()
    assert "Enter a number, e.g. 1500 or 12.5" in page
    assert "NUL character (U+0000)" in page


def test_huge_and_bad_ids_never_crash(client, lg, officer):
    client.force_login(officer)
    pledge = PledgeFactory(local_government=lg)
    PledgeTargetFactory(pledge=pledge)
    for name in ("pledge_edit", "pledge_submit", "pledge_withdraw", "pledge_delete"):
        assert client.get(url(name, lg, 10**39)).status_code == 404
        assert client.post(url(name, lg, 10**39), {"confirm": "yes"}).status_code == 404
    assert client.get(reverse("workspace:pledges", args=[10**39])).status_code == 404
    response = client.post(reverse("workspace:pledge_start_from", args=[10**39]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="pledge.").exists()


def test_start_from_with_garbage_choice(client, lg, other_lg, officer):
    source = PledgeFactory(local_government=other_lg, status="sent_to_gcr")
    client.force_login(officer)
    start = reverse("workspace:pledge_start_from", args=[source.pk])
    for value in ("\x00", "9" * 40, "abc", "", str(other_lg.pk)):
        response = client.post(start, {"local_government": value})
        assert response.status_code == 400, value
    assert Pledge.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "ok"), [("99999999999.9999", True),
                                           ("999999999999", False)])
def test_a_target_value_of_15_digits_is_read_back_exactly(value, ok):
    """SQLite keeps decimals as doubles: 15 significant digits round-trip, 16 crashed Django
    when read back (helper E's finding), so the form refuses more than 11 before the point."""
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    from tests.factories import PledgeTargetFactory
    from withrefugees.pledges.models import PledgeTarget
    from withrefugees.pledges.validation import validate_target_value

    if not ok:
        with pytest.raises(ValidationError):
            validate_target_value(Decimal(value))
        return
    validate_target_value(Decimal(value))
    target = PledgeTargetFactory(target_value=Decimal(value))
    assert PledgeTarget.objects.get(pk=target.pk).target_value == Decimal(value)
