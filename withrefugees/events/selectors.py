"""Public reads of step 3: the public events (the calendar, an event's page, the iCalendar
feeds), the World Refugee Day page of a year, the local government's events for its profile,
and the counts by status for its dashboard; the ids the workspace's activity list reads.

A *public* event is ``approved``, or ``cancelled`` after approval (``was_approved``: shown,
marked cancelled, so that calendars that had it learn of the cancellation). Drafts, events
awaiting review, sent back or cancelled before approval are never public; nor is a revision
(officers' changes to an approved event awaiting review, ``Event.revision_of``): every read
here leaves revisions out, and counts them nowhere.

Every function here runs a fixed number of queries, however many rows it reads (each says
how many); the lists of the pages come with their local governments, places and landmarks.
"""

import calendar as pycalendar
import re
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, get_format, time_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from withrefugees.core.models import Localised as Text
from withrefugees.places.models import Country, LocalGovernment, Region

from .models import (
    EARLIEST_YEAR,
    LATEST_YEAR_AHEAD,
    DatePrecision,
    Event,
    EventKind,
    EventPhoto,
    EventStatus,
    Landmark,
    Origin,
    ReportedTotal,
    SupportRequest,
)

#: Approved, or cancelled after approval, never a revision (see the module docstring).
PUBLIC = (Q(status=EventStatus.APPROVED) | Q(status=EventStatus.CANCELLED, was_approved=True)
          ) & Q(revision_of__isnull=True)


def _public() -> QuerySet[Event]:
    return Event.objects.filter(PUBLIC)


def public_events() -> QuerySet[Event]:
    """Every public event (approved, or cancelled after approval), with its local
    government (and its country and region) and landmark selected; in the model's order
    (start date, start time, id). The calendar, the event pages and the iCalendar feeds
    read this."""
    return _public().select_related("local_government__country", "local_government__region",
                                    "landmark")


def has_public_events() -> Exists:
    """An ``Exists`` to annotate a ``LocalGovernment`` queryset with: True when it has a
    public event, or one at a landmark that also stands in it (``profiles.selectors.
    profile_page`` reads no events otherwise)."""
    return Exists(_public().filter(Q(local_government=OuterRef("pk"))
                                   | Q(landmark__other_local_governments=OuterRef("pk"))))


def _of_local_government(local_government: LocalGovernment | int) -> Q:
    """Events of the local government, and light-ups of landmarks that also stand in it
    (``Landmark.other_local_governments``: the Akashi Kaikyo Bridge of Kobe and Awaji)."""
    return Q(local_government=local_government) | Q(
        landmark__in=Landmark.objects.filter(other_local_governments=local_government))


# --- Text in the reader's language, dates in the event's time zone -------------------------


def _text(record, base: str) -> Text:
    return Text(*record.localised_with_language(base))


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _offset(moment: datetime) -> str:
    """``UTC+09:00`` for an aware datetime."""
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def world_refugee_day_name(year: int) -> str:
    # Translators: a date of record known only by its year, e.g. 「2021年の世界難民の日」.
    return _("World Refugee Day %(year)s") % {"year": year}


@dataclass(frozen=True)
class When:
    """When an event is, as a page shows it: ``text`` in the active language, in the
    event's own time zone (``zone``: "Asia/Tokyo (UTC+09:00)", on Japanese pages
    "日本時間 (UTC+09:00)"; empty for an all-day event and a record known only by its year);
    ``list_zone``: the zone as a list shows it, empty when it is the reader's own (the
    active time zone: ``core.middleware.TimezoneMiddleware``), else "Asia/Tokyo" ("日本時間"
    on Japanese pages); ``start_iso``/``end_iso`` for ``<time datetime>`` and JSON-LD
    (``2027-06-20T10:00:00+09:00``, ``2027-06-20``, or the year ``2021``); ``all_day``;
    ``year_only``: a campaign record whose day is unknown (shown as "World Refugee Day
    2021", never as a day); ``zone_key``: the IANA name of a timed event's zone."""

    text: str
    zone: str
    start_iso: str
    end_iso: str
    all_day: bool = False
    year_only: bool = False
    list_zone: str = ""
    zone_key: str = ""


def _zone_name(zone: zoneinfo.ZoneInfo) -> str:
    """The zone as a reader names it: "日本時間" for Asia/Tokyo on Japanese pages, else its
    IANA name."""
    if zone.key == "Asia/Tokyo" and (get_language() or "").startswith("ja"):
        # Translators: the time zone Asia/Tokyo, as Japanese pages name it: 日本時間.
        return _("Japan time")
    return zone.key


