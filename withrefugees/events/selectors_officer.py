"""Reads of step 3 for the officers' workspace: a local government's own events and support
requests, each looked up *within* that local government (another city's id gives None, so
the view answers 404), the landmarks an event form may pick, the default time zone; and
what officers wrote of an event (``event_content``), compared with its revision
(``revision_differences``: what UNHCR's review of the changes shows).

An event's revision (its officers' changes awaiting review, ``Event.revision_of``) is never
a row of its own here: ``officer_events`` and ``event_of`` give the events, each with its
revision prefetched (``Event.pending_revision``).

Every list is a fixed number of queries whatever its length (``prefetch_related``)."""

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from withrefugees.core.audit import field_values
from withrefugees.places.models import LocalGovernment

from .models import (
    Event,
    EventKind,
    EventPhoto,
    EventStatus,
    Landmark,
    Origin,
    PartnerKind,
    SupportReply,
    SupportRequest,
)

#: The fields an officer edits with the event form.
EDITED_FIELDS = ("kind", "title_ja", "title_en", "description_ja", "description_en",
                 "all_day", "time_zone", "starts_at", "ends_at", "start_date", "end_date",
                 "landmark", "venue", "address", "latitude", "longitude", "online_url",
                 "registration_url", "accessibility", "image_alt", "image_credit")
#: Everything officers write of an event besides partners and photos: what a revision
#: copies, what UNHCR approves (``image``: by its stored name).
CONTENT_FIELDS = (*EDITED_FIELDS, "report", "image")


def _revisions() -> Prefetch:
    return Prefetch("revisions", queryset=Event.objects.select_related("landmark")
                    .prefetch_related("partners", "photos"))


def default_time_zone(local_government: LocalGovernment) -> str:
    """The IANA name of the local government's time zone (the first of
    ``campaign.services.local_government_time_zones``), else ``settings.TIME_ZONE``."""
    from withrefugees.campaign.services import local_government_time_zones

    zones = local_government_time_zones(local_government)
    return zones[0].key if zones else settings.TIME_ZONE


def officer_events(local_government: LocalGovernment) -> QuerySet[Event]:
    """The local government's events registered on the platform (not the campaign's records),
    newest first, with landmark, partners, photos and support requests (4 queries more)."""
    return (Event.objects.filter(local_government=local_government, origin=Origin.PLATFORM,
                                 revision_of__isnull=True)
            .select_related("landmark")
            .prefetch_related("partners", "photos", _revisions(),
                              Prefetch("support_requests",
                                       queryset=SupportRequest.objects.order_by("created_at")))
            .order_by("-start_date", "-pk"))


def event_of(local_government: LocalGovernment, pk: int) -> Event | None:
    """The platform event ``pk`` of ``local_government`` (with landmark, partners, photos and
    its revision, ``Event.pending_revision``), or None (another city's, a campaign record,
    or none). The id of a revision gives its event (the workspace has no page of a
    revision of its own: an email about changes sent back links the revision's id)."""
    event = (Event.objects.filter(local_government=local_government, origin=Origin.PLATFORM,
                                  pk=pk)
             .select_related("landmark", "local_government")
             .prefetch_related("partners", "photos", _revisions()).first())
    if event is not None and event.revision_of_id is not None:
        return event_of(local_government, event.revision_of_id)
    return event


def working_copy(event: Event) -> Event:
    """What the officers edit of ``event`` (as ``event_of`` gives it): its revision when it
    has one, else the event itself."""
    return event.pending_revision or event


def photo_of(event: Event, pk: int) -> EventPhoto | None:
    return EventPhoto.objects.filter(event=event, pk=pk).first()


def landmark_choices(local_government: LocalGovernment) -> QuerySet[Landmark]:
    """The landmarks an event of ``local_government`` may name: its own (and those it shares,
    ``other_local_governments``); for a prefecture also those of the local governments in
    it."""
    condition = (Q(local_government=local_government)
                 | Q(other_local_governments=local_government))
    if (local_government.kind == LocalGovernment.Kind.PREFECTURE
            and local_government.region_id):
        condition |= Q(local_government__region_id=local_government.region_id)
    return (Landmark.objects.filter(condition).distinct()
            .order_by("name_ja", "name_en", "pk"))


