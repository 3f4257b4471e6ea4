"""URL configuration: pages under /ja/ and /en/ (i18n_patterns), admin at /admin/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("places/", include("withrefugees.places.urls")),
    path("", include("withrefugees.campaign.urls")),
    prefix_default_language=True,
)
admin.site.site_header = "Cities #WithRefugees"
admin.site.site_title = "Cities #WithRefugees"
