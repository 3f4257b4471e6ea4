"""Place matching: suffix and exact-match rules, resolving typed text, "not in the list"
duplicates. Every app that asks for a place relies on these codes and rules."""

import pytest
from django.utils import translation

from tests.factories import jp
from withrefugees.places.folding import fold
from withrefugees.places.matching import NAME_SUFFIXES, core_name, is_exact_match, still_names
from withrefugees.places.models import Country, LocalGovernment
from withrefugees.places.selectors import (
    ListedCode,
    ListedMatch,
    PlaceResolution,
    ResolutionCode,
    local_government_listed_match,
    local_government_resolve,
)
from withrefugees.places.services import local_government_submit

pytestmark = pytest.mark.django_db
R, L = ResolutionCode, ListedCode
SHIBUYA, FUCHU_TOKYO, FUCHU_HIROSHIMA, KUMANO = "131130", "132063", "342084", "343072"
PARIS_GEONAMES_ID = 2988507


def paris() -> LocalGovernment:
    return LocalGovernment.objects.get(geonames_id=PARIS_GEONAMES_ID)


def submitted(name: str, country: str) -> LocalGovernment:
    return local_government_submit(name=name, country=Country.objects.get(pk=country))


# --- codes are part of the contract -----------------------------------------------------

def test_codes_are_stable_strings():
    assert [c.value for c in ResolutionCode] == ["resolved", "empty", "ambiguous", "not_found"]
    assert [c.value for c in ListedCode] == ["japan_listed", "listed", "not_listed"]
    assert ResolutionCode.AMBIGUOUS == "ambiguous" and str(ListedCode.LISTED) == "listed"


def test_results_are_frozen():
    found = local_government_resolve(query="渋谷区")
    with pytest.raises(AttributeError):
        found.code = R.EMPTY  # type: ignore[misc]
    assert isinstance(found, PlaceResolution)
    assert isinstance(local_government_listed_match(name="x", country="GB"), ListedMatch)


# --- matching rules ---------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "渋谷区", "渋谷", "澁谷",  # kanji, with or without 区, old form
    "しぶや", "しぶやく", "シブヤク", "ｼﾌﾞﾔ",  # kana (reading シブヤク), half-width
    "shibuya", "SHIBUYA", "ｓｈｉｂｕｙａ",  # romaji, any case or width
    "Shibuya City", "shibuya city",  # English name
])
def test_exact_match_allows_a_name_without_its_kind_suffix(typed):
    assert is_exact_match(jp(SHIBUYA), typed)


@pytest.mark.parametrize("code,typed", [
    ("130001", "東京"), ("130001", "とうきょうと"), ("130001", "Tokyo Metropolis"),
    ("010006", "北海道"), ("010006", "ほっかいどう"), ("010006", "hokkaido"),
    ("270008", "大阪"), ("270008", "おおさかふ"), ("140007", "神奈川"),
    ("140007", "Kanagawa Prefecture"), ("131016", "千代田"),
    (KUMANO, "熊野"), (KUMANO, "くまのちょう"), (KUMANO, "Kumano Town"),
])
def test_exact_match_for_every_kind_of_suffix(code, typed):
    assert is_exact_match(jp(code), typed), (code, typed)


@pytest.mark.parametrize("typed", ["渋", "しぶ", "shibu", "渋谷区役所", "Shibuya Cityhall",
                                   "", " ", "府中市（東京都）", "谷区"])
def test_exact_match_refuses_prefixes_longer_text_labels_and_empty(typed):
    assert not is_exact_match(jp(SHIBUYA), typed)


def test_name_suffixes_are_folded_forms():
    assert all(fold(s) == s for s in NAME_SUFFIXES)
    assert {"区", "ク", "ward", "city", ""} <= NAME_SUFFIXES


@pytest.mark.parametrize("name", ["Paris", "PARIS", "paris city", "Paris City",
                                  "City of Paris", "Ｐａｒｉｓ", "Commune de Paris"])
def test_core_name_drops_words_around_a_name(name):
    assert core_name(name) == "paris"


def test_core_name_keeps_names_that_only_contain_such_words():
    assert core_name("Cityville") == "cityville"
    assert core_name("Comune di Esempio") == fold("Esempio")  # folded: "esenpio"
    assert core_name("") == ""


