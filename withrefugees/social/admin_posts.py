"""Staff edit the ready-made posts (one per occasion and language) and the UNHCR accounts
they mention. Every save and delete goes through ``services_posts`` (audited; the "History"
page reads the audit trail); a template's text is checked by ``posts.validate_body`` on the
form, so a bad one comes back with the reason. Editing needs the rule
``social.edit_post_templates`` (staff with a second factor) besides Django's model
permissions. Registered on import: ``social/admin.py`` imports this module."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.admin import AuditedAdminMixin

from . import services_posts
from .models import Mention, PostTemplate
from .posts import allowed_placeholders, validate_body, validate_handle

RULE = services_posts.RULE


class PostTemplateForm(forms.ModelForm):
    class Meta:
        model = PostTemplate
        fields = ["occasion", "language", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10, "cols": 80})}
        help_texts = {"body": _(
            "Placeholders, filled in for each local government: {name} (its name in the "
            "post's language), {url} (its public profile), {hashtags} (#WithRefugees, and "
            "#難民とともに in Japanese), {mentions} (UNHCR’s accounts on X, chosen in “UNHCR "
            "accounts to mention”; each share link puts that network’s accounts in their "
            "place; may be empty); in posts about an event {event_title} and "
            "{event_date}; in posts about a pledge {pledge_title}. {hashtags} is required.")}

    def clean(self):
        data = super().clean()
        occasion = data.get("occasion") or self.instance.occasion
        language = data.get("language") or self.instance.language
        body = data.get("body")
        if body and occasion and language:
            try:
                validate_body(body, occasion=occasion, language=language)
            except ValidationError as exc:
                self.add_error("body", exc)
        return data


class _ServiceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Saves only through ``services_posts``; edits need the rule ``RULE`` too."""

    def _allowed(self, request) -> bool:
        return can(request.user, RULE)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request)

    def save_related(self, request, form, formsets, change):
        pass  # no many-to-many fields or inlines: the service saved everything

    def _apply(self, form, saved) -> None:
        form.instance.pk = saved.pk
        form.instance._state.adding = False


@admin.register(PostTemplate)
class PostTemplateAdmin(_ServiceAdmin):
    form = PostTemplateForm
    list_display = ["occasion", "language", "body_start", "updated_at"]
    list_filter = ["occasion", "language"]
    search_fields = ["body"]
    readonly_fields = ["placeholders"]
    audit_state_field = "occasion"

    def get_fields(self, request, obj=None):
        return ["occasion", "language", "body", "placeholders"]

    def get_readonly_fields(self, request, obj=None):
        # A template stays with its occasion and language.
        return ["occasion", "language", "placeholders"] if obj else ["placeholders"]

    def has_delete_permission(self, request, obj=None):
        return False  # the kit needs one per occasion and language: edit it instead

    @admin.display(description=_("text"))
    def body_start(self, obj: PostTemplate) -> str:
        return obj.body if len(obj.body) <= 80 else obj.body[:80] + "…"

    @admin.display(description=_("placeholders this post may use"))
    def placeholders(self, obj: PostTemplate | None) -> str:
        if obj is None or not obj.occasion:
            return "—"
        return format_html_join(" ", "<code>{{{}}}</code>",
                                ((name,) for name in allowed_placeholders(obj.occasion)))

    def save_model(self, request, obj, form, change):
        # The form checked the service's rules (``validate_body``, the model's fields).
        saved = services_posts.post_template_save(
            occasion=obj.occasion, language=obj.language, body=form.cleaned_data["body"],
            actor=request.user)
        self._apply(form, saved)


class MentionForm(forms.ModelForm):
    class Meta:
        model = Mention
        fields = ["network", "handle", "label", "included", "position"]

    def clean_handle(self):
        handle = (self.cleaned_data.get("handle") or "").strip()
        validate_handle(handle)
        return handle


@admin.register(Mention)
class MentionAdmin(_ServiceAdmin):
    form = MentionForm
    list_display = ["handle", "network", "label", "included", "position"]
    list_editable = ["included", "position"]
    list_filter = ["network", "included"]
    search_fields = ["handle", "label"]
    fields = ["network", "handle", "label", "included", "position"]
    audit_state_field = "network"

    def save_model(self, request, obj, form, change):
        data = {name: getattr(obj, name) for name in services_posts.MENTION_FIELDS}
        saved = services_posts.mention_save(
            mention=obj if change else None, actor=request.user, **data)
        self._apply(form, saved)

    def delete_model(self, request, obj):
        services_posts.mention_delete(mention=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(Mention)):
            for mention in queryset:
                services_posts.mention_delete(mention=mention, actor=request.user)
