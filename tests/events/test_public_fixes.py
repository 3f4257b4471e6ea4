"""Fixes to the public pages of step 3 after a new-user trial: calendar links on an event's
page (an .ics file and Google Calendar, none for a record known only by its year), a map
link, the calendar's folded and narrowed filters, the month view's first month, the World
Refugee Day page (key to the map, notes said once, every year linked, that year's light-ups,
sources as links, plans not shown as facts), time zones in lists, English notes marked."""

import datetime
import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.utils import timezone, translation

from tests.factories import EventFactory, LandmarkFactory, jp
from withrefugees.events import selectors
from withrefugees.events.models import ReportedTotal

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def get(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def hrefs(body: str, start: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', body) if
            html.unescape(h).startswith(start)]


def google(body: str) -> dict[str, str]:
    (url,) = hrefs(body, "https://calendar.google.com/")
    parts = urlsplit(url)
    assert parts.path == "/calendar/render"
    params = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert all(len(v) == 1 for v in params.values())
    return {k: v[0] for k, v in params.items()}


def record(year: int = 2021, **kwargs):
    """A campaign record of a light-up known only by its year."""
    kwargs.setdefault("landmark", LandmarkFactory())
    return EventFactory(kind="light_up", origin="reference", date_precision="year",
                        all_day=True, starts_at=None, ends_at=None,
                        start_date=datetime.date(year, 6, 20), **kwargs)


# --- 1. Calendar links on an event's page ------------------------------------------------------
def test_a_timed_event_offers_an_ics_file_and_google_calendar(client):
    event = EventFactory(title_en="Film & talk #1", description_en="Line one.\nLine two?")
    body = get(client, f"/en/events/{event.pk}/")
    assert "Add to your phone or computer calendar (.ics file)" in body
    assert f'href="/en/events/{event.pk}/event.ics"' in body
    assert "Add to Google Calendar" in body
    params = google(body)
    assert params == {
        "action": "TEMPLATE", "text": "Film & talk #1",
        "dates": "20270620T100000/20270620T170000", "ctz": "Asia/Tokyo",
        "details": f"Line one.\nLine two?\n\nhttp://testserver/en/events/{event.pk}/",
        "location": "府中市美術館, 東京都府中市浅間町1-3, Fuchu City (Tokyo)"}
    # Encoded, not raw: "&", "#", spaces and line breaks do not end or break a parameter.
    (raw,) = [h for h in re.findall(r'href="([^"]*)"', body) if "calendar.google" in h]
    query = html.unescape(raw).split("?", 1)[1]
    assert "#" not in query and " " not in query and "\n" not in query
    assert "text=Film%20%26%20talk%20%231" in query


def test_google_calendar_in_the_events_own_zone_and_all_day_with_the_exclusive_end(client):
    berlin = EventFactory(time_zone="Europe/Berlin",
                          starts_at=datetime.datetime(2027, 6, 20, 16, tzinfo=UTC),
                          ends_at=datetime.datetime(2027, 6, 20, 18, tzinfo=UTC))
    client.cookies["tz"] = "America/Sao_Paulo"  # the reader's zone changes nothing
    params = google(get(client, f"/ja/events/{berlin.pk}/"))
    assert params["dates"] == "20270620T180000/20270620T200000"
    assert params["ctz"] == "Europe/Berlin"
    assert params["text"] == berlin.title_ja
    days = EventFactory(all_day=True, starts_at=None, ends_at=None, venue="", address="",
                        start_date=datetime.date(2027, 12, 30),
                        end_date=datetime.date(2027, 12, 31))
    params = google(get(client, f"/en/events/{days.pk}/"))
    assert params["dates"] == "20271230/20280101" and "ctz" not in params
    assert params["location"] == "Fuchu City (Tokyo)"
    online = EventFactory(venue="", address="", online_url="https://example.org/live")
    assert google(get(client, f"/en/events/{online.pk}/"))["location"] == \
        "https://example.org/live"


def test_a_year_only_record_offers_no_calendar_file_and_a_cancelled_event_no_google(client):
    body = get(client, f"/en/events/{record().pk}/")
    assert "event.ics" not in body and "calendar.google.com" not in body
    assert ".ics file" not in body
    cancelled = EventFactory(status="cancelled", was_approved=True)
    body = get(client, f"/en/events/{cancelled.pk}/")
    assert "calendar.google.com" not in body and "event.ics" in body


def test_google_calendar_details_are_cut_to_a_sane_length():
    event = EventFactory(description_en="あ" * 5000)
    with translation.override("en"):
        page = selectors.event_page(event.pk)
        url = selectors.event_google_calendar_url(page, absolute=lambda p: "https://x" + p)
    details = parse_qs(urlsplit(url).query)["details"][0]
    assert details.startswith("あ" * 100) and len(details) < 1600 and "…\n\nhttps://x" in details


# --- 2. A map link next to the place --------------------------------------------------------------
def test_event_page_links_to_a_map_app_and_shows_coordinates_quietly(client):
    event = EventFactory(latitude=35.67, longitude=139.48)
    body = get(client, f"/en/events/{event.pk}/")
    osm = "https://www.openstreetmap.org/?mlat=35.67000&mlon=139.48000#map=16/35.67000/139.48000"
    assert hrefs(body, "https://www.openstreetmap.org/") == [osm]
    assert ">Open in a map app</a>" in body
    assert '<span class="coords">Coordinates: 35.67000, 139.48000</span>' in body
    # Without a tile layer the map shows the region around the point, not an empty outline.
    assert 'data-zoom-single="6"' in body


def test_an_event_without_a_point_uses_its_landmarks_approximate_one(client):
    landmark = LandmarkFactory(latitude=35.1, longitude=139.2, point_approximate=True)
    event = EventFactory(kind="light_up", landmark=landmark, latitude=None, longitude=None)
    body = get(client, f"/en/events/{event.pk}/")
    assert hrefs(body, "https://www.openstreetmap.org/") == [
        "https://www.openstreetmap.org/?mlat=35.10000&mlon=139.20000#map=14/35.10000/139.20000"]
    assert "(approximate: the point of the local government" in body
    nowhere = EventFactory(latitude=None, longitude=None)
    assert "openstreetmap" not in get(client, f"/en/events/{nowhere.pk}/")


# --- 3. The filters fold away on the calendar -------------------------------------------------
def test_filters_are_in_a_details_element_open_only_while_a_filter_applies(client, lg):
    EventFactory(title_en="Listed event", kind="film_screening")
    body = get(client, "/en/events/")
    assert '<details class="filters-box">' in body and "(none chosen: all events)" in body
    details = body.split('<details class="filters-box">')[1].split("</details>")[0]
    assert '<form method="get" action="/en/events/"' in details
    assert '<button type="submit" class="button">Show events</button>' in details
    body = get(client, f"/en/events/?kind=film_screening&lg={lg.pk}")
    assert '<details class="filters-box" open>' in body
    summary = body.split("<summary>")[1].split("</summary>")[0]
    assert "Type: Film screening" in summary and "Local government: Fuchu City (Tokyo)" in summary
    # The views come first, then the folded filters, then the events.
    assert body.index('class="calendar-views"') < body.index("<details") \
        < body.index("Listed event")


# --- 4. The local governments of the filter: order and narrowing -------------------------------
def _events_in(*codes: str) -> None:
    for code in codes:
        EventFactory(local_government=jp(code))


def test_local_governments_by_prefecture_and_reading_in_ja_by_name_in_en(client):
    _events_in("232033", "132063", "111007", "131148", "130001")  # 一宮, 府中, さいたま, 中野, 都
    with translation.override("ja"):
        labels = [c.label for c in selectors.calendar_choices()["local_governments"]]
    assert labels == ["さいたま市（埼玉県）", "東京都", "中野区（東京都）", "府中市（東京都）",
                      "一宮市（愛知県）"]
    with translation.override("en"):
        labels = [c.label for c in selectors.calendar_choices()["local_governments"]]
    assert labels == ["Fuchu City (Tokyo)", "Ichinomiya City (Aichi)", "Nakano City (Tokyo)",
                      "Saitama City (Saitama)", "Tokyo Metropolis"]


def test_a_chosen_prefecture_narrows_the_local_governments(client, lg):
    _events_in("232033", "132063", "131148", "011002")
    body = get(client, "/ja/events/?region=JP-13")
    options = body.split('id="id_lg"')[1].split("</select>")[0]
    assert "中野区" in options and "府中市" in options
    assert "一宮市" not in options and "札幌市" not in options
    # A local government chosen elsewhere stays chosen (and said so) even so.
    sapporo = jp("011002")
    body = get(client, f"/en/events/?region=JP-13&lg={sapporo.pk}")
    options = body.split('id="id_lg"')[1].split("</select>")[0]
    assert f'<option value="{sapporo.pk}" selected>' in options
    regions = get(client, "/en/events/?country=JP").split('id="id_region"')[1]
    assert "Tokyo" in regions.split("</select>")[0]


# --- 5. The month view opens on the next event ---------------------------------------------------
def test_month_view_without_a_month_opens_on_the_next_upcoming_event(client):
    today = timezone.localdate()
    EventFactory(start_date=datetime.date(today.year + 1, 6, 20),
                 starts_at=datetime.datetime(today.year + 1, 6, 20, 1, tzinfo=UTC),
                 ends_at=datetime.datetime(today.year + 1, 6, 20, 2, tzinfo=UTC))
    EventFactory(status="cancelled", was_approved=True,
                 start_date=datetime.date(today.year + 1, 3, 1),
                 starts_at=datetime.datetime(today.year + 1, 3, 1, 1, tzinfo=UTC),
                 ends_at=datetime.datetime(today.year + 1, 3, 1, 2, tzinfo=UTC))
    body = get(client, "/en/events/?view=month")
    assert f'<h2 id="month-title">June {today.year + 1}</h2>' in body
    assert f"Showing June {today.year + 1}, the month of the next upcoming event." in body
    assert f'rel="prev">Previous month (May {today.year + 1})' in body
    assert f'name="month" value="{today.year + 1}-06"' in body
    # The tab to the month view lets the page choose; a month asked for is shown as it is.
    assert 'href="?view=month"' in get(client, "/en/events/")
    asked = get(client, f"/en/events/?view=month&month={today:%Y-%m}")
    assert f'<h2 id="month-title">{today:%B %Y}</h2>' in asked and "Showing" not in asked
    nothing = get(client, "/en/events/?view=month&kind=forum")
    assert f'<h2 id="month-title">{today:%B %Y}</h2>' in nothing
    assert "the current month: no upcoming event matches these filters." in nothing


# --- 6. World Refugee Day ----------------------------------------------------------------------------
def test_wrd_key_to_the_map_and_notes_said_once(client):
    exact = LandmarkFactory(name_en="Exact Tower")
    rough = LandmarkFactory(name_en="Rough Tower", point_approximate=True)
    for landmark in (exact, rough):
        record(2024, landmark=landmark, local_government=landmark.local_government)
    body = get(client, "/en/world-refugee-day/2024/")
    legend = body.split('<div class="map-legend">')[1].split("</div>")[0]
    assert "A landmark, at its own location" in legend and "<span>~</span>" in legend
    assert "Approximate: the landmark's own location is not recorded" in legend
    assert body.count('<span aria-hidden="true">~ </span>approximate</span>') == 1
    assert body.count("on the map</td>") == 1


def test_wrd_years_run_from_2019_to_next_year_and_the_calendar_link_is_that_years(client):
    this_year = timezone.localdate().year
    record(2021)
    body = get(client, "/en/world-refugee-day/2021/")
    nav = body.split('class="wrd-years"')[1].split("</nav>")[0]
    years = [int(y) for y in re.findall(r">(\d{4})<", nav)]
    assert years == list(range(2019, this_year + 2))
    assert f'<a href="/en/world-refugee-day/{this_year}/">' in nav
    (link,) = [h for h in hrefs(body, "/en/events/?") if h.endswith("month=2021-06")]
    assert parse_qs(urlsplit(link).query) == {"kind": ["light_up"], "view": ["month"],
                                               "month": ["2021-06"]}
    assert "Light-ups of 2021 in the events calendar" in body
    june = get(client, link)
    assert "World Refugee Day 2021" in june
    # The prefectures' counts lead to that year's light-ups there too.
    assert "/en/events/?kind=light_up&view=month&month=2021-06&region=JP-13" in hrefs(
        body, "/en/events/?")


def test_wrd_sources_are_links_labelled_with_their_host(client):
    ReportedTotal.objects.create(
        year=2025, total=67, text_en="67 landmarks", source_url="https://ascii.jp/elem/1",
        source_label="ASCII.jp, 2025 (also https://news.3rd-in.co.jp/article/d04f)")
    body = get(client, "/ja/world-refugee-day/2025/")
    source = body.split('<span class="reported-source"')[1].split("</dd>")[0]
    assert source.startswith(' lang="en">ASCII.jp, 2025 (also <a href="https://news.3rd-in.co.jp/'
                             'article/d04f" rel="noopener noreferrer external">news.3rd-in.co.jp'
                             '</a>)</span>')
    assert '<a href="https://ascii.jp/elem/1" rel="noopener noreferrer external">ascii.jp</a>' \
        in body
    assert ">https://" not in body.split('id="counts-title"')[1].split("</section>")[0]
    event = record(2025, sources="https://www.example.org/a/b | https://example.com/c")
    page = get(client, f"/en/events/{event.pk}/")
    assert '<a href="https://www.example.org/a/b" rel="noopener noreferrer external">' \
           "example.org</a>" in page


def test_linked_text_keeps_punctuation_out_of_addresses():
    parts = selectors.linked_text("See https://a.example/x. And (http://b.example/y), fin")
    assert [(p.label, p.url) for p in parts] == [
        ("See ", ""), ("a.example", "https://a.example/x"), (". And (", ""),
        ("b.example", "http://b.example/y"), ("), fin", "")]
    assert selectors.linked_text("") == []


def test_a_future_year_says_to_be_lit_and_announcements_are_marked(client):
    year = timezone.localdate().year + 1
    EventFactory(kind="light_up", landmark=LandmarkFactory(), all_day=True, starts_at=None,
                 ends_at=None, start_date=datetime.date(year, 6, 20))
    body = get(client, f"/en/world-refugee-day/{year}/")
    assert "Landmarks to be lit in blue" in body and "Landmarks lit in blue" not in body
    assert "How many landmarks are to be lit" in body
    planned = record(2024, source_note="announced in prefectural press release (planned)")
    record(2024, source_note="lit on 2024-06-20 per the city's report")
    body = get(client, "/en/world-refugee-day/2024/")
    assert "Landmarks lit in blue" in body
    assert body.count('<span class="wrd-announced">announced before the day</span>') == 1
    row = body.split(f'href="/en/events/{planned.pk}/"')[1].split("</tr>")[0]
    assert "announced before the day" in row
    assert "not from a report that the landmark was lit" in body


def test_a_landmark_reported_lit_is_not_marked_announced_by_another_record():
    landmark = LandmarkFactory()
    record(2024, landmark=landmark, source_note="planned")
    EventFactory(kind="light_up", landmark=landmark, all_day=True, starts_at=None,
                 ends_at=None, start_date=datetime.date(2024, 6, 20))
    (lit,) = selectors.world_refugee_day(2024).landmarks
    assert not lit.announced


# --- 7. Time zones in lists ----------------------------------------------------------------------
def test_lists_leave_out_the_readers_own_zone_and_name_tokyo_for_people(client):
    EventFactory(title_en="Tokyo talk")
    EventFactory(title_en="Berlin talk", time_zone="Europe/Berlin",
                 starts_at=datetime.datetime(2027, 6, 20, 16, tzinfo=UTC),
                 ends_at=datetime.datetime(2027, 6, 20, 18, tzinfo=UTC))
    body = get(client, "/en/events/")
    zones = re.findall(r'<span class="event-zone">\(([^)]*)\)</span>', body)
    assert zones == ["Europe/Berlin"]  # the reader is in Tokyo (no cookie)
    client.cookies["tz"] = "Europe/Berlin"
    body = get(client, "/en/events/")
    assert re.findall(r'<span class="event-zone">\(([^)]*)\)</span>', body) == ["Asia/Tokyo"]
    ja = get(client, "/ja/events/")
    (zone,) = re.findall(r'<span class="event-zone">\(([^)]*)\)</span>', ja)
    assert zone != "Asia/Tokyo"  # 「日本時間」
    with translation.override("ja"):
        assert selectors.event_when(EventFactory()).zone.startswith(str(
            translation.gettext("Japan time")))


def test_the_event_page_keeps_the_zone_in_full(client):
    event = EventFactory()
    assert "Asia/Tokyo (UTC+09:00)" in get(client, f"/en/events/{event.pk}/")
    ja = get(client, f"/ja/events/{event.pk}/")
    (zone,) = re.findall(r"<dd>([^<]*\(UTC\+09:00\))</dd>", ja)
    assert "Asia/Tokyo" not in zone


# --- 8. Stored English notes on Japanese pages ----------------------------------------------------
def test_source_notes_are_quoted_and_marked_english(client):
    event = record(sources="https://example.org/a", source_note="planned per the city")
    body = get(client, f"/ja/events/{event.pk}/")
    note = body.split('<p class="record-note">')[1].split("</p>")[0]
    assert note.endswith('<q lang="en">planned per the city</q>')


# --- 9. The breadcrumb's spacing ------------------------------------------------------------------
def test_the_breadcrumb_has_the_paragraph_spacing_of_other_pages():
    css = (Path(settings.BASE_DIR) / "withrefugees/static/css/site.css").read_text()
    rules = re.findall(r"^\.breadcrumb \{([^}]*)\}", css, re.M)
    assert rules and all("margin: 0;" not in r and "margin:0" not in r for r in rules)
    assert "margin: 1rem 0" in rules[-1]
