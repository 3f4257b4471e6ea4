"""The campaign's real records (issue 6, §11): the attested list of 113 signatories in 32
countries is loaded as published signatures of record, matched to the reference places,
idempotently, with a report of the rows that do not match; dates keep their precision."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import SignatureFactory, jp
from withrefugees.campaign import selectors
from withrefugees.campaign.models import (
    DatePrecision,
    SignatoryRecord,
    SignatoryRecordSource,
    Signature,
)
from withrefugees.campaign.records import (
    SIGNATORIES_FILE,
    SIGNATORIES_SHA256,
    MatchCode,
    RecordError,
    RecordRow,
    parse_date_of_record,
    place_match,
    read_rows,
)
from withrefugees.campaign.seed import signatory_records_load
from withrefugees.core.models import AuditEntry
from withrefugees.places.models import LocalGovernment

pytestmark = pytest.mark.django_db
S = Signature.Status
P = DatePrecision
D = datetime.date
SHARED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "signatories.csv"
# Japan in signing order (the list's note column: "1st in Japan" ... "20th in Japan").
JAPAN_ORDER = ["東京都", "広島市", "文京区", "渋谷区", "瀬戸内市", "札幌市", "世田谷区", "敦賀市",
               "大村市", "横浜市", "鎌倉市", "中野区", "岡山市", "総社市", "長崎市", "豊明市",
               "神奈川県", "松江市", "つくば市", "熊本市"]
BROCHURE = ["130001", "341002", "131059", "131130"]  # 東京都, 広島市, 文京区, 渋谷区
# Rows that no reference place can match (a county, a state, a province, villages under
# the GeoNames population threshold): each becomes a new place. Others may join them or
# leave as the reference data grows (e.g. alternate names), so counts are computed.
NEW_PLACES = {"Salt Lake County", "Cross River State", "San Luis Province",
              "Pessat-Villeneuve", "Sergy", "Sauverny"}


def not_listed() -> set[str]:
    return {r.name for r in read_rows()[0] if place_match(r).code == MatchCode.NOT_LISTED}


def row(name_en, country, region="", name_local="", date_text="") -> RecordRow:
    signed_on, precision = parse_date_of_record(date_text)
    return RecordRow(line=2, name_en=name_en, name_local=name_local, country=country,
                     region=region, date_text=date_text, signed_on=signed_on,
                     precision=precision, sources=(), evidence="", note="")


# --- the file -------------------------------------------------------------------------------
def test_the_list_is_the_shared_reference_copied_verbatim():
    data = SIGNATORIES_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SIGNATORIES_SHA256
    if SHARED.exists():  # present next to the checkout in CI and on the team's machines
        assert SHARED.read_bytes() == data, "re-copy shared/reference/signatories.csv"


def test_the_list_reads_as_113_rows_in_32_countries_with_japan_in_signing_order():
    rows, errors = read_rows()
    assert errors == [] and len(rows) == 113
    assert len({r.country for r in rows}) == 32
    japan = sorted((r for r in rows if r.in_japan), key=lambda r: r.signing_order)
    assert [r.name_local for r in japan] == JAPAN_ORDER
    assert [r.signing_order for r in japan] == list(range(1, 21))
    paris = next(r for r in rows if r.name_en == "Paris")
    assert [s.label for s in paris.sources] == ["UNHCR signatory list",
                                                "UNHCR press release 20 Jun 2019"]
    assert paris.sources[1].note.startswith("named as signatories") and paris.note == ""
    tokyo = next(r for r in rows if r.name_local == "東京都")
    assert len(tokyo.sources) == 2 and {s.label for s in tokyo.sources} == {
        "UNHCR Japan / municipal release"}
    assert tokyo.note == "1st in Japan (signing order); date not found"


@pytest.mark.parametrize("text,expected", [
    ("2022-05-02", (D(2022, 5, 2), P.DAY)),
    ("2024-04", (D(2024, 4, 1), P.MONTH)),
    ("2023", (D(2023, 1, 1), P.YEAR)),
    ("<=2022-05-02", (D(2022, 5, 2), P.ON_OR_BEFORE)),
    ("<=2018-06", (D(2018, 6, 1), P.ON_OR_BEFORE_MONTH)),
    ("<=2018", (D(2018, 1, 1), P.ON_OR_BEFORE_YEAR)),
    ("", (None, P.UNKNOWN)),
    ("  ", (None, P.UNKNOWN)),
])
def test_dates_of_record_are_read_at_their_precision(text, expected):
    assert parse_date_of_record(text) == expected


@pytest.mark.parametrize("text", ["2022-13", "2022-02-30", "May 2022", "<2022-05-02",
                                  ">=2022", "2022/05/02", "22-05-02", "2022-5-2"])
def test_dates_not_understood_are_refused_not_guessed(text):
    with pytest.raises(RecordError):
        parse_date_of_record(text)


def test_unreadable_rows_are_reported_and_the_others_read(tmp_path):
    path = tmp_path / "list.csv"
    lines = SIGNATORIES_FILE.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], lines[1].replace("<=2019-06-20", "June 2019"),
                               lines[2], lines[3].replace("http://", "javascript://")]) + "\n",
                    encoding="utf-8")
    rows, errors = read_rows(path)
    assert [r.name_en for r in rows] == ["Paterson"]
    assert errors[0].startswith("line 2: date not understood")
    assert errors[1].startswith("line 4: a source is not an http(s) address")


# --- matching --------------------------------------------------------------------------------
@pytest.mark.parametrize("name_en,country,region,name_local,expected", [
    ("Tokyo Metropolitan Government", "JP", "Tokyo", "東京都", "130001"),  # a prefecture
    ("Shibuya City", "JP", "Tokyo", "渋谷区", "131130"),
    ("Fuchu", "JP", "Hiroshima", "府中市", "342084"),  # the prefecture tells 府中市 apart
    ("Fuchu", "JP", "Tokyo", "府中市", "132063"),
    ("Kashima", "JP", "Ibaraki", "鹿嶋市", "082228"),  # not 鹿島市 (佐賀県)
])
def test_japanese_rows_match_by_japanese_name_and_prefecture(name_en, country, region,
                                                              name_local, expected):
    match = place_match(row(name_en, country, region, name_local))
    assert match.code == MatchCode.MATCHED and match.region_checked
    assert match.local_government.jis_code == expected


def test_a_japanese_row_in_the_wrong_prefecture_or_unknown_name_is_not_matched():
    assert place_match(row("Shibuya", "JP", "Osaka", "渋谷区")).code == MatchCode.NOT_FOUND_JAPAN
    assert place_match(row("Nowhere", "JP", "Tokyo", "無名市")).code == MatchCode.NOT_FOUND_JAPAN


@pytest.mark.parametrize("name_en,country,region,admin1", [
    ("Richmond", "US", "VA", "VA"),  # 4 Richmonds in the USA: the state decides
    ("Rochester", "US", "NY", "NY"),
    ("Dallas", "US", "TX", "TX"),
    ("San Fernando", "PH", "La Union", "01"),  # a province, in ISO region PH-01
    ("San Fernando", "PH", "Pampanga", "03"),
])
def test_the_region_tells_same_name_places_apart(name_en, country, region, admin1):
    from withrefugees.campaign.records import _admin1

    match = place_match(row(name_en, country, region))
    assert match.code == MatchCode.MATCHED and match.region_checked
    assert _admin1()[match.local_government.geonames_id] == (country, admin1)


@pytest.mark.parametrize("name_en,country,region,expected", [
    ("City of Sydney", "AU", "New South Wales", "Sydney"),
    ("New York", "US", "NY", "New York City"),
    ("St. Paul", "US", "MN", "Saint Paul"),
    ("Reykjanesbær", "IS", "", "Reykjanesbær"),
    ("Quibdó", "CO", "Chocó Department", "Quibdó"),
])
def test_world_rows_match_by_name_without_city_words(name_en, country, region, expected):
    match = place_match(row(name_en, country, region))
    assert match.code == MatchCode.MATCHED and match.local_government.name == expected


def test_a_region_that_excludes_every_candidate_is_not_listed_and_ambiguity_is_kept():
    assert place_match(row("Santa Maria", "PH", "Bulacan")).code == MatchCode.NOT_LISTED
    assert place_match(row("Richmond", "US", "OR")).code == MatchCode.NOT_LISTED
    ambiguous = place_match(row("San José", "CR", "Alajuela"))
    assert ambiguous.code == MatchCode.AMBIGUOUS and len(ambiguous.candidates) == 2
    assert place_match(row("Salt Lake County", "US", "UT")).code == MatchCode.NOT_LISTED


# --- loading -----------------------------------------------------------------------------------
def published_in_japan() -> list[Signature]:
    return list(Signature.objects.published().filter(local_government__country_id="JP")
                .select_related("local_government", "record"))


def test_loading_gives_every_row_but_the_ambiguous_one_and_reports_the_unmatched(tmp_path):
    brochure = {s.local_government.jis_code: s.pk for s in published_in_japan()}
    assert set(brochure) == set(BROCHURE)  # the test database holds the brochure's four
    expected_new = not_listed()
    assert expected_new >= NEW_PLACES
    report = signatory_records_load()
    assert report.rows == 113 and report.new_places == len(expected_new)
    assert report.counts == {"created": 108, "attached": 4, "not_loaded": 1}
    assert Signature.objects.published().count() == 112
    assert SignatoryRecord.objects.count() == 112
    assert set(SignatoryRecord.objects.filter(match="new_place").values_list(
        "name_en", flat=True)) == expected_new
    assert SignatoryRecordSource.objects.count() == sum(
        len(r.sources) for r in read_rows()[0] if r.name_en != "San José")
    # The report names every row that is not a plain match: 21 new places, 1 ambiguous.
    outcomes = {(r.name, r.country): r.outcome for r in report.lines}
    assert len(report.lines) == len(expected_new) + 1
    assert outcomes[("San José", "CR")] == MatchCode.AMBIGUOUS
    assert outcomes[("Pessat-Villeneuve", "FR")] == MatchCode.NOT_LISTED
    # New places: kind other, the country, the ISO region when the text names one.
    pessat = LocalGovernment.objects.get(name="Pessat-Villeneuve")
    assert (pessat.kind, pessat.country_id, pessat.region.code) == ("other", "FR", "FR-ARA")
    bulacan = LocalGovernment.objects.get(name="Santa Maria", source="submitted")
    assert bulacan.region is None and bulacan.region_text == "Bulacan"  # a province
    # Japan: all 20, the brochure's four are the same signatures as before (no duplicate).
    japan = published_in_japan()
    assert len(japan) == 20
    assert {s.local_government.jis_code: s.pk for s in japan if
            s.local_government.jis_code in BROCHURE} == brochure
    assert sorted(s.record.signing_order for s in japan) == list(range(1, 21))


def test_the_brochure_four_keep_before_2_may_2022_and_gain_their_sources():
    signatory_records_load()
    for code in BROCHURE:
        signature = Signature.objects.published().get(local_government__jis_code=code)
        assert (signature.signed_on, signature.signed_on_precision) == (
            D(2022, 5, 2), P.ON_OR_BEFORE)
        assert signature.origin == Signature.Origin.CAMPAIGN_RECORD
        assert signature.record.sources.count() >= 1
        seeds = AuditEntry.objects.filter(object_id=str(signature.pk), action="signature.seed")
        assert seeds.count() == 2  # the brochure's seed, then the record's date
        assert seeds.order_by("pk").last().changes == {
            "signed_on": [None, "2022-05-02"], "signed_on_precision": ["unknown", "on_or_before"]}


def test_dates_are_stored_at_the_precision_the_list_gives():
    signatory_records_load()
    got = {s.local_government.name: (s.signed_on, s.signed_on_precision)
           for s in Signature.objects.published().select_related("local_government")}
    assert got["瀬戸内市"] == (D(2022, 5, 2), P.DAY)
    assert got["豊明市"] == (D(2024, 4, 1), P.MONTH)
    assert got["中野区"] == (D(2023, 1, 1), P.YEAR)
    assert got["松江市"] == (None, P.UNKNOWN)
    assert got["Chicago"] == (D(2018, 6, 1), P.ON_OR_BEFORE_MONTH)
    assert got["Paris"] == (D(2019, 6, 20), P.ON_OR_BEFORE)
    assert got["Peshawar"] == (None, P.UNKNOWN)


def test_a_second_load_changes_nothing():
    signatory_records_load()
    before = (Signature.objects.count(), LocalGovernment.objects.count(),
              AuditEntry.objects.count(), SignatoryRecord.objects.count(),
              SignatoryRecordSource.objects.count(),
              list(Signature.objects.values_list("pk", "signed_on", "status", "updated_at")))
    report = signatory_records_load()
    assert report.counts == {"unchanged": 112, "not_loaded": 1} and report.new_places == 0
    assert (Signature.objects.count(), LocalGovernment.objects.count(),
            AuditEntry.objects.count(), SignatoryRecord.objects.count(),
            SignatoryRecordSource.objects.count(),
            list(Signature.objects.values_list("pk", "signed_on", "status", "updated_at"))
            ) == before


def test_an_online_signature_wins_and_a_withdrawn_record_is_not_published_again():
    online = SignatureFactory(local_government=jp("011002"), status=S.PENDING)  # 札幌市
    report = signatory_records_load()
    assert report.counts["already_signed"] == 1
    assert Signature.objects.active().filter(local_government=online.local_government
                                             ).get() == online
    record = SignatoryRecord.objects.get(local_government=online.local_government)
    assert record.signature is None
    assert any(r.outcome == "already_signed" and r.name == "札幌市" for r in report.lines)
    # Staff withdraw a record's signature: reloading does not publish it again.
    yokohama = Signature.objects.published().get(local_government__jis_code="141003")
    Signature.objects.filter(pk=yokohama.pk).update(status=S.WITHDRAWN)
    signatory_records_load()
    assert not Signature.objects.active().filter(local_government__jis_code="141003").exists()


def test_the_command_prints_the_report_and_writes_it_to_a_file(tmp_path, capsys):
    report_file = tmp_path / "report.csv"
    call_command("load_signatory_records", report=report_file)
    out = capsys.readouterr().out
    new_places = len(not_listed())
    assert "created 108" in out and f"new places {new_places}" in out
    assert "San José (CR, Alajuela): ambiguous" in out
    assert "Pessat-Villeneuve (FR, Auvergne-Rhône-Alpes): not_listed" in out
    text = report_file.read_text(encoding="utf-8")
    assert text.startswith("line,name,country,region,outcome,detail")
    assert len(text.strip().splitlines()) == 1 + new_places + 1  # header, new, ambiguous
    call_command("load_signatory_records")  # a second run: only the row still not loaded
    assert "unchanged 112" in capsys.readouterr().out


# --- the date's precision in the database ----------------------------------------------------
@pytest.mark.parametrize("signed_on,precision", [
    (D(2024, 4, 15), P.MONTH), (D(2024, 2, 1), P.YEAR), (D(2018, 6, 20), P.ON_OR_BEFORE_MONTH),
    (None, P.DAY), (None, P.ON_OR_BEFORE), (D(2024, 4, 1), P.UNKNOWN), (None, P.MONTH),
])
def test_the_database_refuses_a_date_finer_than_its_precision(signed_on, precision):
    signature = SignatureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.filter(pk=signature.pk).update(signed_on=signed_on,
                                                         signed_on_precision=precision)


def test_a_date_given_by_confirmation_or_staff_is_a_day_and_no_date_is_unknown():
    signature = SignatureFactory()
    assert (signature.signed_on, signature.signed_on_precision) == (None, P.UNKNOWN)
    signature.signed_on = D(2026, 6, 20)
    signature.save(update_fields=["signed_on"])  # as signature_confirm and signature_update
    signature.refresh_from_db()
    assert signature.signed_on_precision == P.DAY
    month = SignatureFactory(local_government=jp("131130"), status=S.WITHDRAWN,
                             signed_on=D(2024, 4, 1), signed_on_precision=P.MONTH)
    assert month.signed_on_precision == P.MONTH  # a date that fits keeps its precision
    month.signed_on = D(2024, 4, 9)  # staff give a full date
    month.save(update_fields=["signed_on"])
    month.refresh_from_db()
    assert month.signed_on_precision == P.DAY
    month.signed_on = None
    month.save(update_fields=["signed_on"])
    month.refresh_from_db()
    assert month.signed_on_precision == P.UNKNOWN


# --- what the public sees --------------------------------------------------------------------
def test_home_directory_and_map_count_the_records(client):
    signatory_records_load()
    counts = selectors.signature_counts()
    assert (counts.local_governments, counts.countries, counts.in_japan) == (112, 31, 20)
    home = client.get("/en/").content.decode()
    assert ">112<" in home and ">31<" in home and ">20<" in home
    assert "Kumamoto" in home  # the latest signatory heads the "recent" list
    directory = client.get("/en/signatories/").content.decode()
    assert "112 signatories" in directory
    japan = client.get("/en/signatories/?country=JP").content.decode()
    assert "20 signatories" in japan
    points = selectors.map_points()
    assert len(points) == 112
    paris = LocalGovernment.objects.get(geonames_id=2988507)
    pessat = LocalGovernment.objects.get(name="Pessat-Villeneuve")
    assert {p["id"] for p in points} >= {paris.pk, pessat.pk}
    assert f'/ja/signatories/{pessat.pk}/' in client.get("/ja/map/").content.decode()


def test_the_directory_by_date_follows_the_signing_order_in_japan():
    signatory_records_load()
    names = [s.local_government.name for s in selectors.directory(country="JP", sort="date")]
    # the whole signing order, also where the date is known only to the year or month
    # (中野区, 12th, "2023", after 鎌倉市, 11th, 27 June 2023; 長崎市 "2024" after 総社市
    # 29 January 2024) or not at all (松江市, 18th): found by a new-user trial
    assert names == JAPAN_ORDER
    newest = [s.local_government.name for s in selectors.directory(country="JP", sort="-date")]
    assert newest == names[::-1]


@pytest.mark.parametrize("url", ["/ja/signatories/?sort=date", "/en/signatories/?sort=-date",
                                 "/ja/signatories/?country=JP", "/en/", "/ja/map/"])
def test_the_record_pages_query_as_many_times_with_the_records(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    signatory_records_load()
    client.get(url)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before), url
