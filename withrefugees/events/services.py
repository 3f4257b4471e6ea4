"""Writes of step 3 by a local government's officers (and staff with a second factor who help
them): register and edit events, submit them to UNHCR, cancel them, add the report and photos
after the event, create landmarks, ask UNHCR for support. Staff review (approve, send back)
and answers are in ``services_review``.

Every service is keyword-only and atomic, checks its rule with ``accounts.rules.can`` for the
local government (``events.edit_events`` or ``events.request_support``: ``PermissionDenied``
otherwise), validates (``ValidationError`` keyed by field, each with a code: see
``validation``), and writes one audit row (``core.audit.audit_record``): ``event.create``,
``event.update`` (changed fields), ``event.submit``, ``event.cancel`` (with ``from_state``
and ``to_state``), ``event.report``, ``event_photo.add``, ``event_photo.remove`` (on the
event), ``landmark.create``, ``support_request.create``. After commit the public pages are
invalidated (``audit_record``).

Nothing officers write is public before UNHCR approved it. A draft, submitted or sent-back
event is edited in place (an edit of a submitted one keeps it submitted; staff approve only
the version they saw, ``services_review.event_approve``). An *approved* event is never
changed by its officers: every edit (the form, partners, image, report, photos) goes to its
*revision* (``Event.revision_of``), created on the first edit as a copy of the event (its
fields, partners and photos, the files shared), which officers submit like an event, and
which staff approve (merged into the event) or send back; the approved event stays public
as it was meanwhile. ``event_revision_discard`` drops the changes. Cancelling an approved
event needs no review and drops its revision. Every audit row of a revision is written on
its event (the revision is deleted once decided on).

iCalendar: ``Event.sequence`` grows by one whenever a field a calendar shows changes
(``CALENDAR_FIELDS``: times, place, title, description, online link, status)."""

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.audit import audit_record, changed_fields, field_values
from withrefugees.core.images import image_process
from withrefugees.core.validators import control_characters_refusal
from withrefugees.places.models import LocalGovernment

from . import selectors_officer
from .models import (
    Event,
    EventKind,
    EventPartner,
    EventPhoto,
    EventStatus,
    Landmark,
    Origin,
    PartnerKind,
    SupportItem,
    SupportKind,
    SupportRequest,
)
from .validation import (
    end_before_start_error,
    validate_date_in_range,
    validate_point,
    validate_time_zone,
    validate_web_url,
)

EDIT_RULE = "events.edit_events"
SUPPORT_RULE = "events.request_support"

#: Fields an officer edits (the audit compares them).
EVENT_FIELDS = selectors_officer.EDITED_FIELDS
#: Fields whose change a calendar must learn of (``sequence`` += 1).
CALENDAR_FIELDS = ("kind", "title_ja", "title_en", "description_ja", "description_en",
                   "all_day", "time_zone", "starts_at", "ends_at", "start_date", "end_date",
                   "landmark", "venue", "address", "latitude", "longitude", "online_url",
                   "status")
#: Statuses in which officers edit an event in place (an approved one: its revision).
EDITABLE = (EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.RETURNED)
SUBMITTABLE = (EventStatus.DRAFT, EventStatus.RETURNED)
CANCELLABLE = (EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.RETURNED,
               EventStatus.APPROVED)
#: Most partners of one event, photos of one event, items of one support request.
MAX_PARTNERS = 20
MAX_PHOTOS = 30
MAX_ITEMS = 20
#: Stored pictures fit in a square of this side (pixels).
IMAGE_SIDE = 1600


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


@dataclass(frozen=True)
class PartnerInput:
    """One partner: ``kind`` (a ``PartnerKind`` value) and ``name``."""

    kind: str
    name: str


@dataclass(frozen=True)
class LandmarkInput:
    """A new landmark: ``name_ja``/``name_en`` (one may be empty), point in WGS 84 degrees
    (both or neither)."""

    name_ja: str = ""
    name_en: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class EventInput:
    """What an officer gives for an event.

    When: ``all_day`` with ``start_date``/``end_date`` (dates in ``time_zone``), or aware
    ``starts_at``/``ends_at`` (then the dates are computed in ``time_zone``: an IANA name).
    Where: ``landmark`` (an existing one the local government may name,
    ``selectors_officer.landmark_choices``) or ``new_landmark`` (created, or the existing
    one of that name reused), venue, address, point (degrees). ``partners`` in order."""

    kind: str
    title_ja: str = ""
    title_en: str = ""
    description_ja: str = ""
    description_en: str = ""
    all_day: bool = False
    time_zone: str = "Asia/Tokyo"
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    landmark: Landmark | None = None
    new_landmark: LandmarkInput | None = None
    venue: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    online_url: str = ""
    registration_url: str = ""
    accessibility: str = ""
    partners: Sequence[PartnerInput] = field(default_factory=tuple)
    image_alt: str = ""
    image_credit: str = ""


