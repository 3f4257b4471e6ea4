"""Step 4 in the admin of UNHCR staff: the review of pledges, the GCR (its email, the
reference once published), stale pledges, areas of focus and multistakeholder pledges, the
reminder period, exports.

- Pledges are read-only here: officers write them in the workspace, and staff act on a
  pledge on its review page (``<pk>/review/``), through ``services_review`` (audited,
  officers emailed): a submitted pledge is approved (emailed with its Word documents to the
  GCR mailbox) or sent back with a comment; a pledge with the GCR gets its GCR reference
  or address (published), and the email to the GCR can be sent again (e.g. it failed).
  The page shows every field, the checklist, the email to the GCR (pending, sent with its
  time, failed with its error), the progress reports and the audit history. There is no
  bulk approval: staff approve a pledge having seen it (the page carries the version
  shown, ``services_review.pledge_version``).
- "Pledges awaiting review" (admin home): the list filtered to submitted pledges, oldest
  submission first. "Pledges without recent progress": the stale pledges
  (``reminders.stale_pledges``) with their anchor and the months since.
- Areas of focus and multistakeholder pledges: staff add and rename them (audited, through
  ``AuditedAdminMixin``); never deleted (pledges name them): made inactive instead.
- The reminder period: one row, through ``services_review.reminder_settings_update``; the
  reminders sent are read-only.
- Exports (CSV, Excel) of the pledge list and the progress report list, as filtered
  (buttons above the list) or of the rows selected (actions): ``exports.
  pledges_export_response`` / ``progress_reports_export_response``.

Permissions: each staff action asks its rule (``pledges.review``, ``pledges.export``,
``pledges.edit_settings``: staff with a second factor) and a model permission of the staff
role (``change_pledge`` to review, ``view_pledge``/``view_progressreport`` to export,
``change_pledgeremindersettings``); the admin site itself refuses anyone without TOTP.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.admin import (
    AuditedAdminMixin,
    SpreadsheetExportMixin,
    history_rows,
)
from withrefugees.core.audit import audit_history
from withrefugees.core.errors import ServiceError
from withrefugees.core.forms import AccessibleFormMixin
from withrefugees.core.outbox import outbox_for_record
from withrefugees.core.validators import no_invisible_characters_in_name
from withrefugees.places.admin import FoldedSearchMixin

from . import reminders, services_review, tasks
from .checklist import pledge_checklist
from .models import (
    AreaOfFocus,
    CoPledger,
    GcrObjective,
    MultistakeholderPledge,
    Pledge,
    PledgeAwaitingReview,
    PledgeKind,
    PledgeReminderSent,
    PledgeReminderSettings,
    PledgeStatus,
    PledgeTarget,
    ProgressReport,
    StalePledge,
    TargetProgress,
)

S = PledgeStatus


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NoWritesMixin:
    """Records written only through the officers' and staff's services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Exports -----------------------------------------------------------------------------------
class ExportMixin(SpreadsheetExportMixin):
    """``core.admin.SpreadsheetExportMixin`` with the rule ``pledges.export`` (and the model
    permission ``export_permission``) and this app's ``exports`` function named by
    ``export_function``."""

    export_function = ""

    def has_export_permission(self, request) -> bool:
        return (can(request.user, "pledges.export")
                and request.user.has_perm(self.export_permission))

    def export_response(self, request, queryset, fmt: str):
        from . import exports

        return getattr(exports, self.export_function)(queryset, fmt, language=get_language(),
                                                      request=request)


# --- The review page's content -------------------------------------------------------------------
def _yes_labels(pledge: Pledge, choices, prefix: str) -> str:
    return "; ".join(str(c.label) for c in choices if getattr(pledge, f"{prefix}_{c.value}"))


