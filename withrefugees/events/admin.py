"""Step 3 in the admin of UNHCR staff: the review of events, the support queue, landmarks,
the World Refugee Day reminder dates and what was sent, the reported totals, and exports.

- Events are read-only here: officers write them in the workspace, and staff decide on them
  on the review page (``<pk>/review/``: approve, or send back with a comment) or with the
  bulk action "Approve", both through ``services_review`` (audited, officers emailed). The
  filter "Needs review" is the queue (submitted events, and submitted changes to approved
  events: revisions, listed as "Changes to “<title>”"), oldest submission first; the review
  page of a revision lists what it changes of the public version, field by field. The
  review form carries the version shown: a version changed since is never approved unseen.
  Without that filter the list shows events, not revisions. Records of the campaign
  (``origin=reference``) are not reviewed.
- Support requests: the queue, new ones first and oldest first within a status; each
  request's page shows what was asked and the replies; the answer page
  (``<pk>/answer/``) sends a reply (``support_request_reply``) or changes the status
  (``support_request_set_status``); bulk actions "In progress" and "Close".
- Reminder dates go through ``services_review.reminder_schedule_set``; the reminders sent
  are read-only.
- Exports (CSV, Excel) of the list as filtered (buttons above the list) or of the rows
  selected (actions): ``exports.events_export_response`` /
  ``support_requests_export_response``.

Permissions: each staff action asks its rule (``events.review_events``,
``events.answer_support``, ``events.export``, ``events.edit_reminders``: staff with a second
factor) and a model permission of the staff role (``change_event``,
``change_supportrequest``, ``view_event``/``view_supportrequest``, ``add``/
``change_reminderschedule``); the admin site itself refuses anyone without TOTP.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.admin import AuditedAdminMixin, SpreadsheetExportMixin, history_rows
from withrefugees.core.audit import audit_history
from withrefugees.core.errors import ServiceError
from withrefugees.places.admin import FoldedSearchMixin

from . import reminders, selectors_officer, services_review
from .models import (
    Event,
    EventAwaitingReview,
    EventPartner,
    EventPhoto,
    EventStatus,
    Landmark,
    ReminderSchedule,
    ReminderSent,
    ReportedTotal,
    SupportItem,
    SupportReply,
    SupportRequest,
    SupportStatus,
)
from .posts import event_date_text


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Exports -----------------------------------------------------------------------------------
class ExportMixin(SpreadsheetExportMixin):
    """``core.admin.SpreadsheetExportMixin`` with the rule ``events.export`` (and the model
    permission ``export_permission``) and this app's ``exports`` function named by
    ``export_function``."""

    export_function = ""

    def has_export_permission(self, request) -> bool:
        return (can(request.user, "events.export")
                and request.user.has_perm(self.export_permission))

    def export_response(self, request, queryset, fmt: str):
        from . import exports

        return getattr(exports, self.export_function)(queryset, fmt, request=request)


# --- Events ------------------------------------------------------------------------------------
class NeedsReviewFilter(admin.SimpleListFilter):
    """The queue: events awaiting review (new ones, and changes to approved events:
    revisions); "changes": the revisions only. Without it, the list shows the events
    themselves (a revision appears in the queue, never as an event of its own)."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", _("needs review")),
                ("changed", _("changes to approved events"))]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.filter(origin="platform", status=EventStatus.SUBMITTED)
        if self.value() == "changed":
            return queryset.filter(revision_of__isnull=False, status=EventStatus.SUBMITTED)
        return queryset.filter(revision_of__isnull=True)


class EventPartnerInline(ReadOnlyInline):
    model = EventPartner
    fields = ["kind", "name"]


class EventPhotoInline(ReadOnlyInline):
    model = EventPhoto
    fields = ["image", "alt", "credit"]


class EventReviewForm(forms.Form):
    """The decision on one event: ``approve`` or ``return`` (the choices the event's state
    allows), a comment to the officers (required to send back), an internal note;
    ``version``: the version of the event the page showed (``services_review.
    event_version``), so that a version changed since is never approved unseen."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    comment = forms.CharField(
        label=_("Comment to the local government's officers"), required=False,
        max_length=services_review.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("Required to send the event back: say what to change. Sent by email "
                    "and shown with the event in the workspace."))
    note = forms.CharField(label=_("Note (internal, kept in the history)"), required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", ValidationError(
                _("Say what the officers should change: they read this comment with the "
                  "event."), code="comment_required"))
        return data


def review_title(event: Event) -> str:
    """How the queue names ``event``: its title, or for a revision "Changes to “<title>”"."""
    if event.revision_of_id is not None:
        return _("Changes to “%(title)s”") % {"title": event.revision_of}
    return str(event)


def review_choices(event: Event) -> list[tuple[str, str]]:
    """The decisions ``event``'s state allows (none for a record of the campaign)."""
    if event.origin != "platform":
        return []
    if event.status == EventStatus.SUBMITTED and event.revision_of_id is not None:
        return [("approve", _("Approve the changes: publish them")),
                ("return", _("Send the changes back with a comment (the event stays public "
                             "as it is)"))]
    if event.status == EventStatus.SUBMITTED:
        return [("approve", _("Approve: publish it")), ("return", _("Send back with a comment"))]
    if event.status == EventStatus.APPROVED:
        return [("return", _("Send back with a comment (it leaves the public pages)"))]
    return []


