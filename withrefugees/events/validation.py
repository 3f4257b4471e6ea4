"""Checks of an event's and a support request's values that a person understands, shared by
the forms (shown on the field) and the services (raised again, in case a caller skips the
form). Each refusal is a ``ValidationError`` with a code and a translated message; the
light-up date check is a warning (``EventWarning``), never a refusal.

Dates: ``models.EARLIEST_YEAR`` .. this year + ``models.LATEST_YEAR_AHEAD``; a light-up
more than ``LIGHT_UP_WARNING_DAYS`` days from 20 June (World Refugee Day) is warned about.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import EARLIEST_YEAR, LATEST_YEAR_AHEAD, EventKind

#: A light-up further than this many days from 20 June gets a warning.
LIGHT_UP_WARNING_DAYS = 7
WORLD_REFUGEE_DAY = (6, 20)  # month, day


#: The areas of IANA's geographic names ("Area/Location", e.g. Asia/Tokyo,
#: America/Argentina/Buenos_Aires). Left out: the system's files and aliases that are no
#: place a person lives in ("localtime", "Factory", "posixrules", "posix/…", "right/…",
#: "Etc/GMT+5" with its inverted sign, "SystemV/…") and old country names ("Japan",
#: "US/Eastern").
TIME_ZONE_AREAS = frozenset({"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic",
                             "Australia", "Europe", "Indian", "Pacific"})


def is_offered_time_zone(name: str) -> bool:
    """Whether ``name`` is a zone people choose: "UTC" or an IANA "Area/Location" name of
    ``TIME_ZONE_AREAS``."""
    area, _slash, location = name.partition("/")
    return name == "UTC" or (area in TIME_ZONE_AREAS and bool(location))


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time zone names offered and accepted, sorted: those of
    ``zoneinfo.available_timezones()`` that ``is_offered_time_zone``."""
    return tuple(sorted(name for name in zoneinfo.available_timezones()
                        if is_offered_time_zone(name)))


def year_range(today: datetime.date | None = None) -> tuple[int, int]:
    """``(first, last)`` year an event may be in."""
    today = today or timezone.localdate()
    return EARLIEST_YEAR, today.year + LATEST_YEAR_AHEAD


def validate_date_in_range(value: datetime.date, *, today: datetime.date | None = None) -> None:
    """Raise ``ValidationError`` code ``date_out_of_range`` for a date outside
    ``year_range``."""
    first, last = year_range(today)
    if not first <= value.year <= last:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s (the year %(year)s is outside the "
              "campaign's range)."),
            code="date_out_of_range", params={"first": first, "last": last, "year": value.year})


def end_before_start_error() -> ValidationError:
    return ValidationError(_("The end is before the start. Check the end date and time."),
                           code="end_before_start")


def validate_time_zone(name: str) -> zoneinfo.ZoneInfo:
    """The ``ZoneInfo`` of the IANA name ``name``; ``ValidationError`` code
    ``time_zone_invalid`` for anything else."""
    if name not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone. Choose one from the list, e.g. Asia/Tokyo."),
            code="time_zone_invalid", params={"value": name[:64]})
    return zoneinfo.ZoneInfo(name)


