"""Alternate names of world cities (GeoNames ``alternatenames`` in Latin letters or kana):
the search and the "not in the list" duplicate check know ``Genève``, ``Genf`` and
``Ginevra`` as Geneva (issue 6, section 1)."""

import csv
import importlib.util
from pathlib import Path

import pytest

from withrefugees.campaign.forms import SignForm
from withrefugees.places.models import Country, LocalGovernment
from withrefugees.places.selectors import (
    ListedCode,
    local_government_listed_match,
    local_government_resolve,
    local_government_search,
)
from withrefugees.places.services import WORLD_FILE, local_government_submit

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
GENEVA, MUNICH, VIENNA, COLOGNE, THE_HAGUE, FLORENCE, PRAGUE = (
    2660646, 2867714, 2761369, 2886242, 2747373, 3176959, 3067696)
PARIS_FR = 2988507

CASES = [  # (typed, country, GeoNames id)
    ("Genève", "CH", GENEVA), ("Genf", "CH", GENEVA), ("Ginevra", "CH", GENEVA),
    ("GENEVE", "CH", GENEVA), ("ジュネーブ", "CH", GENEVA), ("ｼﾞｭﾈｰｳﾞ", "CH", GENEVA),
    ("München", "DE", MUNICH), ("Muenchen", "DE", MUNICH), ("Munich", "DE", MUNICH),
    ("Wien", "AT", VIENNA), ("Vienne", "AT", VIENNA), ("ウイーン", "AT", VIENNA),
    ("Köln", "DE", COLOGNE), ("Cologne", "DE", COLOGNE), ("Koeln", "DE", COLOGNE),
    ("Den Haag", "NL", THE_HAGUE), ("Firenze", "IT", FLORENCE), ("Praha", "CZ", PRAGUE),
]


def city(geonames_id: int) -> LocalGovernment:
    return LocalGovernment.objects.get(geonames_id=geonames_id)


def test_alternate_names_are_loaded_and_part_of_the_search_key():
    geneva = city(GENEVA)
    names = geneva.alternate_names.split("|")
    assert {"Genf", "Ginevra", "Geneve"} <= set(names)
    assert "|genf|" in f"|{geneva.search_key}|"
    assert "GVA" not in names  # an airport code
    assert all(not name.islower() for name in names)  # machine romanisations dropped


@pytest.mark.parametrize("typed,country,geonames_id", CASES)
def test_search_finds_a_city_by_its_names_in_other_languages(typed, country, geonames_id):
    found = [lg.geonames_id for lg in local_government_search(typed)]
    assert geonames_id in found, found


@pytest.mark.parametrize("typed,country,geonames_id", CASES)
def test_not_in_the_list_refuses_a_city_by_its_names_in_other_languages(typed, country,
                                                                        geonames_id):
    match = local_government_listed_match(name=typed, country=country)
    assert match.code == ListedCode.LISTED
    assert match.local_government.geonames_id == geonames_id


@pytest.mark.parametrize("name", ["Genève", "Genf", "Ville de Genève", "City of Geneva"])
def test_sign_form_refuses_genève_as_a_duplicate_and_creates_no_second_geneva(name):
    form = SignForm({"signatory_name": "X", "signatory_title": "Maire", "contact_name": "Y",
                     "department": "Z", "email": "x@ville-ge.ch", "consent_statement": "on",
                     "consent_privacy": "on", "not_listed": "on", "new_name": name,
                     "new_country": "CH"})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["new_name"]] == ["listed"]
    assert not LocalGovernment.objects.filter(source="submitted").exists()


def test_typed_name_resolves_to_the_city():
    found = local_government_resolve(query="Genève")
    assert found.resolved and found.local_government.geonames_id == GENEVA


def test_an_alternate_name_counts_only_in_its_own_country():
    # "Genf" is Geneva in Switzerland, not a place of Germany; "Vienne" (France) stays a
    # place of its own, not Vienna (Austria).
    assert local_government_listed_match(name="Genf", country="DE").code == \
        ListedCode.NOT_LISTED
    match = local_government_listed_match(name="Vienne", country="FR")
    assert match.code != ListedCode.LISTED or match.local_government.country_id == "FR"


def test_main_names_still_come_first():
    assert local_government_search("Paris")[0].geonames_id == PARIS_FR
    assert local_government_search("Vienna")[0].geonames_id == VIENNA
    assert local_government_search("渋谷")[0].jis_code == "131130"


def test_alternate_names_are_not_shown(client):
    data = client.get("/en/places/search.json", {"q": "Genf"}).json()
    geneva = next(r for r in data["results"] if r["label"].startswith("Geneva"))
    assert "Genf" not in str(geneva) and "Ginevra" not in str(geneva)


def test_a_submitted_place_has_no_alternate_names():
    lg = local_government_submit(name="Petit-Village-du-Test",
                                 country=Country.objects.get(pk="CH"))
    assert lg.alternate_names == "" and lg.search_key == "petit village du test"


# --- the data file and the rules that trimmed it ----------------------------------------

def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_reference_data", ROOT / "scripts" / "build_reference_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name,kept", [
    ("Genève", True), ("Genf", True), ("Den Haag", True), ("D'n Haog", True),
    ("ジュネーブ", True), ("ウィーン", True),
    ("GVA", False), ("MUC", False), ("jnyf", False), ("ri nei wa", False),
    ("日内瓦", False), ("ジュネーブ市役所前", False), ("Женева", False), ("جنيف", False),
    ("http://geneva.ch", False), ("Geneva 1201", False), ("Colonia Claudia Ara", False),
    ("Ge", False), ("Lungsod ng Muenchen", False), ("Ab" * 16, False),
])
def test_only_names_people_type_are_kept(name, kept):
    assert _build_script().is_typed_alternate_name(name) is kept


def test_data_file_column_and_size():
    with WORLD_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert "alternate_names" in rows[0]
    by_id = {int(r["geonameid"]): r for r in rows}
    assert "Genf" in by_id[GENEVA]["alternate_names"].split("|")
    assert "Wien" in by_id[VIENNA]["alternate_names"].split("|")
    assert WORLD_FILE.stat().st_size < 3_500_000
