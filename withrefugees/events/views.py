"""Public pages of step 3: the calendar (list and month view), an event's page (with its
schema.org Event JSON-LD), the World Refugee Day page of a year. Thin: selectors read."""

import json
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from . import selectors
from .models import Event

#: Events a page of the calendar's list shows.
PER_PAGE = 20
#: The first year the World Refugee Day pages link to (the campaign's records begin then).
FIRST_NAVIGATION_YEAR = 2019

# As Django's ``json_script``: no "<", ">" or "&" in the JSON, so that "</script>" (or
# "<!--") in a title cannot end the script element.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    """``data`` as the text of a ``<script type="application/ld+json">`` element, escaped as
    ``json_script`` escapes (a data block: the browser runs nothing, so the
    Content-Security-Policy has no objection)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_JSON_ESCAPES)
    return mark_safe(text)  # noqa: S308 (escaped above)


def _map_settings() -> dict:
    return {"tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def _link(**params: str) -> str:
    return "?" + urlencode({k: v for k, v in params.items() if v})


def _feed_url(query: selectors.CalendarQuery) -> str:
    """The iCalendar feed that matches the filters best: the local government's, the
    type's, else all public events."""
    if query.local_government is not None:
        return reverse("events:feed_local_government", args=[query.local_government.pk])
    if query.kind:
        return reverse("events:feed_kind", args=[query.kind])
    return reverse("events:feed_all")


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    """The calendar: upcoming or past events as a paginated list, or a month as a grid of
    weeks (``?view=month&month=YYYY-MM``), filtered by type, country, prefecture and local
    government. Parameters not understood are named on the page and ignored."""
    today = timezone.localdate()
    query = selectors.calendar_query(request.GET, today=today)
    filters = query.filter_params()
    choices = selectors.calendar_choices(query)
    # The month view without a month: the month of the next upcoming event.
    default_month = None
    if query.view == selectors.MONTH and not query.month_given:
        default_month = selectors.calendar_default_month(query, today=today)
        if default_month is not None:
            query = replace(query, month=default_month)
    context = {"query": query, "today": today, **choices,
               "active_filters": selectors.calendar_active_filters(query, choices),
               "list_url": _link(**filters),
               "past_url": _link(**filters, when=selectors.PAST),
               "month_url": _link(**filters, view=selectors.MONTH,
                                  month=query.month.strftime("%Y-%m")
                                  if query.month_given else ""),
               "feed_url": _feed_url(query),
               "month_chosen": query.month_given,
               "month_of_next_event": default_month is not None}
    if query.view == selectors.MONTH:
        grid = selectors.calendar_month(query, today=today)
        context.update(grid=grid, month_value=query.month.strftime("%Y-%m"))
        for name, month in (("previous_url", grid.previous), ("next_url", grid.next)):
            context[name] = _link(**filters, view=selectors.MONTH,
                                  month=month.strftime("%Y-%m")) if month else ""
    else:
        page = Paginator(selectors.calendar_events(query, today=today), PER_PAGE).get_page(
            request.GET.get("page"))
        context.update(page=page, items=[selectors.event_item(e) for e in page.object_list],
                       page_query=urlencode({**filters, "when": query.when}))
    return render(request, "events/calendar.html", context)


@require_safe
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The page of a public event; 404 for any other (a draft, one awaiting review, sent
    back, or cancelled before it was approved)."""
    try:
        page = selectors.event_page(pk)
    except Event.DoesNotExist as exc:
        raise Http404("No such event.") from exc
    points = []
    if page.point is not None:
        points.append({"label": page.landmark.text or page.item.title.text,
                       "lat": page.point.lat, "lon": page.point.lon,
                       "approximate": page.point.approximate, "url": ""})
    return render(request, "events/event.html", {
        "page": page, "item": page.item, "event": page.event,
        "lg": page.event.local_government,
        "jsonld": json_ld(selectors.event_jsonld(page, absolute=request.build_absolute_uri)),
        "google_calendar_url": selectors.event_google_calendar_url(
            page, absolute=request.build_absolute_uri),
        "points": points, **_map_settings()})


@require_safe
def world_refugee_day_latest(request: HttpRequest) -> HttpResponse:
    """To the page of the latest year with light-ups (this year while there is none)."""
    year = selectors.world_refugee_day_latest_year(today=timezone.localdate())
    return redirect("events:world_refugee_day", year=year)


@require_safe
def world_refugee_day(request: HttpRequest, year: int) -> HttpResponse:
    """World Refugee Day of ``year``: the landmarks lit, on a map and in a list, counts by
    country and prefecture, photos, the platform's count and the reported total. 404 for a
    year outside ``selectors.year_range``; a year without records says so. The links
    between the years: every year from the first with records (at the latest 2019) to next
    year, and any later year with records; ``ahead``: World Refugee Day of ``year`` is
    still to come (the page says "to be lit")."""
    today = timezone.localdate()
    first, last = selectors.year_range(today=today)
    if not first <= year <= last:
        raise Http404("No such year.")
    wrd = selectors.world_refugee_day(year)
    start = min([*wrd.years, FIRST_NAVIGATION_YEAR])
    years = sorted(set(wrd.years) | set(range(start, today.year + 2)) | {year})
    wrd_date = date(year, 6, 20)
    return render(request, "events/world_refugee_day.html", {
        "wrd": wrd, "year": year, "years": years, "points": wrd.map_points(),
        "wrd_date": wrd_date, "ahead": wrd_date > today,
        "calendar_url": reverse("events:calendar") + _link(
            kind="light_up", view=selectors.MONTH, month=f"{year}-06"),
        **_map_settings()})
