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

from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect
from django.views.decorators.cache import never_cache

#: Lookups of the admin lists' query strings refused on every admin page: a regular
#: expression typed into the address reaches the database as is, and a malformed one is a
#: database error (500) on SQLite and PostgreSQL alike, not a message.
REFUSED_LOOKUPS = frozenset({"regex", "iregex"})


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
            if any(key.rsplit("__", 1)[-1] in REFUSED_LOOKUPS for key in request.GET):
                # What Django's changelist does with lookups it cannot apply ("?e=1").
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
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
