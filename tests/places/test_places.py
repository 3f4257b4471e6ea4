"""Reference data: completeness, codes, search as a Japanese officer types, labels."""

import pytest
from django.utils import translation

from withrefugees.places.folding import fold
from withrefugees.places.models import Country, LocalGovernment, Region
from withrefugees.places.selectors import local_government_search
from withrefugees.places.services import reference_data_load

pytestmark = pytest.mark.django_db
K = LocalGovernment.Kind


def jis_check_digit(first5: str) -> int:
    """JIS X 0402 check digit: weights 6..2, (11 - sum mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(first5, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def test_japan_has_47_prefectures_and_1741_municipalities():
    jp = LocalGovernment.objects.filter(country_id="JP", source="jis_x0402")
    counts = {k: jp.filter(kind=k).count() for k in K.values}
    assert counts[K.PREFECTURE] == 47
    municipalities = sum(counts[k] for k in (K.DESIGNATED_CITY, K.CITY, K.SPECIAL_WARD, K.TOWN,
                                             K.VILLAGE))
    assert municipalities == 1741
    assert counts[K.SPECIAL_WARD] == 23
    assert counts[K.DESIGNATED_CITY] == 20
    assert Region.objects.filter(country_id="JP").count() == 47


def test_every_jis_code_has_a_valid_check_digit_reading_and_point():
    rows = LocalGovernment.objects.filter(source="jis_x0402")
    for lg in rows:
        assert jis_check_digit(lg.jis_code[:5]) == int(lg.jis_code[5]), lg.jis_code
        assert lg.reading and all("\u30a0" <= ch <= "\u30ff" for ch in lg.reading), lg.name
        assert lg.name_en and lg.latitude and lg.longitude, lg.name
        assert 20 < lg.latitude < 46 and 122 < lg.longitude < 154, lg.name


def test_world_data_countries_in_ja_and_en_and_geonames_cities():
    japan = Country.objects.get(code="JP")
    assert (japan.name_en, japan.name_ja) == ("Japan", "日本")
    assert Country.objects.count() >= 240
    assert Region.objects.filter(code="FR-IDF").exists() or Region.objects.filter(
        country_id="FR").count() > 10
    paris = LocalGovernment.objects.get(geonames_id=2988507)
    assert paris.country_id == "FR" and paris.population > 1_000_000
    assert paris.name_ja == "パリ"


@pytest.mark.parametrize("query", ["渋谷", "渋谷区", "しぶや", "シブヤ", "ｼﾌﾞﾔ", "shibuya",
                                   "Shibuya City", "ＳＨＩＢＵＹＡ", "澁谷", "しぶやく"])
def test_search_finds_shibuya_first(query):
    results = local_government_search(query)
    assert results, query
    assert results[0].jis_code == "131130", [r.label for r in results]


@pytest.mark.parametrize("query,codes", [
    ("府中市", {"132063", "342084"}),
    ("伊達市", {"012335", "072133"}),
])
def test_same_name_municipalities_are_told_apart_by_prefecture(query, codes):
    results = [lg for lg in local_government_search(query) if lg.name == query]
    assert {lg.jis_code for lg in results} == codes
    with translation.override("ja"):
        labels = {lg.label for lg in results}
    assert len(labels) == 2 and all("（" in label for label in labels), labels
    with translation.override("en"):
        assert {lg.label for lg in results} == {
            f"{lg.name_en} ({lg.region.name_en})" for lg in results}


def test_folding_rules():
    assert fold("ｼﾌﾞﾔ") == fold("しぶや") == fold("シブヤ") == "シブヤ"
    assert fold("ＡＢＣ　ｄｅｆ") == "abc def"
    assert fold("霞ヶ浦") == fold("霞ケ浦")
    assert fold("澤") == "沢" and fold("﨑") == "崎" and fold("邊") == "辺"
    assert fold(None) == ""


def test_search_with_empty_or_symbol_query_returns_nothing():
    assert local_government_search("") == []
    assert local_government_search("   ") == []


def test_reference_load_is_idempotent():
    before = LocalGovernment.objects.count()
    assert all(v is None for v in reference_data_load().values())
    result = reference_data_load(force=True)
    assert result["jp_local_governments"] == 1788
    assert LocalGovernment.objects.count() == before


@pytest.mark.django_db
def test_admin_cannot_change_the_code_that_identifies_a_reference_record(client):
    """Found by review: posting code=DE on France's page overwrote Germany."""
    from tests.factories import SuperuserFactory

    client.force_login(SuperuserFactory())
    germany_before = Country.objects.get(pk="DE").name_en
    response = client.post("/en/admin/places/country/FR/change/",
                           {"code": "DE", "name_en": "France (edited)", "name_ja": "フランス"})
    assert response.status_code == 302
    assert Country.objects.get(pk="DE").name_en == germany_before
    assert Country.objects.get(pk="FR").name_en == "France (edited)"
