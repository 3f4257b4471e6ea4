"""Step 3 on the public profile page (issue 9, section 3): the local government's public
events, upcoming first then past, the landmarks it lit with their years, a link to the
calendar filtered by it; done once it has an approved event; one query more however many
events it has, none when it has none."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory, LandmarkFactory, SignatureFactory, jp
from withrefugees.profiles import selectors

pytestmark = pytest.mark.django_db


def get(client, lang: str, lg) -> str:
    response = client.get(f"/{lang}/signatories/{lg.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def act(body: str) -> str:
    return re.search(r'<li class="step-act[^"]*">(.*?)</li>\s*<li class="step-pledge',
                     body, re.S).group(1)


@pytest.fixture
def fuchu_events(fuchu):
    """府中市's light-ups of 2019 and 2021 (a campaign record, year only), an upcoming
    exhibition, and events the public must not see."""
    tower = LandmarkFactory(name_ja="府中の塔", name_en="Fuchu Tower")
    EventFactory(kind="light_up", landmark=tower, all_day=True, starts_at=None, ends_at=None,
                 start_date=datetime.date(2019, 6, 20), title_en="Blue tower 2019")
    EventFactory(kind="light_up", landmark=tower, all_day=True, starts_at=None, ends_at=None,
                 origin="reference", date_precision="year",
                 start_date=datetime.date(2021, 6, 20), title_en="Blue tower 2021")
    EventFactory(title_en="Photo exhibition 2027")
    EventFactory(status="submitted", was_approved=False, title_en="Awaiting review")
    EventFactory(status="draft", was_approved=False, title_en="A draft")
    return tower


def test_the_section_lists_upcoming_then_past_and_the_landmarks(client, fuchu, fuchu_events):
    section = act(get(client, "en", fuchu))
    assert "Act with UNHCR" in section
    assert "Awaiting review" not in section and "A draft" not in section
    assert section.index("Upcoming events") < section.index("Photo exhibition 2027") \
        < section.index("Past events") < section.index("Blue tower 2021") \
        < section.index("Blue tower 2019")
    assert "World Refugee Day 2021" in section and "June 20, 2019" in section
    assert "Fuchu Tower" in section
    assert 'href="/en/world-refugee-day/2019/">2019</a>' in section
    assert 'href="/en/world-refugee-day/2021/">2021</a>' in section
    assert f'href="/en/events/?lg={fuchu.pk}"' in section
    ja = act(get(client, "ja", fuchu))
    assert "府中の塔" in ja and "2019年6月20日" in ja and 'href="/ja/world-refugee-day/2021/"' in ja


def test_done_with_an_approved_event_whether_signatory_or_not(client, fuchu, fuchu_events):
    page = selectors.profile_page(fuchu.pk)
    assert not page.is_signatory
    (step,) = [s for s in page.sections if s.key == "act"]
    assert step.number == 3 and step.done and step.template == "profiles/sections/act.html"
    assert 'class="step-act done"' in get(client, "en", fuchu)
    SignatureFactory(status="published", published_at="2026-01-01T00:00Z")
    assert [s.key for s in selectors.profile_page(fuchu.pk).sections] == [
        "sign", "post", "act", "pledge"]


def test_not_started_without_public_events(client, fuchu):
    EventFactory(status="returned", was_approved=True, title_en="Sent back")
    page = selectors.profile_page(fuchu.pk)
    assert page.sections[2].key == "act" and page.sections[2].status == "not_started"
    section = act(get(client, "en", fuchu))
    assert "Nothing recorded yet." in section and "Sent back" not in section


def test_a_landmark_of_two_local_governments_is_on_both_profiles(client, fuchu, chofu):
    bridge = LandmarkFactory(local_government=chofu, name_en="Tama River Bridge")
    bridge.other_local_governments.add(fuchu)
    EventFactory(kind="light_up", landmark=bridge, local_government=chofu,
                 title_en="Bridge in blue")
    for lg in (fuchu, chofu):
        assert "Bridge in blue" in act(get(client, "en", lg))


def test_one_query_more_however_many_events(client, fuchu, django_assert_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, "en", fuchu)
        return len(captured)

    without = count()
    EventFactory(kind="light_up", landmark=LandmarkFactory())
    one = count()
    for i in range(12):
        EventFactory(kind="light_up", landmark=LandmarkFactory(),
                     start_date=datetime.date(2020 + i % 5, 6, 20), all_day=True,
                     starts_at=None, ends_at=None)
    assert (without, one) == (2, 3) and count() == one
    other = jp("342084")  # no events: no query for them
    with django_assert_num_queries(2):
        get(client, "ja", other)
