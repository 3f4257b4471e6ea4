"""iCalendar feeds of step 3 (anonymous GETs, cached like the public pages once listed in
``core.pagecache.CACHED_VIEWS``): all public events, those of one kind, those of one local
government, and one event (a download with a file name, for "add to my calendar").

Texts are in the language of the URL (``/ja/…``, ``/en/…``). A feed holds the events that
ended at most ``ical.FEED_PAST_YEARS`` years ago and all later ones (``ical.feed_events``);
each answer costs a constant number of queries (one, two for a local government's feed).
Unknown kinds, local governments and events, and events that are not public, are 404s."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from withrefugees.places.models import LocalGovernment

from . import ical
from .models import EventKind

SITE_NAME = "Cities #WithRefugees"


def _language() -> str:
    return (get_language() or "ja")[:2]


def _calendar_response(events, *, name: str, filename: str | None = None) -> HttpResponse:
    body = ical.calendar_bytes(events, name=name, language=_language())
    response = HttpResponse(body, content_type=ical.MEDIA_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def feed_all(request: HttpRequest) -> HttpResponse:
    name = _("%(site)s: events") % {"site": SITE_NAME}
    return _calendar_response(ical.feed_events(), name=name)


@require_safe
def feed_kind(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in EventKind.values:
        raise Http404
    name = _("%(site)s: %(kind)s") % {"site": SITE_NAME, "kind": EventKind(kind).label}
    return _calendar_response(ical.feed_events(kind=kind), name=name)


@require_safe
def feed_local_government(request: HttpRequest, lg_pk: int) -> HttpResponse:
    local_government = LocalGovernment.objects.with_places().filter(pk=lg_pk).first()
    if local_government is None:
        raise Http404
    name = _("%(site)s: %(local_government)s") % {
        "site": SITE_NAME, "local_government": local_government.label}
    return _calendar_response(ical.feed_events(local_government_id=local_government.pk),
                              name=name)


@require_safe
def feed_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = ical.public_event_or_none(pk)
    if event is None:
        raise Http404
    return _calendar_response([event], name=str(event.localised("title", _language())),
                              filename=f"event-{event.pk}.ics")
