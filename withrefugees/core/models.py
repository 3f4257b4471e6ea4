"""Shared model bases, the one audit trail, and bilingual fields."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

#: Languages of stored bilingual content (``<field>_ja``, ``<field>_en``), in fallback order.
CONTENT_LANGUAGES = ("ja", "en")


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and ``updated_at`` (aware datetimes, UTC in the database)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Localised:
    """A text and the language it is in (``lang``, for an HTML ``lang`` attribute when it
    differs from the page's: only the other language was given). From
    ``BilingualMixin.localised_with_language``; one type for every app's pages."""

    text: str
    lang: str

    def __bool__(self) -> bool:
        return bool(self.text)

    def __str__(self) -> str:
        return self.text


class BilingualMixin:
    """Content kept in Japanese and English as ``<base>_ja`` and ``<base>_en`` fields.

    ``localised("name")`` gives the text in the active language (or ``language``), falling
    back to the other language (unless ``fallback=False``), then to ``default``. The one
    pattern for bilingual content (place names, rejection reasons, and later GCR
    objectives, areas of focus, event types).
    """

    def localised_with_language(self, base: str, language: str | None = None, *,
                                fallback: bool = True) -> tuple[str, str]:
        """``(text, language code of the text)``: as ``localised``, with the language the
        text is in (for an HTML ``lang`` attribute when it fell back); ``("", language)``
        when there is none."""
        language = (language or get_language() or CONTENT_LANGUAGES[0])[:2]
        order = [language]
        if fallback:
            order += [code for code in CONTENT_LANGUAGES if code != language]
        for code in order:
            value = getattr(self, f"{base}_{code}", "")
            if value:
                return value, code
        return "", language

    def localised(self, base: str, language: str | None = None, *, default: str = "",
                  fallback: bool = True) -> str:
        return self.localised_with_language(base, language, fallback=fallback)[0] or default


class AuditEntry(models.Model):
    """One row of the audit trail, for any record of any app: who did what, when, from
    which state to which, which fields changed (``changes``: ``{field: [old, new]}``, JSON
    values) and a note. Written only through ``core.audit.audit_record`` by services."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("by"))
    # The actor's id, kept when the account is deleted (``actor`` is then empty; the
    # account's deletion is itself a row of the trail, naming who it was).
    actor_pk = models.PositiveBigIntegerField(_("by (user id)"), null=True, blank=True,
                                              editable=False)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("kind of record"))
    object_id = models.CharField(_("record id"), max_length=64)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    changes = models.JSONField(_("fields changed"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail entries")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"],
                                name="audit_record_time")]

    def __str__(self) -> str:
        states = f" ({self.from_state or '—'} → {self.to_state})" if self.to_state else ""
        return f"{self.action} {self.object_repr}{states}"

    @property
    def actor_label(self) -> str:
        """Who did it, for staff: the account's address, "a former officer (#id)" once the
        account is deleted (the local government's records stay, attributed so; the id
        finds the ``account.delete`` row), or "" for the platform itself or an anonymous
        signer."""
        if self.actor is not None:
            return self.actor.email
        if self.actor_pk:
            return _("a former officer (#%(id)s)") % {"id": self.actor_pk}
        return ""


class OutboundEmail(models.Model):
    """One email the platform has promised to send: the transactional outbox.

    Written by ``core.outbox.outbox_enqueue`` in the same transaction as the change the
    email is about (so a rolled-back change promises nothing, and a committed one is never
    forgotten), then delivered by the task worker (``core.outbox.outbox_deliver``): right
    after commit, and by the sweeper every minute for whatever is due and not being sent.
    ``kind`` names the handler that renders it (e.g. ``signature.confirm``), ``args`` its
    JSON arguments (e.g. ``{"signature_id": 7, "expected_status": "unconfirmed"}``);
    ``content_type``/``object_id`` name the record it is about (a signature).

    Life cycle: ``pending`` → ``sent`` (the SMTP server accepted it), ``failed`` (given up
    after ``core.outbox.MAX_ATTEMPTS`` attempts, or refused for good; ``last_error`` says
    why) or ``cancelled`` (no longer relevant when its turn came, e.g. a "published" email
    after a withdrawal). A worker owns a pending row while ``claimed_until`` is in the
    future (``claim_token`` says which worker).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled (no longer relevant)")

    class Error(models.TextChoices):
        NONE = "", _("none")
        REFUSED = "refused", _("the address was refused")
        UNREACHABLE = "unreachable", _("the mail server could not be reached")
        OTHER = "other", _("the mail could not be sent")

    kind = models.CharField(_("kind"), max_length=60)
    args = models.JSONField(_("arguments"), default=dict, blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("kind of record"))
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("kind of error"), max_length=12, choices=Error.choices,
                             default=Error.NONE, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    claim_token = models.CharField(_("claim token"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-pk"]
        permissions = [("retry_outboundemail", "Can send a failed email again")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["content_type", "object_id", "created_at"],
                         name="outbox_record"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed", "cancelled"]),
                name="outbox_status_valid"),
            models.CheckConstraint(  # sent_at exactly when sent
                condition=(models.Q(status="sent", sent_at__isnull=False)
                           | (~models.Q(status="sent") & models.Q(sent_at__isnull=True))),
                name="outbox_sent_at_iff_sent"),
            models.CheckConstraint(  # a failure always says why
                condition=~models.Q(status="failed") | ~models.Q(last_error=""),
                name="outbox_failed_has_reason"),
            models.CheckConstraint(  # only a pending email can be being sent
                condition=models.Q(status="pending") | models.Q(claimed_until__isnull=True),
                name="outbox_claim_only_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
