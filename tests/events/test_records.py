"""The campaign's World Refugee Day light-ups (events/data/lightups-japan.csv) and the
reported totals, loaded by ``events.records``."""

import csv
import datetime
import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from withrefugees.core.audit import audit_history
from withrefugees.events import records
from withrefugees.events.models import Event, Landmark, ReportedTotal

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "reference"


def csv_rows(path: Path = records.LIGHTUPS_FILE) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_copy_is_the_shared_file_with_its_checksum():
    data = records.LIGHTUPS_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == records.LIGHTUPS_SHA256
    assert records.LIGHTUPS_SHA256 in (records.DATA / "SOURCES.md").read_text()
    shared = SHARED / "lightups-japan.csv"
    if shared.exists():
        assert shared.read_bytes() == data


def test_all_55_rows_load_as_approved_past_light_ups_with_counts_per_year():
    report = records.lightup_records_load()
    assert report.rows == 55 and report.counts == {"created": 55}
    assert not [line for line in report.lines if line.outcome != "dates_not_used"]
    events = Event.objects.filter(origin="reference")
    assert events.count() == 55
    expected = Counter(int(r["year"]) for r in csv_rows())
    assert Counter(e.start_date.year for e in events) == expected
    assert expected == {2019: 15, 2020: 1, 2021: 2, 2022: 4, 2023: 3, 2024: 20, 2025: 10}
    for event in events:
        assert (event.kind, event.status, event.was_approved, event.all_day) == (
            "light_up", "approved", True, True)
        assert event.starts_at is None and event.is_public
        assert event.reference_key.startswith(f"lightup-{event.start_date.year}-")
        assert event.landmark.local_government_id == event.local_government_id


def test_sources_and_notes_are_kept_as_written():
    records.lightup_records_load()
    row = next(r for r in csv_rows() if r["year"] == "2023" and r["landmark_ja"] == "東京スカイツリー")
    event = Event.objects.get(origin="reference", start_date__year=2023,
                              landmark__name_ja="東京スカイツリー")
    assert event.sources == row["sources"] and " | " in event.sources
    assert event.source_note == "40+ sites in 2023"
    assert event.title_ja == "東京スカイツリーのブルーライトアップ"
    assert event.title_en == "Blue light-up of Tokyo Skytree"
    assert audit_history(event).get().action == "event.seed"


def test_landmarks_are_reused_across_years():
    records.lightup_records_load()
    skytree = Landmark.objects.get(name_ja="東京スカイツリー")
    assert sorted(skytree.events.values_list("start_date__year", flat=True)) == [
        2019, 2023, 2024, 2025]
    assert skytree.local_government.name == "墨田区"
    assert skytree.point_approximate
    assert (skytree.latitude, skytree.longitude) == (skytree.local_government.latitude,
                                                      skytree.local_government.longitude)
    distinct = {(r["landmark_ja"], r["municipality"]) for r in csv_rows()}
    assert Landmark.objects.count() == len(distinct)


def test_a_landmark_across_two_municipalities():
    records.lightup_records_load()
    bridge = Landmark.objects.get(name_ja="明石海峡大橋")
    assert bridge.local_government.name == "神戸市"
    assert [lg.name for lg in bridge.other_local_governments.all()] == ["淡路市"]
    assert bridge.events.count() == 2


def test_a_second_run_loads_nothing():
    records.lightup_records_load()
    second = records.lightup_records_load()
    assert second.up_to_date and second.loaded == 0
    forced = records.lightup_records_load(force=True)
    assert forced.counts == {"unchanged": 55} and forced.loaded == 0
    assert Event.objects.filter(origin="reference").count() == 55
    assert ReportedTotal.objects.count() == 7


def test_a_changed_file_updates_the_row_in_place(tmp_path):
    records.lightup_records_load()
    path = tmp_path / "lightups.csv"
    text = records.LIGHTUPS_FILE.read_text(encoding="utf-8")
    path.write_text(text.replace("Tokyo Dome,", "Tokyo Dome (Bunkyo),").replace(
        "2024,東京ドーム", "2024,東京ドーム").replace(
        "lit 6/19-20; theme", "lit 6/18-20; theme"), encoding="utf-8")
    event = Event.objects.get(origin="reference", landmark__name_ja="人道の港 敦賀ムゼウム",
                              start_date__year=2022)
    key, sequence = event.reference_key, event.sequence
    report = records.lightup_records_load(path=path)
    assert report.counts == {"unchanged": 53, "updated": 2}
    event.refresh_from_db()
    assert event.reference_key == key and event.start_date == datetime.date(2022, 6, 18)
    assert event.sequence == sequence + 1
    assert audit_history(event).last().action == "event.update"
    assert Event.objects.filter(origin="reference").count() == 55