@dataclass(frozen=True)
class SupportItemInput:
    """One thing asked for: ``kind`` (a ``SupportKind`` value), ``quantity`` (1 or more, or
    None when it is not a count), ``description``."""

    kind: str
    quantity: int | None = None
    description: str = ""


def _check(actor: AbstractBaseUser | None, rule: str, local_government: LocalGovernment) -> None:
    if actor is None or not can(actor, rule, local_government):
        raise PermissionDenied(rule)


def _refuse_control_characters(values: dict[str, Any]) -> None:
    errors = {}
    for name, value in values.items():
        if isinstance(value, str) and (error := control_characters_refusal(value)):
            errors[name] = [error]
    if errors:
        raise ValidationError(errors)


def _process_image(file: File, field_name: str):
    try:
        return image_process(file, output_side=IMAGE_SIDE)
    except ValidationError as exc:
        raise ValidationError({field_name: exc.error_list}) from exc


def _image_name(processed) -> str:
    return f"{uuid.uuid4().hex}.{processed.extension}"


# --- Landmarks ------------------------------------------------------------------------------
@transaction.atomic
def landmark_create(*, local_government: LocalGovernment, actor: AbstractBaseUser,
                    name_ja: str = "", name_en: str = "", latitude: float | None = None,
                    longitude: float | None = None) -> Landmark:
    """A landmark of ``local_government`` named ``name_ja``/``name_en`` (at least one; codes
    ``landmark_name_required``), with its point or none (``validate_point``). A landmark of
    the same names there already is returned as it is (landmarks are reused year after year;
    no audit row); else one is created and ``landmark.create`` written. Rule
    ``events.edit_events``."""
    _check(actor, EDIT_RULE, local_government)
    name_ja, name_en = name_ja.strip(), name_en.strip()
    _refuse_control_characters({"new_landmark_name_ja": name_ja,
                                "new_landmark_name_en": name_en})
    if not (name_ja or name_en):
        raise ValidationError({"new_landmark_name_ja": [ValidationError(
            _("Give the landmark's name in Japanese or English."),
            code="landmark_name_required")]})
    try:
        validate_point(latitude, longitude)
    except ValidationError as exc:
        raise ValidationError({f"new_landmark_{k}": v for k, v in exc.error_dict.items()}
                              ) from exc
    existing = Landmark.objects.filter(local_government=local_government, name_ja=name_ja,
                                       name_en=name_en).first()
    if existing is not None:
        return existing
    landmark = Landmark(local_government=local_government, name_ja=name_ja, name_en=name_en,
                        latitude=latitude, longitude=longitude)
    try:
        landmark.full_clean(exclude=["local_government"])
    except ValidationError as exc:
        raise ValidationError({f"new_landmark_{k}": v for k, v in exc.error_dict.items()}
                              ) from exc
    landmark.save()
    audit_record(target=landmark, action="landmark.create", actor=actor, changes={
        name: [None, value] for name, value in field_values(
            landmark, ["name_ja", "name_en", "latitude", "longitude", "local_government"]
        ).items()})
    return landmark


