"""State of step 4: pledges of local governments to the Global Compact on Refugees (GCR).

The vocabulary is the GCR's, as the public sources attest it
(``shared/reference/gcr-pledge-fields.md``, cited below as §n and S1…S13):

- ``Pledge``: one pledge of a *lead* local government (``local_government``), drafted by its
  officers in the builder, submitted to UNHCR, reviewed by staff, then "submitted to the
  GCR" (the platform emails the Word document to ``settings.GCR_PLEDGE_EMAIL``) and
  "published" once staff record its GCR reference or address. Its kinds (§2.2 "Type of
  pledge": financial/material/technical support; resettlement and complementary pathways;
  policy, practice or a new initiative: the three of the campaign brochure), the GCR
  objectives it serves (§2.2, the four of the compact), its areas of focus
  (``AreaOfFocus``), where it applies, its timeframe, ``PledgeTarget``s, an optional
  budget (a decimal amount with an ISO 4217 code), a contact (never public), the expected
  impact in one sentence (2023 form label, S8), the forum it is made for and the
  multistakeholder pledges it joins (``MultistakeholderPledge``, GRF 2023 on, S3/S8).
- ``CoPledger``: the other pledging entities of a joint pledge (another local government of
  the platform, or a named organisation); the lead files for them (S4, S5).
- ``ProgressReport`` (+ ``TargetProgress``): the GCR's three stages of progress (§2.5: "in the
  planning stage", "in progress", "fulfilled"), a narrative, values reached per target and
  the date of the report; the history is kept. ``Pledge.progress_status`` and
  ``progress_reported_on`` are the latest report's (written by the service that files it).
- ``PledgeReminderSettings`` (one row), ``PledgeReminderSent``: when a published pledge with
  no progress report for ``stale_after_months`` (6 by default) is stale, and which
  reminders went out (once per pledge and due date).

Status: ``draft`` → ``submitted`` → ``sent_to_gcr`` (approved by staff, public) or
``returned`` (sent back with a comment, edited, submitted again) → ``published`` (GCR
reference recorded). Officers edit a pledge only as a draft or sent back; after approval
the GCR has the text, and what changes is reported as progress.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from withrefugees.core.models import BilingualMixin, OutboundEmail, TimeStampedModel
from withrefugees.places.models import Country, LocalGovernment


class PledgeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("awaiting review")
    RETURNED = "returned", _("sent back")
    SENT_TO_GCR = "sent_to_gcr", _("submitted to the GCR")
    PUBLISHED = "published", _("published by the GCR")


#: Statuses the public sees (UNHCR approved the pledge).
PUBLIC_STATUSES = (PledgeStatus.SENT_TO_GCR, PledgeStatus.PUBLISHED)
#: Statuses in which the lead's officers edit the pledge.
EDITABLE_STATUSES = (PledgeStatus.DRAFT, PledgeStatus.RETURNED)


class PledgeKind(models.TextChoices):
    """What a pledge is (§2.2; the three kinds of the campaign brochure). A pledge may be
    more than one: each is a boolean field ``kind_<value>`` of ``Pledge``."""

    SUPPORT = "support", _("financial, material or technical support")
    RESETTLEMENT = "resettlement", _(
        "places for resettlement and complementary pathways to third countries")
    POLICY = "policy", _("policy, practice or a new initiative at the local level")


class GcrObjective(models.TextChoices):
    """The four objectives of the Global Compact on Refugees (§2.2, S2, S9), in the
    compact's order. Each is a boolean field ``objective_<value>`` of ``Pledge``."""

    EASE_PRESSURES = "ease_pressures", _("ease the pressures on host countries")
    SELF_RELIANCE = "self_reliance", _("enhance refugee self-reliance")
    THIRD_COUNTRY = "third_country", _("expand access to third-country solutions")
    RETURN = "return", _(
        "support conditions in countries of origin for return in safety and dignity")


def kind_field(kind: str) -> str:
    """``"support"`` → ``"kind_support"``: the boolean field of ``Pledge`` for a kind."""
    return f"kind_{kind}"


def objective_field(objective: str) -> str:
    """``"self_reliance"`` → ``"objective_self_reliance"``."""
    return f"objective_{objective}"


class Scope(models.TextChoices):
    """Where a pledge applies (no GCR label found, §2.4: the campaign's three cases)."""

    LOCAL = "local", _("within the local government")
    COUNTRIES = "countries", _("in named countries")
    GLOBAL = "global", _("global")


