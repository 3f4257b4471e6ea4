"""iCalendar (RFC 5545) of the public events of step 3, written with the ``icalendar``
library (which escapes TEXT values and folds lines at 75 octets without splitting a UTF-8
character: ``icalendar.parser.foldline``).

A calendar (``calendar_bytes``) is ``VCALENDAR`` with ``PRODID``, ``VERSION:2.0``,
``CALSCALE:GREGORIAN``, ``METHOD:PUBLISH``, its name (``NAME``, RFC 7986, and
``X-WR-CALNAME`` for Apple and Google, translated), how often to fetch it again
(``REFRESH-INTERVAL``, RFC 7986, and Outlook's ``X-PUBLISHED-TTL``: ``REFRESH``), one
``VTIMEZONE`` per time zone used (generated from the tz database by
``Calendar.add_missing_timezones``, covering the years of the events), and one ``VEVENT``
per event (``event_component``):

- ``UID``: ``<event.uid>@<domain>`` (``uid_for``); the domain is ``settings.ICAL_UID_DOMAIN``
  when set, else the host of ``settings.SITE_URL``. It never changes for an event: keep the
  domain when the site moves, or every subscribed calendar would show each event twice.
- ``DTSTAMP`` and ``LAST-MODIFIED``: the event's last change (``updated_at``, UTC);
  ``CREATED``: ``created_at``. Using the last change, not the moment of the request, keeps
  the bytes of a feed the same until something changes (page cache, HTTP caches).
- ``SEQUENCE``: ``event.sequence`` (grown by the services with every change a calendar must
  learn of); ``STATUS``: ``CONFIRMED``, or ``CANCELLED`` for an event cancelled after its
  approval (it stays in the feed so that calendars that have it learn of it; its summary
  also begins with "Cancelled:", as some programs do not show ``STATUS``).
- ``SUMMARY``/``DESCRIPTION``: title and description in the language of the request, else
  in the other one (``BilingualMixin.localised``); the description is followed by the online
  and registration links, the accessibility information and the event page's address.
- ``LOCATION``: venue, landmark, address; ``GEO``: the event's point, else its landmark's
  own point (not an approximate one); ``URL``: the absolute address of the public event page
  in the request's language (``settings.SITE_URL``); ``CATEGORIES``: the kind, translated;
  ``TRANSP:TRANSPARENT`` (a public event does not make the subscriber busy).
- When: a timed event has ``DTSTART``/``DTEND`` with ``TZID`` = the event's own
  ``time_zone`` (no ``DTEND`` when it ends when it starts: RFC 5545 3.6.1); an all-day event
  has ``VALUE=DATE`` dates with ``DTEND`` the day after ``end_date`` (the end is exclusive,
  RFC 5545 3.6.1). Records whose day is unknown (``date_precision`` ``year``) are left out.

Feeds are bounded (``feed_events``): events that ended at most ``FEED_PAST_YEARS`` years ago
and every later one, at most ``FEED_MAX_EVENTS`` (the latest), in one query. Which events
are public is ``selectors.public_events``'s rule (approved, or cancelled after approval).
A local government's feed also has the light-ups of landmarks that stand in it besides
their own local government (``Landmark.other_local_governments``), as its profile does.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from withrefugees.core.mail import absolute_url

from .models import DatePrecision, Event, EventKind, EventStatus, Landmark
from .selectors import public_events

PRODID = "-//Cities #WithRefugees//Step 3 events//EN"
#: Events that ended up to this many years ago stay in the feeds (with all later ones).
FEED_PAST_YEARS = 2
#: The most events one feed carries (the latest by start); a safety bound, far above what
#: the campaign has (55 recorded light-ups in seven years).
FEED_MAX_EVENTS = 2000
#: How often a subscribed calendar program should fetch a feed again.
REFRESH = datetime.timedelta(hours=6)
MEDIA_TYPE = "text/calendar; charset=utf-8"


def public_event_or_none(pk: int) -> Event | None:
    """The public event ``pk`` that a calendar can hold (its day is known), or None."""
    return public_events().filter(pk=pk).exclude(date_precision=DatePrecision.YEAR).first()


def feed_events(*, kind: str | None = None, local_government_id: int | None = None,
                today: datetime.date | None = None) -> list[Event]:
    """The events of a feed, oldest first: public, day known, ended on or after ``today``
    (``timezone.localdate()``) less ``FEED_PAST_YEARS`` years, at most ``FEED_MAX_EVENTS``
    (the latest); of ``kind`` and/or ``local_government_id`` when given. One query."""
    today = today or timezone.localdate()
    try:
        since = today.replace(year=today.year - FEED_PAST_YEARS)
    except ValueError:  # 29 February
        since = today.replace(year=today.year - FEED_PAST_YEARS, day=28)
    qs = public_events().exclude(date_precision=DatePrecision.YEAR).filter(end_date__gte=since)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if local_government_id is not None:
        qs = qs.filter(Q(local_government_id=local_government_id) | Q(
            landmark__in=Landmark.objects.filter(
                other_local_governments=local_government_id)))
    latest = list(qs.order_by("-start_date", "-starts_at", "-pk")[:FEED_MAX_EVENTS])
    latest.reverse()
    return latest


def uid_domain() -> str:
    """``settings.ICAL_UID_DOMAIN``, else the host of ``settings.SITE_URL`` (read when
    called, never at import)."""
    return (getattr(settings, "ICAL_UID_DOMAIN", "")
            or urlsplit(settings.SITE_URL).hostname or "localhost")


def uid_for(event: Event) -> str:
    """``<uuid>@<domain>``: the iCalendar UID of ``event`` (stable for its life)."""
    return f"{event.uid}@{uid_domain()}"


def _zone(name: str) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC


def event_summary(event: Event, language: str) -> str:
    """The title in ``language`` (else the other), "Cancelled: …" when cancelled."""
    title = event.localised("title", language)
    if event.status == EventStatus.CANCELLED:
        return _("Cancelled: %(title)s") % {"title": title}
    return title


def event_url(event: Event, language: str) -> str:
    return absolute_url("events:event", language=language, args=[event.pk])


def event_description(event: Event, language: str) -> str:
    """The description in ``language`` (else the other), then the links, the accessibility
    information and the event page, each on a line of its own (``\\n``)."""
    lines = []
    text = event.localised("description", language).strip()
    if text:
        lines += [text, ""]
    if event.online_url:
        lines.append(_("Online: %(url)s") % {"url": event.online_url})
    if event.registration_url:
        lines.append(_("Registration: %(url)s") % {"url": event.registration_url})
    if event.accessibility.strip():
        lines.append(_("Accessibility: %(text)s") % {"text": event.accessibility.strip()})
    lines.append(_("Details: %(url)s") % {"url": event_url(event, language)})
    return "\n".join(lines)


def event_location(event: Event, language: str) -> str:
    """Venue, landmark name and address (those given, without repeats), separated by
    "、" in Japanese and ", " in English."""
    parts: list[str] = []
    landmark = event.landmark.localised("name", language) if event.landmark_id else ""
    for part in (event.venue.strip(), landmark.strip(), event.address.strip()):
        if part and part not in parts:
            parts.append(part)
    return ("、" if language == "ja" else ", ").join(parts)


def event_point(event: Event) -> tuple[float, float] | None:
    """``(latitude, longitude)`` of the event, else of its landmark unless approximate."""
    if event.latitude is not None and event.longitude is not None:
        return event.latitude, event.longitude
    landmark = event.landmark if event.landmark_id else None
    if (landmark is not None and not landmark.point_approximate
            and landmark.latitude is not None and landmark.longitude is not None):
        return landmark.latitude, landmark.longitude
    return None


def event_component(event: Event, *, language: str) -> icalendar.Event:
    """The VEVENT of ``event`` in ``language`` (see the module docstring)."""
    with translation.override(language):
        vevent = icalendar.Event()
        vevent.add("uid", uid_for(event))
        vevent.add("dtstamp", event.updated_at)
        vevent.add("created", event.created_at)
        vevent.add("last-modified", event.updated_at)
        vevent.add("sequence", event.sequence)
        vevent.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED
                   else "CONFIRMED")
        vevent.add("summary", event_summary(event, language))
        vevent.add("description", event_description(event, language))
        if event.all_day:
            vevent.add("dtstart", event.start_date)
            vevent.add("dtend", event.end_date + datetime.timedelta(days=1))
        else:
            zone = _zone(event.time_zone)
            vevent.add("dtstart", event.starts_at.astimezone(zone))
            if event.ends_at > event.starts_at:
                vevent.add("dtend", event.ends_at.astimezone(zone))
        location = event_location(event, language)
        if location:
            vevent.add("location", location)
        point = event_point(event)
        if point is not None:
            vevent.add("geo", point)
        vevent.add("url", event_url(event, language))
        vevent.add("categories", [str(EventKind(event.kind).label)])
        vevent.add("transp", "TRANSPARENT")
    return vevent


def calendar_bytes(events: Iterable[Event], *, name: str, language: str) -> bytes:
    """The VCALENDAR of ``events`` named ``name``, texts in ``language``: UTF-8 bytes with
    CRLF line ends, lines folded at 75 octets."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    years: list[int] = []
    for event in events:
        cal.add_component(event_component(event, language=language))
        if not event.all_day:
            years += [event.starts_at.year, event.ends_at.year]
    if years:
        # Each VTIMEZONE covers the years of the events (from the tz database, zoneinfo):
        # a short block per zone rather than every transition since 1970.
        cal.add_missing_timezones(first_date=datetime.date(min(years) - 1, 1, 1),
                                  last_date=datetime.date(max(years) + 2, 1, 1))
        _one_rdate_a_line(cal)
    return cal.to_ical()


def _one_rdate_a_line(cal: icalendar.Calendar) -> None:
    """Writes each onset of a VTIMEZONE observance as an RDATE property of its own.

    ``add_missing_timezones`` lists the onsets in one comma-separated RDATE, which RFC 5545
    allows, but ical.js 2.2 (Nextcloud, Thunderbird's parser) reads only the first value of
    each RDATE of a VTIMEZONE (``Timezone._compute_change``: ``rdate.getFirstValue()``),
    and so put New York's summer of the third year in winter time. One value a line means
    the same to every reader (``tests/events/test_ical.py`` checks the instants)."""
    for vtimezone in cal.walk("VTIMEZONE"):
        for observance in vtimezone.subcomponents:
            if "RDATE" not in observance:
                continue
            props = observance.pop("RDATE")
            for prop in props if isinstance(props, list) else [props]:
                for value in prop.dts:
                    observance.add("rdate", value.dt)
