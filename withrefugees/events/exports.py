"""Staff exports of step 3: events and support requests as CSV or Excel (.xlsx) downloads,
written by ``core.spreadsheets`` (UTF-8 with BOM for Japanese Excel, formula injection made
inert, numbers and dates as such). Called from the admin (``admin.py``: actions and
buttons); the caller checks ``events.export``.

Headers are in the active language (the admin's); texts people wrote are as written, both
languages side by side. Times: an event's start and end in the event's own time zone (the
zone is a column of its own; all-day events give dates; a record whose date is known only to
the year gives the year alone, e.g. 2023, never a day, and says so in the column "date known
to the" next to them), other times (created, updated, last reply) in
``settings.TIME_ZONE``. Each export costs a constant number of queries
(events: 2; support requests: 2), whatever the number of rows.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from withrefugees.core.mail import absolute_url
from withrefugees.core.spreadsheets import (
    Cell,
    Column,
    columns_response,
    local_wall_time,
    zone_or_utc,
)

from .ical import event_point
from .models import (
    DatePrecision,
    Event,
    EventKind,
    EventStatus,
    PartnerKind,
    SupportKind,
    SupportRequest,
    SupportStatus,
)


def _in_event_zone(event: Event, moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(zone_or_utc(event.time_zone)).replace(tzinfo=None, microsecond=0)


def _label(field) -> str:
    return str(field.verbose_name)


def _lg_code(local_government) -> str:
    return local_government.jis_code or ""


def _year_only(event: Event) -> bool:
    return event.date_precision == DatePrecision.YEAR


def _event_start(event: Event) -> Cell:
    """The start: the year alone (a number) when only the year is known, never a day made
    up for it; the date of an all-day event; else the time in the event's zone."""
    if _year_only(event):
        return event.start_date.year
    return event.start_date if event.all_day else _in_event_zone(event, event.starts_at)


def _event_end(event: Event) -> Cell:
    if _year_only(event):
        return event.end_date.year
    return event.end_date if event.all_day else _in_event_zone(event, event.ends_at)


def _partners(event: Event) -> str:
    return "\n".join(f"{PartnerKind(p.kind).label}: {p.name}" for p in event.partners.all())


def _public_url(event: Event, language: str) -> str:
    if not event.is_public:
        return ""
    return absolute_url("events:event", language=language, args=[event.pk])


def _point(event: Event, index: int) -> float | None:
    point = event_point(event)
    return point[index] if point else None


def event_columns(language: str) -> list[Column]:
    """``(header, value of an event)`` of every column of the event export."""
    f = Event._meta.get_field
    zone = settings.TIME_ZONE
    return [
        (_("ID"), lambda e: e.pk),
        (_label(f("local_government")), lambda e: e.local_government.label),
        (_("local government code (JIS X 0402)"), lambda e: _lg_code(e.local_government)),
        (_label(f("kind")), lambda e: str(EventKind(e.kind).label)),
        (_label(f("status")), lambda e: str(EventStatus(e.status).label)),
        (_label(f("title_ja")), lambda e: e.title_ja),
        (_label(f("title_en")), lambda e: e.title_en),
        (_("starts (in the event's time zone)"), _event_start),
        (_("ends (in the event's time zone)"), _event_end),
        (_label(f("date_precision")), lambda e: str(DatePrecision(e.date_precision).label)),
        (_label(f("all_day")), lambda e: e.all_day),
        (_label(f("time_zone")), lambda e: e.time_zone),
        (_label(f("venue")), lambda e: e.venue),
        (_label(f("address")), lambda e: e.address),
        (_("landmark (Japanese)"), lambda e: e.landmark.name_ja if e.landmark_id else ""),
        (_("landmark (English)"), lambda e: e.landmark.name_en if e.landmark_id else ""),
        (_label(f("latitude")), lambda e: _point(e, 0)),
        (_label(f("longitude")), lambda e: _point(e, 1)),
        (_("partners"), _partners),
        (_label(f("online_url")), lambda e: e.online_url),
        (_label(f("registration_url")), lambda e: e.registration_url),
        (_("public page"), lambda e: _public_url(e, language)),
        (_label(f("sources")), lambda e: e.sources),
        (_("created at (%(zone)s)") % {"zone": zone}, lambda e: local_wall_time(e.created_at)),
        (_("updated at (%(zone)s)") % {"zone": zone}, lambda e: local_wall_time(e.updated_at)),
    ]


def _items(request: SupportRequest) -> str:
    lines = []
    for item in request.items.all():
        line = str(SupportKind(item.kind).label)
        if item.quantity is not None:
            line += f" × {item.quantity}"
        if item.description:
            line += f": {item.description}"
        lines.append(line)
    return "\n".join(lines)


def support_request_columns(language: str) -> list[Column]:
    """``(header, value of a support request)`` of every column of its export (the
    request annotated with ``reply_count`` and ``last_reply_at``)."""
    f = SupportRequest._meta.get_field
    zone = settings.TIME_ZONE
    return [
        (_("ID"), lambda r: r.pk),
        (_label(f("local_government")), lambda r: r.local_government.label),
        (_("local government code (JIS X 0402)"), lambda r: _lg_code(r.local_government)),
        (_("event ID"), lambda r: r.event_id),
        (_label(f("event")), lambda r: r.event.localised("title", language)
         if r.event_id else ""),
        (_label(f("status")), lambda r: str(SupportStatus(r.status).label)),
        (_("items asked for"), _items),
        (_label(f("needed_from")), lambda r: r.needed_from),
        (_label(f("needed_by")), lambda r: r.needed_by),
        (_label(f("delivery_address")), lambda r: r.delivery_address),
        (_label(f("message")), lambda r: r.message),
        (_("replies"), lambda r: r.reply_count),
        (_("last reply (%(zone)s)") % {"zone": zone}, lambda r: local_wall_time(r.last_reply_at)),
        (_("created at (%(zone)s)") % {"zone": zone}, lambda r: local_wall_time(r.created_at)),
    ]



def events_export_response(queryset: QuerySet, fmt: str, *,
                           request: HttpRequest) -> HttpResponse:
    """``queryset`` (events) as ``events-<date>.csv`` or ``.xlsx`` (``fmt``; another value is
    a ``ValueError``), in the queryset's order; headers in the request's language."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    # Revisions (changes awaiting review) are not events of their own.
    events = queryset.filter(revision_of__isnull=True).select_related(
        "local_government__region", "local_government__country", "landmark",
    ).prefetch_related("partners")
    return columns_response(event_columns(language), events, fmt=fmt, name="events",
                     sheet_name=_("Events"))


def support_requests_export_response(queryset: QuerySet, fmt: str, *,
                                     request: HttpRequest) -> HttpResponse:
    """``queryset`` (support requests) as ``support-requests-<date>.csv`` or ``.xlsx``, in
    the queryset's order; headers in the request's language."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    requests = queryset.select_related(
        "local_government__region", "local_government__country", "event",
    ).prefetch_related("items").annotate(
        reply_count=Count("replies", distinct=True),
        last_reply_at=Max("replies__created_at"),
    )
    return columns_response(support_request_columns(language), requests, fmt=fmt,
                     name="support-requests", sheet_name=_("Support requests"))
