"""Places in the admin. Every staff edit is saved and audited through ``core.services``
(``AuditedAdminMixin``); each record's "History" page reads the audit trail."""

from django.contrib import admin

from withrefugees.core.admin import AuditedAdminMixin

from .models import Country, LocalGovernment, ReferenceDataset, Region


@admin.register(Country)
class CountryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ja"]
    search_fields = ["code", "name_en", "name_ja"]


@admin.register(Region)
class RegionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ja", "country"]
    list_filter = ["country"]
    search_fields = ["code", "name_en", "name_ja"]


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "kind", "jis_code", "region", "country", "source"]
    list_filter = ["source", "kind"]
    search_fields = ["name", "name_en", "reading", "jis_code", "search_key"]
    list_select_related = ["region", "country"]
    autocomplete_fields = ["country", "region"]


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "rows", "checksum", "loaded_at"]