# --- Events ---------------------------------------------------------------------------------
def _apply(event: Event, data: EventInput, *, actor: AbstractBaseUser) -> None:
    """Set ``event``'s fields from ``data`` after checking them; raises ``ValidationError``
    keyed by the form's field names."""
    lg = event.local_government
    texts = {name: getattr(data, name) for name in (
        "title_ja", "title_en", "description_ja", "description_en", "venue", "address",
        "online_url", "registration_url", "accessibility", "image_alt", "image_credit",
        "time_zone")}
    texts = {name: value.strip() for name, value in texts.items()}
    _refuse_control_characters(texts)
    errors: dict[str, list[ValidationError]] = {}

    def add(name: str, error: ValidationError) -> None:
        errors.setdefault(name, []).append(error)

    if data.kind not in EventKind.values:
        add("kind", ValidationError(_("Choose the type of event from the list."),
                                    code="kind_invalid"))
    if not (texts["title_ja"] or texts["title_en"]):
        add("title_ja", ValidationError(_("Give the event a title in Japanese or English."),
                                        code="title_required"))
    try:
        zone = validate_time_zone(texts["time_zone"])
    except ValidationError as exc:
        add("time_zone", exc)
        zone = None
    for name in ("online_url", "registration_url"):
        try:
            validate_web_url(texts[name])
        except ValidationError as exc:
            add(name, exc)
    try:
        validate_point(data.latitude, data.longitude)
    except ValidationError as exc:
        for name, errs in exc.error_dict.items():
            errors.setdefault(name, []).extend(errs)

    # When.
    starts_at = ends_at = None
    if data.all_day:
        start_date, end_date = data.start_date, data.end_date or data.start_date
        if start_date is None:
            add("start_date", ValidationError(_("Enter the date of the event."),
                                              code="start_required"))
    else:
        starts_at, ends_at = data.starts_at, data.ends_at
        start_date = end_date = None
        if starts_at is None or timezone.is_naive(starts_at):
            add("start_date", ValidationError(_("Enter the date and time the event starts."),
                                              code="start_required"))
        if ends_at is None or timezone.is_naive(ends_at):
            add("end_time", ValidationError(_("Enter the time the event ends."),
                                            code="end_required"))
        if zone is not None and not {"start_date", "end_time"} & errors.keys():
            # Stored and compared in UTC (the audit compares values, not instants).
            starts_at = starts_at.astimezone(datetime.UTC)
            ends_at = ends_at.astimezone(datetime.UTC)
            start_date = timezone.localtime(starts_at, zone).date()
            end_date = timezone.localtime(ends_at, zone).date()
            if ends_at < starts_at:
                add("end_date", end_before_start_error())
    for name, value in (("start_date", start_date), ("end_date", end_date)):
        if value is not None:
            try:
                validate_date_in_range(value)
            except ValidationError as exc:
                add(name, exc)
    if (start_date and end_date and end_date < start_date
            and "end_date" not in errors):
        add("end_date", end_before_start_error())

    # Where: the landmark.
    landmark = data.landmark
    if landmark is not None and data.new_landmark is not None:
        add("landmark", ValidationError(
            _("Either choose a landmark from the list or give a new one, not both."),
            code="landmark_both"))
    elif landmark is not None and not selectors_officer.landmark_choices(lg).filter(
            pk=landmark.pk).exists():
        add("landmark", ValidationError(_("Choose a landmark from the list."),
                                        code="landmark_invalid"))
    if data.kind == EventKind.LIGHT_UP and landmark is None and data.new_landmark is None:
        add("landmark", ValidationError(
            _("A light-up names the landmark lit in blue: choose one from the list or give "
              "the name of a new one."), code="landmark_required"))
    partners = list(data.partners)
    if len(partners) > MAX_PARTNERS:
        add("partners", ValidationError(_("Name at most %(max)s partners."),
                                        code="too_many_partners",
                                        params={"max": MAX_PARTNERS}))
    for partner in partners:
        if partner.kind not in PartnerKind.values or not partner.name.strip():
            add("partners", ValidationError(_("Give each partner a kind and a name."),
                                            code="partner_invalid"))
            break
        if error := control_characters_refusal(partner.name):
            add("partners", error)
            break
    if errors:
        raise ValidationError(errors)
    if data.new_landmark is not None:
        new = data.new_landmark
        landmark = landmark_create(local_government=lg, actor=actor, name_ja=new.name_ja,
                                   name_en=new.name_en, latitude=new.latitude,
                                   longitude=new.longitude)

    event.kind = data.kind
    for name, value in texts.items():
        setattr(event, name, value)
    event.time_zone = texts["time_zone"]
    event.all_day = data.all_day
    event.starts_at, event.ends_at = starts_at, ends_at
    event.start_date, event.end_date = start_date, end_date
    event.landmark = landmark
    event.latitude, event.longitude = data.latitude, data.longitude


