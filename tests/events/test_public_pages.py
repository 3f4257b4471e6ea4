"""The public pages of step 3 (issue 9, section 3): the calendar (list, month view,
filters) and an event's page with its schema.org Event JSON-LD; only public events are
shown (approved, or cancelled after approval), in ja and en, without a 500 for any
parameter, in a number of queries that does not grow with the events."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import EventFactory, LandmarkFactory, jp
from withrefugees.core.pagecache import _cacheable_path

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def get(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def all_day(offset: int, length: int = 1, **kwargs):
    return EventFactory(all_day=True, starts_at=None, ends_at=None, start_date=day(offset),
                        end_date=day(offset + length - 1), **kwargs)


# --- Who sees what ---------------------------------------------------------------------------
@pytest.mark.parametrize("status,was_approved", [
    ("draft", False), ("submitted", False), ("returned", False), ("cancelled", False)])
def test_events_that_are_not_public_are_404_and_not_listed(client, status, was_approved):
    hidden = EventFactory(status=status, was_approved=was_approved, title_en="Secret plan")
    shown = EventFactory(title_en="Open day")
    for lang in ("ja", "en"):
        get(client, f"/{lang}/events/{hidden.pk}/", 404)
        get(client, f"/{lang}/events/{shown.pk}/")
    for path in ("/en/events/", "/en/events/?view=month&month=2027-06",
                 f"/en/signatories/{hidden.local_government_id}/"):
        body = get(client, path)
        assert "Secret plan" not in body and "Open day" in body


def test_unknown_event_is_404(client):
    get(client, "/en/events/999999999/", 404)


def test_an_event_cancelled_after_approval_stays_public_and_says_so(client):
    event = EventFactory(status="cancelled", was_approved=True, title_en="Called off")
    body = get(client, f"/en/events/{event.pk}/")
    assert "This event has been cancelled." in body
    (data,) = [json.loads(s) for s in JSONLD.findall(body)]
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    listed = get(client, "/en/events/")
    assert "Called off" in listed and "(cancelled)" in listed


# --- The calendar -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang,heading", [("en", "Events"), ("ja", None)])
def test_calendar_lists_upcoming_soonest_first_and_past_latest_first(client, lang, heading):
    EventFactory(title_en="Later", title_ja="後の催し", start_date=datetime.date(2027, 7, 1),
                 starts_at=datetime.datetime(2027, 7, 1, 1, tzinfo=UTC),
                 ends_at=datetime.datetime(2027, 7, 1, 2, tzinfo=UTC))
    EventFactory(title_en="Sooner", title_ja="先の催し")
    all_day(-30, title_en="Long ago", title_ja="昔の催し")
    all_day(-3, title_en="Recently", title_ja="最近の催し")
    all_day(-1, length=3, title_en="Going on", title_ja="開催中の催し")  # ends tomorrow
    body = get(client, f"/{lang}/events/")
    assert f'<html lang="{lang}">' in body
    if heading:
        assert "<h1>Events" in body and 'aria-current="page">Upcoming events' in body
    titles = (("Going on", "Sooner", "Later") if lang == "en" else ("開催中の催し", "先の催し", "後の催し"))
    positions = [body.index(t) for t in titles]
    assert positions == sorted(positions)
    assert "Long ago" not in body and "昔の催し" not in body
    past = get(client, f"/{lang}/events/?when=past")
    titles = ("Recently", "Long ago") if lang == "en" else ("最近の催し", "昔の催し")
    assert past.index(titles[0]) < past.index(titles[1])
    assert "Sooner" not in past and "先の催し" not in past


def test_filters_by_kind_country_region_and_local_government(client, lg, other_lg):
    EventFactory(title_en="Fuchu photos", local_government=lg)
    EventFactory(title_en="Chofu film", local_government=other_lg, kind="film_screening")
    EventFactory(title_en="Sapporo tower", kind="light_up",
                 local_government=jp("011002"), landmark=LandmarkFactory(
                     local_government=jp("011002"), name_en="Sapporo TV Tower"))

    def shown(query: str) -> set[str]:
        body = get(client, f"/en/events/?{query}")
        return {t for t in ("Fuchu photos", "Chofu film", "Sapporo tower") if t in body}

    assert shown("") == {"Fuchu photos", "Chofu film", "Sapporo tower"}
    assert shown("kind=film_screening") == {"Chofu film"}
    assert shown("region=JP-13") == {"Fuchu photos", "Chofu film"}
    assert shown("region=jp-01") == {"Sapporo tower"}
    assert shown("country=JP") == {"Fuchu photos", "Chofu film", "Sapporo tower"}
    assert shown("country=FR") == set()
    assert shown(f"lg={other_lg.pk}") == {"Chofu film"}
    assert shown(f"lg={lg.pk}&kind=film_screening") == set()
    body = get(client, f"/en/events/?lg={lg.pk}")
    assert f'href="/en/events/local-government/{lg.pk}/calendar.ics"' in body
    assert 'href="/en/events/kind/light_up/calendar.ics"' in get(client,
                                                                 "/en/events/?kind=light_up")


def test_the_filter_form_has_labels_and_works_without_javascript(client):
    EventFactory()
    body = get(client, "/en/events/")
    for name in ("kind", "country", "region", "lg"):
        assert f'<label for="id_{name}">' in body and f'name="{name}" id="id_{name}"' in body
    assert '<form method="get" action="/en/events/"' in body
    assert '<script src="/static/js/wrd-map.js"' not in body  # the list has no script


@pytest.mark.parametrize("query", [
    "kind=zzz", "country=%3Cscript%3E", "country=XX", "region=JP-999", "region=' OR 1=1",
    "lg=abc", "lg=99999999999999999999999", "lg=-1", "lg=999999999", "view=grid",
    "when=someday", "month=2027-13", "month=99999-01", "month=2027-6", "month=1900-01",
    "view=month&month=2027-00", "view=month&month=abc", "page=-1", "page=abc",
    "page=999999", "kind=light_up&kind=%00",
])
def test_garbage_parameters_are_ignored_never_a_500(client, query):
    EventFactory(title_en="Still listed")
    response = client.get(f"/en/events/?{query}")
    assert response.status_code in (200, 400)  # 400 only for a NUL (core.middleware)
    if response.status_code == 200 and "page=" not in query:
        body = response.content.decode()
        assert "Not understood and ignored" in body
        assert "Still listed" in body or "view=month" in query


def test_month_view_shows_each_day_of_an_event_and_a_year_only_record_apart(client):
    EventFactory(title_en="Three days", all_day=True, starts_at=None, ends_at=None,
                 start_date=datetime.date(2027, 6, 19), end_date=datetime.date(2027, 6, 21))
    EventFactory(title_en="August outing", start_date=datetime.date(2027, 8, 3),
                 starts_at=datetime.datetime(2027, 8, 3, 1, tzinfo=UTC),
                 ends_at=datetime.datetime(2027, 8, 3, 2, tzinfo=UTC))
    EventFactory(title_en="Recorded light-up", kind="light_up", origin="reference",
                 date_precision="year", all_day=True, starts_at=None, ends_at=None,
                 start_date=datetime.date(2021, 6, 20), landmark=LandmarkFactory())
    body = get(client, "/en/events/?view=month&month=2027-06")
    assert "<h2 id=\"month-title\">June 2027</h2>" in body
    assert body.count("Three days") == 3 and "August outing" not in body
    for d in (19, 20, 21):
        cell = body.split(f'<time datetime="2027-06-{d}"')[1].split("</td>")[0]
        assert "Three days" in cell
    assert "1 event this month." in body
    assert 'href="?view=month&amp;month=2027-05"' in body
    assert 'href="?view=month&amp;month=2027-07"' in body
    june_2021 = get(client, "/en/events/?view=month&month=2021-06")
    assert "Recorded light-up" in june_2021 and "World Refugee Day 2021" in june_2021
    cell = june_2021.split('<time datetime="2021-06-20"')[1].split("</td>")[0]
    assert "Recorded light-up" not in cell  # never shown as a day
    ja = get(client, "/ja/events/?view=month&month=2027-06")
    assert "2027年6月" in ja and ja.count("難民写真展") >= 3


def test_month_view_keeps_the_filters_and_ignores_a_bad_month(client, lg):
    body = get(client, f"/en/events/?view=month&month=2027-13&lg={lg.pk}")
    assert "Not understood and ignored: month" in body
    this_month = timezone.localdate().strftime("%Y-%m")
    assert f'name="month" value="{this_month}"' in body
    assert f"lg={lg.pk}" in body.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_calendar_is_paginated(client):
    for i in range(25):
        all_day(10 + i, title_en=f"Event number {i:02d}")
    first = get(client, "/en/events/")
    assert "25 events" in first and "Event number 19" in first
    assert "Event number 20" not in first and "Page 1 of 2" in first
    second = get(client, "/en/events/?when=upcoming&page=2")
    assert "Event number 24" in second and "Event number 00" not in second


def test_calendar_queries_do_not_grow_with_events(client, django_assert_max_num_queries):
    landmark = LandmarkFactory()
    EventFactory(kind="light_up", landmark=landmark)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, path)
        return len(captured)

    paths = ("/en/events/", "/en/events/?view=month&month=2027-06",
             f"/en/events/?lg={landmark.local_government_id}&kind=light_up&region=JP-13"
             "&country=JP")
    small = [count(p) for p in paths]
    for i in range(15):
        EventFactory(kind="light_up", landmark=LandmarkFactory(
            local_government=jp(["011002", "132080", "271004"][i % 3])))
        all_day(i, length=3)
    assert [count(p) for p in paths] == small
    with django_assert_max_num_queries(9):
        get(client, paths[2])


def test_calendar_is_a_cached_page_and_in_the_navigation(client):
    for path in ("/en/events/", "/ja/events/", "/en/events/12/", "/ja/world-refugee-day/2024/",
                 "/en/events/calendar.ics", "/en/events/12/event.ics"):
        assert _cacheable_path(path), path
    assert not _cacheable_path("/en/world-refugee-day/")
    body = get(client, "/en/events/")
    assert '<a href="/en/events/" aria-current="page">Events</a>' in body


# --- An event's page ----------------------------------------------------------------------------
def test_event_page_in_the_events_time_zone_with_the_zone_named(client):
    event = EventFactory(venue="府中市美術館", online_url="https://example.org/live",
                         registration_url="https://example.org/register",
                         accessibility="Wheelchair access; sign language.")
    event.partners.create(kind="university", name="東京外国語大学")
    body = get(client, f"/en/events/{event.pk}/")
    assert "June 20, 2027, 10:00–17:00" in body and "Asia/Tokyo (UTC+09:00)" in body
    # The reader's own zone does not move the event's times.
    client.cookies["tz"] = "America/Sao_Paulo"
    assert "June 20, 2027, 10:00–17:00" in get(client, f"/en/events/{event.pk}/")
    assert '<time datetime="2027-06-20T10:00:00+09:00">' in body
    for text in ("Photo exhibition", "府中市美術館", "東京都府中市浅間町1-3", "東京外国語大学",
                 "university", 'href="https://example.org/live"',
                 'href="https://example.org/register"', "Wheelchair access; sign language.",
                 f'href="/en/signatories/{event.local_government_id}/"',
                 f'href="/en/events/{event.pk}/event.ics"', "Fuchu City (Tokyo)"):
        assert text in body, text
    ja = get(client, f"/ja/events/{event.pk}/")
    assert "2027年6月20日" in ja and "10:00～17:00" in ja and event.title_ja in ja
    assert "難民の暮らしを伝える写真展です。" in ja


def test_an_event_elsewhere_shows_its_own_zone(client):
    event = EventFactory(time_zone="Europe/Berlin", start_date=datetime.date(2027, 6, 20),
                         starts_at=datetime.datetime(2027, 6, 20, 16, tzinfo=UTC),
                         ends_at=datetime.datetime(2027, 6, 20, 18, tzinfo=UTC))
    body = get(client, f"/en/events/{event.pk}/")
    assert "June 20, 2027, 18:00–20:00" in body and "Europe/Berlin (UTC+02:00)" in body


def test_all_day_and_year_only_events(client):
    event = all_day(40, length=2)
    body = get(client, f"/en/events/{event.pk}/")
    assert "(all day)" in body and "Time zone" not in body
    assert f'<time datetime="{day(40).isoformat()}">' in body
    record = EventFactory(kind="light_up", origin="reference", date_precision="year",
                          all_day=True, starts_at=None, ends_at=None,
                          start_date=datetime.date(2021, 6, 20), landmark=LandmarkFactory(
                              point_approximate=True),
                          sources="https://example.org/a | javascript:alert(1) | "
                                  "https://example.org/b",
                          source_note="listed in the release of 2021-06-10")
    body = get(client, f"/en/events/{record.pk}/")
    assert "World Refugee Day 2021" in body and "June 20, 2021" not in body
    assert '<time datetime="2021">' in body
    assert 'href="https://example.org/a"' in body and 'href="https://example.org/b"' in body
    assert "javascript:" not in body.split("<h2 id=\"sources-title\">")[1]
    assert '<q lang="en">listed in the release of 2021-06-10</q>' in body
    assert "(approximate: the point of the local government" in body
    assert 'href="/en/world-refugee-day/2021/"' in body
    data = json.loads(JSONLD.search(body)[1])
    assert data["startDate"] == "2021"


def test_title_in_the_other_language_is_marked(client):
    event = EventFactory(title_en="", description_en="", title_ja="日本語だけの催し")
    body = get(client, f"/en/events/{event.pk}/")
    assert '<h1 lang="ja">日本語だけの催し</h1>' in body
    assert '<div lang="ja"><p>難民の暮らしを伝える写真展です。</p></div>' in body
    assert 'lang="ja">日本語だけの催し</a>' in get(client, "/en/events/")
    assert "<h1>日本語だけの催し</h1>" in get(client, f"/ja/events/{event.pk}/")


def test_image_and_photos_after_the_event_with_alt_and_credit(client):
    event = EventFactory(image="events/poster.png", image_alt="青いポスター",
                         image_credit="UNHCR Japan", report="多くの人が来ました。")
    event.photos.create(image="events/photos/a.jpg", alt="青く光る塔", credit="府中市")
    body = get(client, f"/en/events/{event.pk}/")
    assert 'alt="青いポスター"' in body and "Image: UNHCR Japan" in body
    assert 'alt="青く光る塔"' in body and "Photo: 府中市" in body
    assert "多くの人が来ました。" in body


def test_event_page_with_a_point_has_a_map_and_says_where(client):
    event = EventFactory(latitude=35.67, longitude=139.48)
    body = get(client, f"/en/events/{event.pk}/")
    assert 'id="map"' in body and '<script src="/static/js/wrd-map.js"></script>' in body
    assert "35.67000, 139.48000" in body
    points = json.loads(body.split('<script id="map-points" type="application/json">')[1]
                        .split("</script>")[0])
    assert points == [{"label": event.title_en, "lat": 35.67, "lon": 139.48,
                       "approximate": False, "url": ""}]


def test_event_page_queries_are_fixed(client, django_assert_max_num_queries):
    event = EventFactory(kind="light_up", landmark=LandmarkFactory())
    for i in range(6):
        event.partners.create(kind="company", name=f"会社{i}")
        event.photos.create(image=f"events/photos/{i}.jpg", alt=f"写真{i}", credit="府中市")
    # The event with its places and landmark, its partners, its photos.
    with django_assert_max_num_queries(3):
        get(client, f"/en/events/{event.pk}/")


# --- JSON-LD -------------------------------------------------------------------------------------
def test_json_ld_is_a_schema_org_event(client):
    landmark = LandmarkFactory(name_en="Fuchu Tower", latitude=35.6, longitude=139.4)
    event = EventFactory(kind="light_up", landmark=landmark, venue="",
                         image="events/poster.png", image_alt="ポスター", image_credit="府中市")
    body = get(client, f"/en/events/{event.pk}/")
    (raw,) = JSONLD.findall(body)
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == event.title_en and data["url"].endswith(f"/en/events/{event.pk}/")
    assert data["startDate"] == "2027-06-20T10:00:00+09:00"
    assert data["endDate"] == "2027-06-20T17:00:00+09:00"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    place = data["location"]
    assert place["@type"] == "Place" and place["name"] == "Fuchu Tower"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 35.6, "longitude": 139.4}
    assert place["address"]["addressCountry"] == "JP"
    assert place["address"]["addressRegion"] == "Tokyo"
    assert place["address"]["streetAddress"] == "東京都府中市浅間町1-3"
    assert data["organizer"]["name"] == "Fuchu City"
    assert data["organizer"]["url"] == f"http://testserver/en/signatories/{event.local_government_id}/"
    assert data["image"] == "http://testserver/media/events/poster.png"
    ja = json.loads(JSONLD.search(get(client, f"/ja/events/{event.pk}/"))[1])
    assert ja["name"] == event.title_ja and ja["organizer"]["name"] == "府中市"


def test_json_ld_attendance_mode_online_and_mixed(client):
    online = EventFactory(venue="", address="", online_url="https://example.org/live")
    data = json.loads(JSONLD.search(get(client, f"/en/events/{online.pk}/"))[1])
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://example.org/live"}
    mixed = EventFactory(online_url="https://example.org/live")
    data = json.loads(JSONLD.search(get(client, f"/en/events/{mixed.pk}/"))[1])
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [loc["@type"] for loc in data["location"]] == ["Place", "VirtualLocation"]


def test_json_ld_cannot_be_broken_out_of(client):
    title = '</script><script>alert("x")</script><!-- & é'
    event = EventFactory(title_en=title, description_en="a </SCRIPT> b")
    body = get(client, f"/en/events/{event.pk}/")
    assert '<script>alert("x")' not in body
    (raw,) = JSONLD.findall(body)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert data["name"] == title and data["description"] == "a </SCRIPT> b"
    # Everywhere else the title is escaped HTML.
    assert "&lt;/script&gt;&lt;script&gt;alert(" in body


def test_only_get_and_head(client):
    event = EventFactory()
    assert client.head(f"/en/events/{event.pk}/").status_code == 200
    assert client.post(f"/en/events/{event.pk}/").status_code == 405
    assert client.post("/en/events/").status_code == 405
