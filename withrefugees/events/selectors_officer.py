"""Reads of step 3 for the officers' workspace: a local government's own events and support
requests, each looked up *within* that local government (another city's id gives None, so
the view answers 404), the landmarks an event form may pick, the default time zone.

Every list is a fixed number of queries whatever its length (``prefetch_related``)."""

import datetime
import zoneinfo

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from withrefugees.places.models import LocalGovernment

from .models import (
    Event,
    EventPhoto,
    EventStatus,
    Landmark,
    Origin,
    SupportReply,
    SupportRequest,
)


def default_time_zone(local_government: LocalGovernment) -> str:
    """The IANA name of the local government's time zone (the first of
    ``campaign.services.local_government_time_zones``), else ``settings.TIME_ZONE``."""
    from withrefugees.campaign.services import local_government_time_zones

    zones = local_government_time_zones(local_government)
    return zones[0].key if zones else settings.TIME_ZONE


def officer_events(local_government: LocalGovernment) -> QuerySet[Event]:
    """The local government's events registered on the platform (not the campaign's records),
    newest first, with landmark, partners, photos and support requests (4 queries more)."""
    return (Event.objects.filter(local_government=local_government, origin=Origin.PLATFORM)
            .select_related("landmark")
            .prefetch_related("partners", "photos",
                              Prefetch("support_requests",
                                       queryset=SupportRequest.objects.order_by("created_at")))
            .order_by("-start_date", "-pk"))


def event_of(local_government: LocalGovernment, pk: int) -> Event | None:
    """The platform event ``pk`` of ``local_government`` (with landmark, partners and photos),
    or None (another city's, a campaign record, or none)."""
    return (Event.objects.filter(local_government=local_government, origin=Origin.PLATFORM,
                                 pk=pk)
            .select_related("landmark", "local_government")
            .prefetch_related("partners", "photos").first())


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
    return (Event.objects.filter(local_government=local_government, origin=Origin.PLATFORM)
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