def _check_image_texts(event: Event) -> None:
    errors = {}
    if event.image and not event.image_alt:
        errors["image_alt"] = [ValidationError(
            _("Describe the image in a few words: people who cannot see it hear this text."),
            code="image_alt_required")]
    if event.image and not event.image_credit:
        errors["image_credit"] = [ValidationError(
            _("Say who took or made the image (e.g. “© Fuchu City”)."),
            code="image_credit_required")]
    if errors:
        raise ValidationError(errors)


def _full_clean(event: Event) -> None:
    event.full_clean(exclude=["local_government", "image", "landmark", "created_by"])


def _partners_of(event: Event) -> list[list[str]]:
    return [[p.kind, p.name] for p in event.partners.all()] if event.pk else []


def _set_partners(event: Event, partners: Sequence[PartnerInput]) -> None:
    event.partners.all().delete()
    EventPartner.objects.bulk_create(
        EventPartner(event=event, kind=p.kind, name=p.name.strip()[:200], position=i)
        for i, p in enumerate(partners))


@transaction.atomic
def event_create(*, local_government: LocalGovernment, actor: AbstractBaseUser,
                 data: EventInput, image: File | None = None) -> Event:
    """Register a draft event of ``local_government`` from ``data`` (see ``EventInput``)
    and return it. ``image``: an uploaded picture, re-encoded (``core.images``); with it
    ``image_alt`` and ``image_credit`` are required (codes ``image_alt_required``,
    ``image_credit_required``). Raises ``ValidationError`` keyed by field (codes of
    ``validation`` and ``_apply``), ``PermissionDenied`` without ``events.edit_events``.
    Writes ``event.create`` (and ``landmark.create`` for a new landmark)."""
    _check(actor, EDIT_RULE, local_government)
    processed = _process_image(image, "image") if image is not None else None
    event = Event(local_government=local_government, origin=Origin.PLATFORM,
                  status=EventStatus.DRAFT, created_by=actor)
    _apply(event, data, actor=actor)
    if processed is not None:
        event.image = ContentFile(processed.content, name=_image_name(processed))
        event.image_width, event.image_height = processed.width, processed.height
    _check_image_texts(event)
    _full_clean(event)
    event.save()
    _set_partners(event, data.partners)
    changes = {name: [None, value]
               for name, value in field_values(event, EVENT_FIELDS).items()
               if value not in (None, "", False)}
    if event.image:
        changes["image"] = [None, event.image.name]
    if data.partners:
        changes["partners"] = [[], _partners_of(event)]
    audit_record(target=event, action="event.create", actor=actor, to_state=event.status,
                 changes=changes)
    return event


def _lock(event: Event | int) -> Event:
    pk = event if isinstance(event, int) else event.pk
    # (of=self: PostgreSQL locks no row of the outer-joined, nullable landmark)
    return (Event.objects.select_for_update(of=("self",))
            .select_related("local_government", "landmark").get(pk=pk))


def _refresh(event: Event, locked: Event) -> Event:
    """Copy ``locked``'s state into the caller's ``event`` object too (unless it is gone:
    a revision discarded)."""
    if Event.objects.filter(pk=event.pk).exists():
        event.refresh_from_db()
    return locked


def _lock_with_revision(event: Event) -> tuple[Event, Event | None]:
    """``(the event, its revision or None)``, both locked, the event first (also when
    ``event`` is a revision: then its event and, if it still exists, the revision)."""
    original = _lock(event.revision_of_id or event.pk)
    revision = (Event.objects.select_for_update(of=("self",))
                .select_related("local_government", "landmark")
                .filter(revision_of=original).first())
    return original, revision


def delete_unused_files_later(storage: Storage, names) -> None:
    """After commit, delete the stored files ``names`` that no event image and no photo
    uses any more (a revision shares its event's files)."""
    names = {name for name in names if name}
    if not names:
        return

    def delete() -> None:
        used = set(Event.objects.filter(image__in=names).values_list("image", flat=True))
        used |= set(EventPhoto.objects.filter(image__in=names)
                    .values_list("image", flat=True))
        for name in names - used:
            storage.delete(name)

    transaction.on_commit(delete)


def _not_editable(event: Event) -> ValidationError:
    return ValidationError(_("This event is %(status)s and can no longer be edited."),
                           code="event_not_editable",
                           params={"status": event.get_status_display()})


