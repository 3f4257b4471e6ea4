"""State of step 3 (Act with UNHCR).

- ``Landmark``: a building or place lit in blue on World Refugee Day, a record of its own so
  that the platform can say which landmarks were lit in which years.
- ``Event``: an event of a local government (a light-up, a photo exhibition, a film
  screening, a forum or joint event, an event for young people and children, other), from
  draft through UNHCR's review to public; also the campaign's attested past light-ups
  (``origin=reference``, from ``data/lightups-japan.csv``, with their sources).
- ``EventPartner``, ``EventPhoto``: who the event is held with; photos after the event.
- ``SupportRequest`` (+ ``SupportItem``, ``SupportReply``): what an officer asks UNHCR for
  (materials, a film, exhibition panels, a speaker, other), worked through by staff.
- ``ReminderSchedule``, ``ReminderSent``: the date of the World Refugee Day reminder of a
  year (set by staff) and the local governments already reminded that year (once each).
- ``ReportedTotal``: the number of landmarks lit in Japan that UNHCR or the press reported
  for a year, with its source (not the platform's own count).

Dates: ``start_date``/``end_date`` are always set: the dates of record in the event's own
``time_zone`` (the local government's by default). A timed event also has aware
``starts_at``/``ends_at``; an all-day event has none (``all_day``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from withrefugees.core.models import BilingualMixin, TimeStampedModel
from withrefugees.places.models import LocalGovernment

#: Earliest and latest year an event may be in (the campaign began in 2018; the first
#: light-ups in Japan are of 2019; a decade ahead is the most anyone plans).
EARLIEST_YEAR = 2018
LATEST_YEAR_AHEAD = 10


class EventKind(models.TextChoices):
    """The kinds of step 3 named by the campaign brochure (``shared/seed``)."""

    LIGHT_UP = "light_up", _("World Refugee Day light-up")
    PHOTO_EXHIBITION = "photo_exhibition", _("photo exhibition")
    FILM_SCREENING = "film_screening", _("film screening")
    FORUM = "forum", _("forum or joint event")
    YOUTH = "youth", _("event for youth and children")
    OTHER = "other", _("other")


class EventStatus(models.TextChoices):
    """``draft`` (officers only) → ``submitted`` (awaiting UNHCR) → ``approved`` (public)
    or ``returned`` (sent back with a comment, editable, submitted again); ``cancelled``
    (by its officers or staff; an approved event stays public, marked cancelled, so that
    calendars that had it learn of the cancellation)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("awaiting review")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("sent back")
    CANCELLED = "cancelled", _("cancelled")


class Origin(models.TextChoices):
    PLATFORM = "platform", _("registered on the platform")
    REFERENCE = "reference", _("campaign records")


class DatePrecision(models.TextChoices):
    """How much of the date is known: ``day`` (the dates given), ``year`` (only the year:
    a light-up of the campaign's records whose source names the year, shown as "World
    Refugee Day <year>", never as a day)."""

    DAY = "day", _("day")
    YEAR = "year", _("year")


class PartnerKind(models.TextChoices):
    REFUGEES = "refugees", _("refugees")
    COMPANY = "company", _("company")
    UNIVERSITY = "university", _("university")
    CIVIL_SOCIETY = "civil_society", _("civil society")
    OTHER = "other", _("other")