class Forum(models.TextChoices):
    GRF_2019 = "grf_2019", _("Global Refugee Forum 2019")
    GRF_2023 = "grf_2023", _("Global Refugee Forum 2023")
    NEXT_GRF = "next_grf", _("the next Global Refugee Forum")
    NONE = "none", _("none")


#: Forums whose pledges may join multistakeholder pledges (introduced for GRF 2023, S3).
FORUMS_WITH_MULTISTAKEHOLDER_PLEDGES = (Forum.GRF_2023, Forum.NEXT_GRF)


class ProgressStatus(models.TextChoices):
    """The GCR's three stages of progress (§2.5, S4, S5), in order."""

    PLANNING = "planning", _("in the planning stage")
    IN_PROGRESS = "in_progress", pgettext_lazy("stage of a pledge", "in progress")
    FULFILLED = "fulfilled", _("fulfilled")


class AreaOfFocus(BilingualMixin, models.Model):
    """An area of focus a pledge may name: the six of GRF 2019 (§2.2, S1, S9: loaded by
    migration ``0002``), and those staff add (e.g. health, housing). ``active``: offered in
    the builder (an inactive one stays on the pledges that name it)."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    active = models.BooleanField(_("offered in the builder"), default=True)

    class Meta:
        verbose_name = _("area of focus")
        verbose_name_plural = _("areas of focus")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.localised("name")


class MultistakeholderPledge(BilingualMixin, models.Model):
    """A multistakeholder pledge of GRF 2023 that a pledge may join (S3, S8; 12 of the 47
    named in the sources, loaded by migration ``0002``; staff add others). ``url``: its page
    on the GCR platform, where the sources give one."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    url = models.URLField(_("address on the GCR platform"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    active = models.BooleanField(_("offered in the builder"), default=True)

    class Meta:
        verbose_name = _("multistakeholder pledge")
        verbose_name_plural = _("multistakeholder pledges")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.localised("name")


