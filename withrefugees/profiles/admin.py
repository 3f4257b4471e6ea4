"""Staff edit a local government's public profile in the admin; every save goes through
``services.profile_update`` (one audit row with the changed fields), never straight to the
database. Staff with a second factor (rule ``profiles.moderate_profile``) hide fields that
break the campaign's rules through ``services.profile_hide_fields`` (audited as
``profile.moderate``, with the reason given). The profile's history (the audit trail) is on
its "History" page."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import construct_change_message
from django.db import models
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.admin import AuditedAdminMixin

from . import services
from .models import HIDEABLE_FIELDS, Profile, SocialAccount

HIDEABLE_CHOICES = list(HIDEABLE_FIELDS.items())


class SocialAccountInline(admin.TabularInline):
    model = SocialAccount
    extra = 1
    fields = ["owner", "network", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ProfileAdminForm(forms.ModelForm):
    moderation_note = forms.CharField(
        label=_("reason for hiding"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to the local government's officers next to the hidden fields, and "
                    "kept in the history."))

    class Meta:
        model = Profile
        fields = ["local_government", "public_name_ja", "public_name_en", "website", "logo",
                  "logo_alt_ja", "logo_alt_en", "introduction_ja", "introduction_en",
                  "hidden_fields"]


@admin.register(Profile)
class ProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ProfileAdminForm
    list_display = ["local_government", "public_name_ja", "public_name_en", "website",
                    "hidden_list", "updated_at"]
    list_select_related = ["local_government__country", "local_government__region"]
    search_fields = ["local_government__name", "local_government__name_en",
                     "local_government__reading", "local_government__jis_code",
                     "public_name_ja", "public_name_en"]
    autocomplete_fields = ["local_government"]
    inlines = [SocialAccountInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    EDIT_FIELDS = ["local_government", "public_name_ja", "public_name_en", "website", "logo",
                   "logo_alt_ja", "logo_alt_en", "introduction_ja", "introduction_en"]

    @staticmethod
    def _moderator(request) -> bool:
        return can(request.user, "profiles.moderate_profile")

    def get_fields(self, request, obj=None):
        if self._moderator(request):
            return [*self.EDIT_FIELDS, "hidden_fields", "moderation_note"]
        return [*self.EDIT_FIELDS, "hidden_list"]

    def get_readonly_fields(self, request, obj=None):
        # A profile stays with its local government.
        return ["local_government", "hidden_list"] if obj else ["hidden_list"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "hidden_fields":
            return forms.MultipleChoiceField(
                choices=HIDEABLE_CHOICES, required=False,
                widget=forms.CheckboxSelectMultiple, label=_("hidden from the public profile"),
                help_text=_("Tick a field that breaks the campaign's rules: the public "
                            "profile stops showing it until it is unticked. Officers see "
                            "that it is hidden and may still edit it."))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("hidden by staff"))
    def hidden_list(self, obj):
        names = [str(HIDEABLE_FIELDS[n]) for n in (obj.hidden_fields or [])
                 if n in HIDEABLE_FIELDS] if obj else []
        return ", ".join(names) or "—"

    # The form and inline validate; the service writes once both are valid.
    def save_model(self, request, obj, form, change):
        pass  # see save_related: one service call for the form and its inline

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        accounts = None
        for formset in formsets:
            if formset.model is SocialAccount:
                accounts = [services.SocialAccountInput(
                    network=f.cleaned_data["network"], url=f.cleaned_data["url"],
                    owner=f.cleaned_data.get("owner") or SocialAccount.Owner.LOCAL_GOVERNMENT)
                    for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        fields = {name: data[name] for name in services.TEXT_FIELDS if name in data}
        if "logo" in form.changed_data:
            fields["logo"] = data["logo"] or None  # False: the "clear" box was ticked
        if accounts is not None:
            fields["social_accounts"] = accounts
        profile = services.profile_update(local_government=form.instance.local_government,
                                          actor=request.user, **fields)
        if "hidden_fields" in data and self._moderator(request):
            profile = services.profile_hide_fields(
                profile=profile, fields=data["hidden_fields"] or [], actor=request.user,
                note=data.get("moderation_note", ""))
        form.instance.pk = profile.pk
        form.instance._state.adding = False

    def construct_change_message(self, request, form, formsets, add=False):
        # The inline formsets were not saved by the admin (the service saved them).
        return construct_change_message(form, [], add)