class Landmark(BilingualMixin, TimeStampedModel):
    """A landmark lit in blue: ``name_ja``/``name_en`` (one may be empty), the
    ``local_government`` it stands in (``other_local_governments``: a landmark that spans
    several, e.g. the Akashi Kaikyo Bridge of Kobe and Awaji), a point (WGS 84 degrees) or
    none; ``point_approximate``: the point is the local government's, not the landmark's
    own (the campaign's records name landmarks without coordinates)."""

    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    local_government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT,
                                         related_name="landmarks",
                                         verbose_name=_("local government"))
    other_local_governments = models.ManyToManyField(
        LocalGovernment, blank=True, related_name="+",
        verbose_name=_("also in these local governments"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    point_approximate = models.BooleanField(
        _("approximate point (the local government's)"), default=False)

    class Meta:
        verbose_name = _("landmark")
        verbose_name_plural = _("landmarks")
        ordering = ["local_government", "name_ja", "name_en"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_ja="") | ~Q(name_en=""),
                                   name="landmark_has_name"),
            models.UniqueConstraint(fields=["local_government", "name_ja", "name_en"],
                                    name="landmark_unique_name_per_local_government"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True, longitude__isnull=True)
                           | Q(latitude__gte=-90, latitude__lte=90,
                               longitude__gte=-180, longitude__lte=180)),
                name="landmark_point_valid"),
        ]

    def __str__(self) -> str:
        return self.localised("name") or self.name_ja or self.name_en


#: The statuses a revision may have (it is never approved, cancelled or public).
REVISION_STATUSES = (EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.RETURNED)