def pledge_rows(pledge: Pledge) -> list[tuple[str, str, str]]:
    """``(label, value, lang)`` of every field officers wrote (``lang``: the value's
    language when it is one of the bilingual texts, else "")."""
    f = Pledge._meta.get_field

    def label(name: str) -> str:
        return str(f(name).verbose_name).capitalize()

    timeframe = " – ".join(d.isoformat() if d else "…" for d in (pledge.starts_on,
                                                                    pledge.ends_on))
    budget = (f"{pledge.budget_amount} {pledge.budget_currency}"
              if pledge.budget_amount is not None else "")
    matches = str(pledge.matches) if pledge.matches_id else ""
    if pledge.matches_gcr_reference:
        matches = "; ".join(filter(None, [matches, pledge.matches_gcr_reference]))
    rows = [
        (label("local_government"), pledge.local_government.label, ""),
        (label("title_ja"), pledge.title_ja, "ja"),
        (label("title_en"), pledge.title_en, "en"),
        (label("description_ja"), pledge.description_ja, "ja"),
        (label("description_en"), pledge.description_en, "en"),
        (label("expected_impact_ja"), pledge.expected_impact_ja, "ja"),
        (label("expected_impact_en"), pledge.expected_impact_en, "en"),
        (str(_("What the pledge is")), _yes_labels(pledge, PledgeKind, "kind"), ""),
        (str(_("GCR objectives")), _yes_labels(pledge, GcrObjective, "objective"), ""),
        (label("areas"), "; ".join(str(a) for a in pledge.areas.all()), ""),
        (label("scope"), pledge.get_scope_display(), ""),
        (label("countries"), "; ".join(str(c) for c in pledge.countries.all()), ""),
        (str(_("Timeframe")), timeframe if (pledge.starts_on or pledge.ends_on) else "", ""),
        (label("budget_amount"), budget, ""),
        (label("forum"), pledge.get_forum_display(), ""),
        (label("multistakeholder_pledges"),
         "; ".join(str(m) for m in pledge.multistakeholder_pledges.all()), ""),
        (str(_("Co-pledging entities")),
         "; ".join(str(c) for c in pledge.co_pledgers.select_related(
             "local_government__region", "local_government__country")), ""),
        (label("matches"), matches, ""),
        (label("copied_from"), str(pledge.copied_from) if pledge.copied_from_id else "", ""),
        (label("contact_name"), pledge.contact_name, ""),
        (label("contact_email"), pledge.contact_email, ""),
    ]
    return rows


def gcr_emails(pledge: Pledge) -> list:
    """The emails of ``pledge`` to the GCR mailbox, newest first."""
    return list(outbox_for_record(pledge).filter(kind=tasks.GCR_SUBMISSION))