def event_when(event: Event) -> When:
    """``When`` of ``event`` (no query)."""
    if event.date_precision == DatePrecision.YEAR:
        year = event.start_date.year
        return When(text=world_refugee_day_name(year), zone="", start_iso=str(year),
                    end_iso=str(event.end_date.year), all_day=True, year_only=True)
    if event.all_day or event.starts_at is None:
        start, end = event.start_date, event.end_date
        text = date_format(start, "DATE_FORMAT")
        if end != start:
            text = _("%(start)s – %(end)s") % {"start": text,
                                               "end": date_format(end, "DATE_FORMAT")}
        return When(text=text, zone="", start_iso=start.isoformat(), end_iso=end.isoformat(),
                    all_day=True)
    zone = _zone(event.time_zone)
    start = event.starts_at.astimezone(zone)
    end = (event.ends_at or event.starts_at).astimezone(zone)
    if start.date() == end.date():
        text = _("%(date)s, %(start)s–%(end)s") % {
            "date": date_format(start, "DATE_FORMAT"), "start": time_format(start, "H:i"),
            "end": time_format(end, "H:i")}
    else:
        text = _("%(start)s – %(end)s") % {
            "start": _("%(date)s, %(time)s") % {"date": date_format(start, "DATE_FORMAT"),
                                                "time": time_format(start, "H:i")},
            "end": _("%(date)s, %(time)s") % {"date": date_format(end, "DATE_FORMAT"),
                                              "time": time_format(end, "H:i")}}
    name = _zone_name(zone)
    return When(text=text, zone=f"{name} ({_offset(start)})",
                start_iso=start.isoformat(), end_iso=end.isoformat(), zone_key=zone.key,
                list_zone="" if zone.key == timezone.get_current_timezone_name() else name)


@dataclass(frozen=True)
class EventItem:
    """One public event in a list: the ``event`` (with its local government and
    landmark), ``title`` in the reader's language (else the other), ``kind`` (its label),
    ``when``, ``place`` (the landmark's name, else the venue), ``cancelled``, ``url``."""

    event: Event
    title: Text
    kind: str | Promise
    when: When
    place: Text
    cancelled: bool
    url: str


def event_item(event: Event) -> EventItem:
    """``EventItem`` of ``event`` (no query when its landmark was selected with it)."""
    place = _text(event.landmark, "name") if event.landmark_id else Text(event.venue, "")
    return EventItem(event=event, title=_text(event, "title"), kind=event.get_kind_display(),
                     when=event_when(event), place=place,
                     cancelled=event.status == EventStatus.CANCELLED,
                     url=reverse("events:event", args=[event.pk]))