class Event(BilingualMixin, TimeStampedModel):
    """One event of ``local_government`` (see the module docstring for the dates).

    Public when ``status`` is ``approved`` or it is ``cancelled`` after approval
    (``was_approved``: approved once; on a cancelled event, approved right before it was
    cancelled, ``services.event_cancel``; one sent back and then cancelled is not public).
    ``uid`` and
    ``sequence`` are its iCalendar UID and SEQUENCE: ``sequence`` grows by one with every
    change a calendar must learn of (time, place, text, cancellation).

    A *revision* (``revision_of`` set) is the officers' changes to an approved event,
    waiting for UNHCR's review: a copy of the event's fields, partners and photos that
    they edit and submit while the approved event stays public as it was; staff approve
    it (merged into the event, then deleted) or send it back. At most one per event; never
    approved, cancelled or public (check constraint); lists and counts leave revisions out
    (``revision_of__isnull=True``)."""

    local_government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT,
                                         related_name="events",
                                         verbose_name=_("local government"))
    kind = models.CharField(_("type"), max_length=30, choices=EventKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=EventStatus.choices,
                              default=EventStatus.DRAFT)
    was_approved = models.BooleanField(_("approved once"), default=False)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices,
                              default=Origin.PLATFORM)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_ja = models.TextField(_("description (Japanese)"), max_length=5000,
                                      blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000,
                                      blank=True)
    # When (see the module docstring).
    all_day = models.BooleanField(_("all day"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Tokyo")
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    start_date = models.DateField(_("start date"), db_index=True)
    end_date = models.DateField(_("end date"))
    date_precision = models.CharField(_("precision of the date"), max_length=10,
                                      choices=DatePrecision.choices,
                                      default=DatePrecision.DAY)
    # Where.
    landmark = models.ForeignKey(Landmark, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="events", verbose_name=_("landmark"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    registration_url = models.URLField(_("registration link"), max_length=500, blank=True)
    accessibility = models.TextField(_("accessibility information"), max_length=2000,
                                     blank=True)
    # The image shown with the event (alt text and credit required with it).
    image = models.ImageField(_("image"), upload_to="events/", blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(_("image description (alt text)"), max_length=300,
                                 blank=True)
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    # After the event.
    report = models.TextField(_("report after the event"), max_length=5000, blank=True)
    # Review.
    review_comment = models.TextField(_("comment from UNHCR"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    revision_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="revisions",
        verbose_name=_("changes to"), editable=False)
    # iCalendar.
    uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True,
                           editable=False)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    # Campaign records (origin=reference).
    sources = models.TextField(_("sources"), blank=True,
                               help_text=_("addresses separated by \" | \""))
    source_note = models.TextField(_("note on the sources"), blank=True)
    reference_key = models.CharField(_("key in the campaign's records"), max_length=64,
                                     blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[c.value for c in EventKind]),
                                   name="event_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=[c.value for c in EventStatus]),
                                   name="event_status_valid"),
            models.CheckConstraint(condition=~Q(title_ja="") | ~Q(title_en=""),
                                   name="event_has_title"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")),
                                   name="event_end_not_before_start"),
            models.CheckConstraint(
                condition=(Q(all_day=True, starts_at__isnull=True, ends_at__isnull=True)
                           | Q(all_day=False, starts_at__isnull=False,
                               ends_at__gte=F("starts_at"))),
                name="event_times_match_all_day"),
            models.CheckConstraint(condition=~Q(kind="light_up") | Q(landmark__isnull=False),
                                   name="event_light_up_has_landmark"),
            models.CheckConstraint(
                condition=Q(image="") | (~Q(image_alt="") & ~Q(image_credit="")),
                name="event_image_has_alt_and_credit"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True, longitude__isnull=True)
                           | Q(latitude__gte=-90, latitude__lte=90,
                               longitude__gte=-180, longitude__lte=180)),
                name="event_point_valid"),
            models.CheckConstraint(
                condition=Q(origin="reference") | Q(date_precision="day"),
                name="event_year_precision_only_for_records"),
            models.UniqueConstraint(fields=["reference_key"], condition=~Q(reference_key=""),
                                    name="event_reference_key_unique"),
            models.UniqueConstraint(fields=["revision_of"],
                                    condition=Q(revision_of__isnull=False),
                                    name="event_one_revision_per_event"),
            models.CheckConstraint(
                condition=(Q(revision_of__isnull=True)
                           | Q(status__in=[s.value for s in REVISION_STATUSES],
                               was_approved=False, origin="platform")),
                name="event_revision_never_public"),
        ]
        indexes = [models.Index(fields=["status", "start_date"]),
                   models.Index(fields=["local_government", "status"])]

    def __str__(self) -> str:
        return self.localised("title") or self.title_ja or self.title_en

    @property
    def is_public(self) -> bool:
        if self.revision_of_id is not None:
            return False
        return self.status == EventStatus.APPROVED or (
            self.status == EventStatus.CANCELLED and self.was_approved)

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    @property
    def pending_revision(self) -> "Event | None":
        """The revision of this event (its officers' changes awaiting review), or None
        (reads ``revisions``: prefetch it for a list)."""
        if self.pk is None or self.revision_of_id is not None:
            return None
        revisions = list(self.revisions.all())
        return revisions[0] if revisions else None


class EventAwaitingReview(Event):
    """The review queue's entry on the admin's home page (as step 1's signatures awaiting
    review): events and changes to approved events submitted to UNHCR."""

    class Meta:
        proxy = True
        verbose_name = _("event awaiting review")
        verbose_name_plural = _("events awaiting review")


class EventPartner(models.Model):
    """Who ``event`` is held with: ``kind`` and ``name`` (e.g. a university's name)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(_("kind of partner"), max_length=20, choices=PartnerKind.choices)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[c.value for c in PartnerKind]),
                                   name="event_partner_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="event_partner_has_name"),
        ]

    def __str__(self) -> str:
        return self.name


class EventPhoto(TimeStampedModel):
    """A photo of ``event`` after it took place: ``alt`` and ``credit`` required."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="events/photos/")
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    alt = models.CharField(_("description (alt text)"), max_length=300)
    credit = models.CharField(_("credit"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(alt="") & ~Q(credit=""),
                                   name="event_photo_has_alt_and_credit"),
        ]

    def __str__(self) -> str:
        return self.alt


class SupportStatus(models.TextChoices):
    NEW = "new", _("new")
    IN_PROGRESS = "in_progress", _("in progress")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")


class SupportKind(models.TextChoices):
    MATERIALS = "materials", _("materials (posters, leaflets)")
    FILM = "film", _("a film for a screening")
    PANELS = "panels", _("exhibition panels")
    SPEAKER = "speaker", _("a speaker")
    OTHER = "other", _("other")


class SupportRequest(TimeStampedModel):
    """What ``local_government`` asks UNHCR for, for ``event`` or on its own: ``items``
    (kind, quantity, description), the dates it is needed (``needed_from`` … ``needed_by``),
    ``delivery_address``, a ``message``; staff move ``status`` and answer (``replies``: each
    reply is emailed to the officer who asked and shown in the workspace)."""

    local_government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT,
                                         related_name="support_requests",
                                         verbose_name=_("local government"))
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="support_requests", verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=20, choices=SupportStatus.choices,
                              default=SupportStatus.NEW)
    needed_from = models.DateField(_("needed from"), null=True, blank=True)
    needed_by = models.DateField(_("needed until"), null=True, blank=True)
    delivery_address = models.TextField(_("delivery address"), max_length=500, blank=True)
    message = models.TextField(_("message to UNHCR"), max_length=3000, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    # The officer's language when asking: replies are emailed in it.
    language = models.CharField(_("language"), max_length=2, default="ja")

    class Meta:
        verbose_name = _("support request")
        verbose_name_plural = _("support requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[c.value for c in SupportStatus]),
                name="support_request_status_valid"),
            models.CheckConstraint(
                condition=(Q(needed_from__isnull=True) | Q(needed_by__isnull=True)
                           | Q(needed_by__gte=F("needed_from"))),
                name="support_request_dates_in_order"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.local_government}"


class SupportItem(models.Model):
    """One thing asked for in ``request``: ``kind``, ``quantity`` (1 or more; None when
    it is not a count, e.g. a speaker), ``description``."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE,
                                related_name="items")
    kind = models.CharField(_("what"), max_length=20, choices=SupportKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    description = models.CharField(_("details"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("item asked for")
        verbose_name_plural = _("items asked for")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[c.value for c in SupportKind]),
                                   name="support_item_kind_valid"),
            models.CheckConstraint(condition=Q(quantity__isnull=True) | Q(quantity__gte=1),
                                   name="support_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class SupportReply(TimeStampedModel):
    """A reply of UNHCR staff to ``request`` (emailed after commit, listed in the
    workspace)."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE,
                                related_name="replies")
    body = models.TextField(_("reply"), max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(body=""),
                                              name="support_reply_not_empty")]

    def __str__(self) -> str:
        return self.body[:60]


