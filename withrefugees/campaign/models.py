"""Step 1 of the campaign: the statement (versioned ja/en texts), signatures and their review."""

import copy
import hashlib
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from withrefugees.core.emails import email_canonical_lenient
from withrefugees.core.models import BilingualMixin, TimeStampedModel
from withrefugees.core.validators import no_invisible_characters
from withrefugees.places.models import LocalGovernment


def normalise_text(text: str) -> str:
    """NFC, ``\n`` line endings (browsers send ``\r\n``), no surrounding white space."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def content_hash(body: str) -> str:
    """SHA-256 (hex, 64 chars) of the normalised text (``normalise_text``)."""
    return hashlib.sha256(normalise_text(body).encode("utf-8")).hexdigest()


class StatementVersion(TimeStampedModel):
    """A version of the Cities #WithRefugees statement. Exactly one is current."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    is_current = models.BooleanField(_("current version"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("statement version")
        verbose_name_plural = _("statement versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True),
                                    name="one_current_statement_version"),
        ]

    def __str__(self) -> str:
        return _("Statement version %(number)s") % {"number": self.number}


class StatementText(TimeStampedModel):
    """The text of a statement version in one language.

    Once anyone has signed a text it is immutable (``save`` raises ``ValidationError``):
    each signature records the exact text and its ``content_hash``. A text that nobody has
    signed yet may be replaced, e.g. staff replacing a translation with the official text.
    """

    version = models.ForeignKey(StatementVersion, on_delete=models.PROTECT, related_name="texts",
                                verbose_name=_("version"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    is_translation = models.BooleanField(
        _("unofficial translation"), default=False,
        help_text=_("Shown with a notice until the official text replaces it."),
    )
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("statement text")
        verbose_name_plural = _("statement texts")
        constraints = [
            models.UniqueConstraint(fields=["version", "language"],
                                    name="one_statement_text_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.language})"

    @property
    def is_signed(self) -> bool:
        return self.pk is not None and self.signatures.exists()

    def text_hash(self) -> str:
        """The content hash of the current title and body (what a signer sees)."""
        return content_hash(self.title + "\n" + self.body)

    def save(self, *args, **kwargs):
        self.title, self.body = normalise_text(self.title), normalise_text(self.body)
        new_hash = self.text_hash()
        if self.pk and self.content_hash and new_hash != self.content_hash and self.is_signed:
            raise ValidationError(_("This text has been signed and can no longer be changed. "
                                    "Create a new statement version instead."))
        self.content_hash = new_hash
        super().save(*args, **kwargs)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in re.split(r"\n\s*\n", self.body) if p.strip()]


class RejectionReason(BilingualMixin, models.Model):
    """A reason staff can give when rejecting a signature (list managed by staff)."""

    label_ja = models.CharField(_("reason (Japanese)"), max_length=200)
    label_en = models.CharField(_("reason (English)"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.localised("label")


class SignatureQuerySet(models.QuerySet):
    def published(self) -> "SignatureQuerySet":
        return self.filter(status=Signature.Status.PUBLISHED)

    def awaiting_review(self) -> "SignatureQuerySet":
        return self.filter(status=Signature.Status.PENDING)

    def active(self) -> "SignatureQuerySet":
        """Pending or published: the ones that stop a local government signing again."""
        return self.filter(status__in=Signature.ACTIVE_STATUSES)

    def with_places(self) -> "SignatureQuerySet":
        return self.select_related("local_government__country", "local_government__region",
                                   "statement_text__version")


class DatePrecision(models.TextChoices):
    """How much of a date of record is known (``Signature.signed_on_precision``).

    The date stored is the first day of what is known: ``month`` → day 1, ``year`` → 1
    January; the ``on_or_before*`` kinds store the latest possible date at their precision
    ("listed as a signatory on or before 2 May 2022": 2022-05-02). ``unknown``: no date.
    Source of the kinds: ``shared/reference/README.md`` (``YYYY-MM-DD``, ``YYYY-MM``,
    ``YYYY``, ``<=YYYY-MM-DD``, empty). Shown by ``campaign.dates.date_of_record``.
    """

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    ON_OR_BEFORE = "on_or_before", _("on or before (day)")
    ON_OR_BEFORE_MONTH = "on_or_before_month", _("in or before (month)")
    ON_OR_BEFORE_YEAR = "on_or_before_year", _("in or before (year)")
    UNKNOWN = "unknown", _("unknown")


#: Precisions whose stored date is the first day of a month / of a year.
MONTH_PRECISIONS = (DatePrecision.MONTH, DatePrecision.ON_OR_BEFORE_MONTH)
YEAR_PRECISIONS = (DatePrecision.YEAR, DatePrecision.ON_OR_BEFORE_YEAR)


def _fits_precision(value, precision: str) -> bool:
    """True when ``value`` (a date, an ISO 8601 string or None) is stored as ``precision``
    requires."""
    value = models.DateField().to_python(value)
    if value is None or precision == DatePrecision.UNKNOWN:
        return value is None and precision == DatePrecision.UNKNOWN
    if precision in MONTH_PRECISIONS:
        return value.day == 1
    if precision in YEAR_PRECISIONS:
        return value.day == 1 and value.month == 1
    return True


class Signature(TimeStampedModel):
    """A local government's signature of the statement, from submission to publication.

    Flow: ``unconfirmed`` (email link sent) → ``pending`` (email confirmed; awaiting UNHCR
    review) → ``published`` | ``rejected``; a published one can be ``withdrawn``.
    The database allows at most one pending or published signature per local government.
    Every change goes through ``campaign.services`` and leaves a row in the one audit trail
    (``core.AuditEntry``, actions ``signature.<verb>``).
    """

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("awaiting email confirmation")
        PENDING = "pending", _("awaiting review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Origin(models.TextChoices):
        ONLINE = "online", _("signed online")
        CAMPAIGN_RECORD = "campaign_record", _("from the campaign's records")

    ACTIVE_STATUSES = (Status.PENDING, Status.PUBLISHED)

    local_government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT,
                                         related_name="signatures",
                                         verbose_name=_("local government"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.UNCONFIRMED, db_index=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices,
                              default=Origin.ONLINE)
    statement_text = models.ForeignKey(StatementText, on_delete=models.PROTECT,
                                       related_name="signatures",
                                       verbose_name=_("statement text signed"))
    statement_hash = models.CharField(_("hash of the text signed"), max_length=64)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    signatory_name = models.CharField(_("signatory's name"), max_length=100, blank=True,
                                      validators=[no_invisible_characters])
    signatory_title = models.CharField(_("signatory's title"), max_length=100, blank=True,
                                       validators=[no_invisible_characters])
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True,
                                    validators=[no_invisible_characters])
    department = models.CharField(_("department"), max_length=150, blank=True,
                                  validators=[no_invisible_characters])
    email = models.EmailField(_("official email"), max_length=254, blank=True)
    # The mailbox behind ``email`` (``core.emails.email_canonical``): what the daily limit
    # per mailbox compares. Kept in step with ``email`` by ``save``.
    email_canonical = models.CharField(_("canonical mailbox"), max_length=254, blank=True,
                                       editable=False)
    website = models.URLField(_("website"), max_length=300, blank=True)
    message = models.TextField(_("message"), max_length=1000, blank=True,
                               validators=[no_invisible_characters])
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    signed_on = models.DateField(_("date signed"), null=True, blank=True,
                                 help_text=_("Empty when the date is not known."))
    # How much of ``signed_on`` is known (``DatePrecision``); kept in step by ``save``: a
    # date set where none was (confirmation, staff) is a day, no date is ``unknown``.
    signed_on_precision = models.CharField(_("precision of the date signed"), max_length=20,
                                           choices=DatePrecision.choices,
                                           default=DatePrecision.UNKNOWN)
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(_("confirmation email sent at"), null=True,
                                                blank=True)
    confirmation_send_count = models.PositiveSmallIntegerField(
        _("confirmation emails sent"), default=0)
    rejection_reason = models.ForeignKey(RejectionReason, on_delete=models.PROTECT, null=True,
                                         blank=True, verbose_name=_("rejection reason"))
    # One submission of the sign form (a random key in a hidden field, new for every page
    # shown): a second POST with the same key gives this signature again
    # (``services.signature_submit``). Empty for rows made otherwise.
    submission_key = models.CharField(_("submission key"), max_length=64, blank=True,
                                      default="", editable=False)
    # Who sent the form: a keyed hash of the sender's network (``services.sender_of``), what
    # the per-mailbox limit counts per sender. Never the address itself.
    sender = models.CharField(_("sender (hashed)"), max_length=64, blank=True, default="",
                              editable=False)
    # For a place typed in by the signer ("not in the list"): the region as *this* signer
    # typed it. Shown for this signature (``place_label``); the place row takes it only
    # while no signature of the place is confirmed, and on confirmation.
    region_text = models.CharField(_("region (as entered by this signer)"), max_length=150,
                                   blank=True, default="", editable=False)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at"]
        # Publishing, rejecting and withdrawing: a permission of its own, apart from the
        # model's change permission (which only edits contact details, through a service).
        permissions = [
            ("review_signature", _("Can review signatures (publish, reject, withdraw)")),
        ]
        indexes = [  # the daily limit per mailbox (``services.signature_submit``)
            models.Index(fields=["email_canonical", "created_at"],
                         name="signature_mailbox_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["local_government"],
                condition=Q(status__in=["pending", "published"]),
                name="one_active_signature_per_local_government",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["unconfirmed", "pending", "published", "rejected",
                                        "withdrawn"]),
                name="signature_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_signature_has_published_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | Q(rejection_reason__isnull=False),
                name="rejected_signature_has_reason",
            ),
            models.CheckConstraint(  # a date at its precision (``DatePrecision``)
                condition=(Q(signed_on_precision="unknown", signed_on__isnull=True)
                           | Q(signed_on_precision__in=["day", "on_or_before"],
                               signed_on__isnull=False)
                           | Q(signed_on_precision__in=["month", "on_or_before_month"],
                               signed_on__isnull=False, signed_on__day=1)
                           | Q(signed_on_precision__in=["year", "on_or_before_year"],
                               signed_on__isnull=False, signed_on__day=1,
                               signed_on__month=1)),
                name="signature_signed_on_at_its_precision",
            ),
            models.UniqueConstraint(  # one signature per submission of the form
                fields=["submission_key"], condition=~Q(submission_key=""),
                name="signature_submission_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_government} – {self.get_status_display()}"

    @property
    def place_label(self) -> str:
        """The local government's label for this signature: for a place typed in by a
        signer ("not in the list") and a signature not confirmed, with the region *this*
        signer typed, never another submitter's. Otherwise (reference places, confirmed
        signatures, a region set by staff) the place's own label."""
        lg = self.local_government
        if (lg.source != LocalGovernment.DataSource.SUBMITTED or lg.region_id
                or self.status in self.ACTIVE_STATUSES or self.region_text == lg.region_text):
            return lg.label
        own = copy.copy(lg)
        own.region_text = self.region_text
        return own.label

    def save(self, *args, **kwargs):
        """Save, with ``email_canonical`` derived from ``email`` (also when only ``email`` is
        in ``update_fields``)."""
        self.email_canonical = email_canonical_lenient(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_canonical"}
        self._sync_signed_on_precision()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "signed_on" in update_fields:
            kwargs["update_fields"] = {*update_fields, "signed_on_precision"}
        super().save(*args, **kwargs)


    def _sync_signed_on_precision(self) -> None:
        """Keep ``signed_on_precision`` true to ``signed_on``: no date is ``unknown``; a date
        that does not fit the precision (set at confirmation or by staff, who give a full
        date) is a ``day``. A date that fits keeps its precision (a month stays a month)."""
        if self.signed_on is None:
            self.signed_on_precision = DatePrecision.UNKNOWN
        elif not _fits_precision(self.signed_on, self.signed_on_precision):
            self.signed_on_precision = DatePrecision.DAY


class SignatureAwaitingReview(Signature):
    """The review queue in the admin: confirmed signatures waiting for a UNHCR decision."""

    class Meta:
        proxy = True
        verbose_name = _("signature awaiting review")
        verbose_name_plural = _("signatures awaiting review")


class SignatoryRecord(TimeStampedModel):
    """One row of the campaign's attested list of signatories
    (``campaign/data/signatories.csv``, from ``shared/reference``), as loaded by
    ``seed.signatory_records_load``: the row as the source gives it, the place it was
    matched to, and the signature that shows it (None when the local government had
    already signed online, whose signature wins).

    ``key`` identifies the row across loads (country, folded name and region), so that a
    second load changes nothing, also after staff withdraw the signature.
    """

    class Match(models.TextChoices):
        REFERENCE = "reference", _("matched to the reference data")
        NEW_PLACE = "new_place", _("not in the reference data: place created")

    key = models.CharField(_("record key"), max_length=300, unique=True)
    local_government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT,
                                         related_name="+", verbose_name=_("local government"))
    signature = models.OneToOneField(Signature, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="record",
                                     verbose_name=_("signature"))
    match = models.CharField(_("match"), max_length=20, choices=Match.choices)
    name_en = models.CharField(_("name (English) as in the source"), max_length=200)
    name_local = models.CharField(_("local name as in the source"), max_length=200,
                                  blank=True)
    country_code = models.CharField(_("country (ISO 3166-1) as in the source"), max_length=2)
    region_text = models.CharField(_("region as in the source"), max_length=150, blank=True)
    date_text = models.CharField(_("date as in the source"), max_length=20, blank=True)
    signing_order = models.PositiveSmallIntegerField(
        _("order of signing in Japan"), null=True, blank=True)
    sort_on = models.DateField(
        _("date for ordering"), null=True, blank=True, editable=False,
        help_text=_("Only orders the list by date; never shown. In Japan, the latest date "
                    "known of this or an earlier signatory in the signing order."))
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("signatory record")
        verbose_name_plural = _("signatory records")
        ordering = ["signing_order", "pk"]

    def __str__(self) -> str:
        return f"{self.name_local or self.name_en} ({self.country_code})"


class SignatoryRecordSource(models.Model):
    """A public source that attests a ``SignatoryRecord``: its address, what it is
    (``label``, e.g. "UNHCR press release 20 Jun 2019") and what it says (``note``)."""

    record = models.ForeignKey(SignatoryRecord, on_delete=models.CASCADE,
                               related_name="sources", verbose_name=_("record"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    url = models.URLField(_("address"), max_length=2000)
    label = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("what it says"), blank=True)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "position"],
                                    name="one_source_per_record_position"),
        ]

    def __str__(self) -> str:
        return self.url
