"""Days until the next World Refugee Day (20 June), counted where the local government is."""

from datetime import UTC, date, datetime
from unittest import mock

import pytest

from withrefugees.places.models import LocalGovernment
from withrefugees.workspace.selectors import (
    days_until_world_refugee_day,
    local_government_zone,
    local_today,
)


@pytest.mark.parametrize("today, days", [
    (date(2026, 6, 20), 0),      # the day itself
    (date(2026, 6, 19), 1),
    (date(2026, 6, 21), 364),    # 21 June 2026 → 20 June 2027: no 29 February between
    (date(2027, 6, 21), 365),    # → 20 June 2028, 29 February 2028 between
    (date(2026, 12, 31), 171),   # year end
    (date(2027, 1, 1), 170),
    (date(2028, 1, 1), 171),     # leap year: 29 February before 20 June
    (date(2028, 2, 29), 112),
    (date(2028, 3, 1), 111),
    (date(2026, 1, 1), 170),
])
def test_days_until_world_refugee_day(today, days):
    assert days_until_world_refugee_day(today=today) == days


def test_never_negative_and_never_more_than_a_leap_year():
    day = date(2027, 1, 1)
    while day.year < 2029:
        assert 0 <= days_until_world_refugee_day(today=day) <= 365
        day = date.fromordinal(day.toordinal() + 1)


def at(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.mark.django_db
def test_the_local_governments_own_zone_decides():
    wellington = LocalGovernment.objects.get(country_id="NZ", name="Wellington")
    tokyo = LocalGovernment.objects.get(jis_code="131016")  # 千代田区
    assert str(local_government_zone(wellington)) == "Pacific/Auckland"
    # 12:30 UTC on 19 June: already 00:30 on 20 June in Wellington, 21:30 on 19 June in Tokyo.
    with at(datetime(2026, 6, 19, 12, 30, tzinfo=UTC)):
        assert local_today(wellington) == date(2026, 6, 20)
        assert local_today(tokyo) == date(2026, 6, 19)
        assert days_until_world_refugee_day(today=local_today(wellington)) == 0
        assert days_until_world_refugee_day(today=local_today(tokyo)) == 1


@pytest.mark.django_db
def test_the_dashboard_says_it_is_today_in_wellington(client, make_officer):
    wellington = LocalGovernment.objects.get(country_id="NZ", name="Wellington")
    officer = make_officer(wellington)
    client.force_login(officer)
    with at(datetime(2026, 6, 19, 12, 30, tzinfo=UTC)):
        html = client.get(f"/en/workspace/{wellington.pk}/").content.decode()
    assert "World Refugee Day (20 June) is today." in html


@pytest.mark.django_db
def test_the_dashboard_counts_one_day_in_tokyo_at_the_same_moment(client, officer, lg):
    client.force_login(officer)
    with at(datetime(2026, 6, 19, 12, 30, tzinfo=UTC)):
        html = client.get(f"/en/workspace/{lg.pk}/").content.decode()
    assert "1 day until World Refugee Day (20 June)." in html


@pytest.mark.django_db
def test_a_place_without_a_zone_uses_the_platforms(settings):
    place = LocalGovernment(country_id="AQ", name="Nowhere", kind="other", source="submitted")
    with mock.patch("withrefugees.workspace.selectors.local_government_time_zones",
                    return_value=[]):
        assert str(local_government_zone(place)) == settings.TIME_ZONE