class ReminderSchedule(models.Model):
    """The day the World Refugee Day reminder of ``year`` goes out (staff set it; without a
    row, six weeks before 20 June: ``reminders.DEFAULT_WEEKS_BEFORE``)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    send_on = models.DateField(_("send on"))

    class Meta:
        verbose_name = _("World Refugee Day reminder date")
        verbose_name_plural = _("World Refugee Day reminder dates")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.send_on}"


class ReminderSent(models.Model):
    """``local_government`` was reminded of World Refugee Day ``year`` (one row per year and
    local government: the unique constraint is what makes a re-run after a crash send
    nothing twice; the emails are promised in the same transaction, ``core.outbox``)."""

    local_government = models.ForeignKey(LocalGovernment, on_delete=models.CASCADE,
                                         related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    sent_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("officers emailed"), default=0)

    class Meta:
        verbose_name = _("World Refugee Day reminder sent")
        verbose_name_plural = _("World Refugee Day reminders sent")
        constraints = [models.UniqueConstraint(fields=["local_government", "year"],
                                               name="reminder_once_per_year")]

    def __str__(self) -> str:
        return f"{self.local_government} {self.year}"


class ReportedTotal(BilingualMixin, models.Model):
    """How many landmarks were lit in Japan on World Refugee Day ``year`` as reported by
    UNHCR or the press: ``total`` (the number), ``text_ja``/``text_en`` (as reported, e.g.
    "about 20", "67 landmarks and 6 koinobori"), ``source_url`` and ``source_label``
    (from ``shared/reference/README.md``)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    total = models.PositiveIntegerField(_("total reported"))
    text_ja = models.CharField(_("as reported (Japanese)"), max_length=200, blank=True)
    text_en = models.CharField(_("as reported (English)"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    source_label = models.CharField(_("source name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reported total of light-ups")
        verbose_name_plural = _("reported totals of light-ups")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.total}"