def _offset_text(offset: datetime.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _transition(wall: datetime.datetime, zone: zoneinfo.ZoneInfo) -> tuple[
        datetime.datetime, datetime.datetime]:
    """The wall-clock times just before and after the clock change around ``wall`` (naive,
    in a gap or a fold of ``zone``): e.g. ``(02:00, 03:00)`` when clocks go forward."""
    before = wall.replace(tzinfo=zone, fold=0).utcoffset()
    after = wall.replace(tzinfo=zone, fold=1).utcoffset()
    # The change is an instant between these two (UTC, naive), to the second.
    low, high = wall - max(before, after), wall - min(before, after)
    while high - low > datetime.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.replace(tzinfo=datetime.UTC).astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    change = high.replace(microsecond=0)
    return change + before, change + after


def aware_local_time(day: datetime.date, time: datetime.time, zone_name: str) -> tuple[
        datetime.datetime, "EventWarning | None"]:
    """``day`` and ``time`` on the clocks of the IANA zone ``zone_name`` as an aware
    datetime, and a warning or None.

    - A time that does not exist there (clocks go forward: America/New_York 2027-03-14
      02:30) is refused: ``ValidationError`` code ``time_nonexistent`` naming the zone and
      the hour skipped.
    - A time that happens twice (clocks go back: America/New_York 2027-11-07 01:30) is the
      FIRST of the two (before the change, ``fold=0``), with an ``EventWarning`` code
      ``time_ambiguous`` saying so (a form cannot ask for the second: enter the time in
      UTC or another zone for that)."""
    zone = zoneinfo.ZoneInfo(zone_name)
    wall = datetime.datetime.combine(day, time)
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, None
    start, end = _transition(wall, zone)
    params = {"time": f"{time:%H:%M}", "date": day.isoformat(), "zone": zone_name,
              "from": f"{start:%H:%M}", "to": f"{end:%H:%M}"}
    if second.utcoffset() > first.utcoffset():  # a gap: the clocks go forward
        raise ValidationError(
            _("%(time)s does not exist on %(date)s in the time zone %(zone)s: the clocks go "
              "forward from %(from)s to %(to)s that night. Enter a time before %(from)s or "
              "from %(to)s."), code="time_nonexistent", params=params)
    params["offset"] = _offset_text(first.utcoffset())
    return first, EventWarning(
        code="time_ambiguous",
        message=str(_("%(time)s happens twice on %(date)s in the time zone %(zone)s (the "
                      "clocks go back from %(from)s to %(to)s that night): the first "
                      "%(time)s, before the clocks go back (%(offset)s), is saved. If you "
                      "mean the second, give the time in UTC instead.") % params))


def validate_web_url(value: str) -> None:
    """Refuse (code ``url_scheme``) an address that is not ``http://`` or ``https://`` with a
    host (``javascript:``, ``mailto:``, ``ftp:`` ...)."""
    if not value:
        return
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            _("Enter a web address that begins with https:// (or http://)."),
            code="url_scheme")


def validate_point(latitude: float | None, longitude: float | None) -> None:
    """Both or neither; latitude −90..90, longitude −180..180. Raises a ``ValidationError``
    keyed by field (codes ``point_incomplete``, ``latitude_range``, ``longitude_range``)."""
    errors: dict[str, list[ValidationError]] = {}
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        errors[missing] = [ValidationError(
            _("Enter both latitude and longitude, or neither."), code="point_incomplete")]
    if latitude is not None and not -90 <= latitude <= 90:
        errors["latitude"] = [ValidationError(
            _("A latitude is between −90 and 90 degrees."), code="latitude_range")]
    if longitude is not None and not -180 <= longitude <= 180:
        errors["longitude"] = [ValidationError(
            _("A longitude is between −180 and 180 degrees."), code="longitude_range")]
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class EventWarning:
    """Something to point out that does not stop saving: ``code`` and ``message``."""

    code: str
    message: str


def light_up_warning(kind: str, start_date: datetime.date | None,
                     end_date: datetime.date | None) -> EventWarning | None:
    """A warning (code ``light_up_far_from_world_refugee_day``) when a light-up's dates are
    all more than ``LIGHT_UP_WARNING_DAYS`` days from 20 June of their year; else None."""
    if kind != EventKind.LIGHT_UP or start_date is None:
        return None
    end_date = end_date or start_date
    if end_date < start_date:
        return None
    distances = []
    for year in {start_date.year, end_date.year}:
        day = datetime.date(year, *WORLD_REFUGEE_DAY)
        if start_date <= day <= end_date:
            return None
        distances.append(min(abs((start_date - day).days), abs((end_date - day).days)))
    if min(distances) <= LIGHT_UP_WARNING_DAYS:
        return None
    return EventWarning(
        code="light_up_far_from_world_refugee_day",
        message=str(_("This light-up is %(days)s days away from World Refugee Day (20 June). "
                      "If that is what you plan, it can be saved as it is; otherwise check "
                      "the date.") % {"days": min(distances)}))