def supportable_events(local_government: LocalGovernment) -> QuerySet[Event]:
    """The events a support request may be for: the local government's platform events that
    are not cancelled, the latest first."""
    return (Event.objects.filter(local_government=local_government, origin=Origin.PLATFORM,
                                 revision_of__isnull=True)
            .exclude(status=EventStatus.CANCELLED).order_by("-start_date", "-pk"))


def officer_support_requests(local_government: LocalGovernment) -> QuerySet[SupportRequest]:
    """The local government's support requests, newest first, with their items, event and
    replies (oldest reply first)."""
    return (SupportRequest.objects.filter(local_government=local_government)
            .select_related("event", "requested_by")
            .prefetch_related("items", Prefetch(
                "replies", queryset=SupportReply.objects.order_by("created_at", "pk")))
            .order_by("-created_at", "-pk"))


def support_request_of(local_government: LocalGovernment, pk: int) -> SupportRequest | None:
    return officer_support_requests(local_government).filter(pk=pk).first()


def event_has_started(event: Event, now: datetime.datetime | None = None) -> bool:
    """Whether ``event`` has begun: its start time has passed, or for an all-day event its
    first day has come in its own time zone."""
    now = now or timezone.now()
    if event.starts_at is not None:
        return event.starts_at <= now
    try:
        zone = zoneinfo.ZoneInfo(event.time_zone)
    except (ValueError, KeyError, zoneinfo.ZoneInfoNotFoundError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return event.start_date <= timezone.localdate(now, zone)


# --- What officers wrote, and what a revision changes -----------------------------------------
def event_content(event: Event) -> dict[str, Any]:
    """What officers wrote of ``event``, JSON-safe: ``{field: value}`` of ``CONTENT_FIELDS``
    (foreign keys by id, dates as ISO 8601, the image by its stored name), ``partners``
    (``[[kind, name], ...]``) and ``photos`` (``[[stored name, alt, credit], ...]``), in
    their order. Two queries (none with partners and photos prefetched)."""
    content = field_values(event, CONTENT_FIELDS)
    content["partners"] = [[p.kind, p.name] for p in event.partners.all()]
    content["photos"] = [[p.image.name, p.alt, p.credit] for p in event.photos.all()]
    return content


def content_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """``{name: [old, new]}`` of the entries of two ``event_content`` that differ."""
    return {name: [before.get(name), after.get(name)]
            for name in (*CONTENT_FIELDS, "partners", "photos")
            if before.get(name) != after.get(name)}


@dataclass(frozen=True)
class Difference:
    """One thing a revision changes: ``name`` (a field, ``partners`` or ``photos``),
    ``label`` (as people read it), the public version (``old``) and the proposed one
    (``new``) as text ("—" for nothing)."""

    name: str
    label: str
    old: str
    new: str


def _shown(event: Event, name: str, content: dict[str, Any]) -> str:
    """The value ``name`` of ``event`` as a person reads it (times in the event's zone)."""
    if name == "partners":
        return "; ".join(f"{PartnerKind(kind).label if kind in PartnerKind.values else kind}"
                         f": {who}" for kind, who in content["partners"]) or "—"
    if name == "photos":
        return "; ".join(f"{alt} ({credit})" for _name, alt, credit in content["photos"]) \
            or "—"
    value = getattr(event, name)
    if name == "kind":
        return str(EventKind(value).label) if value in EventKind.values else value
    if name == "landmark":
        return str(value) if value is not None else "—"
    if name == "image":
        return value.name.rpartition("/")[2] if value else "—"
    if name in ("starts_at", "ends_at") and value is not None:
        try:
            zone = zoneinfo.ZoneInfo(event.time_zone)
        except (ValueError, KeyError, zoneinfo.ZoneInfoNotFoundError):
            zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return f"{timezone.localtime(value, zone):%Y-%m-%d %H:%M} ({zone.key})"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "":
        return "—"
    return str(value)


def revision_differences(revision: Event) -> list[Difference]:
    """What ``revision`` changes of its event (``revision.revision_of``), field by field,
    in the order of the form, then partners and photos: ``Difference`` (old: the public
    version, new: the proposed one). Four queries (partners and photos of both)."""
    original = revision.revision_of
    before, after = event_content(original), event_content(revision)
    labels = {"partners": _("partners"), "photos": _("photos")}
    rows = []
    for name in content_changes(before, after):
        label = labels.get(name) or Event._meta.get_field(name).verbose_name
        rows.append(Difference(name=name, label=capfirst(str(label)),
                               old=_shown(original, name, before),
                               new=_shown(revision, name, after)))
    return rows

