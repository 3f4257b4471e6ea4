"""iCalendar feeds of step 3 (``events.ical``, ``events.views_feeds``): what real calendar
programs read back. The output is parsed by an independent client library, ical.js
(``tests/events/ical_parse.js``, run with Node), and by python ``icalendar``; the raw lines
are checked against RFC 5545 (75 octets, CRLF, no UTF-8 character split by folding)."""

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tests.factories import EventFactory, LandmarkFactory, jp
from withrefugees.events import ical
from withrefugees.events.models import EventKind

pytestmark = pytest.mark.django_db

PARSER = Path(__file__).with_name("ical_parse.js")
ICAL_JS = Path(__file__).resolve().parents[2] / "node_modules" / "ical.js"
TOKYO = datetime.timezone(datetime.timedelta(hours=9))
UTC = datetime.UTC

LONG_JA_TITLE = "世界難民の日ライトアップ：髙﨑市役所と府中の塔を国連カラーの青に①😀👨‍👩‍👧"
LONG_JA_DESCRIPTION = (
    "6月20日の「世界難民の日」に合わせ、市のシンボルを国連難民高等弁務官事務所（UNHCR）の"
    "ブルーにライトアップします。難民の方々と連帯する気持ちを、市民の皆さまと共有したいと考え"
    "ています。\n会場では写真展も開催します；入場無料、どなたでもご参加いただけます。"
    "カンマ, セミコロン; バックスラッシュ\\ も正しく残ります。髙橋さん・山﨑さん①②③😀👨‍👩‍👧")


