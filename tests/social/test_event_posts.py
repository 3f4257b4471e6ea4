"""Events in the post kit (``events.posts``): one ready-made ``event`` post per approved event
of the local government, coming or just held, with its title and date in the post's
language and the event's own time zone."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import EventFactory, LandmarkFactory
from withrefugees.events.posts import event_date_text, post_occasions
from withrefugees.social import posts

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 6, 1)
UTC = datetime.UTC


def test_an_approved_coming_event_gives_a_post(lg):
    event = EventFactory(local_government=lg)
    [occasion] = post_occasions(lg, language="ja", today=TODAY)
    assert (occasion.key, occasion.occasion) == (f"event-{event.pk}", "event")
    assert occasion.values == {"event_title": event.title_ja,
                               "event_date": "2027年6月20日 10:00"}  # 01:00 UTC in Tokyo
    [english] = post_occasions(lg, language="en", today=TODAY)
    assert english.values["event_title"] == event.title_en
    assert "2027" in english.values["event_date"] and "10:00" in english.values["event_date"]


def test_the_title_falls_back_to_the_other_language(lg):
    EventFactory(local_government=lg, title_en="")
    [occasion] = post_occasions(lg, language="en", today=TODAY)
    assert occasion.values["event_title"].startswith("難民写真展")


def test_the_date_is_in_the_event_zone():
    event = EventFactory.build(time_zone="Europe/Berlin",
                               starts_at=datetime.datetime(2027, 6, 19, 22, 30, tzinfo=UTC),
                               ends_at=datetime.datetime(2027, 6, 20, 1, 0, tzinfo=UTC),
                               start_date=datetime.date(2027, 6, 20))
    assert event_date_text(event, "ja") == "2027年6月20日 00:30 CEST"  # not 19 June
    assert event_date_text(event, "en").endswith("00:30 CEST")


def test_all_day_and_multi_day_dates():
    event = EventFactory.build(all_day=True, starts_at=None, ends_at=None,
                               start_date=datetime.date(2027, 6, 18),
                               end_date=datetime.date(2027, 6, 21))
    assert event_date_text(event, "ja") == "2027年6月18日 – 2027年6月21日"
    timed = EventFactory.build(starts_at=datetime.datetime(2027, 6, 20, 1, 0, tzinfo=UTC),
                               ends_at=datetime.datetime(2027, 6, 21, 8, 0, tzinfo=UTC))
    assert event_date_text(timed, "ja") == "2027年6月20日 10:00 – 2027年6月21日 17:00"


def test_a_record_known_to_the_year_is_not_given_a_day():
    event = EventFactory.build(kind="light_up", origin="reference", date_precision="year",
                               all_day=True, starts_at=None, ends_at=None,
                               start_date=datetime.date(2019, 6, 20))
    assert event_date_text(event, "en") == "World Refugee Day 2019"


@pytest.mark.parametrize("changes", [
    {"status": "draft", "was_approved": False},
    {"status": "submitted", "was_approved": False},
    {"status": "returned", "was_approved": False},
    {"status": "cancelled", "was_approved": True},
    {"start_date": datetime.date(2027, 4, 1), "end_date": datetime.date(2027, 4, 30),
     "starts_at": datetime.datetime(2027, 4, 1, 1, tzinfo=UTC),
     "ends_at": datetime.datetime(2027, 4, 30, 8, tzinfo=UTC)},  # over a month ago
    {"start_date": datetime.date(2028, 7, 1), "end_date": datetime.date(2028, 7, 1),
     "starts_at": datetime.datetime(2028, 7, 1, 1, tzinfo=UTC),
     "ends_at": datetime.datetime(2028, 7, 1, 8, tzinfo=UTC)},  # over a year ahead
])
def test_events_not_offered(lg, changes):
    EventFactory(local_government=lg, **changes)
    assert post_occasions(lg, language="ja", today=TODAY) == []


def test_only_the_local_government_own_events_soonest_first(lg, other_lg):
    EventFactory(local_government=other_lg)
    later = EventFactory(local_government=lg, kind="light_up", landmark=LandmarkFactory(),
                         start_date=datetime.date(2027, 6, 21),
                         starts_at=datetime.datetime(2027, 6, 21, 10, tzinfo=UTC),
                         ends_at=datetime.datetime(2027, 6, 21, 13, tzinfo=UTC))
    recent = EventFactory(local_government=lg, start_date=datetime.date(2027, 5, 20),
                          starts_at=datetime.datetime(2027, 5, 20, 1, tzinfo=UTC),
                          ends_at=datetime.datetime(2027, 5, 20, 8, tzinfo=UTC))
    sooner = EventFactory(local_government=lg)
    keys = [o.key for o in post_occasions(lg, language="ja", today=TODAY)]
    assert keys == [f"event-{recent.pk}", f"event-{sooner.pk}", f"event-{later.pk}"]


def test_one_query_however_many_events(lg, django_assert_num_queries):
    for _ in range(5):
        EventFactory(local_government=lg)
    with django_assert_num_queries(1):
        assert len(post_occasions(lg, language="ja", today=TODAY)) == 5


def test_the_posts_render_with_the_event_template(lg):
    event = EventFactory(local_government=lg)
    found = posts.ready_posts(language="ja", name="府中市", url="http://x.test/",
                              extra_occasions=post_occasions(lg, language="ja", today=TODAY))
    post = found[-1]
    assert post.key == f"event-{event.pk}" and post.occasion == "event"
    assert "2027年6月20日 10:00" in post.text and event.title_ja in post.text


def test_the_kit_shows_a_post_per_event(client, lg, officer):
    soon = timezone.localdate() + datetime.timedelta(days=10)
    event = EventFactory(local_government=lg, all_day=True, starts_at=None, ends_at=None,
                         start_date=soon, end_date=soon)
    client.force_login(officer)
    body = client.get(f"/en/workspace/{lg.pk}/post/?language=ja").content.decode()
    assert f'name="text_event-{event.pk}"' in body
    assert event.title_ja in body