def test_still_names_accepts_labels_names_and_searched_parts():
    fuchu = jp(FUCHU_TOKYO)
    for typed in ["府中市（東京都）", "府中市(東京都)", "Fuchu City (Tokyo)", "府中", "ふちゅう",
                  "fuchu", "府中市"]:
        assert still_names(fuchu, typed), typed
    for typed in ["府中市（広島県）", "Fuchu City (Hiroshima)", "熊野町", "", "   "]:
        assert not still_names(fuchu, typed), typed


def test_still_names_does_not_depend_on_the_active_language():
    for language in ("ja", "en"):
        with translation.override(language):
            assert still_names(jp(FUCHU_TOKYO), "Fuchu City (Tokyo)")
            assert still_names(jp(FUCHU_TOKYO), "府中市（東京都）")


# --- local_government_resolve -----------------------------------------------------------

@pytest.mark.parametrize("typed", ["", "   ", "|", "・", "\u3000"])
def test_nothing_typed_is_empty(typed):
    found = local_government_resolve(query=typed)
    assert found.code == R.EMPTY and found.local_government is None
    assert found.candidates == () and not found.resolved


@pytest.mark.parametrize("typed", ["（", "()", "!!", "存在しない町", "Nowhereville"])
def test_punctuation_only_or_unknown_text_is_not_found(typed):
    found = local_government_resolve(query=typed)
    assert found.code == R.NOT_FOUND
    assert found.local_government is None and found.candidates == ()


@pytest.mark.parametrize("typed", ["渋谷", "しぶや", "shibuya", "Shibuya City", "ｼﾌﾞﾔｸ"])
def test_single_exact_match_resolves(typed):
    found = local_government_resolve(query=typed)
    assert found.code == R.RESOLVED and found.resolved
    assert found.local_government.jis_code == SHIBUYA
    assert found.local_government in found.candidates  # the search that found it


@pytest.mark.parametrize("typed,code", [("東京", "130001"), ("とうきょう", "130001")])
def test_a_single_exact_match_wins_among_several_candidates(typed, code):
    found = local_government_resolve(query=typed)  # 東京都, and 西東京市 contains 東京
    assert len(found.candidates) > 1
    assert found.code == R.RESOLVED and found.local_government.jis_code == code


def test_paris_resolves_among_its_arrondissements():
    found = local_government_resolve(query="Paris")
    assert len(found.candidates) > 1 and found.local_government == paris()


@pytest.mark.parametrize("typed", ["千代田", "熊野", "伊達市"])
def test_several_exact_matches_are_ambiguous(typed):
    found = local_government_resolve(query=typed)  # 千代田区/千代田町, 熊野市/熊野町, 伊達市 x2
    assert found.code == R.AMBIGUOUS and found.local_government is None
    assert sum(is_exact_match(lg, typed) for lg in found.candidates) >= 2


def test_fuchu_is_ambiguous_with_both_cities_as_candidates():
    found = local_government_resolve(query="府中")
    assert found.code == R.AMBIGUOUS and found.local_government is None
    codes = [lg.jis_code for lg in found.candidates]
    assert {FUCHU_TOKYO, FUCHU_HIROSHIMA} <= set(codes)
    assert len(codes) <= 8


def test_limit_caps_the_candidates():
    assert len(local_government_resolve(query="府中", limit=1).candidates) == 1
    assert len(local_government_resolve(query="川", limit=3).candidates) == 3


@pytest.mark.parametrize("typed", ["府中市（広島県）", "府中市(広島県)", "府中市 広島",
                                   "Fuchu City (Hiroshima)", "ふちゅうし（広島県）"])
def test_a_label_resolves_a_same_name_place(typed):
    found = local_government_resolve(query=typed)
    assert found.code == R.RESOLVED, found
    assert found.local_government.jis_code == FUCHU_HIROSHIMA