def _revision_create(original: Event, actor: AbstractBaseUser) -> Event:
    """A revision of the approved ``original``: a copy of its fields, partners and photos
    (sharing their files), a draft."""
    revision = Event(revision_of=original, local_government=original.local_government,
                     origin=Origin.PLATFORM, status=EventStatus.DRAFT, was_approved=False,
                     created_by=actor, sequence=original.sequence,
                     date_precision=original.date_precision)
    for name in (*selectors_officer.CONTENT_FIELDS, "image_width", "image_height"):
        setattr(revision, name, getattr(original, name))
    revision.image = original.image.name or ""
    revision.save()
    EventPartner.objects.bulk_create(
        EventPartner(event=revision, kind=p.kind, name=p.name, position=p.position)
        for p in original.partners.all())
    EventPhoto.objects.bulk_create(
        EventPhoto(event=revision, image=p.image.name, width=p.width, height=p.height,
                   alt=p.alt, credit=p.credit, position=p.position, added_by_id=p.added_by_id)
        for p in original.photos.all())
    return revision


def revision_delete(revision: Event) -> None:
    """Delete ``revision`` (locked by the caller) with its partners and photos; the files
    only it used are deleted after commit."""
    names = [revision.image.name, *revision.photos.values_list("image", flat=True)]
    storage = revision.image.storage
    revision.delete()
    delete_unused_files_later(storage, names)


def _working_copy(event: Event, actor: AbstractBaseUser, *,
                  after_event: bool = False) -> tuple[Event, Event]:
    """``(the event, what officers change of it)``, both locked: a draft, submitted or
    sent-back event itself; for an approved event its revision (created now when it has
    none). Raises ``ValidationError``: ``event_not_editable`` (cancelled, a record of the
    campaign); with ``after_event`` (the report and photos) ``event_cancelled`` for a
    cancelled event and ``event_not_started`` before it started."""
    original, revision = _lock_with_revision(event)
    if after_event and original.status == EventStatus.CANCELLED:
        raise ValidationError(_("This event was cancelled: there is nothing to report."),
                              code="event_cancelled")
    if original.origin != Origin.PLATFORM:
        raise _not_editable(original)
    if original.status == EventStatus.APPROVED:
        target = revision or _revision_create(original, actor)
    elif original.status in EDITABLE:
        target = original
    else:
        raise _not_editable(original)
    if after_event and not selectors_officer.event_has_started(target):
        raise ValidationError(
            _("The report and photos can be added once the event has started."),
            code="event_not_started")
    return original, target


def _settle(original: Event, target: Event) -> Event | None:
    """After an edit of ``target``: a revision that no longer changes anything of its
    event is discarded (returns None); else ``target``."""
    if target.pk == original.pk:
        return target
    if not selectors_officer.content_changes(selectors_officer.event_content(original),
                                             selectors_officer.event_content(target)):
        revision_delete(target)
        return None
    return target


@transaction.atomic
def event_update(*, event: Event, actor: AbstractBaseUser, data: EventInput,
                 image: File | None | _Unset = UNSET, note: str = "") -> Event:
    """Change ``event`` to ``data``; ``image``: a new picture, ``None`` removes it,
    ``UNSET`` keeps it. A draft, submitted or sent-back event is changed in place (its
    status kept); an approved event is not changed: its revision is (created on the first
    change; see the module docstring) and the event stays public as UNHCR approved it.
    Returns what was changed: the event, or its revision (the event itself when the
    revision is discarded because it no longer changes anything). ``sequence`` grows by
    one when a calendar field of an unapproved event changed. Writes ``event.update`` on
    the event with ``{field: [old, new]}`` (partners as ``[[kind, name], ...]``, the image
    by stored name); no change writes nothing. Errors as ``event_create``, and
    ``ValidationError`` code ``event_not_editable`` (cancelled, a record of the
    campaign)."""
    _check(actor, EDIT_RULE, event.local_government)
    processed = (_process_image(image, "image")
                 if image is not UNSET and image is not None else None)
    original, locked = _working_copy(event, actor)
    before = field_values(locked, EVENT_FIELDS)
    old_partners = _partners_of(locked)
    old_image = locked.image.name or ""
    _apply(locked, data, actor=actor)
    if processed is not None:
        locked.image = ContentFile(processed.content, name=_image_name(processed))
        locked.image_width, locked.image_height = processed.width, processed.height
    elif image is None:
        locked.image = None
        locked.image_width = locked.image_height = None
    _check_image_texts(locked)
    _full_clean(locked)
    changes = changed_fields(before, locked)
    new_partners = [[p.kind, p.name.strip()[:200]] for p in data.partners]
    if new_partners != old_partners:
        changes["partners"] = [old_partners, new_partners]
    image_changed = processed is not None or (image is None and bool(old_image))
    if not changes and not image_changed:
        result = _settle(original, locked) or original
        return _refresh(event, result)
    if set(changes) & set(CALENDAR_FIELDS) and locked.revision_of_id is None:
        locked.sequence += 1
    locked.save()
    if "partners" in changes:
        _set_partners(locked, data.partners)
    if image_changed:
        changes["image"] = [old_image, locked.image.name or ""]
        delete_unused_files_later(locked.image.storage, [old_image])
    audit_record(target=original, action="event.update", actor=actor, changes=changes,
                 note=note)
    result = _settle(original, locked) or original
    return _refresh(event, result)