class Pledge(BilingualMixin, TimeStampedModel):
    """One pledge of the lead ``local_government`` (see the module docstring).

    Amounts: ``budget_amount`` is a ``Decimal`` (never a float) in ``budget_currency``, an
    ISO 4217 code; both or neither (check constraint); the number of decimals allowed is
    the currency's (JPY none, USD two: checked by the service through Babel's CLDR data).
    ``starts_on``/``ends_on``: the timeframe, dates of record (either may be unknown).
    ``contact_*``: for UNHCR and the GCR only, never on a public page or export.
    ``gcr_email``: the email that carried the Word document to the GCR mailbox (its
    ``sent_at`` is when it went: ``sent_to_gcr_at``)."""

    local_government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT,
                                         related_name="pledges",
                                         verbose_name=_("lead local government"))
    status = models.CharField(_("status"), max_length=20, choices=PledgeStatus.choices,
                              default=PledgeStatus.DRAFT)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_ja = models.TextField(_("description (Japanese)"), max_length=5000,
                                      blank=True)
    description_en = models.TextField(_("description (English)"), max_length=5000,
                                      blank=True)
    expected_impact_ja = models.CharField(_("expected impact (Japanese)"), max_length=300,
                                          blank=True)
    expected_impact_en = models.CharField(_("expected impact (English)"), max_length=300,
                                          blank=True)
    # Kinds (PledgeKind) and GCR objectives (GcrObjective): one boolean each.
    kind_support = models.BooleanField(PledgeKind.SUPPORT.label, default=False)
    kind_resettlement = models.BooleanField(PledgeKind.RESETTLEMENT.label, default=False)
    kind_policy = models.BooleanField(PledgeKind.POLICY.label, default=False)
    objective_ease_pressures = models.BooleanField(GcrObjective.EASE_PRESSURES.label,
                                                   default=False)
    objective_self_reliance = models.BooleanField(GcrObjective.SELF_RELIANCE.label,
                                                  default=False)
    objective_third_country = models.BooleanField(GcrObjective.THIRD_COUNTRY.label,
                                                  default=False)
    objective_return = models.BooleanField(GcrObjective.RETURN.label, default=False)
    areas = models.ManyToManyField(AreaOfFocus, blank=True, related_name="pledges",
                                   verbose_name=_("areas of focus"))
    scope = models.CharField(_("where it applies"), max_length=20, choices=Scope.choices,
                             default=Scope.LOCAL)
    countries = models.ManyToManyField(Country, blank=True, related_name="+",
                                       verbose_name=_("countries"))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    budget_amount = models.DecimalField(_("estimated budget"), max_digits=18,
                                        decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(_("currency"), max_length=3, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), max_length=254, blank=True)
    forum = models.CharField(_("forum"), max_length=20, choices=Forum.choices,
                             default=Forum.NONE)
    multistakeholder_pledges = models.ManyToManyField(
        MultistakeholderPledge, blank=True, related_name="pledges",
        verbose_name=_("multistakeholder pledges joined"))
    # Matching: the pledge of the platform this one matches, or a GCR pledge elsewhere.
    matches = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="matched_by", verbose_name=_("matches"))
    matches_gcr_reference = models.CharField(
        _("matches a GCR pledge (reference or address)"), max_length=300, blank=True)
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="copies",
                                    verbose_name=_("started from"), editable=False)
    # Review and the GCR.
    review_comment = models.TextField(_("comment from UNHCR"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    gcr_email = models.ForeignKey(OutboundEmail, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+", editable=False,
                                  verbose_name=_("email to the GCR"))
    gcr_reference = models.CharField(_("GCR reference"), max_length=100, blank=True)
    gcr_url = models.URLField(_("address on the GCR platform"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # The latest progress report's (services_progress.progress_report_file keeps them).
    progress_status = models.CharField(_("progress"), max_length=20, blank=True,
                                       choices=ProgressStatus.choices)
    progress_reported_on = models.DateField(_("last progress report"), null=True,
                                            blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[c.value for c in PledgeStatus]),
                                   name="pledge_status_valid"),
            models.CheckConstraint(condition=Q(scope__in=[c.value for c in Scope]),
                                   name="pledge_scope_valid"),
            models.CheckConstraint(condition=Q(forum__in=[c.value for c in Forum]),
                                   name="pledge_forum_valid"),
            models.CheckConstraint(
                condition=Q(progress_status="")
                | Q(progress_status__in=[c.value for c in ProgressStatus]),
                name="pledge_progress_status_valid"),
            models.CheckConstraint(condition=~Q(title_ja="") | ~Q(title_en=""),
                                   name="pledge_has_title"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="pledge_end_not_before_start"),
            models.CheckConstraint(
                condition=(Q(budget_amount__isnull=True, budget_currency="")
                           | Q(budget_amount__isnull=False, budget_amount__gte=0,
                               budget_currency__regex=r"^[A-Z]{3}$")),
                name="pledge_budget_amount_with_currency"),
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(gcr_reference="") | ~Q(gcr_url=""),
                name="pledge_published_has_gcr_reference"),
            models.CheckConstraint(
                condition=Q(progress_status="", progress_reported_on__isnull=True)
                | Q(status="published", progress_reported_on__isnull=False)
                & ~Q(progress_status=""),
                name="pledge_progress_only_when_published"),
            models.CheckConstraint(condition=~Q(matches=F("pk")),
                                   name="pledge_does_not_match_itself"),
        ]
        indexes = [models.Index(fields=["status", "progress_status"]),
                   models.Index(fields=["local_government", "status"])]

    def __str__(self) -> str:
        return self.localised("title") or self.title_ja or self.title_en

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def kinds(self) -> list[str]:
        """The ``PledgeKind`` values this pledge is, in the choices' order."""
        return [k.value for k in PledgeKind if getattr(self, kind_field(k.value))]

    @property
    def objectives(self) -> list[str]:
        """The ``GcrObjective`` values this pledge serves, in the compact's order."""
        return [o.value for o in GcrObjective if getattr(self, objective_field(o.value))]

    @property
    def status_display(self) -> str:
        """The status in words: as ``get_status_display``, except that an approved pledge
        whose email has not reached the mail server yet is "approved by UNHCR; being sent
        to the GCR" (reads ``gcr_email``: select it for a list)."""
        if self.status == PledgeStatus.SENT_TO_GCR and self.sent_to_gcr_at is None:
            return str(_("approved by UNHCR; being sent to the GCR"))
        return self.get_status_display()

    @property
    def sent_to_gcr_at(self):
        """When the email with the Word document was accepted by the mail server (aware
        datetime), or None (not approved yet, or still being sent)."""
        email = self.gcr_email if self.gcr_email_id else None
        return email.sent_at if email is not None else None


class PledgeAwaitingReview(Pledge):
    """The review queue's entry on the admin's home page (as events and signatures)."""

    class Meta:
        proxy = True
        verbose_name = _("pledge awaiting review")
        verbose_name_plural = _("pledges awaiting review")


class StalePledge(Pledge):
    """Published pledges with no progress report for the period of
    ``PledgeReminderSettings`` (the admin's list of stale pledges)."""

    class Meta:
        proxy = True
        verbose_name = _("pledge without recent progress")
        verbose_name_plural = _("pledges without recent progress")


class CoPledger(models.Model):
    """A co-pledging entity of a joint pledge: another ``local_government`` of the platform
    (its officers may read the pledge, never edit it) or a named organisation
    (``organisation_name``); exactly one of the two."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="co_pledgers")
    local_government = models.ForeignKey(LocalGovernment, on_delete=models.PROTECT,
                                         null=True, blank=True, related_name="co_pledges",
                                         verbose_name=_("local government"))
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("co-pledging entity")
        verbose_name_plural = _("co-pledging entities")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(local_government__isnull=False, organisation_name="")
                           | Q(local_government__isnull=True) & ~Q(organisation_name="")),
                name="co_pledger_local_government_or_organisation"),
            models.UniqueConstraint(fields=["pledge", "local_government"],
                                    condition=Q(local_government__isnull=False),
                                    name="co_pledger_local_government_once"),
        ]

    def __str__(self) -> str:
        return self.organisation_name or str(self.local_government)


class PledgeTarget(models.Model):
    """A measurable target: ``indicator`` (e.g. "refugee students enrolled"),
    ``target_value`` (a decimal, never a float) in ``unit`` (e.g. "people"), by
    ``target_date`` (optional)."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=300)
    target_value = models.DecimalField(_("target value"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("measurable target")
        verbose_name_plural = _("measurable targets")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(indicator=""), name="pledge_target_has_indicator"),
        ]

    def __str__(self) -> str:
        return self.indicator


class ProgressReport(models.Model):
    """One progress report on a published pledge, filed by the lead's officers (one
    consolidated report for a joint pledge): ``status`` (the GCR's stage), ``narrative``,
    ``reported_on`` (the date of record, in the lead's zone), values per target
    (``TargetProgress``). Kept: the history is every report, newest first."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE,
                               related_name="progress_reports")
    status = models.CharField(_("stage of progress"), max_length=20,
                              choices=ProgressStatus.choices)
    narrative = models.TextField(_("narrative"), max_length=3000, blank=True)
    reported_on = models.DateField(_("date of the report"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[c.value for c in ProgressStatus]),
                name="progress_report_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.pledge} · {self.reported_on}"


class TargetProgress(models.Model):
    """The value ``target`` reached at ``report`` (same unit as the target)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE,
                               related_name="values")
    target = models.ForeignKey(PledgeTarget, on_delete=models.CASCADE,
                               related_name="progress_values")
    value_reached = models.DecimalField(_("value reached"), max_digits=20, decimal_places=4)

    class Meta:
        verbose_name = _("value reached")
        verbose_name_plural = _("values reached")
        constraints = [
            models.UniqueConstraint(fields=["report", "target"],
                                    name="target_progress_once_per_report"),
        ]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.value_reached}"


#: Months without a progress report after which a published pledge is stale (default of
#: ``PledgeReminderSettings``; issue 10: "none for six months").
DEFAULT_STALE_AFTER_MONTHS = 6


class PledgeReminderSettings(models.Model):
    """The one row (``pk`` 1) of reminder settings staff edit: ``stale_after_months``."""

    stale_after_months = models.PositiveSmallIntegerField(
        _("months without a progress report before a reminder"),
        default=DEFAULT_STALE_AFTER_MONTHS)

    class Meta:
        verbose_name = _("progress reminder settings")
        verbose_name_plural = _("progress reminder settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="pledge_reminder_settings_one_row"),
            models.CheckConstraint(condition=Q(stale_after_months__gte=1,
                                               stale_after_months__lte=60),
                                   name="pledge_reminder_months_1_to_60"),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class PledgeReminderSent(models.Model):
    """A reminder to report progress on ``pledge``, for the period due on ``due_on``
    (once each: unique)."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("progress reminder sent")
        verbose_name_plural = _("progress reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["pledge", "due_on"],
                                    name="pledge_reminder_once_per_due_date"),
        ]

    def __str__(self) -> str:
        return f"{self.pledge_id} · {self.due_on}"
