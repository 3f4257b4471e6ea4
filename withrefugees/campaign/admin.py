"""UNHCR staff review signatures in the Django admin: a queue of signatures awaiting review,
publish / reject (with a reason) / withdraw through the services, and the audit trail.

Permissions: the queue and the signatures are readable with ``view_signature`` and
``view_signatureawaitingreview``; the review page and the bulk publish/withdraw actions
need ``campaign.review_signature``; correcting a signature's details needs
``change_signature`` and goes through ``services.signature_update``. Every edit here is
audited (``core.admin.AuditedAdminMixin``), and each record's "History" page reads the
audit trail.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from withrefugees.core.admin import AuditedAdminMixin, history_rows
from withrefugees.core.audit import audit_history
from withrefugees.core.emails import InvalidEmail, email_normalise
from withrefugees.core.errors import ServiceError
from withrefugees.core.outbox import kind_label, outbox_for_record
from withrefugees.places.admin import FoldedSearchMixin

from . import selectors, services
from .models import (
    RejectionReason,
    Signature,
    SignatureAwaitingReview,
    StatementText,
    StatementVersion,
    content_hash,
)


class StatementTextForm(forms.ModelForm):
    class Meta:
        model = StatementText
        fields = ["language", "title", "body", "is_translation"]

    def clean(self):
        data = super().clean()
        if not self.instance.pk or not self.instance.is_signed:
            return data
        # Compare what the text means, not how the browser sent it (\r\n line endings).
        new_hash = content_hash(data.get("title", "") + "\n" + data.get("body", ""))
        if new_hash != self.instance.content_hash or "language" in self.changed_data:
            raise ValidationError(_("This text has been signed and can no longer be changed. "
                                    "Create a new statement version instead."))
        return data


class StatementTextInline(admin.StackedInline):
    model = StatementText
    form = StatementTextForm
    extra = 0
    readonly_fields = ["content_hash"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StatementVersion)
class StatementVersionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["number", "is_current", "note", "created_at"]
    readonly_fields = ["is_current"]
    inlines = [StatementTextInline]
    actions = ["make_current"]

    @admin.action(description=_("Make the selected version current"), permissions=["change"])
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version."), messages.ERROR)
            return
        try:
            version = services.statement_version_make_current(version=queryset.get(),
                                                              actor=request.user)
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, _("%(v)s is now current.") % {"v": version})

    def history_records(self, obj):
        """A version's history includes the edits of its texts."""
        return [obj, *obj.texts.all()]


@admin.register(RejectionReason)
class RejectionReasonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["label_ja", "label_en", "is_active", "position"]
    list_editable = ["is_active", "position"]


class SignatureAdminForm(forms.ModelForm):
    """Staff correct a signature's details; the change is saved by
    ``services.signature_update`` with the note as the audit row's note."""

    website = forms.URLField(label=_("website"), max_length=300, required=False,
                             assume_scheme="https")
    change_note = forms.CharField(
        label=_("Why this change (kept in the history)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Signature
        fields = list(services.SIGNATURE_EDITABLE_FIELDS)

    def clean_email(self):
        email = self.cleaned_data.get("email", "")
        if not email:
            return email
        try:
            return email_normalise(email)
        except InvalidEmail as exc:
            raise ValidationError(exc.messages, code="invalid_email") from exc


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("publish", _("Publish")), ("reject", _("Reject")), ("withdraw", _("Withdraw")),
    ])
    reason = forms.ModelChoiceField(label=_("Reason (for a rejection)"), required=False,
                                    queryset=RejectionReason.objects.filter(is_active=True))
    note = forms.CharField(label=_("Note (internal)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Choose a reason for the rejection."))
        return data


def apply_decision(*, signature: Signature, actor, decision: str, reason=None,
                   note: str = "") -> Signature:
    """Dispatch a review decision to its service (one place for the admin view and actions)."""
    if decision == "publish":
        return services.signature_publish(signature=signature, actor=actor, note=note)
    if decision == "reject":
        return services.signature_reject(signature=signature, actor=actor, reason=reason,
                                         note=note)
    if decision == "withdraw":
        return services.signature_withdraw(signature=signature, actor=actor, note=note)
    raise ValueError(decision)


