"""The admin site of UNHCR staff: Django's own, asking also the rule ``accounts.staff_area``
(staff or superuser *with a second factor*, ``accounts.rules``), so that no account reaches
any admin page (index, lists, change pages, actions, its own views) without TOTP.

``StaffAdminConfig`` replaces ``"django.contrib.admin"`` in ``INSTALLED_APPS``: it is
Django's ``AdminConfig`` (autodiscovery, label ``admin``) whose default site is
``StaffAdminSite``, so ``admin.site`` and every ``@admin.register`` stay as they are.

Sign-in is the accounts sign-in (django-allauth) for everyone: the admin's login page
redirects there, keeping ``next`` (``accounts.views.admin_login``). Staff signed in without
TOTP are sent to set it up (``accounts.middleware.StaffSecondFactorMiddleware``).
"""

import re
from functools import update_wrapper

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

#: Lookups of the admin lists' query strings refused on every admin page: a regular
#: expression typed into the address reaches the database as is, and a malformed one is a
#: database error (500) on SQLite and PostgreSQL alike, not a message.
REFUSED_LOOKUPS = frozenset({"regex", "iregex"})


NOT_APPLIED = _("The filters in the address could not be applied: the list is shown without "
                "them. Choose the filters again on the list.")
NOT_EXPORTED = _("The filters in the address could not be applied, so nothing was exported. "
                 "Choose the filters again on the list and export from there.")
#: The export pages of an admin list (``<list>/export/<format>/``, e.g. events.admin).
EXPORT_PATH = re.compile(r"export/[^/]+/$")
#: Date parts of the lists' date drill-down (``date_hierarchy``) and date filters, with the
#: values a date can have: ``?start_date__year=999999999999`` was an OverflowError (500).
DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def lookups_acceptable(query) -> bool:
    """Whether the lookups of an admin page's query string (a QueryDict) may reach the
    database: no ``REFUSED_LOOKUPS``, and date parts that are whole numbers in their range
    (``DATE_PARTS``)."""
    for key in query:
        last = key.rsplit("__", 1)[-1]
        if last in REFUSED_LOOKUPS:
            return False
        if last in DATE_PARTS and "__" in key:
            low, high = DATE_PARTS[last]
            for value in query.getlist(key):
                if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                    return False
    return True


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        """Active staff (Django's check) who also pass ``accounts.staff_area``."""
        from .rules import can

        return super().has_permission(request) and can(request.user, "accounts.staff_area")

    def admin_view(self, view, cacheable=False):
        """Django's wrapper of every admin view, answering a request the site refuses
        itself (``accounts.views.admin_refusal``: the accounts sign-in, the authenticator
        set-up, or 403) instead of sending it to the admin's own login URL first."""
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if not self.has_permission(request):
                from .views import admin_refusal

                return never_cache(admin_refusal)(request, request.get_full_path())
            if not lookups_acceptable(request.GET):
                # What Django's changelist does with lookups it cannot apply ("?e=1").
                # (An export of a list goes back to the list, never to an unfiltered export.)
                path = EXPORT_PATH.sub("", request.path)
                messages.error(request, NOT_EXPORTED if path != request.path else NOT_APPLIED)
                return HttpResponseRedirect(f"{path}?{ERROR_FLAG}=1")
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)

    def login(self, request, extra_context=None):
        """No sign-in form of its own: ``accounts.views.admin_login``."""
        from .views import admin_login

        return admin_login(request)


class StaffAdminConfig(AdminConfig):
    default_site = "withrefugees.accounts.adminsite.StaffAdminSite"

    def ready(self) -> None:
        """Autodiscovery, then without allauth's own pages of authenticators (they show
        the TOTP secret) and of user sessions (they show session keys): each person
        manages their own on the account pages."""
        super().ready()
        from allauth.mfa.models import Authenticator
        from allauth.usersessions.models import UserSession

        for model in (Authenticator, UserSession):
            if self.module.site.is_registered(model):
                self.module.site.unregister(model)
