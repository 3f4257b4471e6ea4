"""Places in the admin. Every staff edit is saved and audited through ``core.services``
(``AuditedAdminMixin``); each record's "History" page reads the audit trail."""

import unicodedata

from django.contrib import admin

from withrefugees.core.admin import AuditedAdminMixin

from .models import Country, LocalGovernment, ReferenceDataset, Region
from .selectors import folded_filter


class FoldedSearchMixin:
    """The admin's search also finds records by folded place names (``places.folding``),
    as the public search does: ``しぶや``, ``Shibuya-ku``, ``澁谷`` find 渋谷区. The whole
    search term is folded (not word by word), and added to Django's own field search, which
    also runs with the term in Unicode NFKC (``ｓｏｕｍｕ＠ｃｉｔｙ`` finds ``soumu@city``: stored
    addresses and names are NFKC). ``folded_search_path``: the path to the LocalGovernment
    ("" for itself)."""

    folded_search_path = ""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset,
                                                                  search_term)
        normalised = unicodedata.normalize("NFKC", search_term)
        if normalised != search_term:
            more, more_duplicates = super().get_search_results(request, queryset, normalised)
            results, may_have_duplicates = results | more, may_have_duplicates or more_duplicates
        if search_term.strip():
            results = results | folded_filter(queryset, search_term,
                                              prefix=self.folded_search_path)
        return results, may_have_duplicates


class NaturalKeyReadOnlyMixin:
    """The codes that identify a reference record (ISO 3166, JIS X 0402, GeoNames id) are
    read-only once it exists: the data loads upsert by them, and a changed primary key
    would make Django add a second record instead of changing this one."""

    natural_keys: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + [name for name in self.natural_keys if name not in fields] if obj \
            else fields


@admin.register(Country)
class CountryAdmin(NaturalKeyReadOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    natural_keys = ("code",)
    list_display = ["code", "name_en", "name_ja"]
    search_fields = ["code", "name_en", "name_ja"]


@admin.register(Region)
class RegionAdmin(NaturalKeyReadOnlyMixin, AuditedAdminMixin, admin.ModelAdmin):
    natural_keys = ("code",)
    list_display = ["code", "name_en", "name_ja", "country"]
    list_filter = ["country"]
    search_fields = ["code", "name_en", "name_ja"]


@admin.register(LocalGovernment)
class LocalGovernmentAdmin(FoldedSearchMixin, NaturalKeyReadOnlyMixin, AuditedAdminMixin,
                           admin.ModelAdmin):
    natural_keys = ("jis_code", "geonames_id")
    list_display = ["name", "name_en", "kind", "jis_code", "region", "country", "source"]
    list_filter = ["source", "kind"]
    search_fields = ["name", "name_en", "reading", "jis_code"]  # + folded names
    list_select_related = ["region", "country"]
    autocomplete_fields = ["country", "region"]


@admin.register(ReferenceDataset)
class ReferenceDatasetAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "rows", "checksum", "loaded_at"]