@transaction.atomic
def event_submit(*, event: Event, actor: AbstractBaseUser, note: str = "") -> Event:
    """Send a draft or sent-back ``event`` to UNHCR for review (``submitted``,
    ``submitted_at`` now); for an approved event, its revision (its changes). Returns what
    was submitted. Else ``ValidationError`` code ``event_not_submittable`` (also an
    approved event without changes). Writes ``event.submit`` (from → to) on the event."""
    _check(actor, EDIT_RULE, event.local_government)
    original, revision = _lock_with_revision(event)
    target = revision if original.status == EventStatus.APPROVED else original
    if target is None:
        raise ValidationError(
            _("This event is approved and public, and you have not changed it: there is "
              "nothing to submit."), code="event_not_submittable",
            params={"status": original.get_status_display()})
    if target.status not in SUBMITTABLE or target.origin != Origin.PLATFORM:
        raise ValidationError(
            _("This event is %(status)s: only a draft or an event sent back can be "
              "submitted."), code="event_not_submittable",
            params={"status": target.get_status_display()})
    from_state = target.status
    target.status = EventStatus.SUBMITTED
    target.submitted_at = timezone.now()
    if target.revision_of_id is None:
        target.sequence += 1
    target.save()
    audit_record(target=original, action="event.submit", actor=actor, from_state=from_state,
                 to_state=target.status, note=note)
    return _refresh(event, target)


@transaction.atomic
def event_cancel(*, event: Event, actor: AbstractBaseUser, note: str = "") -> Event:
    """Cancel ``event`` (draft, submitted, sent back or approved; else ``ValidationError``
    code ``event_not_cancellable``); needs no review. An approved event stays public,
    marked cancelled, and calendars learn of it (``sequence`` + 1); any other is never
    public, even one approved once and sent back since (``was_approved`` is set to whether
    it was approved right before: the public pages read it). Its revision, if any, is
    discarded.
    ``note``: why. Writes ``event.cancel`` (from → to)."""
    _check(actor, EDIT_RULE, event.local_government)
    original, revision = _lock_with_revision(event)
    if original.status not in CANCELLABLE or original.origin != Origin.PLATFORM:
        raise ValidationError(_("This event is %(status)s and cannot be cancelled."),
                              code="event_not_cancellable",
                              params={"status": original.get_status_display()})
    from_state = original.status
    if revision is not None:
        revision_delete(revision)
    original.status = EventStatus.CANCELLED
    # Public once cancelled only when it was public (approved) right before.
    original.was_approved = from_state == EventStatus.APPROVED
    original.sequence += 1
    original.save()
    audit_record(target=original, action="event.cancel", actor=actor, from_state=from_state,
                 to_state=original.status, note=note)
    return _refresh(event, original)


@transaction.atomic
def event_revision_discard(*, event: Event, actor: AbstractBaseUser) -> Event:
    """Drop the changes to the approved ``event`` (its revision, whatever its state): the
    event stays as UNHCR approved it. Returns the event. No revision: nothing (no audit
    row). Writes ``event.update`` on the event with the changes dropped (new → old)."""
    _check(actor, EDIT_RULE, event.local_government)
    original, revision = _lock_with_revision(event)
    if revision is None:
        return _refresh(event, original)
    changes = selectors_officer.content_changes(selectors_officer.event_content(revision),
                                                selectors_officer.event_content(original))
    revision_delete(revision)
    audit_record(target=original, action="event.update", actor=actor, changes=changes)
    return _refresh(event, original)