@pytest.mark.parametrize("typed", ["", "府中", "府中市（東京都）", "Fuchu City (Tokyo)", "fuchu"])
def test_a_choice_is_kept_while_the_text_still_names_it(typed, django_assert_num_queries):
    chosen = jp(FUCHU_TOKYO)
    with django_assert_num_queries(1):  # no search: the choice is read, labels need no query
        found = local_government_resolve(query=typed, chosen_id=chosen.pk)
    assert found.code == R.RESOLVED and found.local_government == chosen
    assert found.candidates == ()


@pytest.mark.parametrize("typed", ["府中市（広島県）", "府中市 広島", "Fuchu City (Hiroshima)"])
def test_typed_label_wins_over_an_earlier_choice(typed):
    found = local_government_resolve(query=typed, chosen_id=jp(FUCHU_TOKYO).pk)
    assert found.code == R.RESOLVED
    assert found.local_government.jis_code == FUCHU_HIROSHIMA


def test_changed_text_after_a_choice_is_searched_again():
    assert local_government_resolve(query="熊野町", chosen_id=jp(FUCHU_TOKYO).pk
                                    ).local_government.jis_code == KUMANO
    stale = local_government_resolve(query="府中町", chosen_id=jp(SHIBUYA).pk)
    assert stale.local_government is None or stale.local_government.jis_code != SHIBUYA


@pytest.mark.parametrize("chosen_id", [0, -1, 10**9, 99999999999999999999999])
def test_unknown_ids_are_ignored(chosen_id):
    assert local_government_resolve(query="", chosen_id=chosen_id).code == R.EMPTY
    found = local_government_resolve(query="渋谷区", chosen_id=chosen_id)
    assert found.local_government.jis_code == SHIBUYA


def test_entries_typed_in_by_signers_are_never_resolved_nor_offered():
    entered = submitted("Gemeinde Beispielhausen", "DE")
    assert entered.source == LocalGovernment.DataSource.SUBMITTED
    by_id = local_government_resolve(query="", chosen_id=entered.pk)
    assert by_id.code == R.EMPTY and by_id.local_government is None
    by_id_and_name = local_government_resolve(query="Gemeinde Beispielhausen",
                                              chosen_id=entered.pk)
    assert by_id_and_name.code == R.NOT_FOUND and by_id_and_name.candidates == ()
    by_name = local_government_resolve(query="Beispielhausen")
    assert entered not in by_name.candidates and by_name.local_government is None


def test_resolved_rows_carry_country_and_region(django_assert_num_queries):
    found = local_government_resolve(query="府中市（広島県）")
    with django_assert_num_queries(0):
        assert found.local_government.label
        assert [lg.label for lg in found.candidates]


# --- local_government_listed_match ------------------------------------------------------

@pytest.mark.parametrize("name", ["渋谷区", "Shibuya", "しぶや"])
def test_japan_is_listed_as_a_whole(name):
    match = local_government_listed_match(name=name, country="JP")
    assert match.code == L.JAPAN_LISTED
    assert match.local_government.jis_code == SHIBUYA


def test_japan_is_listed_even_for_a_name_that_is_not_found():
    match = local_government_listed_match(name="存在しない村", country="JP")
    assert match.code == L.JAPAN_LISTED and match.local_government is None
    assert local_government_listed_match(name="x", country="jp").code == L.JAPAN_LISTED


@pytest.mark.parametrize("name", ["Paris", "PARIS", "Paris City", "paris city",
                                  "City of Paris", "Commune de Paris", " paris "])
def test_variants_of_a_listed_name_are_listed(name):
    match = local_government_listed_match(name=name, country="FR")
    assert match.code == L.LISTED
    assert match.local_government == paris()


def test_a_listed_name_in_another_country_is_not_listed():
    assert local_government_listed_match(name="Paris", country="IS").code == L.NOT_LISTED


def test_a_longer_name_containing_a_listed_one_is_not_listed():
    match = local_government_listed_match(name="Paris Nord Communauté", country="FR")
    assert match.code == L.NOT_LISTED and match.local_government is None


def test_a_new_name_is_not_listed_even_when_a_signer_entered_it_before():
    assert local_government_listed_match(name="Comune di Esempio",
                                         country="IT").code == L.NOT_LISTED
    submitted("Comune di Esempio", "IT")
    match = local_government_listed_match(name="Comune di Esempio", country="IT")
    assert match.code == L.NOT_LISTED and match.local_government is None