# --- The calendar ---------------------------------------------------------------------------
UPCOMING, PAST = "upcoming", "past"
LIST, MONTH = "list", "month"
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_REGION = re.compile(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_ID = re.compile(r"[0-9]{1,18}")

#: The names of the calendar's parameters and how the page names them when it ignores one.
PARAMETER_LABELS = {
    "kind": gettext_lazy("type"), "country": gettext_lazy("country"),
    "region": gettext_lazy("prefecture or region"), "lg": gettext_lazy("local government"),
    "view": gettext_lazy("view"), "when": gettext_lazy("upcoming or past"),
    "month": gettext_lazy("month"),
}


def year_range(*, today: date) -> tuple[int, int]:
    """The years an event may be in: ``EARLIEST_YEAR`` to ``LATEST_YEAR_AHEAD`` years from
    ``today``."""
    return EARLIEST_YEAR, today.year + LATEST_YEAR_AHEAD


@dataclass(frozen=True)
class CalendarQuery:
    """What the calendar shows, from its parameters: ``kind`` (an ``EventKind`` value or
    ""), ``country`` (ISO 3166-1, ``JP``), ``region`` (ISO 3166-2, ``JP-13``),
    ``local_government`` (or None), ``view`` (``list`` or ``month``), ``when`` (``upcoming``
    or ``past``, the list's), ``month`` (the first day of the month shown), ``month_given``
    (False when no valid ``month`` was given: the month view then opens on the month of the
    next upcoming event, ``calendar_default_month``), ``ignored``: the labels of the
    parameters that were not understood (they are left out; the others apply)."""

    kind: str = ""
    country: str = ""
    region: str = ""
    local_government: LocalGovernment | None = None
    view: str = LIST
    when: str = UPCOMING
    month: date = date(2000, 1, 1)
    ignored: tuple[str, ...] = ()
    month_given: bool = False

    def filter_params(self) -> dict[str, str]:
        """The filters as parameters (for links that keep them)."""
        params = {"kind": self.kind, "country": self.country, "region": self.region,
                  "lg": str(self.local_government.pk) if self.local_government else ""}
        return {k: v for k, v in params.items() if v}


def calendar_query(params: Mapping[str, str], *, today: date) -> CalendarQuery:
    """Read the calendar's parameters (``?kind=&country=&region=&lg=&view=&when=&month=``,
    ``month`` as ``YYYY-MM``). A value not understood (unknown type, malformed or unknown
    code, a month outside ``year_range`` or ``2027-13``) is ignored and named in
    ``ignored``; never an error. At most one query per place filter given (country, region,
    local government), none without."""
    ignored: list[str] = []

    def value(name: str) -> str:
        return (params.get(name) or "").strip()

    kind = value("kind")
    if kind and kind not in EventKind.values:
        ignored.append("kind")
        kind = ""
    country = value("country")
    if country:
        country = country.upper()
        if not _COUNTRY.fullmatch(country) or not Country.objects.filter(pk=country).exists():
            ignored.append("country")
            country = ""
    region = value("region")
    if region:
        region = region.upper()
        if not _REGION.fullmatch(region) or not Region.objects.filter(code=region).exists():
            ignored.append("region")
            region = ""
    lg = None
    lg_value = value("lg")
    if lg_value:
        if _ID.fullmatch(lg_value):
            lg = LocalGovernment.objects.with_places().filter(pk=int(lg_value)).first()
        if lg is None:
            ignored.append("lg")
    view = value("view") or LIST
    if view not in (LIST, MONTH):
        ignored.append("view")
        view = LIST
    when = value("when") or UPCOMING
    if when not in (UPCOMING, PAST):
        ignored.append("when")
        when = UPCOMING
    month = today.replace(day=1)
    month_given = False
    month_value = value("month")
    if month_value:
        match = _MONTH.fullmatch(month_value)
        first, last = year_range(today=today)
        if match and first <= int(match[1]) <= last and 1 <= int(match[2]) <= 12:
            month = date(int(match[1]), int(match[2]), 1)
            month_given = True
        else:
            ignored.append("month")
    return CalendarQuery(kind=kind, country=country, region=region, local_government=lg,
                         view=view, when=when, month=month, month_given=month_given,
                         ignored=tuple(str(PARAMETER_LABELS[name]) for name in ignored))


def _filtered(query: CalendarQuery) -> QuerySet[Event]:
    qs = public_events()
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.country:
        qs = qs.filter(local_government__country_id=query.country)
    if query.region:
        qs = qs.filter(local_government__region__code=query.region)
    if query.local_government is not None:
        qs = qs.filter(_of_local_government(query.local_government))
    return qs


def calendar_events(query: CalendarQuery, *, today: date) -> QuerySet[Event]:
    """The public events of the list view: ``upcoming`` (not over by ``today``: ongoing
    ones too), soonest first; or ``past`` (ended before ``today``), latest first. Paginate
    it (two queries a page: the count and the rows)."""
    qs = _filtered(query)
    if query.when == PAST:
        return qs.filter(end_date__lt=today).order_by("-start_date", "-starts_at", "-pk")
    return qs.filter(end_date__gte=today).order_by("start_date", "starts_at", "pk")


def calendar_default_month(query: CalendarQuery, *, today: date) -> date | None:
    """The month the month view opens on when none was asked for: the month of the next
    upcoming approved event that matches ``query``'s filters (of ``today`` for one that is
    already going on); None when there is none (the view then shows ``today``'s month).
    One query."""
    upcoming = (_filtered(query).filter(status=EventStatus.APPROVED, end_date__gte=today)
                .order_by("start_date").values_list("start_date", flat=True).first())
    if upcoming is None:
        return None
    return max(upcoming, today).replace(day=1)


@dataclass(frozen=True)
class Day:
    """One day of the month grid: its ``date``, ``in_month`` (False for the days of the
    weeks' ends that belong to the months around), ``today``, and the ``events`` on it
    (``EventItem``; an event of several days is on each of them)."""

    date: date
    in_month: bool
    today: bool
    events: list[EventItem]


@dataclass(frozen=True)
class MonthGrid:
    """The month view: ``month`` (its first day), ``weekdays`` (``(abbreviation, name)``
    in the order of the columns: the language's first day of the week first), ``weeks``
    (lists of seven ``Day``), ``year_only``: the campaign's records of World Refugee Day of
    a year whose day is unknown, listed under the month of 20 June instead of on a day;
    ``previous``/``next``: the months around (None outside ``year_range``); ``count``: the
    events of the month."""

    month: date
    weekdays: list[tuple[str, str]]
    weeks: list[list[Day]]
    year_only: list[EventItem]
    previous: date | None
    next: date | None
    count: int


def _first_weekday() -> int:
    """Python's first weekday (0 = Monday) from the language's ``FIRST_DAY_OF_WEEK`` (0 =
    Sunday)."""
    return (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def calendar_month(query: CalendarQuery, *, today: date) -> MonthGrid:
    """The month grid of ``query.month`` with the public events that match ``query`` (one
    query)."""
    first = query.month
    cal = pycalendar.Calendar(firstweekday=_first_weekday())
    dates = list(cal.itermonthdates(first.year, first.month))
    start, end = dates[0], dates[-1]
    year_start, year_end = year_range(today=today)
    month_end = date(first.year, first.month, pycalendar.monthrange(first.year,
                                                                    first.month)[1])
    rows = list(_filtered(query).filter(
        Q(start_date__lte=end, end_date__gte=start)).order_by("start_date", "starts_at", "pk"))
    by_day: dict[date, list[EventItem]] = defaultdict(list)
    year_only = []
    in_month = 0
    for event in rows:
        item = event_item(event)
        if item.when.year_only:
            if first <= event.start_date <= month_end:
                year_only.append(item)
                in_month += 1
            continue
        if event.start_date <= month_end and event.end_date >= first:
            in_month += 1
        day = max(event.start_date, start)
        while day <= min(event.end_date, end):
            by_day[day].append(item)
            day += timedelta(days=1)
    weeks = [[Day(date=d, in_month=d.month == first.month, today=d == today,
                  events=by_day.get(d, [])) for d in dates[i:i + 7]]
             for i in range(0, len(dates), 7)]
    order = [(cal.firstweekday + i) % 7 for i in range(7)]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = month_end + timedelta(days=1)
    return MonthGrid(
        month=first, weekdays=[(str(WEEKDAYS_ABBR[i]), str(WEEKDAYS[i])) for i in order],
        weeks=weeks, year_only=year_only,
        previous=previous if previous.year >= year_start else None,
        next=following if following.year <= year_end else None, count=in_month)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def _local_government_order(lg: LocalGovernment) -> tuple:
    """How the filter lists local governments: on Japanese pages Japan's by prefecture (in
    the order of their codes, Hokkaido first), the prefecture itself first, then by
    reading (kana), those of other countries after them by country and name; on other
    pages by English name (else the name shown), then by what tells same names apart."""
    if not (get_language() or "").startswith("ja"):
        return (lg.display_name.casefold(), lg.area_name.casefold())
    if lg.country_id == "JP":
        return (0, lg.region.code if lg.region else "",
                lg.kind != LocalGovernment.Kind.PREFECTURE, lg.reading or lg.display_name,
                lg.display_name)
    return (1, lg.country.name, False, lg.display_name, lg.area_name)


def calendar_choices(query: CalendarQuery | None = None) -> dict[str, list[Choice]]:
    """The filter form's choices: ``kinds`` (all), and the ``countries``, ``regions``
    (prefectures in Japan) and ``local_governments`` that have public events: the regions
    of the chosen country only, the local governments of the chosen region (else country)
    only; what ``query`` has chosen is always among them. Countries and regions by name and
    code; local governments as ``_local_government_order`` says (three queries)."""
    query = query or CalendarQuery()
    public = _public()
    countries = Country.objects.filter(
        Q(code__in=public.values("local_government__country_id")) | Q(code=query.country))
    regions = Region.objects.filter(pk__in=public.values("local_government__region_id"))
    if query.country:
        regions = regions.filter(country_id=query.country)
    regions = Region.objects.filter(Q(pk__in=regions.values("pk")) | Q(code=query.region))
    lgs = LocalGovernment.objects.filter(pk__in=public.values("local_government_id"))
    if query.region:
        lgs = lgs.filter(region__code=query.region)
    elif query.country:
        lgs = lgs.filter(country_id=query.country)
    chosen = Q(pk=query.local_government.pk) if query.local_government else Q(pk__in=[])
    lgs = LocalGovernment.objects.with_places().filter(Q(pk__in=lgs.values("pk")) | chosen)
    return {
        "kinds": [Choice(value, str(label)) for value, label in EventKind.choices],
        "countries": sorted((Choice(c.code, c.name) for c in countries),
                            key=lambda c: c.label),
        "regions": [Choice(r.code, r.name) for r in regions.order_by("code")],
        "local_governments": [Choice(str(lg.pk), lg.label)
                              for lg in sorted(lgs, key=_local_government_order)],
    }


def calendar_active_filters(query: CalendarQuery,
                            choices: Mapping[str, list[Choice]]) -> list[tuple[str, str]]:
    """``[(what, value)]`` of the filters ``query`` applies, in the form's order
    (``("Type", "Film screening")``), named from ``choices`` (``calendar_choices(query)``;
    no query)."""
    def label(name: str, value: str) -> str:
        return next((c.label for c in choices[name] if c.value == value), value)

    active = []
    if query.kind:
        active.append((_("Type"), capfirst(label("kinds", query.kind))))
    if query.country:
        active.append((_("Country"), label("countries", query.country)))
    if query.region:
        active.append((_("Prefecture or region"), label("regions", query.region)))
    if query.local_government is not None:
        active.append((_("Local government"), query.local_government.label))
    return active


# --- One event's page -------------------------------------------------------------------------
@dataclass(frozen=True)
class Point:
    """A point on the map (WGS 84 degrees): ``approximate`` when it is the local
    government's, not the place's own."""

    lat: float
    lon: float
    approximate: bool = False

    @property
    def map_url(self) -> str:
        """The point on openstreetmap.org (a map a phone or computer opens, with a marker;
        zoomed out a little when the point is only approximate)."""
        zoom = 14 if self.approximate else 16
        lat, lon = f"{self.lat:.5f}", f"{self.lon:.5f}"
        return (f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}"
                f"#map={zoom}/{lat}/{lon}")


@dataclass(frozen=True)
class Link:
    """A web address (``url``) and what a link to it says (``label``: its host name,
    ``ascii.jp``) or, with ``url`` empty, plain text."""

    label: str
    url: str = ""


def link_label(url: str) -> str:
    """The host name of ``url`` without ``www.`` (``https://www.unhcr.org/jp/`` →
    ``unhcr.org``), else ``url`` itself."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.") or url


_URL = re.compile(r"https?://[^\s<>\"'()]+")


def linked_text(text: str) -> list[Link]:
    """``text`` cut into plain parts and its http(s) addresses, each a ``Link`` labelled
    with its host name (``"ASCII.jp (also https://news.3rd-in.co.jp/a)"`` → text, link
    ``news.3rd-in.co.jp``, text ``")"``); trailing punctuation stays text."""
    parts: list[Link] = []
    last = 0
    for match in _URL.finditer(text):
        url = match[0].rstrip(".,;:!?")
        if match.start() > last:
            parts.append(Link(text[last:match.start()]))
        parts.append(Link(link_label(url), url))
        last = match.start() + len(url)
    if last < len(text):
        parts.append(Link(text[last:]))
    return parts


@dataclass(frozen=True)
class EventPage:
    """What an event's page shows: the ``item`` (title, type, when, place), the
    ``description`` in the reader's language (else the other), the landmark's name
    (``landmark``), the ``point`` (the event's own, else its landmark's; None when neither
    has one), ``partners`` and ``photos`` (in their order), ``sources`` (the addresses of a
    campaign record's sources) and ``source_note``."""

    item: EventItem
    description: Text
    landmark: Text
    point: Point | None
    partners: list = field(default_factory=list)
    photos: list = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    source_note: str = ""

    @property
    def event(self) -> Event:
        return self.item.event

    @property
    def source_links(self) -> list[Link]:
        """``sources`` as links labelled with their host names."""
        return [Link(link_label(url), url) for url in self.sources]


def _sources(event: Event) -> list[str]:
    """The web addresses of ``event.sources`` (" | " between them; anything that is not an
    http(s) address is left out)."""
    return [s.strip() for s in event.sources.split("|")
            if s.strip().lower().startswith(("https://", "http://"))]


def _point(event: Event) -> Point | None:
    if event.latitude is not None and event.longitude is not None:
        return Point(event.latitude, event.longitude)
    landmark = event.landmark
    if landmark is not None and landmark.latitude is not None \
            and landmark.longitude is not None:
        return Point(landmark.latitude, landmark.longitude, landmark.point_approximate)
    return None


#: Google Calendar's "add an event" address (its template's parameters: ``text``,
#: ``dates``, ``ctz``, ``details``, ``location``).
GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
_DETAILS_MAX = 1500  # characters of the description in the address (kept well under 8 KB)


def event_google_calendar_url(page: EventPage, *, absolute: Callable[[str], str]) -> str:
    """An address that opens Google Calendar with the event filled in (no query): ``text``
    the title; ``dates`` ``20270620/20270622`` for an all-day event (the day after the last
    one: Google's end is exclusive) or ``20270620T100000/20270620T170000``, local times
    with ``ctz`` the event's zone (``Asia/Tokyo``); ``details`` the description (cut at
    ``_DETAILS_MAX`` characters) and the event's page (``absolute`` makes its full address);
    ``location`` the place's name, address and local government, else the online link. ""
    for a record known only by its year and for a cancelled event."""
    item, event = page.item, page.event
    when = item.when
    if when.year_only or item.cancelled:
        return ""
    params = {"action": "TEMPLATE", "text": item.title.text}
    if when.all_day:
        params["dates"] = (f"{event.start_date:%Y%m%d}/"
                           f"{event.end_date + timedelta(days=1):%Y%m%d}")
    else:
        zone = _zone(event.time_zone)
        start = event.starts_at.astimezone(zone)
        end = (event.ends_at or event.starts_at).astimezone(zone)
        params["dates"] = f"{start:%Y%m%dT%H%M%S}/{end:%Y%m%dT%H%M%S}"
        params["ctz"] = zone.key
    description = page.description.text
    if len(description) > _DETAILS_MAX:
        description = description[:_DETAILS_MAX - 1].rstrip() + "…"
    params["details"] = "\n\n".join(p for p in (description, absolute(item.url)) if p)
    lg = event.local_government
    place = [page.landmark.text or event.venue, event.address]
    if any(place) or not event.online_url:
        location = ", ".join(p for p in (*place, lg.label) if p)
    else:
        location = event.online_url
    params["location"] = location
    return f"{GOOGLE_CALENDAR}?{urlencode(params, quote_via=quote)}"


def event_page(pk: int) -> EventPage:
    """The page of the public event ``pk`` (three queries: the event with its local
    government, places and landmark; its partners; its photos). Raises
    ``Event.DoesNotExist`` for an unknown id and for an event that is not public."""
    event = public_events().prefetch_related("partners", "photos").get(pk=pk)
    return EventPage(
        item=event_item(event), description=_text(event, "description"),
        landmark=_text(event.landmark, "name") if event.landmark_id else Text("", ""),
        point=_point(event), partners=list(event.partners.all()),
        photos=list(event.photos.all()), sources=_sources(event),
        source_note=event.source_note)


def event_jsonld(page: EventPage, *, absolute: Callable[[str], str]) -> dict:
    """The schema.org ``Event`` of ``page`` as a dict (for a ``<script
    type="application/ld+json">``; escape it as ``json_script`` does). ``absolute`` turns a
    path into a full address (``request.build_absolute_uri``). The place's ``geo`` only
    for a point of its own (not a landmark's approximate one: its local government's)."""
    event, item = page.event, page.item
    lg = event.local_government
    data: dict = {
        "@context": "https://schema.org", "@type": "Event",
        "name": item.title.text, "url": absolute(item.url),
        "startDate": item.when.start_iso, "endDate": item.when.end_iso,
        "eventStatus": "https://schema.org/EventCancelled" if item.cancelled
        else "https://schema.org/EventScheduled",
        "inLanguage": item.title.lang,
    }
    if page.description:
        data["description"] = page.description.text
    place: dict = {"@type": "Place"}
    name = page.landmark.text or event.venue
    if name:
        place["name"] = name
    address = {"@type": "PostalAddress", "addressCountry": lg.country_id,
               "addressLocality": lg.display_name}
    if lg.region is not None:
        address["addressRegion"] = lg.region.name
    if event.address:
        address["streetAddress"] = event.address
    place["address"] = address
    if page.point is not None and not page.point.approximate:
        # An approximate point is the local government's, not the place's: no ``geo``.
        place["geo"] = {"@type": "GeoCoordinates", "latitude": page.point.lat,
                        "longitude": page.point.lon}
    physical = bool(name or event.address or page.point or event.kind == EventKind.LIGHT_UP)
    locations = [place] if physical else []
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    data["eventAttendanceMode"] = (
        "https://schema.org/MixedEventAttendanceMode" if physical and event.online_url
        else "https://schema.org/OnlineEventAttendanceMode" if event.online_url
        else "https://schema.org/OfflineEventAttendanceMode")
    data["organizer"] = {"@type": "GovernmentOrganization", "name": lg.display_name,
                         "url": absolute(reverse("profiles:profile", args=[lg.pk]))}
    if event.image:
        data["image"] = absolute(event.image.url)
    if event.registration_url:
        data["offers"] = {"@type": "Offer", "url": event.registration_url}
    return data


# --- World Refugee Day ------------------------------------------------------------------------
@dataclass(frozen=True)
class LitLandmark:
    """A landmark lit in blue on World Refugee Day of a year: ``name`` (reader's language,
    else the other), its ``local_government``, the ``point`` (None: not on the map, only in
    the list), the light-up's ``item`` (its page); ``announced``: the campaign's records
    have it only from an announcement before the day (``announced_before_the_day``), not
    from a report that it was lit."""

    name: Text
    local_government: LocalGovernment
    point: Point | None
    item: EventItem
    announced: bool = False


@dataclass(frozen=True)
class Tally:
    """``count`` landmarks in the place ``code`` (ISO 3166-1 or 3166-2) named ``name``."""

    code: str
    name: str
    count: int


@dataclass(frozen=True)
class WorldRefugeeDay:
    """The World Refugee Day page of ``year``: the ``landmarks`` lit (approved light-ups of
    that year, by local government and name), ``by_country`` and ``by_prefecture``
    (``Tally``, most first; prefectures are Japan's regions), the ``photos`` of those
    light-ups (``EventPhoto`` with their event), ``count``: how many landmarks the platform
    records (its own count), ``reported``: the total reported for that year by UNHCR or the
    press with its source (``ReportedTotal``; None when there is none), kept apart from the
    platform's count, and ``reported_text``, the words it was reported in ("about 20");
    ``years``: every year with light-ups or a reported total, oldest first (for the links
    between the pages); ``reported_source``: the source's words with the addresses in them
    as links (``linked_text``)."""

    year: int
    landmarks: list[LitLandmark]
    by_country: list[Tally]
    by_prefecture: list[Tally]
    photos: list[EventPhoto]
    count: int
    reported: ReportedTotal | None
    years: list[int]
    reported_text: Text = Text("", "")
    reported_source: list[Link] = field(default_factory=list)

    @property
    def reported_link(self) -> Link | None:
        """The reported total's source address as a link labelled with its host name."""
        if self.reported is None or not self.reported.source_url:
            return None
        return Link(link_label(self.reported.source_url), self.reported.source_url)

    @property
    def has_approximate(self) -> bool:
        """Some landmark is on the map only at its local government's point."""
        return any(lm.point is not None and lm.point.approximate for lm in self.landmarks)

    @property
    def has_announced(self) -> bool:
        """Some landmark is known only from an announcement before the day."""
        return any(lm.announced for lm in self.landmarks)

    def map_points(self) -> list[dict]:
        """``[{"label", "lat", "lon", "approximate", "announced", "url"}]`` of the landmarks
        with a point, for the map's script (``static/js/wrd-map.js``); the page lists them
        all."""
        return [{"label": f"{lm.name.text} – {lm.local_government.label}",
                 "lat": lm.point.lat, "lon": lm.point.lon,
                 "approximate": lm.point.approximate, "announced": lm.announced,
                 "url": lm.item.url}
                for lm in self.landmarks if lm.point is not None]


_ANNOUNCED = re.compile(r"\b(planned|announced)\b", re.IGNORECASE)


def announced_before_the_day(event: Event) -> bool:
    """Whether a campaign record (``origin=reference``) has the light-up only from an
    announcement before the day: its note says "planned" or "announced" (the reference list
    marks them so: "announced in prefectural press release 2024-05-24 (planned)")."""
    return event.origin == Origin.REFERENCE and bool(_ANNOUNCED.search(event.source_note or ""))


def _lightups() -> QuerySet[Event]:
    return Event.objects.filter(status=EventStatus.APPROVED, kind=EventKind.LIGHT_UP,
                                revision_of__isnull=True)


def world_refugee_day_years() -> list[int]:
    """Years with approved light-ups or a reported total, oldest first (two queries)."""
    years = {d.year for d in _lightups().dates("start_date", "year")}
    years |= set(ReportedTotal.objects.values_list("year", flat=True))
    return sorted(years)


def world_refugee_day_latest_year(*, today: date) -> int:
    """The latest year with approved light-ups, not after ``today``'s year; else
    ``today``'s year (one query)."""
    latest = (_lightups().filter(start_date__year__lte=today.year)
              .order_by("-start_date").values_list("start_date", flat=True).first())
    return latest.year if latest else today.year


def _lg_point(lg: LocalGovernment) -> Point | None:
    if lg.latitude is None or lg.longitude is None:
        return None
    return Point(lg.latitude, lg.longitude, approximate=True)


def world_refugee_day(year: int) -> WorldRefugeeDay:
    """The World Refugee Day page of ``year`` (five queries: the light-ups with their
    local governments, places and landmarks; their photos; the reported total; the years).
    A landmark without a point of its own is placed at its local government's point, said
    to be approximate; one lit more than once that year is counted once."""
    rows = list(_lightups().filter(start_date__year=year).select_related(
        "local_government__country", "local_government__region", "landmark",
        "landmark__local_government__country", "landmark__local_government__region"))
    landmarks: list[LitLandmark] = []
    seen: set[int] = set()
    # A landmark is "announced" only when every record of it that year is an announcement.
    confirmed = {e.landmark_id for e in rows if not announced_before_the_day(e)}
    for event in rows:
        if event.landmark_id in seen:
            continue
        seen.add(event.landmark_id)
        landmark = event.landmark
        lg = landmark.local_government
        point = (Point(landmark.latitude, landmark.longitude, landmark.point_approximate)
                 if landmark.latitude is not None and landmark.longitude is not None
                 else _lg_point(lg))
        landmarks.append(LitLandmark(name=_text(landmark, "name"), local_government=lg,
                                     point=point, item=event_item(event),
                                     announced=event.landmark_id not in confirmed))
    landmarks.sort(key=lambda lm: (lm.local_government.country_id != "JP",
                                   lm.local_government.region.code
                                   if lm.local_government.region else "",
                                   lm.local_government.label, lm.name.text))
    countries: Counter = Counter()
    prefectures: Counter = Counter()
    names: dict[str, str] = {}
    for lm in landmarks:
        lg = lm.local_government
        countries[lg.country_id] += 1
        names[lg.country_id] = lg.country.name
        if lg.country_id == "JP" and lg.region is not None:
            prefectures[lg.region.code] += 1
            names[lg.region.code] = lg.region.name
    reported = ReportedTotal.objects.filter(year=year).first()
    photos = list(EventPhoto.objects.filter(event__in=[e.pk for e in rows])
                  .select_related("event").order_by("event__start_date", "event_id",
                                                    "position", "pk"))
    return WorldRefugeeDay(
        year=year, landmarks=landmarks,
        by_country=[Tally(code, names[code], n) for code, n in
                    sorted(countries.items(), key=lambda kv: (-kv[1], names[kv[0]]))],
        by_prefecture=[Tally(code, names[code], n) for code, n in
                       sorted(prefectures.items(), key=lambda kv: (-kv[1], kv[0]))],
        photos=photos, count=len(landmarks), reported=reported,
        reported_text=_text(reported, "text") if reported else Text("", ""),
        reported_source=linked_text(reported.source_label) if reported else [],
        years=world_refugee_day_years())


# --- The profile and the dashboard ----------------------------------------------------------
#: How many upcoming and how many past events the profile lists (the calendar, filtered by
#: the local government, has them all).
PROFILE_LIMIT = 10


@dataclass(frozen=True)
class LandmarkYears:
    """A landmark of the local government and the years it was lit (oldest first)."""

    name: Text
    years: list[int]


@dataclass(frozen=True)
class ActSection:
    """Step 3 on the local government's profile: its public ``upcoming`` events (soonest
    first) and ``past`` ones (latest first), at most ``PROFILE_LIMIT`` each
    (``more_upcoming``/``more_past``: how many are not listed), the ``landmarks`` it lit
    with the years (``LandmarkYears``), ``calendar_url``: the calendar filtered by the local
    government; ``done``: it has an approved event (a cancelled one does not count)."""

    upcoming: list[EventItem] = field(default_factory=list)
    past: list[EventItem] = field(default_factory=list)
    more_upcoming: int = 0
    more_past: int = 0
    landmarks: list[LandmarkYears] = field(default_factory=list)
    calendar_url: str = ""
    done: bool = False

    @property
    def status(self) -> str:
        return "done" if self.done else "not_started"


def local_government_events(local_government: LocalGovernment, *,
                            today: date | None = None) -> ActSection:
    """Step 3's section of ``local_government``'s profile (one query, none when
    ``local_government`` was annotated ``has_public_events`` False): see ``ActSection``.
    ``today`` (default: today in the active time zone) divides upcoming from past."""
    calendar_url = f"{reverse('events:calendar')}?lg={local_government.pk}"
    if not getattr(local_government, "has_public_events", True):
        return ActSection(calendar_url=calendar_url)
    today = today or timezone.localdate()
    rows = list(public_events().filter(_of_local_government(local_government)))
    upcoming = [e for e in rows if e.end_date >= today]
    past = [e for e in reversed(rows) if e.end_date < today]
    years: dict[int, set[int]] = defaultdict(set)
    landmarks: dict[int, Landmark] = {}
    for event in rows:
        if event.landmark_id and event.status == EventStatus.APPROVED \
                and event.kind == EventKind.LIGHT_UP:
            years[event.landmark_id].add(event.start_date.year)
            landmarks[event.landmark_id] = event.landmark
    lit = sorted((LandmarkYears(name=_text(landmarks[pk], "name"), years=sorted(ys))
                  for pk, ys in years.items()), key=lambda lm: (lm.years[0], lm.name.text))
    return ActSection(
        upcoming=[event_item(e) for e in upcoming[:PROFILE_LIMIT]],
        past=[event_item(e) for e in past[:PROFILE_LIMIT]],
        more_upcoming=max(len(upcoming) - PROFILE_LIMIT, 0),
        more_past=max(len(past) - PROFILE_LIMIT, 0), landmarks=lit,
        calendar_url=calendar_url,
        done=any(e.status == EventStatus.APPROVED for e in rows))


@dataclass(frozen=True)
class ActCounts:
    """The events of a local government by status (all origins; revisions, the changes to
    approved events awaiting review, are not events of their own and not counted)."""

    draft: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.draft + self.submitted + self.approved + self.returned + self.cancelled


def act_counts(local_government: LocalGovernment | int) -> ActCounts:
    """``ActCounts`` of ``local_government`` (an instance or its id; one query)."""
    counts = Event.objects.filter(local_government=local_government,
                                  revision_of__isnull=True).aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in EventStatus.values})
    return ActCounts(**{status: counts[status] or 0 for status in EventStatus.values})


def event_ids(local_government_id: int) -> QuerySet[Event]:
    """The events of the local government (all statuses; not revisions, whose audit rows
    are their events'), for the workspace's activity list (``.model`` gives the model for
    its content type)."""
    return Event.objects.filter(local_government_id=local_government_id,
                                revision_of__isnull=True)


def landmark_ids(local_government_id: int) -> QuerySet[Landmark]:
    """The landmarks of the local government (as ``event_ids``)."""
    return Landmark.objects.filter(local_government_id=local_government_id)


def support_request_ids(local_government_id: int) -> QuerySet[SupportRequest]:
    """The support requests of the local government (as ``event_ids``)."""
    return SupportRequest.objects.filter(local_government_id=local_government_id)

