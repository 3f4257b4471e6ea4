"""The sign form as a thin adapter over the place selectors: each selector code becomes a
translated error that carries the same code."""

import pytest
from django.utils import translation

from tests.factories import jp
from withrefugees.campaign.forms import SignForm

pytestmark = pytest.mark.django_db

BASE = {"signatory_name": "佐藤一郎", "signatory_title": "市長", "contact_name": "田中花子",
        "department": "総務課", "email": "kokusai@example.jp", "consent_statement": "on",
        "consent_privacy": "on"}


def bound(**data) -> SignForm:
    form = SignForm({**BASE, **data})
    form.is_valid()
    return form


def codes(form: SignForm, field: str) -> list[str]:
    return [e.code for e in form.errors.as_data().get(field, [])]


@pytest.mark.parametrize("query,code", [("", "empty"), ("|", "empty"), ("府中", "ambiguous"),
                                        ("存在しない町", "not_found"), ("（", "not_found")])
def test_place_errors_carry_the_selector_code(query, code):
    form = bound(place_query=query)
    assert codes(form, "place_query") == [code]
    assert form.cleaned_data["resolved_local_government"] is None


def test_messages_are_translated_and_filled_in():
    with translation.override("en"):
        form = bound(place_query="存在しない町")
        assert form.errors["place_query"] == [
            "No local government matches “存在しない町”. Check the spelling, or tick “My "
            "local government is not in the list”."]
    with translation.override("ja"):
        assert "存在しない町" in bound(place_query="存在しない町").errors["place_query"][0]
        assert bound(place_query="府中").errors["place_query"][0] != (
            "Several local governments match. Choose yours from the list below.")


def test_ambiguous_offers_candidates_and_clears_the_choice():
    form = bound(place_query="府中", local_government=str(jp("131130").pk))
    assert {"132063", "342084"} <= {lg.jis_code for lg in form.candidates}
    assert form.data["local_government"] == ""


def test_resolved_place_is_shown_by_its_label():
    with translation.override("ja"):
        form = bound(place_query="府中市 広島", local_government=str(jp("132063").pk))
        assert form.is_valid(), form.errors
        assert form.cleaned_data["resolved_local_government"].jis_code == "342084"
        assert form.data["place_query"] == "府中市（広島県）"
        assert form.data["local_government"] == str(jp("342084").pk)


@pytest.mark.parametrize("name,country,code", [
    ("渋谷区", "JP", "japan_listed"), ("City of Paris", "FR", "listed"),
    ("", "FR", "required"),
])
def test_not_listed_errors_carry_codes(name, country, code):
    form = bound(not_listed="on", new_name=name, new_country=country)
    assert codes(form, "new_name") == [code]


def test_not_listed_message_names_the_listed_place():
    with translation.override("en"):
        form = bound(not_listed="on", new_name="Paris City", new_country="FR")
        assert form.errors["new_name"] == [
            "“Paris (France)” is in the list: search for it by name above and choose it."]


def test_not_listed_new_place_is_valid_and_country_is_required():
    assert bound(not_listed="on", new_name="Gemeinde Beispiel", new_country="DE").is_valid()
    assert codes(bound(not_listed="on", new_name="Gemeinde Beispiel"),
                 "new_country") == ["required"]
