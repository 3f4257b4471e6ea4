"""The audit trail in the admin: a mixin that routes every staff edit of a plain record
through ``core.services`` (audited) and shows a record's history from the trail, and a
read-only list of the whole trail.

Use ``AuditedAdminMixin`` first in the bases of every ``ModelAdmin``::

    @admin.register(RejectionReason)
    class RejectionReasonAdmin(AuditedAdminMixin, admin.ModelAdmin): ...

A model with a life cycle of its own (a signature) overrides ``save_model`` to call its own
service; the history view works the same for it.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, OutboundEmail
from .outbox import NotRetryable, kind_label, mask_address, outbox_retry, public_args
from .services import (
    REDACTED,
    relation_values,
    staff_edit_delete,
    staff_edit_relations,
    staff_edit_save,
)

#: How the verbs of audit actions (``<record>.<verb>``) read to staff.
VERB_LABELS = {
    "create": _("added"),
    "update": _("changed"),
    "delete": _("deleted"),
    "submit": _("submitted"),
    "confirm": _("email confirmed"),
    "resend": _("confirmation email sent again"),
    "publish": _("published"),
    "reject": _("rejected"),
    "withdraw": _("withdrawn"),
    "seed": _("loaded from the campaign's records"),
    "make_current": _("made current"),
    "retry": _("sent again"),
    "moderate": _("fields hidden or shown by staff"),
    "add": _("added"),
    "remove": _("removed"),
    "hide": _("hidden"),
    "show": _("shown again"),
    "accept": _("accepted"),
    "revoke": _("revoked"),
    "approve": _("approved"),
    "return": _("sent back with a comment"),
    "status": _("status changed"),
    "reply": _("replied"),
    "set": _("set"),
    "email_gcr": _("emailed to the GCR again"),
    "progress": _("progress reported"),
}


#: Labels of audit states that are no choices of the record's state field, by model
#: (``{Model: {state: label}}``; e.g. a posted link's ``shown``/``hidden``, whose state is a
#: boolean field). Apps add theirs in their admin module.
STATE_LABELS: dict[type[models.Model], dict[str, Any]] = {}


def _state_shown(model: type[models.Model] | None, state: models.Field | None, value: str,
                 cache: dict) -> Any:
    labels = STATE_LABELS.get(model) or {}
    return labels[value] if value in labels else _shown(state, value, cache)


@dataclass
class HistoryRow:
    """One audit row as staff read it: labels instead of codes and ids."""

    entry: AuditEntry
    action: str
    record: str
    from_state: str
    to_state: str
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A reverse relation (e.g. a profile's "social_accounts") is no field with a label.
    return found if isinstance(found, models.Field) else None


def _label(model: type[models.Model] | None, name: str) -> str:
    """How staff read a field name of an audit row: the field's verbose name, the related
    records' plural name for a reverse relation (a profile's social media accounts)."""
    model_field = _field(model, name)
    if model_field is not None:
        return capfirst(model_field.verbose_name)
    try:
        relation = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        relation = None
    if relation is not None and relation.related_model is not None:
        return capfirst(relation.related_model._meta.verbose_name_plural)
    return name


def _shown(model_field: models.Field | None, value: Any, cache: dict) -> Any:
    """A stored audit value as staff read it: a choice's label, a related record's name,
    list items one after another, "(not shown)" for a secret."""
    if value is None or value == "" or value == []:
        return "—"
    if value == REDACTED:
        return _("(not shown)")
    if model_field is None:
        if isinstance(value, list):  # e.g. social media accounts: [[network, url], …]
            return "; ".join(" ".join(map(str, item)) if isinstance(item, list) else str(item)
                             for item in value)
        return value
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    # A stored value that is not a key of the related model (e.g. written by an older
    # version of a service) is shown as it was stored: the history page never fails on it.
    try:
        if model_field.many_to_many and isinstance(value, list):
            related = model_field.related_model._base_manager.filter(pk__in=value)
            names = {obj.pk: str(obj) for obj in related}
            return ", ".join(names.get(pk, f"#{pk}") for pk in value) or "—"
        if model_field.is_relation and model_field.many_to_one:
            key = (model_field.related_model, value)
            if key not in cache:
                related = model_field.related_model._base_manager.filter(pk=value).first()
                cache[key] = f"{related} (#{value})" if related is not None else f"#{value}"
            return cache[key]
    except (ValueError, TypeError, ValidationError):
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return value


def action_label(action: str) -> str:
    """``signature.publish`` as staff read it: ``published (signature.publish)``."""
    label = VERB_LABELS.get(action.rpartition(".")[2])
    return f"{label} ({action})" if label else action


def history_rows(entries, *, state_field: str = "status") -> list[HistoryRow]:
    """``HistoryRow``s of audit ``entries``: the action's label, states by the label of the
    record's ``state_field`` choices (when it has them), changed fields by their verbose
    names with old and new values."""
    rows, cache = [], {}
    for entry in entries:
        model = entry.content_type.model_class()
        state = _field(model, state_field)
        changes = []
        for name, pair in (entry.changes or {}).items():
            old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            model_field = _field(model, name)
            changes.append((_label(model, name),
                            _shown(model_field, old, cache), _shown(model_field, new, cache)))
        rows.append(HistoryRow(
            entry=entry,
            action=action_label(entry.action),
            record=entry.object_repr,
            from_state=(_state_shown(model, state, entry.from_state, cache)
                        if entry.from_state else ""),
            to_state=_state_shown(model, state, entry.to_state, cache) if entry.to_state else "",
            changes=changes,
        ))
    return rows


class AuditedAdminMixin:
    """Every add, change and delete in this admin (forms, inlines, list edits, the delete
    action) goes through ``core.services.staff_edit_save``/``staff_edit_delete`` and so
    leaves an audit row; the "History" page lists the record's audit trail.

    ``history_records(obj)`` gives the records whose rows the history shows (default: the
    record itself; e.g. a statement version adds its texts).
    """

    object_history_template = "admin/core/audit_history.html"
    audit_state_field = "status"

    def save_model(self, request, obj, form, change):
        staff_edit_save(instance=obj, actor=request.user)

    def delete_model(self, request, obj):
        staff_edit_delete(instance=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                staff_edit_delete(instance=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        """Links (many-to-many) are saved after the record: audit what they changed."""
        before = relation_values(form.instance) if change else {}
        super().save_related(request, form, formsets, change)
        staff_edit_relations(instance=form.instance, actor=request.user, before=before)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            staff_edit_delete(instance=obj, actor=request.user)
        for obj in instances:
            staff_edit_save(instance=obj, actor=request.user)
        formset.save_m2m()

    def history_records(self, obj) -> list[models.Model]:
        return [obj]

    def history_entries(self, obj) -> models.QuerySet[AuditEntry]:
        """The audit rows of ``history_records(obj)``, oldest first."""
        query = Q(pk__in=[])
        for record in self.history_records(obj):
            query |= Q(content_type=ContentType.objects.get_for_model(record),
                       object_id=str(record.pk))
        return (AuditEntry.objects.filter(query).select_related("actor", "content_type")
                .order_by("at", "pk"))

    def history_view(self, request, object_id, extra_context=None):
        """The record's history from the audit trail (replaces Django's ``LogEntry`` list):
        who, when, action, from → to, changed fields with old and new values, note."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        paginator = self.get_paginator(request, self.history_entries(obj), 100)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "rows": history_rows(page.object_list, state_field=self.audit_state_field),
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.num_pages > 1,
            "show_record": len(self.history_records(obj)) > 1,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The whole audit trail, read-only: filter by action and kind of record, search by
    record (name or id), actor or note."""

    ordering = ["-at", "-pk"]  # newest first
    list_display = ["at", "actor_shown", "action_shown", "content_type", "record_link",
                    "from_shown", "to_shown", "note"]
    list_filter = ["action", ("content_type", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["object_repr", "=object_id", "actor__email", "note"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "at"
    fields = ["at", "actor", "actor_pk", "action", "content_type", "object_id", "record_link",
              "from_state", "to_state", "changes", "note"]
    readonly_fields = fields

    def get_queryset(self, request):
        """Only rows of the kinds of record the user may view (a reviewer does not read the
        trail of users or profiles); superusers see all."""
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        allowed = [ct.pk for ct in ContentType.objects.all()
                   if user.has_perm(f"{ct.app_label}.view_{ct.model}")
                   or user.has_perm(f"{ct.app_label}.change_{ct.model}")]
        return queryset.filter(content_type_id__in=allowed)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("from"), ordering="from_state")
    def from_shown(self, entry: AuditEntry) -> str:
        return self._state(entry, entry.from_state)

    @admin.display(description=_("to"), ordering="to_state")
    def to_shown(self, entry: AuditEntry) -> str:
        return self._state(entry, entry.to_state)

    @staticmethod
    def _state(entry: AuditEntry, value: str) -> str:
        if not value:
            return "—"
        model = entry.content_type.model_class()
        return _state_shown(model, _field(model, "status"), value, {})

    @admin.display(description=_("by"), ordering="actor__email")
    def actor_shown(self, entry: AuditEntry) -> str:
        return entry.actor_label or "—"

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, entry: AuditEntry) -> str:
        return action_label(entry.action)

    @admin.display(description=_("record"), ordering="object_repr")
    def record_link(self, entry: AuditEntry) -> str:
        """The record's admin page when it still exists and has one, else its name."""
        model = entry.content_type.model_class()
        if model is None:
            return entry.object_repr
        try:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                          args=[entry.object_id])
        except NoReverseMatch:
            return entry.object_repr
        return format_html('<a href="{}">{}</a>', url, entry.object_repr or entry.object_id)


