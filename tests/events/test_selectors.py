"""Public reads of step 3 (events.selectors): what is public, the calendar's parameters,
lists and month grid, dates in the event's own zone, the profile's and dashboard's reads."""

import datetime

import pytest
from django.utils import translation

from tests.factories import EventFactory, LandmarkFactory, jp
from withrefugees.events import selectors
from withrefugees.events.models import Event

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
TODAY = datetime.date(2027, 6, 1)


def all_day(start: datetime.date, end: datetime.date | None = None, **kwargs) -> Event:
    return EventFactory(all_day=True, starts_at=None, ends_at=None, start_date=start,
                        end_date=end or start, **kwargs)


def test_public_events_are_approved_or_cancelled_after_approval():
    shown = {EventFactory().pk, EventFactory(status="cancelled", was_approved=True).pk}
    for status in ("draft", "submitted", "returned", "cancelled"):
        EventFactory(status=status, was_approved=False)
    # Approved once, then changed and sent back: not public now.
    EventFactory(status="returned", was_approved=True)
    qs = selectors.public_events()
    assert set(qs.values_list("pk", flat=True)) == shown
    assert all(e.is_public for e in qs)
    assert {"local_government", "landmark"} <= set(qs.query.select_related)


def test_calendar_query_reads_good_values_and_names_the_bad_ones(lg):
    query = selectors.calendar_query({"kind": "light_up", "country": "jp", "region": "jp-13",
                                      "lg": str(lg.pk), "view": "month",
                                      "month": "2027-06"}, today=TODAY)
    assert (query.kind, query.country, query.region, query.local_government, query.view,
            query.month, query.ignored) == ("light_up", "JP", "JP-13", lg, "month",
                                            datetime.date(2027, 6, 1), ())
    assert query.filter_params() == {"kind": "light_up", "country": "JP", "region": "JP-13",
                                     "lg": str(lg.pk)}
    with translation.override("en"):
        bad = selectors.calendar_query({"kind": "party", "country": "ZZ", "region": "XX-1",
                                        "lg": "12a", "view": "week", "when": "never",
                                        "month": "2027-13"}, today=TODAY)
    assert bad == selectors.CalendarQuery(month=datetime.date(2027, 6, 1), ignored=(
        "type", "country", "prefecture or region", "local government", "view",
        "upcoming or past", "month"))


@pytest.mark.parametrize("month", ["99999-01", "2017-12", "2038-01", "2027-00", "27-06",
                                   " 2027-06x", "２０２７-06"])
def test_months_outside_the_range_or_malformed_are_ignored(month):
    query = selectors.calendar_query({"month": month}, today=TODAY)
    assert query.month == datetime.date(2027, 6, 1) and len(query.ignored) == 1


def test_upcoming_includes_ongoing_and_past_is_latest_first():
    ongoing = all_day(datetime.date(2027, 5, 30), datetime.date(2027, 6, 2))
    soon = all_day(datetime.date(2027, 6, 5))
    ended = all_day(datetime.date(2027, 5, 31))
    older = all_day(datetime.date(2026, 6, 20))
    query = selectors.CalendarQuery()
    assert list(selectors.calendar_events(query, today=TODAY)) == [ongoing, soon]
    past = selectors.CalendarQuery(when="past")
    assert list(selectors.calendar_events(past, today=TODAY)) == [ended, older]


def test_local_government_filter_includes_landmarks_that_span_it(lg, other_lg):
    bridge = LandmarkFactory(local_government=other_lg, name_en="Bridge")
    bridge.other_local_governments.add(lg)
    shared = EventFactory(kind="light_up", landmark=bridge, local_government=other_lg)
    own = EventFactory(local_government=lg)
    EventFactory(local_government=other_lg)
    query = selectors.CalendarQuery(local_government=lg)
    assert set(selectors.calendar_events(query, today=TODAY)) == {shared, own}


def test_month_grid_has_whole_weeks_and_events_on_each_of_their_days():
    span = all_day(datetime.date(2027, 5, 30), datetime.date(2027, 6, 2))
    timed = EventFactory()  # 20 June 2027
    record = EventFactory(kind="light_up", landmark=LandmarkFactory(), origin="reference",
                          date_precision="year", all_day=True, starts_at=None, ends_at=None,
                          start_date=datetime.date(2027, 6, 20))
    with translation.override("en"):
        grid = selectors.calendar_month(selectors.CalendarQuery(
            month=datetime.date(2027, 6, 1)), today=TODAY)
    assert all(len(week) == 7 for week in grid.weeks)
    assert grid.weekdays[0] == ("Sun", "Sunday")  # FIRST_DAY_OF_WEEK of en
    days = {d.date: d for week in grid.weeks for d in week}
    assert days[datetime.date(2027, 5, 30)].in_month is False
    for d in (30, 31):
        assert [i.event for i in days[datetime.date(2027, 5, d)].events] == [span]
    assert [i.event for i in days[datetime.date(2027, 6, 2)].events] == [span]
    assert [i.event for i in days[datetime.date(2027, 6, 20)].events] == [timed]
    assert [i.event for i in grid.year_only] == [record]
    assert days[TODAY].today and grid.count == 3
    assert grid.previous == datetime.date(2027, 5, 1) and grid.next == datetime.date(2027, 7, 1)
    last = selectors.calendar_month(selectors.CalendarQuery(
        month=datetime.date(2037, 12, 1)), today=TODAY)
    assert last.next is None
    first = selectors.calendar_month(selectors.CalendarQuery(
        month=datetime.date(2018, 1, 1)), today=TODAY)
    assert first.previous is None