@transaction.atomic
def event_report_save(*, event: Event, actor: AbstractBaseUser, report: str) -> Event:
    """Set the short report after ``event`` (at most 5,000 characters); only once the event
    has started and unless it was cancelled (``ValidationError`` codes ``event_not_started``,
    ``event_cancelled``, ``event_not_editable``). On an approved event the report goes to
    its revision (public once UNHCR approves it); returns what was changed (as
    ``event_update``). Writes ``event.report`` with ``{"report": [old, new]}`` on the
    event; the same text writes nothing."""
    _check(actor, EDIT_RULE, event.local_government)
    original, locked = _working_copy(event, actor, after_event=True)
    report = report.strip().replace("\r\n", "\n")
    _refuse_control_characters({"report": report})
    before = field_values(locked, ["report"])
    locked.report = report
    try:
        locked.clean_fields(exclude=[f.name for f in Event._meta.fields if f.name != "report"])
    except ValidationError as exc:
        raise ValidationError({"report": exc.error_dict.get("report", exc.messages)}) from exc
    changes = changed_fields(before, locked)
    if changes:
        locked.save(update_fields=["report", "updated_at"])
        audit_record(target=original, action="event.report", actor=actor, changes=changes)
    return _refresh(event, _settle(original, locked) or original)


@transaction.atomic
def event_photo_add(*, event: Event, actor: AbstractBaseUser, image: File, alt: str,
                    credit: str) -> EventPhoto:
    """Add a photo to ``event`` once it has started (errors of ``event_report_save``):
    ``image`` re-encoded (``core.images``, errors on ``image``), ``alt`` (what it shows) and
    ``credit`` required (codes ``photo_alt_required``, ``photo_credit_required``); at most
    ``MAX_PHOTOS`` (code ``too_many_photos``). On an approved event the photo goes to its
    revision (public once UNHCR approves it). Writes ``event_photo.add`` on the event."""
    _check(actor, EDIT_RULE, event.local_government)
    alt, credit = alt.strip(), credit.strip()
    _refuse_control_characters({"alt": alt, "credit": credit})
    errors = {}
    if not alt:
        errors["alt"] = [ValidationError(
            _("Describe the photo in a few words: people who cannot see it hear this text."),
            code="photo_alt_required")]
    if not credit:
        errors["credit"] = [ValidationError(
            _("Say who took the photo (e.g. “© Fuchu City”)."), code="photo_credit_required")]
    if errors:
        raise ValidationError(errors)
    processed = _process_image(image, "image")
    original, locked = _working_copy(event, actor, after_event=True)
    count = locked.photos.count()
    if count >= MAX_PHOTOS:
        raise ValidationError(_("An event has at most %(max)s photos. Remove one first."),
                              code="too_many_photos", params={"max": MAX_PHOTOS})
    position = (max(locked.photos.values_list("position", flat=True), default=-1) + 1)
    photo = EventPhoto(event=locked, alt=alt, credit=credit, position=position,
                       added_by=actor, width=processed.width, height=processed.height,
                       image=ContentFile(processed.content, name=_image_name(processed)))
    photo.full_clean(exclude=["event", "image", "added_by"])
    photo.save()
    audit_record(target=original, action="event_photo.add", actor=actor,
                 changes={"photo": [None, {"id": photo.pk, "image": photo.image.name,
                                           "alt": alt, "credit": credit}]})
    return photo


@transaction.atomic
def event_photo_remove(*, photo: EventPhoto, actor: AbstractBaseUser) -> None:
    """Remove ``photo``: from an approved event, from its revision (the photo stays public
    until UNHCR approves the changes); from a cancelled event at once (nothing new becomes
    public); else from the event. Its file is deleted after commit once nothing uses it.
    Writes ``event_photo.remove`` on the event. A photo already gone: nothing. Raises
    ``ValidationError`` code ``event_not_editable`` for a record of the campaign."""
    event = photo.event
    _check(actor, EDIT_RULE, event.local_government)
    original, revision = _lock_with_revision(event)
    if original.status == EventStatus.CANCELLED and original.origin == Origin.PLATFORM:
        target = original
    else:
        original, target = _working_copy(original, actor)
    name = photo.image.name
    locked = (EventPhoto.objects.select_for_update()
              .filter(Q(pk=photo.pk) | Q(image=name), event=target).first())
    if locked is None:
        _settle(original, target)
        return
    audit_record(target=original, action="event_photo.remove", actor=actor,
                 changes={"photo": [{"id": locked.pk, "image": locked.image.name,
                                     "alt": locked.alt, "credit": locked.credit}, None]})
    storage = locked.image.storage
    locked.delete()
    delete_unused_files_later(storage, [locked.image.name])
    _settle(original, target)