@admin.register(Event)
class EventAdmin(ExportMixin, FoldedSearchMixin, AuditedAdminMixin, admin.ModelAdmin):
    folded_search_path = "local_government__"
    export_permission = "events.view_event"
    export_function = "events_export_response"
    list_display = ["title_shown", "kind", "local_government_label", "status", "when",
                    "origin", "review_link"]
    list_filter = [NeedsReviewFilter, "status", "kind", "origin", "date_precision",
                   "local_government__country"]
    search_fields = ["title_ja", "title_en", "venue", "landmark__name_ja", "landmark__name_en",
                     "local_government__name", "local_government__name_en",
                     "local_government__search_key"]
    list_select_related = ["local_government__region", "local_government__country",
                           "revision_of"]
    date_hierarchy = "start_date"
    ordering = ["-start_date", "-pk"]
    # No bulk approval: staff approve an event on its review page, having seen it (the
    # version they saw is checked, services_review.event_approve).
    actions = ["export_csv", "export_xlsx"]
    inlines = [EventPartnerInline, EventPhotoInline]
    change_form_template = "admin/events/event/change_form.html"
    change_list_template = "admin/events/change_list.html"
    fieldsets = [
        (None, {"fields": ["local_government", "kind", "status", "was_approved", "origin",
                           "title_ja", "title_en", "description_ja", "description_en"]}),
        (_("When"), {"fields": ["all_day", "time_zone", "starts_at", "ends_at", "start_date",
                                "end_date", "date_precision"]}),
        (_("Where"), {"fields": ["landmark", "venue", "address", "latitude", "longitude",
                                 "online_url", "registration_url", "accessibility"]}),
        (_("Image and report"), {"fields": ["image", "image_alt", "image_credit", "report"]}),
        (_("Review"), {"fields": ["revision_of", "review_comment", "submitted_at",
                                  "reviewed_at", "created_by"]}),
        (_("Calendar and records"), {"fields": ["uid", "sequence", "sources", "source_note",
                                                "reference_key"]}),
    ]

    # Officers write events (workspace); staff decide on them through the services.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request, obj=None) -> bool:
        return (can(request.user, "events.review_events", obj)
                and request.user.has_perm("events.change_event"))

    def get_ordering(self, request):
        """The queue (filter "Needs review"): oldest submission first."""
        if request.GET.get(NeedsReviewFilter.parameter_name):
            return ["submitted_at", "pk"]
        return super().get_ordering(request)

    def get_list_display(self, request):
        return [name for name in super().get_list_display(request)
                if name != "review_link" or self.has_review_permission(request)]

    @admin.display(description=_("title"), ordering="title_ja")
    def title_shown(self, event: Event) -> str:
        return review_title(event)

    @admin.display(description=_("local government"), ordering="local_government__name")
    def local_government_label(self, event: Event) -> str:
        return event.local_government.label

    @admin.display(description=_("when"), ordering="start_date")
    def when(self, event: Event) -> str:
        return event_date_text(event, get_language() or "ja")

    @admin.display(description=_("review"))
    def review_link(self, event: Event) -> str:
        if not review_choices(event):
            return "—"
        return format_html('<a class="button" href="{}">{}</a>',
                           reverse("admin:events_event_review", args=[event.pk]),
                           _("Review"))

    def get_urls(self):
        return [path("<int:pk>/review/", self.admin_site.admin_view(self.review_view),
                     name="events_event_review"),
                *self.export_urls()] + super().get_urls()

    def render_change_form(self, request, context, *args, **kwargs):
        obj = context.get("original")
        context["can_review"] = bool(obj and self.has_review_permission(request, obj)
                                     and review_choices(obj))
        return super().render_change_form(request, context, *args, **kwargs)

    @staticmethod
    def _review_event(pk: int) -> Event:
        return get_object_or_404(Event.objects.select_related(
            "local_government__region", "local_government__country", "landmark",
            "revision_of__landmark"), pk=pk)

    def review_view(self, request, pk: int):
        """GET: the event (for a revision: what it changes of the public version, field by
        field, then the whole proposed version), its report and photos, its history and the
        decisions its state allows; the form carries the version shown
        (``services_review.event_version``). POST: the decision, through
        ``services_review``; refused or invalid: the page again (400) with what was typed,
        showing the event as it is now (with that version: a version changed since is
        named and never approved unseen)."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        event = self._review_event(pk)
        choices = review_choices(event)
        version = services_review.event_version(event)
        form = EventReviewForm(request.POST or None, choices=choices,
                               initial={"version": version})
        status = 200
        if request.method == "POST":
            if form.is_valid() and self._decide(request, event, form):
                return HttpResponseRedirect(
                    reverse("admin:events_event_changelist") + "?review=needed")
            status = 400
            # The page shows the event as it is now, and the form carries that version.
            event = self._review_event(pk)
            choices = review_choices(event)
            form.fields["decision"].choices = choices
            form.data = form.data.copy()
            form.data["version"] = services_review.event_version(event)
        original = event.revision_of
        history_of = original or event
        context = {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": _("Review event"), "event": event, "form": form if choices else None,
            "review_title": review_title(event), "original": original,
            "differences": (selectors_officer.revision_differences(event)
                            if original is not None else []),
            "when": event_date_text(event, request.LANGUAGE_CODE),
            "partners": list(event.partners.all()), "photos": list(event.photos.all()),
            "support_requests": list(history_of.support_requests.all()),
            "rows": history_rows(audit_history(history_of).select_related("content_type")),
            "history_url": reverse("admin:events_event_history", args=[history_of.pk]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/events/event/review.html", context,
                                status=status)

    def _decide(self, request, event: Event, form: EventReviewForm) -> bool:
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services_review.event_approve(event=event, actor=request.user,
                                              comment=data["comment"], note=data["note"],
                                              version=data.get("version") or "")
                self.message_user(request, _("“%(title)s” is approved and public.")
                                  % {"title": event.revision_of or event}, messages.SUCCESS)
            else:
                services_review.event_return(event=event, actor=request.user,
                                             comment=data["comment"], note=data["note"])
                self.message_user(request, _("“%(title)s” was sent back to its officers.")
                                  % {"title": event}, messages.SUCCESS)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return False
        except ServiceError as exc:
            form.add_error(None, exc.message)
            return False
        except Event.DoesNotExist:
            form.add_error(None, _("This event no longer exists."))
            return False
        return True


# --- Landmarks -------------------------------------------------------------------------------
@admin.register(Landmark)
class LandmarkAdmin(FoldedSearchMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Landmarks lit in blue (edits audited). A landmark of the campaign's records has its
    local government's point (``point_approximate``) until staff set its own."""

    # Counts beside the filters would count over thousands of regions (a query SQLite
    # refuses: too many columns).
    show_facets = admin.ShowFacets.NEVER

    folded_search_path = "local_government__"
    list_display = ["__str__", "name_ja", "name_en", "local_government", "point_approximate",
                    "years"]
    list_filter = ["point_approximate", "local_government__region"]
    search_fields = ["name_ja", "name_en", "local_government__name",
                     "local_government__name_en", "local_government__search_key"]
    list_select_related = ["local_government__region", "local_government__country"]
    autocomplete_fields = ["local_government", "other_local_governments"]
    fields = ["name_ja", "name_en", "local_government", "other_local_governments", "latitude",
              "longitude", "point_approximate", "years"]
    readonly_fields = ["years"]

    def has_delete_permission(self, request, obj=None):
        return False  # events point to it (PROTECT); a wrong landmark is corrected

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("events")

    @admin.display(description=_("years lit"))
    def years(self, landmark: Landmark) -> str:
        # Lit: approved light-ups only (not cancelled ones, not drafts), never a revision.
        years = sorted({e.start_date.year for e in landmark.events.all()
                        if e.kind == "light_up" and e.status == EventStatus.APPROVED
                        and e.revision_of_id is None})
        return ", ".join(map(str, years)) or "—"