def record_admin_link(content_type: ContentType | None, object_id: str) -> str:
    """A link to the admin page of the record ``content_type``/``object_id`` when it has
    one, else its id."""
    model = content_type.model_class() if content_type else None
    if model is None:
        return object_id or "—"
    try:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                      args=[object_id])
    except NoReverseMatch:
        return f"{model._meta.verbose_name} {object_id}"
    return format_html('<a href="{}">{} {}</a>', url, model._meta.verbose_name, object_id)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The outbox, read-only: every email promised, its status, attempts and last error
    (``core/outbox.py``). The list shows addresses masked; the email's own page shows it
    whole (both need ``core.view_outboundemail``). The action "Send again now" needs
    ``core.retry_outboundemail`` and goes through ``outbox_retry`` (audited; the email's
    "History" page lists the retries)."""

    list_display = ["created_at", "kind_shown", "recipient_masked", "status", "attempts",
                    "error", "last_error_short", "next_attempt_at", "sent_at"]
    list_filter = ["status", "error", "kind"]
    search_fields = ["=recipient", "=object_id", "kind"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    fields = ["kind_shown", "record", "recipient", "language", "status", "attempts", "error",
              "last_error", "created_at", "next_attempt_at", "claimed_until", "sent_at",
              "updated_at", "args_shown"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("core.retry_outboundemail")

    @admin.display(description=_("kind"), ordering="kind")
    def kind_shown(self, email: OutboundEmail) -> str:
        return kind_label(email.kind)

    @admin.display(description=_("recipient"), ordering="recipient")
    def recipient_masked(self, email: OutboundEmail) -> str:
        return mask_address(email.recipient)

    @admin.display(description=_("last error"))
    def last_error_short(self, email: OutboundEmail) -> str:
        text = email.last_error
        return (text[:80] + "…") if len(text) > 80 else (text or "—")

    @admin.display(description=_("arguments"))
    def args_shown(self, email: OutboundEmail) -> dict:
        """The email's arguments without its secrets (``core.outbox.public_args``: sign-in
        codes, invitation tokens and pre-rendered bodies are never shown to staff)."""
        return public_args(email.args)

    @admin.display(description=_("about"))
    def record(self, email: OutboundEmail) -> str:
        return record_admin_link(email.content_type, email.object_id)

    @admin.action(description=_("Send again now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        done, refused = 0, 0
        for email in queryset:
            try:
                outbox_retry(email=email, actor=request.user)
            except NotRetryable:
                refused += 1
            else:
                done += 1
        if done:
            self.message_user(request, _("%(count)d email(s) will be sent again now.")
                              % {"count": done}, messages.SUCCESS)
        if refused:
            self.message_user(request, _("%(count)d email(s) were left as they are: only a "
                                         "failed email, or one waiting for its next attempt, "
                                         "can be sent again.") % {"count": refused},
                              messages.WARNING)


class SpreadsheetExportMixin:
    """CSV and Excel exports of an admin list, for the step apps' ``ModelAdmin``s: buttons
    above the list (the list as filtered and searched: ``export/<fmt>/`` with the list's
    query string; add ``export_urls()`` to ``get_urls``) and actions for the rows selected
    (``export_csv``, ``export_xlsx``). The app says who may (``has_export_permission``:
    its named rule and ``export_permission``) and how (``export_response(request,
    queryset, fmt)``: the app's ``exports`` module)."""

    export_permission = ""

    def has_export_permission(self, request) -> bool:
        raise NotImplementedError

    def export_response(self, request, queryset, fmt: str):
        raise NotImplementedError

    def export_view(self, request, fmt: str):
        """The list as filtered and searched (the changelist's own query), as ``fmt``
        (``core.spreadsheets.FORMATS``). Query parameters the list cannot apply (unknown
        fields, ``start_date__month=13``, letters for an id, a regular expression the
        database refuses): back to the list with ``?e=1`` (as the list itself does) and an
        error message; never a 500. With filters, the query is tried once first
        (``exists``, in a savepoint)."""
        from django.contrib.admin.options import IncorrectLookupParameters
        from django.contrib.admin.views.main import ERROR_FLAG
        from django.core.exceptions import FieldError
        from django.db import DataError, OperationalError
        from django.http import HttpResponseRedirect

        from .spreadsheets import FORMATS

        if fmt not in FORMATS or not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
            if set(request.GET) - {ERROR_FLAG}:
                with transaction.atomic():
                    queryset.exists()
        except (IncorrectLookupParameters, FieldError, ValidationError, ValueError,
                TypeError, OverflowError, DataError, OperationalError):
            self.message_user(request, _(
                "The filters in the address could not be applied, so nothing was "
                "exported. Choose the filters again on the list and export from there."),
                messages.ERROR)
            name = f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"
            return HttpResponseRedirect(
                f"{reverse(name, current_app=self.admin_site.name)}?{ERROR_FLAG}=1")
        return self.export_response(request, queryset, fmt)

    def export_urls(self) -> list:
        from django.urls import path

        info = self.opts.app_label, self.opts.model_name
        return [path("export/<str:fmt>/", self.admin_site.admin_view(self.export_view),
                     name=f"{info[0]}_{info[1]}_export")]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}),
                         "can_export": self.has_export_permission(request),
                         "export_formats": [("csv", _("Export CSV")),
                                            ("xlsx", _("Export Excel (.xlsx)"))]}
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Export the selected rows as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        return self.export_response(request, queryset, "csv")

    @admin.action(description=_("Export the selected rows as Excel (.xlsx)"),
                  permissions=["export"])
    def export_xlsx(self, request, queryset):
        return self.export_response(request, queryset, "xlsx")
