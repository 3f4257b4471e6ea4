"""URL configuration: pages under /ja/ and /en/ (i18n_patterns), admin at /admin/, uploaded
files at MEDIA_URL unless the reverse proxy serves them (``SERVE_MEDIA``)."""

import os

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from withrefugees.accounts.views import (
    admin_login,
    admin_password_change,
    email_addresses_closed,
)


def media(request: HttpRequest, path: str) -> HttpResponse:
    """An uploaded file from MEDIA_ROOT (read when asked, so tests can point it elsewhere)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]
if os.environ.get("BENCH_BARE_VIEW") == "1":
    # bench/pages.py only: the bare view the public pages are compared with, through the
    # whole middleware stack of the same server (never enabled by the app's own settings).
    urlpatterns.append(path("bench/bare/", lambda request: HttpResponse(b"ok")))
if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media))
urlpatterns += i18n_patterns(
    # The admin's own "change my password" page, audited (before the admin's URLs).
    path("admin/password_change/", admin.site.admin_view(admin_password_change)),
    # Its sign-in page: a redirect to the accounts sign-in (allauth), keeping "next".
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    # allauth's "email addresses" page stays closed (accounts.views.email_addresses_closed).
    path("accounts/email/", email_addresses_closed),
    path("accounts/", include("allauth.urls")),
    path("workspace/", include("withrefugees.workspace.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("places/", include("withrefugees.places.urls")),
    path("", include("withrefugees.campaign.urls")),
    path("", include("withrefugees.events.urls")),
    path("", include("withrefugees.pledges.urls")),
    path("", include("withrefugees.profiles.urls")),
    prefix_default_language=True,
)
admin.site.site_header = "Cities #WithRefugees"
admin.site.site_title = "Cities #WithRefugees"
