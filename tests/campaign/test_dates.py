"""Dates of record (issue 6, section 5): the date a signature is confirmed (``signed_on``)
is the date where the local government is, never the date of the visitor's time-zone
cookie, which only changes how times are shown."""

import datetime
import zoneinfo
from unittest import mock

import pytest

from tests.factories import jp
from withrefugees.campaign import services, tokens
from withrefugees.campaign.models import Signature
from withrefugees.places.models import LocalGovernment

from .services.conftest import signature_in
from .test_signing import confirm_url_from, sign

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
# 00:30 on 30 November in Tokyo; still 29 November in most of the world.
NIGHT = datetime.datetime(2026, 11, 29, 15, 30, tzinfo=UTC)
COOKIES = [None, "Asia/Tokyo", "America/Los_Angeles", "Pacific/Pago_Pago", "Europe/Zurich",
           "UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Not/AZone", ""]


def confirm_at(client, mailoutbox, moment: datetime.datetime, cookie: str | None):
    """Sign for 府中市（広島県） and confirm the emailed link at ``moment`` with the ``tz``
    cookie set to ``cookie`` (None: no cookie)."""
    assert sign(client, lang="en").status_code == 302
    if cookie is not None:
        client.cookies["tz"] = cookie
    with mock.patch("django.utils.timezone.now", return_value=moment):
        response = client.post(confirm_url_from(mailoutbox[-1]), {"action": "confirm"})
    assert response.status_code == 302
    return Signature.objects.get(local_government__jis_code="342084")


@pytest.mark.parametrize("cookie", COOKIES)
def test_signed_on_in_japan_is_the_japanese_date_whatever_the_cookie(client, mailoutbox,
                                                                     cookie):
    signature = confirm_at(client, mailoutbox, NIGHT, cookie)
    assert signature.signed_on == datetime.date(2026, 11, 30)
    assert signature.email_confirmed_at == NIGHT


@pytest.mark.parametrize("moment,day", [
    (datetime.datetime(2026, 11, 29, 14, 59, 59, tzinfo=UTC), 29),  # 23:59:59 in Tokyo
    (datetime.datetime(2026, 11, 29, 15, 0, 0, tzinfo=UTC), 30),  # midnight in Tokyo
    (datetime.datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC), 30),
])
@pytest.mark.parametrize("cookie", ["Pacific/Kiritimati", "Etc/GMT+12"])  # UTC+14, UTC-12
def test_the_japanese_day_starts_at_midnight_in_tokyo(client, mailoutbox, moment, day,
                                                      cookie):
    signature = confirm_at(client, mailoutbox, moment, cookie)
    assert signature.signed_on == datetime.date(2026, 11, day)


def test_japan_does_not_depend_on_the_site_time_zone(client, mailoutbox, settings):
    settings.TIME_ZONE = "America/New_York"
    signature = confirm_at(client, mailoutbox, NIGHT, "America/New_York")
    assert signature.signed_on == datetime.date(2026, 11, 30)


def place(country: str, name: str, lat: float | None = None,
          lon: float | None = None) -> LocalGovernment:
    return LocalGovernment.objects.create(
        kind=LocalGovernment.Kind.OTHER, source=LocalGovernment.DataSource.SUBMITTED,
        country_id=country, name=name, latitude=lat, longitude=lon)


@pytest.mark.parametrize("country,name,lat,lon,zones", [
    ("JP", "渋谷区", 35.66, 139.70, ["Asia/Tokyo"]),
    ("JP", "渋谷区", None, None, ["Asia/Tokyo"]),
    ("CH", "Genève", 46.20, 6.14, ["Europe/Zurich"]),  # one zone: coordinates not needed
    ("CH", "Genève", None, None, ["Europe/Zurich"]),
    ("KR", "서울", None, None, ["Asia/Seoul"]),
    ("DE", "Berlin", None, None, ["Europe/Berlin", "Europe/Busingen"]),  # always one date
    # Several zones: the nearest principal location of the country's zones.
    ("DE", "Berlin", 52.52, 13.40, ["Europe/Berlin"]),
    ("US", "Los Angeles", 34.05, -118.24, ["America/Los_Angeles"]),
    ("US", "New York", 40.71, -74.01, ["America/New_York"]),
    ("US", "Honolulu", 21.31, -157.86, ["Pacific/Honolulu"]),
    ("AU", "Perth", -31.95, 115.86, ["Australia/Perth"]),
    ("AU", "Sydney", -33.87, 151.21, ["Australia/Sydney"]),
    ("BR", "São Paulo", -23.55, -46.63, ["America/Sao_Paulo"]),
    ("BV", "Bouvet", None, None, []),  # no zone of its own in zone.tab
])
def test_time_zones_of_a_local_government(country, name, lat, lon, zones):
    lg = LocalGovernment(country_id=country, name=name, latitude=lat, longitude=lon)
    assert services.local_government_time_zones(lg) == [zoneinfo.ZoneInfo(z) for z in zones]


