"""Staff edit a local government's public profile in the admin; every save goes through
``services.profile_update`` (one audit row with the changed fields), never straight to the
database. The profile's history (the audit trail) is on its "History" page."""

from django.contrib import admin
from django.contrib.admin.utils import construct_change_message
from django.db import models

from withrefugees.core.admin import AuditedAdminMixin

from . import services
from .models import Profile, SocialAccount


class SocialAccountInline(admin.TabularInline):
    model = SocialAccount
    extra = 1
    fields = ["network", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Profile)
class ProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["local_government", "public_name_ja", "public_name_en", "website",
                    "updated_at"]
    list_select_related = ["local_government__country", "local_government__region"]
    search_fields = ["local_government__name", "local_government__name_en",
                     "local_government__reading", "local_government__jis_code",
                     "public_name_ja", "public_name_en"]
    autocomplete_fields = ["local_government"]
    fields = ["local_government", "public_name_ja", "public_name_en", "website", "logo",
              "introduction_ja", "introduction_en"]
    inlines = [SocialAccountInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        # A profile stays with its local government.
        return ["local_government"] if obj else []

    # The form and inline validate; the service writes once both are valid.
    def save_model(self, request, obj, form, change):
        pass  # see save_related: one service call for the form and its inline

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        accounts = None
        for formset in formsets:
            if formset.model is SocialAccount:
                accounts = [services.SocialAccountInput(network=f.cleaned_data["network"],
                                                        url=f.cleaned_data["url"])
                            for f in formset.forms
                            if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        fields = {name: data[name] for name in services.TEXT_FIELDS if name in data}
        if "logo" in form.changed_data:
            fields["logo"] = data["logo"] or None  # False: the "clear" box was ticked
        if accounts is not None:
            fields["social_accounts"] = accounts
        profile = services.profile_update(local_government=form.instance.local_government,
                                          actor=request.user, **fields)
        form.instance.pk = profile.pk
        form.instance._state.adding = False

    def construct_change_message(self, request, form, formsets, add=False):
        # The inline formsets were not saved by the admin (the service saved them).
        return construct_change_message(form, [], add)