def test_rows_that_do_not_match_are_listed_not_loaded(tmp_path):
    path = tmp_path / "lightups.csv"
    shutil.copy(records.LIGHTUPS_FILE, path)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("2024,幻の塔,Phantom Tower,存在しない市,東京都,https://example.org/a,\n")
        fh.write("20x4,塔,Tower,墨田区,東京都,https://example.org/b,\n")
    report = records.lightup_records_load(path=path)
    assert report.counts == {"created": 55, "not_matched": 1, "unreadable": 1}
    outcomes = {line.outcome: line for line in report.lines}
    assert outcomes["not_matched"].line == 57 and "存在しない市" in outcomes["not_matched"].detail
    assert outcomes["unreadable"].line == 58
    assert not Landmark.objects.filter(name_ja="幻の塔").exists()


@pytest.mark.parametrize("note,expected", [
    ("", (datetime.date(2024, 6, 20), datetime.date(2024, 6, 20), "year")),
    ("lit 2020-06-19..21 per navitabi (Tokai Shimpo repost)",
     (datetime.date(2020, 6, 19), datetime.date(2020, 6, 21), "day")),
    ("photo caption in UNHCR Japan PR 2022-06-13: lit on 2021-06-20",
     (datetime.date(2021, 6, 20), datetime.date(2021, 6, 20), "day")),
    ("2022-06-20; 41 sites nationwide", (datetime.date(2022, 6, 20),) * 2 + ("day",)),
    ("lit 6/19-20; theme 'right to seek safety' = 2022",
     (datetime.date(2022, 6, 19), datetime.date(2022, 6, 20), "day")),
    ("6/20 (Fri) after sunset-22:00", (datetime.date(2025, 6, 20),) * 2 + ("day",)),
    ("6/16-22 (Reiwa 7)", (datetime.date(2025, 6, 16), datetime.date(2025, 6, 22), "day")),
    # Dates of an article, a plan or an end only are no days of the light-up.
    ("Yamagata Shimbun 2021-06-21: about 20 sites nationwide",
     (datetime.date(2021, 6, 20),) * 2 + ("year",)),
    ("Yahoo! expert article 2024-06-20: 58 sites planned for 2024-06-20",
     (datetime.date(2024, 6, 20),) * 2 + ("year",)),
    ("lit until 6/20 during 'なんみんとつながるDays 2024'",
     (datetime.date(2024, 6, 20),) * 2 + ("year",)),
])
def test_light_up_dates(note, expected):
    year = expected[0].year
    start, end, precision, problem = records.light_up_dates(year, note)
    assert (start, end, precision) == expected and problem == ""


@pytest.mark.parametrize("note", ["6/20 (Thu) sunset-22:00", "6/16-22 (Reiwa 6)",
                                  "lit 2024-06-20", "6/31"])
def test_dates_that_disagree_are_not_used(note):
    start, end, precision, problem = records.light_up_dates(2025, note)
    assert (start, end, precision) == (datetime.date(2025, 6, 20),) * 2 + ("year",)
    assert problem


def test_the_exact_dates_of_the_file():
    records.lightup_records_load()
    by_day = {(e.landmark.name_ja, e.start_date, e.end_date)
              for e in Event.objects.filter(origin="reference", date_precision="day")
              .select_related("landmark")}
    assert ("奇跡の一本松", datetime.date(2020, 6, 19), datetime.date(2020, 6, 21)) in by_day
    assert ("人道の港 敦賀ムゼウム", datetime.date(2025, 6, 16), datetime.date(2025, 6, 22)) in by_day
    assert ("東寺 五重塔", datetime.date(2021, 6, 20), datetime.date(2021, 6, 20)) in by_day
    assert len(by_day) == 11
    assert Event.objects.filter(origin="reference", date_precision="year").count() == 44


def test_reported_totals_with_their_sources():
    records.lightup_records_load()
    totals = {t.year: t for t in ReportedTotal.objects.all()}
    assert {y: t.total for y, t in totals.items()} == {
        2019: 15, 2020: 25, 2021: 20, 2022: 41, 2023: 40, 2024: 58, 2025: 67}
    assert totals[2019].source_url.startswith("https://prtimes.jp/")
    assert "yamagata-np.jp" in totals[2021].source_url and "23" in totals[2021].text_en
    assert "mito.keizai.biz" in totals[2022].source_url
    assert "news.yahoo.co.jp" in totals[2024].source_url
    assert "ascii.jp" in totals[2025].source_url and "koinobori" in totals[2025].text_en
    assert totals[2020].source_url == "" and "not linked" in totals[2020].source_label
    sources = " | ".join(r["sources"] for r in csv_rows())
    for total in totals.values():
        assert total.source_url == "" or total.source_url in sources


def test_the_command_reports(capsys):
    call_command("load_lightup_records")
    out = capsys.readouterr().out
    assert "55 rows: created 55" in out and "reported totals created 7" in out
    call_command("load_lightup_records")
    assert "already loaded" in capsys.readouterr().out