@admin.register(Signature)
class SignatureAdmin(FoldedSearchMixin, AuditedAdminMixin, admin.ModelAdmin):
    folded_search_path = "local_government__"  # しぶや finds the signatures of 渋谷区
    list_display = ["local_government_label", "status", "signatory", "email", "created_at",
                    "email_confirmed_at", "hints", "review_link"]
    list_filter = ["status", "origin", "language", "local_government__country"]
    search_fields = ["local_government__name", "local_government__name_en",
                     "local_government__search_key", "email", "contact_name",
                     "signatory_name"]
    list_select_related = ["local_government__region", "local_government__country"]
    date_hierarchy = "created_at"
    actions = ["publish_selected", "withdraw_selected"]
    form = SignatureAdminForm
    readonly_fields = ["local_government", "region_text", "status", "origin", "statement_text",
                       "statement_hash", "language", "consented_at", "email_confirmed_at",
                       "published_at", "confirmation_sent_at", "confirmation_send_count",
                       "rejection_reason", "hints", "review_link", "emails",
                       "signed_on_precision"]
    fields = ["review_link", "local_government", "region_text", "status", "hints", "signatory_name",
              "signatory_title", "contact_name", "department", "email", "website", "message",
              "signed_on", "signed_on_precision", "language", "statement_text",
              "statement_hash", "origin", "consented_at", "email_confirmed_at",
              "published_at", "rejection_reason",
              "confirmation_sent_at", "confirmation_send_count", "emails", "change_note"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_review_permission(self, request, obj=None) -> bool:
        """Publish, reject, withdraw: ``campaign.review_signature``."""
        return request.user.has_perm("campaign.review_signature")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.has_review_permission(request):
            fields.remove("review_link")
        if not self.has_change_permission(request, obj):
            fields.remove("change_note")  # read-only view: nothing to explain
        if not request.user.has_perm("core.view_outboundemail"):
            fields.remove("emails")  # addresses and server replies: the outbox's permission
        return fields

    def get_list_display(self, request):
        return [name for name in super().get_list_display(request)
                if name != "review_link" or self.has_review_permission(request)]

    def save_model(self, request, obj, form, change):
        """Staff corrections go through ``services.signature_update`` (audited)."""
        services.signature_update(
            signature=obj, actor=request.user,
            data={name: form.cleaned_data[name] for name in form.changed_data
                  if name in services.SIGNATURE_EDITABLE_FIELDS},
            note=form.cleaned_data.get("change_note", ""))

    @admin.display(description=_("local government"), ordering="local_government__name")
    def local_government_label(self, obj: Signature) -> str:
        return obj.place_label  # a typed-in place: the region this signer typed

    @admin.display(description=_("signatory"))
    def signatory(self, obj: Signature) -> str:
        return " ".join(p for p in (obj.signatory_title, obj.signatory_name) if p)

    @admin.display(description=_("reviewer hints"))
    def hints(self, obj: Signature) -> str:
        items = selectors.review_hints(obj)
        if not items:
            return "—"
        return format_html("<ul class='review-hints'>{}</ul>", format_html_join(
            "", "<li class='hint-{}'>{}{}</li>",
            ((lvl, "✔ " if lvl == "ok" else "⚠ ", text) for lvl, text in items)))

    @admin.display(description=_("emails"))
    def emails(self, obj: Signature) -> str:
        """The emails promised about this signature (the outbox), newest first: kind (a
        link to the email, ``core.view_outboundemail``), status, attempts, last error."""
        if obj.pk is None:
            return "—"
        rows = list(outbox_for_record(obj)[:20])
        if not rows:
            return "—"
        return format_html("<ul class='signature-emails'>{}</ul>", format_html_join(
            "", "<li>{} — <strong>{}</strong> ({}) {}{}</li>",
            ((format_html('<a href="{}">{}</a>', reverse(
                "admin:core_outboundemail_change", args=[e.pk]), kind_label(e.kind)),
              e.get_status_display(),
              _("%(n)d attempt(s), %(at)s") % {
                  "n": e.attempts,
                  "at": date_format(localtime(e.sent_at or e.created_at),
                                    "SHORT_DATETIME_FORMAT")},
              e.get_error_display() + ": " if e.error else "",
              e.last_error) for e in rows)))

    @admin.display(description=_("review"))
    def review_link(self, obj: Signature) -> str:
        if obj.pk is None:
            return "—"
        return format_html('<a class="button" href="{}">{}</a>',
                           reverse("admin:campaign_signature_review", args=[obj.pk]),
                           _("Review"))

    def get_urls(self):
        return [
            path("<int:pk>/review/", self.admin_site.admin_view(self.review_view),
                 name="campaign_signature_review"),
        ] + super().get_urls()

    def review_view(self, request, pk: int):
        if not self.has_review_permission(request):
            raise PermissionDenied
        signature = get_object_or_404(Signature.objects.with_places(), pk=pk)
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                apply_decision(signature=signature, actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("%(lg)s: decision recorded.") % {
                    "lg": signature.local_government.label})
                return redirect("admin:campaign_signatureawaitingreview_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Review signature"), "signature": signature, "form": form,
                   "hints": selectors.review_hints(signature),
                   "rows": history_rows(audit_history(signature).select_related(
                       "content_type")),
                   "history_url": reverse("admin:campaign_signature_history",
                                          args=[signature.pk])}
        return TemplateResponse(request, "admin/campaign/signature/review.html", context)

    def _bulk(self, request, queryset, decision: str):
        done = 0
        for signature in queryset:
            try:
                apply_decision(signature=signature, actor=request.user, decision=decision)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{signature.local_government.label}: "
                                           f"{exc.message}", messages.WARNING)
        self.message_user(request, _("%(n)d signature(s) updated.") % {"n": done})

    @admin.action(description=_("Publish selected signatures"), permissions=["review"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    @admin.action(description=_("Withdraw selected signatures"), permissions=["review"])
    def withdraw_selected(self, request, queryset):
        self._bulk(request, queryset, "withdraw")


@admin.register(SignatureAwaitingReview)
class SignatureAwaitingReviewAdmin(SignatureAdmin):
    """The queue: only ``pending`` signatures, oldest first, each with a Review button."""

    list_filter = ["origin", "language", "local_government__country"]
    date_hierarchy = None
    ordering = ["email_confirmed_at", "pk"]  # oldest confirmation first

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Signature.Status.PENDING)

    def get_urls(self):
        return super(SignatureAdmin, self).get_urls()