class PledgeDecisionForm(forms.Form):
    """The decision on a submitted pledge: the button pressed (``approve`` or ``return``), a
    comment to the officers (required to send back), an internal note; ``version``: the
    version of the pledge the page showed."""

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    comment = forms.CharField(
        label=_("Comment to the local government's officers"), required=False,
        max_length=services_review.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Required to send the pledge back: say what to change. Sent by email "
                    "and shown with the pledge in the workspace."))
    note = forms.CharField(label=_("Note (internal, kept in the history)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class GcrPublicationForm(forms.Form):
    """The pledge's GCR reference and/or address on the GCR platform, once published."""

    gcr_reference = forms.CharField(
        label=_("GCR reference"), required=False,
        max_length=services_review.GCR_REFERENCE_MAX_LENGTH,
        help_text=_("As the GCR platform gives it."))
    gcr_url = forms.CharField(
        label=_("Address on the GCR platform"), required=False,
        max_length=services_review.GCR_URL_MAX_LENGTH,
        help_text=_("The pledge's page on globalcompactrefugees.org (https://…)."),
        widget=forms.URLInput(attrs={"size": 60}))
    note = forms.CharField(label=_("Note (internal, kept in the history)"), required=False,
                           max_length=2000)


class EmptyForm(forms.Form):
    """A button only (email the GCR again)."""

    note = forms.CharField(label=_("Note (internal, kept in the history)"), required=False,
                           max_length=2000)


#: The actions of the review page: the form of each, and the statuses it applies to.
REVIEW_ACTIONS = {"approve": (PledgeDecisionForm, (S.SUBMITTED,)),
                  "return": (PledgeDecisionForm, (S.SUBMITTED,)),
                  "publish": (GcrPublicationForm, services_review.WITH_THE_GCR),
                  "email_gcr": (EmptyForm, services_review.WITH_THE_GCR)}


# --- Pledges -------------------------------------------------------------------------------------
class CoPledgerInline(ReadOnlyInline):
    model = CoPledger
    fields = ["local_government", "organisation_name"]


class PledgeTargetInline(ReadOnlyInline):
    model = PledgeTarget
    fields = ["indicator", "target_value", "unit", "target_date"]


class ProgressReportInline(ReadOnlyInline):
    model = ProgressReport
    fields = ["reported_on", "status", "narrative", "reported_by"]
    show_change_link = True


@admin.register(Pledge)
class PledgeAdmin(ExportMixin, FoldedSearchMixin, AuditedAdminMixin, admin.ModelAdmin):
    folded_search_path = "local_government__"
    export_permission = "pledges.view_pledge"
    export_function = "pledges_export_response"
    list_display = ["__str__", "local_government_label", "status", "progress_status",
                    "forum", "submitted_at", "gcr_email_status", "review_link"]
    list_filter = ["status", "progress_status", "forum", "areas", "kind_support",
                   "kind_resettlement", "kind_policy", "local_government__country"]
    search_fields = ["=id", "title_ja", "title_en", "gcr_reference",
                     "local_government__name", "local_government__name_en",
                     "local_government__search_key"]
    list_select_related = ["local_government__region", "local_government__country",
                           "gcr_email"]
    ordering = ["-created_at", "-pk"]
    # No bulk approval: staff approve a pledge on its review page, having seen it.
    actions = ["export_csv", "export_xlsx"]
    inlines = [CoPledgerInline, PledgeTargetInline, ProgressReportInline]
    change_form_template = "admin/pledges/pledge/change_form.html"
    change_list_template = "admin/pledges/change_list.html"
    fieldsets = [
        (None, {"fields": ["local_government", "status", "title_ja", "title_en",
                           "description_ja", "description_en", "expected_impact_ja",
                           "expected_impact_en"]}),
        (_("What, why, where"), {"fields": [
            "kind_support", "kind_resettlement", "kind_policy", "objective_ease_pressures",
            "objective_self_reliance", "objective_third_country", "objective_return",
            "areas", "scope", "countries", "starts_on", "ends_on", "budget_amount",
            "budget_currency"]}),
        (_("Forum and links"), {"fields": ["forum", "multistakeholder_pledges", "matches",
                                           "matches_gcr_reference", "copied_from"]}),
        (_("Contact (not public)"), {"fields": ["contact_name", "contact_email"]}),
        (_("Review and the GCR"), {"fields": [
            "review_comment", "submitted_at", "reviewed_at", "gcr_email", "gcr_reference",
            "gcr_url", "published_at", "progress_status", "progress_reported_on",
            "created_by"]}),
    ]
    readonly_fields = ["copied_from", "gcr_email"]

    # Officers write pledges (workspace); staff act on them through the services.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request, obj=None) -> bool:
        return (can(request.user, "pledges.review", obj)
                and request.user.has_perm("pledges.change_pledge"))

    def get_ordering(self, request):
        """The queue (submitted pledges): oldest submission first."""
        if request.GET.get("status__exact") == S.SUBMITTED:
            return ["submitted_at", "pk"]
        return super().get_ordering(request)

    def get_list_display(self, request):
        return [name for name in super().get_list_display(request)
                if name != "review_link" or self.has_review_permission(request)]

    @admin.display(description=_("lead local government"), ordering="local_government__name")
    def local_government_label(self, pledge: Pledge) -> str:
        return pledge.local_government.label

    @admin.display(description=_("email to the GCR"))
    def gcr_email_status(self, pledge: Pledge) -> str:
        email = pledge.gcr_email
        if email is None:
            return "—"
        if email.sent_at:
            return f"{email.get_status_display()} ({email.sent_at:%Y-%m-%d %H:%M})"
        return email.get_status_display()

    @admin.display(description=_("review"))
    def review_link(self, pledge: Pledge) -> str:
        return format_html('<a class="button" href="{}">{}</a>',
                           reverse("admin:pledges_pledge_review", args=[pledge.pk]),
                           _("Review") if pledge.status == S.SUBMITTED else _("Open"))

    def get_urls(self):
        return [path("<int:pk>/review/", self.admin_site.admin_view(self.review_view),
                     name="pledges_pledge_review"),
                *self.export_urls()] + super().get_urls()

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_review"] = bool(context.get("original")
                                     and self.has_review_permission(request))
        return super().render_change_form(request, context, *args, **kwargs)

    @staticmethod
    def _review_pledge(pk: int) -> Pledge:
        return get_object_or_404(Pledge.objects.select_related(
            "local_government__region", "local_government__country", "gcr_email",
            "matches", "copied_from"), pk=pk)

    def review_view(self, request, pk: int):
        """GET: every field of the pledge, its checklist, targets, progress reports, the
        email to the GCR, the history, and the forms its state allows. POST ``action``
        (``approve``, ``return``, ``publish``, ``email_gcr``) through ``services_review``;
        refused or invalid: the page again (400) with what was typed, showing the pledge as
        it is now."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        pledge = self._review_pledge(pk)
        posted = request.POST if request.method == "POST" else None
        action = (posted.get("action") or "") if posted is not None else ""
        version = services_review.pledge_version(pledge)
        decision_form = PledgeDecisionForm(
            posted if action in ("approve", "return") else None, initial={"version": version})
        publication_form = GcrPublicationForm(
            posted if action == "publish" else None,
            initial={"gcr_reference": pledge.gcr_reference, "gcr_url": pledge.gcr_url},
            prefix="gcr")
        again_form = EmptyForm(posted if action == "email_gcr" else None, prefix="again")
        forms_by_action = {"approve": decision_form, "return": decision_form,
                           "publish": publication_form, "email_gcr": again_form}
        status = 200
        error = ""
        if posted is not None:
            form = forms_by_action.get(action)
            if form is None:
                error = _("Choose one of the buttons on the page.")
            elif form.is_valid() and self._act(request, pledge, action, form):
                return HttpResponseRedirect(
                    reverse("admin:pledges_pledge_review", args=[pledge.pk]))
            status = 400
            pledge = self._review_pledge(pk)  # as it is now
            if action in ("approve", "return") and decision_form.is_bound:
                decision_form.data = decision_form.data.copy()
                decision_form.data["version"] = services_review.pledge_version(pledge)
        gcr_email = pledge.gcr_email
        can_decide = pledge.status == S.SUBMITTED
        with_the_gcr = pledge.status in services_review.WITH_THE_GCR
        can_email_again = with_the_gcr and (gcr_email is None or gcr_email.status != "pending")
        shown = {"approve": can_decide, "return": can_decide, "publish": with_the_gcr,
                 "email_gcr": can_email_again}
        failed = forms_by_action.get(action)
        errors = ([error] if error else
                  list(failed.non_field_errors()) if failed is not None and failed.is_bound
                  and not shown.get(action) else [])
        context = {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": _("Review pledge"), "pledge": pledge, "rows": pledge_rows(pledge),
            "checklist": pledge_checklist(pledge),
            "targets": list(pledge.targets.all()),
            "reports": list(pledge.progress_reports.prefetch_related("values__target")),
            "can_decide": can_decide, "with_the_gcr": with_the_gcr,
            "decision_form": decision_form, "publication_form": publication_form,
            "again_form": again_form, "errors": errors,
            "gcr_email": gcr_email, "gcr_emails": gcr_emails(pledge),
            "gcr_address": settings.GCR_PLEDGE_EMAIL,
            "can_email_again": can_email_again,
            "history": history_rows(audit_history(pledge).select_related("content_type")),
            "history_url": reverse("admin:pledges_pledge_history", args=[pledge.pk]),
            "public_url": (reverse("pledges:pledge", args=[pledge.pk])
                           if pledge.is_public else ""),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/pledges/pledge/review.html", context,
                                status=status)

    def _act(self, request, pledge: Pledge, action: str, form) -> bool:
        data = form.cleaned_data
        try:
            if action == "approve":
                services_review.pledge_approve(pledge=pledge, actor=request.user,
                                               comment=data["comment"], note=data["note"],
                                               version=data.get("version") or "")
                self.message_user(request, _("“%(title)s” is approved: it is public and "
                                             "will be emailed to the GCR.")
                                  % {"title": pledge}, messages.SUCCESS)
            elif action == "return":
                services_review.pledge_return(pledge=pledge, actor=request.user,
                                              comment=data["comment"], note=data["note"])
                self.message_user(request, _("“%(title)s” was sent back to its officers.")
                                  % {"title": pledge}, messages.SUCCESS)
            elif action == "publish":
                services_review.pledge_record_publication(
                    pledge=pledge, actor=request.user, gcr_reference=data["gcr_reference"],
                    gcr_url=data["gcr_url"], note=data["note"])
                self.message_user(request, _("The GCR reference of “%(title)s” is recorded.")
                                  % {"title": pledge}, messages.SUCCESS)
            else:
                services_review.pledge_email_gcr_again(pledge=pledge, actor=request.user,
                                                       note=data["note"])
                self.message_user(request, _("“%(title)s” will be emailed to the GCR again.")
                                  % {"title": pledge}, messages.SUCCESS)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return False
        except ServiceError as exc:
            form.add_error(None, exc.message)
            return False
        except Pledge.DoesNotExist:
            form.add_error(None, _("This pledge no longer exists."))
            return False
        return True


@admin.register(PledgeAwaitingReview)
class PledgeAwaitingReviewAdmin(NoWritesMixin, admin.ModelAdmin):
    """The admin home page's entry to the review queue: the pledges' list filtered to the
    submitted ones, oldest submission first."""

    def changelist_view(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("admin:pledges_pledge_changelist")
                                    + f"?status__exact={S.SUBMITTED}")


@admin.register(StalePledge)
class StalePledgeAdmin(NoWritesMixin, FoldedSearchMixin, admin.ModelAdmin):
    """Published pledges with no progress report for the reminder period (on today in
    Japan), with the date progress is counted from (the latest report, else publication)
    and the months since; each links to its review page."""

    folded_search_path = "local_government__"
    list_display = ["__str__", "local_government_label", "anchor", "months_since",
                    "progress_status", "last_reminder", "open_link"]
    list_filter = ["progress_status", "forum", "local_government__country"]
    search_fields = ["title_ja", "title_en", "local_government__name",
                     "local_government__name_en", "local_government__search_key"]
    list_select_related = ["local_government__region", "local_government__country"]
    ordering = ["progress_reported_on", "published_at", "pk"]
    actions = None

    def get_queryset(self, request):
        stale = list(reminders.stale_pledge_anchors())
        return super().get_queryset(request).filter(pk__in=stale)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "subtitle": _("No progress report for %(months)s months or more")
                         % {"months": reminders.stale_after_months()}}
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("lead local government"), ordering="local_government__name")
    def local_government_label(self, pledge: Pledge) -> str:
        return pledge.local_government.label

    @admin.display(description=_("progress counted from"))
    def anchor(self, pledge: Pledge):
        return reminders.pledge_anchor(pledge)

    @admin.display(description=_("months since"))
    def months_since(self, pledge: Pledge) -> int | str:
        anchor = reminders.pledge_anchor(pledge)
        return reminders.months_between(anchor, reminders.today_in_japan()) if anchor else "—"

    @admin.display(description=_("last reminder"))
    def last_reminder(self, pledge: Pledge):
        return (PledgeReminderSent.objects.filter(pledge_id=pledge.pk)
                .order_by("-due_on").values_list("due_on", flat=True).first() or "—")

    @admin.display(description=_("pledge"))
    def open_link(self, pledge: Pledge) -> str:
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:pledges_pledge_review", args=[pledge.pk]), _("Open"))


# --- Progress reports ------------------------------------------------------------------------
class TargetProgressInline(ReadOnlyInline):
    model = TargetProgress
    fields = ["target", "value_reached"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ExportMixin, NoWritesMixin, FoldedSearchMixin, AuditedAdminMixin,
                          admin.ModelAdmin):
    """Every progress report (read-only: officers file them in the workspace), newest
    first; exports."""

    folded_search_path = "pledge__local_government__"
    export_permission = "pledges.view_progressreport"
    export_function = "progress_reports_export_response"
    list_display = ["pledge", "local_government_label", "reported_on", "status",
                    "created_at"]
    list_filter = ["status", "pledge__forum", "pledge__local_government__country"]
    search_fields = ["pledge__title_ja", "pledge__title_en", "narrative",
                     "pledge__local_government__name", "pledge__local_government__name_en",
                     "pledge__local_government__search_key"]
    list_select_related = ["pledge__local_government__region",
                           "pledge__local_government__country"]
    date_hierarchy = "reported_on"
    actions = ["export_csv", "export_xlsx"]
    inlines = [TargetProgressInline]
    change_list_template = "admin/pledges/change_list.html"
    fields = ["pledge", "status", "reported_on", "narrative", "reported_by", "created_at"]
    readonly_fields = ["created_at"]

    def get_urls(self):
        return [*self.export_urls()] + super().get_urls()

    @admin.display(description=_("lead local government"),
                   ordering="pledge__local_government__name")
    def local_government_label(self, report: ProgressReport) -> str:
        return report.pledge.local_government.label


# --- Areas of focus, multistakeholder pledges ---------------------------------------------------
#: The text fields of the vocabularies' forms (single-line: names, key, address).
VOCABULARY_TEXT_FIELDS = ("key", "name_ja", "name_en", "url")


class VocabularyForm(AccessibleFormMixin, forms.ModelForm):
    """The form of an area of focus or a multistakeholder pledge: their names are shown on
    the public pages (the browser's filters, the pledge page) and in the exports, so a
    control character (ESC, VT, NUL...: ``AccessibleFormMixin``, removed from the form
    shown again) or an invisible one (bidirectional, zero-width...:
    ``core.validators.no_invisible_characters_in_name``) in any text field is refused with
    a translated message, as in the builder (``validation.text_refusal``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in VOCABULARY_TEXT_FIELDS:
            if name in self.fields:
                self.fields[name].validators.append(no_invisible_characters_in_name)


class VocabularyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Staff add entries and rename them (audited); the key is fixed once saved (the
    pledges and exports use it); never deleted (pledges name them): inactive instead.
    Control and invisible characters are refused (``VocabularyForm``)."""

    form = VocabularyForm
    list_display = ["key", "name_ja", "name_en", "position", "active", "pledge_count"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["key", "name_ja", "name_en"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["key"] if obj is not None else []

    @admin.display(description=_("pledges"))
    def pledge_count(self, obj) -> int:
        return obj.pledges.count()


@admin.register(AreaOfFocus)
class AreaOfFocusAdmin(VocabularyAdmin):
    fields = ["key", "name_ja", "name_en", "position", "active"]


@admin.register(MultistakeholderPledge)
class MultistakeholderPledgeAdmin(VocabularyAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["key", "name_ja", "name_en", "url", "position", "active"]


# --- Reminders ---------------------------------------------------------------------------------
class PledgeReminderSettingsForm(forms.ModelForm):
    stale_after_months = forms.IntegerField(
        label=_("Months without a progress report before a reminder"),
        min_value=services_review.STALE_AFTER_MONTHS_RANGE[0],
        max_value=services_review.STALE_AFTER_MONTHS_RANGE[1],
        help_text=_("A published pledge whose latest progress report (or, without one, its "
                    "publication) is this many months old is stale: its officers are "
                    "reminded once, then again every this many months."))

    class Meta:
        model = PledgeReminderSettings
        fields = ["stale_after_months"]


@admin.register(PledgeReminderSettings)
class PledgeReminderSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The one row of the reminder period, saved through ``services_review.
    reminder_settings_update`` (audited). The list opens the row (or adds it)."""

    form = PledgeReminderSettingsForm
    list_display = ["__str__", "stale_after_months"]

    def _may_edit(self, request) -> bool:
        return can(request.user, "pledges.edit_settings")

    def has_add_permission(self, request):
        # No query here: the admin asks it of every model on every admin page (its side
        # bar); "add" when the row exists opens the row (``add_view``), and the service
        # writes the one row (pk 1) either way.
        return self._may_edit(request) and super().has_add_permission(request)

    def add_view(self, request, form_url="", extra_context=None):
        if PledgeReminderSettings.objects.filter(pk=1).exists():
            return HttpResponseRedirect(reverse("admin:pledges_pledgeremindersettings_change",
                                                args=[1]))
        return super().add_view(request, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if PledgeReminderSettings.objects.filter(pk=1).exists():
            return HttpResponseRedirect(reverse("admin:pledges_pledgeremindersettings_change",
                                                args=[1]))
        if self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:pledges_pledgeremindersettings_add"))
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        saved = services_review.reminder_settings_update(
            actor=request.user, stale_after_months=form.cleaned_data["stale_after_months"])
        obj.pk = saved.pk


@admin.register(PledgeReminderSent)
class PledgeReminderSentAdmin(NoWritesMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Which pledge was reminded for which due date (read-only; the emails themselves are
    in the outbox)."""

    list_display = ["pledge", "due_on", "sent_at"]
    list_select_related = ["pledge"]
    date_hierarchy = "due_on"
    search_fields = ["pledge__title_ja", "pledge__title_en"]
    fields = ["pledge", "due_on", "sent_at"]
    readonly_fields = fields