@pytest.mark.parametrize("country,moment,expected", [
    # Zones of the country agree on the date: that date, not the site's.
    ("DE", datetime.datetime(2026, 11, 29, 16, 0, tzinfo=UTC), 29),
    ("US", datetime.datetime(2026, 11, 29, 15, 30, tzinfo=UTC), 29),  # Tokyo: 30
    # They do not (00:30 in New York, 19:30 in Honolulu), or there is no zone: the site's.
    ("US", datetime.datetime(2026, 11, 30, 5, 30, tzinfo=UTC), 30),
    ("BV", datetime.datetime(2026, 11, 29, 15, 30, tzinfo=UTC), 30),
])
def test_without_coordinates_the_date_the_country_agrees_on_else_the_site_zone(
        country, moment, expected, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    lg = LocalGovernment(country_id=country, name="Springfield")
    assert services.date_of_record(moment, local_government=lg) == \
        datetime.date(2026, 11, expected)


def test_the_fallback_is_the_site_time_zone(settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14
    lg = LocalGovernment(country_id="US", name="Springfield")
    moment = datetime.datetime(2026, 11, 30, 5, 30, tzinfo=UTC)  # 19:30 on the 30th there
    assert services.date_of_record(moment, local_government=lg) == datetime.date(2026, 11, 30)
    settings.TIME_ZONE = "Etc/GMT+12"  # UTC-12: 17:30 on the 29th
    assert services.date_of_record(moment, local_government=lg) == datetime.date(2026, 11, 29)
    assert services.date_of_record(NIGHT, local_government=jp("131130")) == \
        datetime.date(2026, 11, 30)


@pytest.mark.parametrize("country,name,lat,lon,moment,expected", [
    # 17:00 on 29 November in Geneva, already 30 November in Tokyo.
    ("CH", "Genève", None, None, datetime.datetime(2026, 11, 29, 16, 0, tzinfo=UTC), 29),
    # 21:00 on 29 November in Los Angeles, 00:00 on 30 November in New York.
    ("US", "Los Angeles", 34.05, -118.24, datetime.datetime(2026, 11, 30, 5, 0, tzinfo=UTC),
     29),
    ("US", "New York", 40.71, -74.01, datetime.datetime(2026, 11, 30, 5, 0, tzinfo=UTC), 30),
    # 00:30 on 30 November in Sydney (summer time), 29 November in Perth.
    ("AU", "Sydney", -33.87, 151.21, datetime.datetime(2026, 11, 29, 13, 30, tzinfo=UTC), 30),
    ("AU", "Perth", -31.95, 115.86, datetime.datetime(2026, 11, 29, 13, 30, tzinfo=UTC), 29),
])
def test_signed_on_outside_japan_is_the_local_date(country, name, lat, lon, moment,
                                                   expected):
    signature = signature_in(Signature.Status.UNCONFIRMED,
                             local_government=place(country, name, lat, lon))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        services.signature_confirm(token=tokens.confirmation_token(signature))
    signature.refresh_from_db()
    assert signature.signed_on == datetime.date(2026, 11, expected)


def test_date_of_record_example_from_the_issue():
    assert services.date_of_record(NIGHT, local_government=jp("131130")) == \
        datetime.date(2026, 11, 30)


def test_without_a_time_zone_table_japan_stays_in_tokyo_and_others_use_the_site_zone(
        monkeypatch, settings):
    settings.TIME_ZONE = "Etc/GMT+12"
    monkeypatch.setattr(services, "_zone_tab_paths", lambda: iter(()))
    services._zones_by_country.cache_clear()
    try:
        geneva = LocalGovernment(country_id="CH", name="Genève")
        assert services.local_government_time_zones(geneva) == []
        assert services.date_of_record(NIGHT, local_government=geneva) == \
            datetime.date(2026, 11, 29)
        assert services.date_of_record(NIGHT, local_government=jp("131130")) == \
            datetime.date(2026, 11, 30)
    finally:
        services._zones_by_country.cache_clear()
