"""Events in the post kit (step 2's ``social.posts``): one ready-made ``event`` post per
approved event of a local government that is coming or has just taken place.

``post_occasions(local_government, language=…)`` gives ``social.posts.ExtraOccasion``s: key
``event-<pk>``, occasion ``event``, title the event's, and the values of the ``event``
placeholders: ``event_title`` (the title in the post's language, else the other) and
``event_date`` (``event_date_text``: the date, and for a timed event the time, in the
event's own time zone, written as the post's language writes dates).

Which events: approved (not cancelled; never a revision, the changes awaiting review),
ending today or later, or at most ``RECENT_DAYS`` days ago (a post after the event),
starting at most ``AHEAD_DAYS`` days from now; soonest first, at most ``MAX_POSTS``.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from withrefugees.social.posts import ExtraOccasion, language_of

from .models import DatePrecision, Event, EventStatus

RECENT_DAYS = 30
AHEAD_DAYS = 365
MAX_POSTS = 10


def _zone(event: Event) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(event.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def event_date_text(event: Event, language: str) -> str:
    """When ``event`` is, in ``language`` (``ja``/``en``), in the event's own time zone:

    - a record known to the year only: "World Refugee Day 2019" (translated);
    - all day: "2027年6月20日" / "June 20, 2027"; several days: "start – end";
    - timed: "2027年6月20日 10:00"; when it ends another day, "start – end" with times; the
      zone's abbreviation follows when the zone is not ``settings.TIME_ZONE`` (e.g.
      "June 20, 2027 10:00 CEST").
    """
    with translation.override(language_of(language)):
        if event.date_precision == DatePrecision.YEAR:
            return gettext("World Refugee Day %(year)s") % {"year": event.start_date.year}
        if event.all_day or event.starts_at is None:
            start = formats.date_format(event.start_date, "DATE_FORMAT")
            if event.end_date and event.end_date != event.start_date:
                return f"{start} – {formats.date_format(event.end_date, 'DATE_FORMAT')}"
            return start
        zone = _zone(event)
        starts = event.starts_at.astimezone(zone)
        text = f"{formats.date_format(starts, 'DATE_FORMAT')} {starts:%H:%M}"
        if event.ends_at is not None:
            ends = event.ends_at.astimezone(zone)
            if ends.date() != starts.date():
                text += f" – {formats.date_format(ends, 'DATE_FORMAT')} {ends:%H:%M}"
        if (event.time_zone or settings.TIME_ZONE) != settings.TIME_ZONE:
            text += f" {starts.tzname()}"
        return text


def post_events(local_government, *, today: datetime.date | None = None) -> list[Event]:
    """The events ``post_occasions`` offers (see the module docstring; one query)."""
    today = today or timezone.localdate()
    return list(Event.objects.filter(
        local_government=local_government, status=EventStatus.APPROVED,
        revision_of__isnull=True,
        end_date__gte=today - datetime.timedelta(days=RECENT_DAYS),
        start_date__lte=today + datetime.timedelta(days=AHEAD_DAYS),
    ).order_by("start_date", "starts_at", "pk")[:MAX_POSTS])


def post_occasions(local_government, *, language: str | None = None,
                   today: datetime.date | None = None) -> list[ExtraOccasion]:
    """One ``ExtraOccasion`` per event of ``post_events`` (see the module docstring), in
    ``language`` (default: the active one). One query."""
    language = language_of(language or translation.get_language() or "ja")
    occasions = []
    for event in post_events(local_government, today=today):
        title = event.localised("title", language)
        occasions.append(ExtraOccasion(
            key=f"event-{event.pk}", occasion="event", title=title,
            values={"event_title": title, "event_date": event_date_text(event, language)}))
    return occasions
