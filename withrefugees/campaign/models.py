"""Step 1 of the campaign: the statement (versioned ja/en texts), signatures and their review."""

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
    email_confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(_("confirmation email sent at"), null=True,
                                                blank=True)
    confirmation_send_count = models.PositiveSmallIntegerField(
        _("confirmation emails sent"), default=0)
    rejection_reason = models.ForeignKey(RejectionReason, on_delete=models.PROTECT, null=True,
                                         blank=True, verbose_name=_("rejection reason"))

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
        ]

    def __str__(self) -> str:
        return f"{self.local_government} – {self.get_status_display()}"

    def save(self, *args, **kwargs):
        """Save, with ``email_canonical`` derived from ``email`` (also when only ``email`` is
        in ``update_fields``)."""
        self.email_canonical = email_canonical_lenient(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_canonical"}
        super().save(*args, **kwargs)


class SignatureAwaitingReview(Signature):
    """The review queue in the admin: confirmed signatures waiting for a UNHCR decision."""

    class Meta:
        proxy = True
        verbose_name = _("signature awaiting review")
        verbose_name_plural = _("signatures awaiting review")