# --- Support requests --------------------------------------------------------------------------
#: The queue's order: new, in progress, answered, closed; oldest first within each.
QUEUE_ORDER = Case(*(When(status=status, then=Value(rank)) for rank, status in enumerate(
    [SupportStatus.NEW, SupportStatus.IN_PROGRESS, SupportStatus.ANSWERED,
     SupportStatus.CLOSED])), default=Value(9), output_field=IntegerField())


class SupportItemInline(ReadOnlyInline):
    model = SupportItem
    fields = ["kind", "quantity", "description"]


class SupportReplyInline(ReadOnlyInline):
    model = SupportReply
    fields = ["created_at", "author", "body"]
    readonly_fields = ["created_at"]


class SupportReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), max_length=services_review.REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        help_text=_("Emailed to the officer who asked, in the language of the request, and "
                    "shown in the workspace. The request becomes “answered” (unless it is "
                    "closed)."))


class SupportStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=SupportStatus.choices)
    note = forms.CharField(label=_("Note (internal, kept in the history)"), required=False,
                           max_length=2000)


@admin.register(SupportRequest)
class SupportRequestAdmin(ExportMixin, FoldedSearchMixin, AuditedAdminMixin, admin.ModelAdmin):
    folded_search_path = "local_government__"
    export_permission = "events.view_supportrequest"
    export_function = "support_requests_export_response"
    list_display = ["number", "local_government_label", "status", "asked_for", "event",
                    "needed_by", "created_at", "reply_count", "answer_link"]
    list_filter = ["status", "items__kind", "language", "local_government__country"]
    search_fields = ["=id", "message", "delivery_address", "local_government__name",
                     "local_government__name_en", "local_government__search_key"]
    list_select_related = ["local_government__region", "local_government__country", "event"]
    actions = ["mark_in_progress", "close_selected", "export_csv", "export_xlsx"]
    inlines = [SupportItemInline, SupportReplyInline]
    change_form_template = "admin/events/supportrequest/change_form.html"
    change_list_template = "admin/events/change_list.html"
    fields = ["local_government", "event", "status", "needed_from", "needed_by",
              "delivery_address", "message", "requested_by", "language", "created_at",
              "updated_at"]
    readonly_fields = ["created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_answer_permission(self, request, obj=None) -> bool:
        return (can(request.user, "events.answer_support", obj)
                and request.user.has_perm("events.change_supportrequest"))

    def get_queryset(self, request):
        return (super().get_queryset(request).prefetch_related("items")
                .annotate(replies_count=Count("replies", distinct=True)))

    def get_ordering(self, request):
        return [QUEUE_ORDER.asc(), "created_at", "pk"]

    def get_list_display(self, request):
        return [name for name in super().get_list_display(request)
                if name != "answer_link" or self.has_answer_permission(request)]

    @admin.display(description=_("number"), ordering="pk")
    def number(self, obj: SupportRequest) -> str:
        return f"#{obj.pk}"

    @admin.display(description=_("local government"), ordering="local_government__name")
    def local_government_label(self, obj: SupportRequest) -> str:
        return obj.local_government.label

    @admin.display(description=_("asked for"))
    def asked_for(self, obj: SupportRequest) -> str:
        return "; ".join(f"{item.get_kind_display()}"
                         + (f" × {item.quantity}" if item.quantity else "")
                         for item in obj.items.all()) or "—"

    @admin.display(description=_("replies"), ordering="replies_count")
    def reply_count(self, obj: SupportRequest) -> int:
        return obj.replies_count

    @admin.display(description=_("answer"))
    def answer_link(self, obj: SupportRequest) -> str:
        return format_html('<a class="button" href="{}">{}</a>',
                           reverse("admin:events_supportrequest_answer", args=[obj.pk]),
                           _("Answer"))

    def get_urls(self):
        return [path("<int:pk>/answer/", self.admin_site.admin_view(self.answer_view),
                     name="events_supportrequest_answer"),
                *self.export_urls()] + super().get_urls()

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_answer"] = self.has_answer_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def answer_view(self, request, pk: int):
        """GET: the request, what was asked, the replies, a reply form and a status form.
        POST ``reply``: ``support_request_reply``; POST ``set_status``:
        ``support_request_set_status``. Invalid: the page again (400), text kept."""
        if not self.has_answer_permission(request):
            raise PermissionDenied
        support_request = get_object_or_404(SupportRequest.objects.select_related(
            "local_government__region", "local_government__country", "event",
            "requested_by"), pk=pk)
        posted = request.POST if request.method == "POST" else None
        reply_form = SupportReplyForm(posted if posted and "reply" in posted else None)
        status_form = SupportStatusForm(
            posted if posted and "set_status" in posted else None,
            initial={"status": support_request.status})
        here = reverse("admin:events_supportrequest_answer", args=[support_request.pk])
        status = 200
        if posted is not None:
            form = reply_form if reply_form.is_bound else status_form
            if form.is_bound and form.is_valid() and self._answer(request, support_request,
                                                                  form):
                return HttpResponseRedirect(here)
            status = 400
        context = {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": _("Support request #%(n)s") % {"n": support_request.pk},
            "support_request": support_request, "items": list(support_request.items.all()),
            "replies": list(support_request.replies.select_related("author")),
            "reply_form": reply_form, "status_form": status_form,
            "rows": history_rows(audit_history(support_request).select_related(
                "content_type")),
            "history_url": reverse("admin:events_supportrequest_history",
                                   args=[support_request.pk]),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/events/supportrequest/answer.html", context,
                                status=status)

    def _answer(self, request, support_request: SupportRequest, form) -> bool:
        try:
            if isinstance(form, SupportReplyForm):
                services_review.support_request_reply(
                    support_request=support_request, actor=request.user,
                    body=form.cleaned_data["body"])
                self.message_user(request, _("The reply was sent."), messages.SUCCESS)
            else:
                services_review.support_request_set_status(
                    support_request=support_request, actor=request.user,
                    status=form.cleaned_data["status"], note=form.cleaned_data["note"])
                self.message_user(request, _("The status was changed."), messages.SUCCESS)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return False
        except SupportRequest.DoesNotExist:
            form.add_error(None, _("This request no longer exists."))
            return False
        return True

    def _set_status(self, request, queryset, status: str) -> None:
        done = 0
        for support_request in queryset:
            try:
                services_review.support_request_set_status(
                    support_request=support_request, actor=request.user, status=status)
            except SupportRequest.DoesNotExist:
                continue
            done += 1
        self.message_user(request, ngettext("%(count)d request updated.",
                                            "%(count)d requests updated.", done)
                          % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Mark the selected requests as in progress"),
                  permissions=["answer"])
    def mark_in_progress(self, request, queryset):
        self._set_status(request, queryset, SupportStatus.IN_PROGRESS)

    @admin.action(description=_("Close the selected requests"), permissions=["answer"])
    def close_selected(self, request, queryset):
        self._set_status(request, queryset, SupportStatus.CLOSED)


# --- World Refugee Day reminders -------------------------------------------------------------
class ReminderScheduleForm(forms.ModelForm):
    class Meta:
        model = ReminderSchedule
        fields = ["year", "send_on"]

    def clean(self):
        data = super().clean()
        year = data.get("year") or getattr(self.instance, "year", None)
        if year and data.get("send_on"):
            try:
                services_review.reminder_schedule_check(year=year, send_on=data["send_on"])
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
        return data


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The day each year's reminder goes out (without a row: six weeks before 20 June).
    Saved through ``services_review.reminder_schedule_set`` (audited)."""

    form = ReminderScheduleForm
    list_display = ["year", "send_on", "default_date", "reminded"]

    def _may_edit(self, request) -> bool:
        return can(request.user, "events.edit_reminders")

    def has_add_permission(self, request):
        return self._may_edit(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # set another date instead

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = services_review.reminder_schedule_set(
            year=obj.year, send_on=form.cleaned_data["send_on"], actor=request.user)
        obj.pk = saved.pk

    @admin.display(description=_("default date"))
    def default_date(self, obj: ReminderSchedule):
        return reminders.default_send_on(obj.year)

    @admin.display(description=_("local governments reminded"))
    def reminded(self, obj: ReminderSchedule) -> int:
        return ReminderSent.objects.filter(year=obj.year).count()


@admin.register(ReminderSent)
class ReminderSentAdmin(FoldedSearchMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Which local government was reminded of which year (read-only; the emails themselves
    are in the outbox)."""

    folded_search_path = "local_government__"
    list_display = ["local_government", "year", "sent_at", "recipients"]
    list_filter = ["year"]
    search_fields = ["local_government__name", "local_government__name_en",
                     "local_government__search_key"]
    list_select_related = ["local_government__region", "local_government__country"]
    readonly_fields = ["local_government", "year", "sent_at", "recipients"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportedTotal)
class ReportedTotalAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The totals of light-ups reported for each year, with their sources (loaded from the
    campaign's records by the release; edits audited)."""

    list_display = ["year", "total", "text_ja", "text_en", "source_link"]
    fields = ["year", "total", "text_ja", "text_en", "source_url", "source_label"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("source"))
    def source_link(self, obj: ReportedTotal) -> str:
        if not obj.source_url:
            return obj.source_label or "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.source_url,
                           obj.source_label or obj.source_url)


@admin.register(EventAwaitingReview)
class EventAwaitingReviewAdmin(admin.ModelAdmin):
    """The admin home page's entry to the review queue: its list is the events' list
    filtered to what awaits review (``NeedsReviewFilter``), oldest submission first."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("admin:events_event_changelist")
                                    + "?review=needed")