# --- Support requests -----------------------------------------------------------------------
@transaction.atomic
def support_request_create(*, local_government: LocalGovernment, actor: AbstractBaseUser,
                           items: Sequence[SupportItemInput],
                           needed_from: datetime.date | None = None,
                           needed_by: datetime.date | None = None,
                           delivery_address: str = "", message: str = "",
                           event: Event | None = None, language: str = "ja"
                           ) -> SupportRequest:
    """Ask UNHCR for support on behalf of ``local_government``: ``items`` (1 to
    ``MAX_ITEMS``; code ``items_required``, ``too_many_items``, ``item_invalid``), the dates
    it is needed (in order: ``needed_dates_order``; in range: ``date_out_of_range``),
    ``delivery_address``, ``message``, ``event``: one of the local government's events or
    None (code ``event_invalid``); ``language``: the officer's language (replies are emailed
    in it). Rule ``events.request_support``. Writes ``support_request.create``."""
    _check(actor, SUPPORT_RULE, local_government)
    delivery_address = delivery_address.strip().replace("\r\n", "\n")
    message = message.strip().replace("\r\n", "\n")
    _refuse_control_characters({"delivery_address": delivery_address, "message": message})
    errors: dict[str, list[ValidationError]] = {}
    items = list(items)
    if not items:
        errors["items"] = [ValidationError(_("Say what you ask for (at least one item)."),
                                           code="items_required")]
    elif len(items) > MAX_ITEMS:
        errors["items"] = [ValidationError(_("Ask for at most %(max)s items at once."),
                                           code="too_many_items", params={"max": MAX_ITEMS})]
    for item in items:
        if (item.kind not in SupportKind.values
                or (item.quantity is not None and not 1 <= item.quantity <= 1_000_000)
                or control_characters_refusal(item.description or "")):
            errors.setdefault("items", []).append(ValidationError(
                _("Check each item: what, how many (1 or more) and details."),
                code="item_invalid"))
            break
    for name, value in (("needed_from", needed_from), ("needed_by", needed_by)):
        if value is not None:
            try:
                validate_date_in_range(value)
            except ValidationError as exc:
                errors.setdefault(name, []).append(exc)
    if needed_from and needed_by and needed_by < needed_from and "needed_by" not in errors:
        errors["needed_by"] = [ValidationError(
            _("“Needed until” is before “needed from”. Check the dates."),
            code="needed_dates_order")]
    if event is not None and not selectors_officer.supportable_events(local_government).filter(
            pk=event.pk).exists():
        errors["event"] = [ValidationError(_("Choose one of your events from the list."),
                                           code="event_invalid")]
    if errors:
        raise ValidationError(errors)
    languages = {code for code, _name in settings.LANGUAGES}
    request = SupportRequest(local_government=local_government, event=event,
                             needed_from=needed_from, needed_by=needed_by,
                             delivery_address=delivery_address, message=message,
                             requested_by=actor,
                             language=language[:2] if language[:2] in languages else "ja")
    request.full_clean(exclude=["local_government", "event", "requested_by"])
    request.save()
    rows = [SupportItem(request=request, kind=item.kind, quantity=item.quantity,
                        description=(item.description or "").strip(), position=i)
            for i, item in enumerate(items)]
    for row in rows:
        row.full_clean(exclude=["request"])
    SupportItem.objects.bulk_create(rows)
    changes = {name: [None, value] for name, value in field_values(request, [
        "event", "needed_from", "needed_by", "delivery_address", "message", "language",
        "status"]).items() if value not in (None, "")}
    changes["items"] = [[], [[r.kind, r.quantity, r.description] for r in rows]]
    audit_record(target=request, action="support_request.create", actor=actor,
                 to_state=request.status, changes=changes)
    return request