def future(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def events(lg, other_lg):
    """The cases of the issue, all upcoming except where said: a timed event in Tokyo with
    long Japanese text, one in New York, an all-day light-up over three days, an updated
    one, a cancelled one, and records that must stay out of the feeds."""
    day = future(120)
    tokyo = EventFactory(
        local_government=lg, title_ja=LONG_JA_TITLE, title_en="Blue light-up",
        description_ja=LONG_JA_DESCRIPTION, description_en="English description.",
        start_date=day, starts_at=datetime.datetime.combine(day, datetime.time(18, 30), TOKYO),
        ends_at=datetime.datetime.combine(day, datetime.time(21, 0), TOKYO),
        latitude=35.6689, longitude=139.4776, online_url="https://example.org/live?a=1&b=2",
        accessibility="車いすで入場できます。")
    ny_day = future(150)
    new_york_zone = ical._zone("America/New_York")
    new_york = EventFactory(
        local_government=other_lg, time_zone="America/New_York",
        title_ja="", title_en="Film screening in New York", description_ja="",
        description_en="WILL2LIVE Cinema", start_date=ny_day,
        starts_at=datetime.datetime.combine(ny_day, datetime.time(19, 0), new_york_zone),
        ends_at=datetime.datetime.combine(ny_day, datetime.time(21, 15), new_york_zone),
        kind="film_screening", venue="Community hall", address="1 Main St, New York")
    landmark = LandmarkFactory(local_government=lg, name_ja="府中の塔", name_en="Fuchu Tower")
    all_day = EventFactory(
        local_government=lg, kind="light_up", landmark=landmark, all_day=True,
        starts_at=None, ends_at=None, start_date=future(200), end_date=future(202),
        venue="", address="")
    updated = EventFactory(local_government=lg, sequence=3, title_ja="時間を変更した写真展",
                           title_en="")
    cancelled = EventFactory(local_government=lg, status="cancelled", was_approved=True,
                             sequence=1, title_ja="中止になった上映会")
    recent_past = EventFactory(local_government=lg, start_date=future(-300),
                               starts_at=timezone.now() - datetime.timedelta(days=300),
                               ends_at=timezone.now() - datetime.timedelta(days=300) +
                               datetime.timedelta(hours=2))
    hidden = [
        EventFactory(local_government=lg, status=status, title_ja=f"非公開{status}")
        for status in ("draft", "submitted", "returned")
    ] + [
        EventFactory(local_government=lg, status="cancelled", was_approved=False,
                     title_ja="承認前に中止"),
        EventFactory(local_government=lg, origin="reference", date_precision="year",
                     kind="light_up", landmark=landmark, all_day=True, starts_at=None,
                     ends_at=None, start_date=datetime.date(2020, 6, 20),
                     title_ja="2020年の記録"),
        EventFactory(local_government=lg, all_day=True, starts_at=None, ends_at=None,
                     start_date=future(-4 * 366), title_ja="4年前"),
    ]
    return {"tokyo": tokyo, "new_york": new_york, "all_day": all_day, "updated": updated,
            "cancelled": cancelled, "recent_past": recent_past, "hidden": hidden}


def parse_with_ical_js(body: bytes, tmp_path) -> dict:
    if not shutil.which("node") or not ICAL_JS.exists():
        pytest.skip("node or node_modules/ical.js missing (npm ci)")
    path = tmp_path / "feed.ics"
    path.write_bytes(body)
    done = subprocess.run(["node", str(PARSER), str(path)], capture_output=True, check=True,
                          timeout=60)
    return json.loads(done.stdout)


def check_raw_lines(body: bytes) -> None:
    """RFC 5545 3.1: CRLF line ends, at most 75 octets a line, folded lines begin with a
    space; every physical line is valid UTF-8 on its own (no character split)."""
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        line.decode("utf-8")  # raises on a split multi-byte character


def test_feed_is_read_back_exactly_by_ical_js(client, events, tmp_path):
    response = client.get("/ja/events/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response
    body = response.content
    check_raw_lines(body)
    parsed = parse_with_ical_js(body, tmp_path)

    assert parsed["calendar"]["method"] == "PUBLISH"
    with translation.override("ja"):
        assert parsed["calendar"]["name"] == _("%(site)s: events") % {
            "site": "Cities #WithRefugees"}
    assert sorted(parsed["timezones"]) == ["America/New_York", "Asia/Tokyo"]
    by_uid = {e["uid"]: e for e in parsed["events"]}
    shown = ["tokyo", "new_york", "all_day", "updated", "cancelled", "recent_past"]
    assert set(by_uid) == {f"{events[k].uid}@events.cities-withrefugees" for k in shown}

    tokyo = by_uid[ical.uid_for(events["tokyo"])]
    assert tokyo["summary"] == LONG_JA_TITLE  # long enough to be folded
    assert tokyo["description"] == ical.event_description(events["tokyo"], "ja")
    assert tokyo["description"].startswith(LONG_JA_DESCRIPTION + "\n\n")
    assert "https://example.org/live?a=1&b=2" in tokyo["description"]
    assert "車いすで入場できます。" in tokyo["description"]
    assert tokyo["location"] == "府中市美術館、東京都府中市浅間町1-3"
    assert tokyo["start"]["tzid"] == tokyo["startTzidParam"] == "Asia/Tokyo"
    assert tokyo["start"]["value"].endswith("T18:30:00")
    assert tokyo["start"]["unix"] == events["tokyo"].starts_at.timestamp()
    assert tokyo["end"]["unix"] == events["tokyo"].ends_at.timestamp()
    assert tokyo["start"]["isDate"] is False
    assert tokyo["sequence"] == 0 and tokyo["status"] == "CONFIRMED"
    assert tokyo["geo"] == [35.6689, 139.4776]
    assert tokyo["url"] == f"http://testserver/ja/events/{events['tokyo'].pk}/"
    with translation.override("ja"):
        assert tokyo["categories"] == [str(EventKind.PHOTO_EXHIBITION.label)]

    new_york = by_uid[ical.uid_for(events["new_york"])]
    assert new_york["summary"] == "Film screening in New York"  # English when no Japanese
    assert new_york["start"]["tzid"] == "America/New_York"
    assert new_york["start"]["value"].endswith("T19:00:00")
    assert new_york["start"]["unix"] == events["new_york"].starts_at.timestamp()
    assert new_york["end"]["unix"] == events["new_york"].ends_at.timestamp()
    assert new_york["location"] == "Community hall、1 Main St, New York"
    assert new_york["geo"] is None

    all_day = by_uid[ical.uid_for(events["all_day"])]
    assert all_day["start"] == {"value": events["all_day"].start_date.isoformat(),
                                "tzid": None, "isDate": True, "unix": None}
    # RFC 5545: the end of an all-day event is exclusive (the day after the last day).
    assert all_day["end"]["isDate"] is True
    assert all_day["end"]["value"] == future(203).isoformat()
    assert all_day["location"] == "府中の塔"
    assert all_day["geo"] == [35.6689, 139.4776]  # the landmark's own point

    updated = by_uid[ical.uid_for(events["updated"])]
    assert updated["sequence"] == 3 and updated["summary"] == "時間を変更した写真展"

    cancelled = by_uid[ical.uid_for(events["cancelled"])]
    assert cancelled["status"] == "CANCELLED" and cancelled["sequence"] == 1
    with translation.override("ja"):
        assert cancelled["summary"] == _("Cancelled: %(title)s") % {"title": "中止になった上映会"}
    assert cancelled["summary"] != "中止になった上映会"


def test_feed_is_read_by_python_icalendar(client, events):
    body = client.get("/en/events/calendar.ics").content
    check_raw_lines(body)
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT6H\r\nX-PUBLISHED-TTL:PT6H\r\n" in body
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["CALSCALE"] == "GREGORIAN"
    assert str(calendar["PRODID"]) == ical.PRODID
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {"Asia/Tokyo",
                                                                 "America/New_York"}
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    tokyo = by_uid[ical.uid_for(events["tokyo"])]
    assert str(tokyo["SUMMARY"]) == "Blue light-up"  # the request's language
    assert tokyo.decoded("DTSTART") == events["tokyo"].starts_at
    assert tokyo["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert tokyo.decoded("DTSTAMP") == events["tokyo"].updated_at.replace(microsecond=0)
    assert tokyo.decoded("SEQUENCE") == 0
    assert tokyo.decoded("URL") == f"http://testserver/en/events/{events['tokyo'].pk}/"
    with translation.override("en"):
        assert tokyo["CATEGORIES"].cats == [str(EventKind.PHOTO_EXHIBITION.label)]
    all_day = by_uid[ical.uid_for(events["all_day"])]
    assert all_day.decoded("DTSTART") == events["all_day"].start_date
    assert all_day.decoded("DTEND") == events["all_day"].end_date + datetime.timedelta(days=1)
    assert all_day["DTSTART"].params.get("VALUE") == "DATE"
    assert str(all_day["LOCATION"]) == "Fuchu Tower"
    # A Japanese-only text falls back to Japanese in the English feed, unchanged.
    japanese_only = by_uid[ical.uid_for(events["updated"])]
    assert str(japanese_only["SUMMARY"]) == "時間を変更した写真展"


def test_long_japanese_lines_are_folded_between_characters(client, events):
    body = client.get(f"/ja/events/{events['tokyo'].pk}/event.ics").content
    folded = [line for line in body.split(b"\r\n") if line.startswith(b" ")]
    assert len(folded) >= 4  # the title and description needed folding
    check_raw_lines(body)
    unfolded = body.replace(b"\r\n ", b"").decode("utf-8")
    assert "SUMMARY:" + LONG_JA_TITLE in unfolded.split("\r\n")
    # TEXT escaping (RFC 5545 3.3.11): , ; \ and line breaks.
    assert "カンマ\\, セミコロン\\; バックスラッシュ\\\\ も" in unfolded
    assert "ています。\\n会場では" in unfolded


def test_single_event_download(client, events, tmp_path):
    event = events["all_day"]
    response = client.get(f"/ja/events/{event.pk}/event.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    parsed = parse_with_ical_js(response.content, tmp_path)
    assert [e["uid"] for e in parsed["events"]] == [ical.uid_for(event)]
    assert parsed["timezones"] == []  # all-day dates need no time zone
    # A cancelled (once approved) event is still served, so that calendars learn of it.
    assert client.get(f"/ja/events/{events['cancelled'].pk}/event.ics").status_code == 200


def test_uid_is_stable_and_domain_can_be_set(events, settings):
    event = events["tokyo"]
    first = ical.uid_for(event)
    event.title_ja = "変更"
    event.sequence += 1
    event.save()
    assert ical.uid_for(event) == first == f"{event.uid}@events.cities-withrefugees"
    settings.ICAL_UID_DOMAIN = "withrefugees.example"
    assert ical.uid_for(event) == f"{event.uid}@withrefugees.example"


def test_not_public_and_unknown_are_404(client, events):
    *not_public, year_only, four_years_ago = events["hidden"]
    for event in [*not_public, year_only]:  # the day of a record of a year is unknown
        assert client.get(f"/ja/events/{event.pk}/event.ics").status_code == 404
    # Out of the feeds (too old), but its own download is still there.
    assert client.get(f"/ja/events/{four_years_ago.pk}/event.ics").status_code == 200
    assert client.get("/ja/events/999999/event.ics").status_code == 404
    assert client.get("/ja/events/kind/party/calendar.ics").status_code == 404
    assert client.get("/ja/events/local-government/999999999/calendar.ics").status_code == 404
    assert client.post("/ja/events/calendar.ics").status_code == 405
    assert client.head("/ja/events/calendar.ics").status_code == 200


def test_feeds_by_kind_and_local_government(client, events, lg, other_lg):
    body = client.get("/ja/events/kind/film_screening/calendar.ics").content
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert uids == {ical.uid_for(events["new_york"])}

    body = client.get(f"/en/events/local-government/{other_lg.pk}/calendar.ics").content
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == f"Cities #WithRefugees: {other_lg.label}"
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {
        ical.uid_for(events["new_york"])}

    # A local government without public events has an empty (valid) calendar.
    empty = jp("131016")  # 千代田区
    response = client.get(f"/ja/events/local-government/{empty.pk}/calendar.ics")
    assert response.status_code == 200
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT") == []

    # A landmark standing in two local governments: its light-up is in both feeds.
    chuo = jp("131024")  # 中央区
    bridge = LandmarkFactory(local_government=lg, name_ja="二つの区にかかる橋")
    bridge.other_local_governments.add(chuo)
    light_up = EventFactory(local_government=lg, kind="light_up", landmark=bridge)
    body = client.get(f"/ja/events/local-government/{chuo.pk}/calendar.ics").content
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")] == [
        ical.uid_for(light_up)]


def test_feed_bounds(events):
    uids = {e.pk for e in ical.feed_events()}
    assert events["recent_past"].pk in uids
    assert not uids & {e.pk for e in events["hidden"]}


@pytest.mark.parametrize("path", [
    "/ja/events/calendar.ics",
    "/ja/events/kind/photo_exhibition/calendar.ics",
    "/ja/events/local-government/{lg}/calendar.ics",
])
def test_query_count_does_not_grow_with_events(client, lg, path):
    path = path.format(lg=lg.pk)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    EventFactory(local_government=lg)
    one = count()
    landmark = LandmarkFactory(local_government=lg)
    for n in range(8):
        EventFactory(local_government=lg, kind="light_up" if n % 2 else "photo_exhibition",
                     landmark=landmark)
    assert count() == one <= 3