def test_when_in_the_events_zone_all_day_and_year_only():
    with translation.override("en"):
        when = selectors.event_when(EventFactory())
        assert (when.text, when.zone) == ("June 20, 2027, 10:00–17:00",
                                          "Asia/Tokyo (UTC+09:00)")
        assert when.start_iso == "2027-06-20T10:00:00+09:00" and not when.all_day
        overnight = EventFactory(time_zone="America/New_York",
                                 starts_at=datetime.datetime(2027, 6, 21, 1, tzinfo=UTC),
                                 ends_at=datetime.datetime(2027, 6, 21, 5, tzinfo=UTC),
                                 start_date=datetime.date(2027, 6, 20),
                                 end_date=datetime.date(2027, 6, 21))
        assert selectors.event_when(overnight).text == \
            "June 20, 2027, 21:00 – June 21, 2027, 01:00"
        assert selectors.event_when(overnight).zone == "America/New_York (UTC-04:00)"
        days = selectors.event_when(all_day(datetime.date(2027, 6, 19),
                                            datetime.date(2027, 6, 21)))
        assert (days.text, days.zone, days.all_day) == ("June 19, 2027 – June 21, 2027", "",
                                                         True)
        record = EventFactory(kind="light_up", landmark=LandmarkFactory(), origin="reference",
                              date_precision="year", all_day=True, starts_at=None,
                              ends_at=None, start_date=datetime.date(2019, 6, 20))
        assert selectors.event_when(record).text == "World Refugee Day 2019"
        assert selectors.event_when(record).start_iso == "2019"
    with translation.override("ja"):
        assert selectors.event_when(all_day(datetime.date(2027, 6, 19))).text == "2027年6月19日"


def test_event_page_and_json_ld_of_a_non_public_event():
    draft = EventFactory(status="draft", was_approved=False)
    with pytest.raises(Event.DoesNotExist):
        selectors.event_page(draft.pk)
    event = EventFactory(latitude=None, longitude=None, kind="light_up",
                         landmark=LandmarkFactory(latitude=35.0, longitude=139.0,
                                                  point_approximate=True))
    page = selectors.event_page(event.pk)
    assert page.point == selectors.Point(35.0, 139.0, approximate=True)
    data = selectors.event_jsonld(page, absolute=lambda path: "https://x.example" + path)
    assert data["url"] == f"https://x.example/ja/events/{event.pk}/"


def test_local_government_events_for_the_profile(lg, other_lg, django_assert_num_queries):
    landmark = LandmarkFactory(name_en="Fuchu Tower")
    for year in (2019, 2021):
        EventFactory(kind="light_up", landmark=landmark, all_day=True, starts_at=None,
                     ends_at=None, start_date=datetime.date(year, 6, 20))
    upcoming = EventFactory()
    EventFactory(status="cancelled", was_approved=True, start_date=datetime.date(2027, 7, 1),
                 starts_at=datetime.datetime(2027, 7, 1, tzinfo=UTC),
                 ends_at=datetime.datetime(2027, 7, 1, 1, tzinfo=UTC))
    EventFactory(status="submitted", was_approved=False)
    EventFactory(local_government=other_lg)
    with django_assert_num_queries(1), translation.override("en"):
        section = selectors.local_government_events(lg, today=TODAY)
    assert [i.event for i in section.upcoming][0] == upcoming and len(section.upcoming) == 2
    assert [i.event.start_date.year for i in section.past] == [2021, 2019]
    assert [(lm.name.text, lm.years) for lm in section.landmarks] == [("Fuchu Tower",
                                                                       [2019, 2021])]
    assert section.done and section.status == "done"
    assert section.calendar_url == f"/en/events/?lg={lg.pk}"
    nothing = selectors.local_government_events(other_lg, today=datetime.date(2030, 1, 1))
    assert nothing.past and not nothing.upcoming
    lg.has_public_events = False
    with django_assert_num_queries(0):
        assert not selectors.local_government_events(lg).done


def test_a_local_government_with_only_cancelled_events_has_not_acted(lg):
    EventFactory(status="cancelled", was_approved=True)
    section = selectors.local_government_events(lg, today=TODAY)
    assert section.upcoming and not section.done


def test_profile_list_is_limited(lg):
    for i in range(selectors.PROFILE_LIMIT + 3):
        all_day(datetime.date(2027, 7, 1) + datetime.timedelta(days=i))
    section = selectors.local_government_events(lg, today=TODAY)
    assert len(section.upcoming) == selectors.PROFILE_LIMIT and section.more_upcoming == 3


def test_act_counts_by_status_in_one_query(lg, other_lg, django_assert_num_queries):
    for status, n in (("draft", 2), ("submitted", 1), ("approved", 3), ("returned", 1)):
        for _ in range(n):
            EventFactory(status=status, was_approved=status == "approved")
    EventFactory(status="cancelled", was_approved=False)
    EventFactory(local_government=other_lg)
    with django_assert_num_queries(1):
        counts = selectors.act_counts(lg)
    assert counts == selectors.ActCounts(draft=2, submitted=1, approved=3, returned=1,
                                         cancelled=1)
    assert counts.total == 8
    assert selectors.act_counts(jp("011002")) == selectors.ActCounts()


def test_calendar_choices_name_only_places_with_public_events(lg):
    EventFactory()
    EventFactory(status="draft", was_approved=False, local_government=jp("011002"))
    with translation.override("en"):
        choices = selectors.calendar_choices()
    assert [c.value for c in choices["countries"]] == ["JP"]
    assert [c.value for c in choices["regions"]] == ["JP-13"]
    assert [c.label for c in choices["local_governments"]] == ["Fuchu City (Tokyo)"]
    assert len(choices["kinds"]) == 6
