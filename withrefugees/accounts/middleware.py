"""Middleware of the accounts: sessions that end after inactivity, staff sent to set up a
second factor before any staff page, refused sign-ins answered 429 and logged.

Order (``settings.MIDDLEWARE``): after ``AuthenticationMiddleware`` and
``MessageMiddleware``.
"""

import logging

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from .rules import is_staff_without_second_factor
from .signin import log_refusal

logger = logging.getLogger("withrefugees.accounts.security")

#: Session key: when the session last showed activity (Unix time, seconds).
LAST_SEEN_KEY = "accounts.last_seen"
#: The session is written at most this often (seconds) just to record activity.
REFRESH_SECONDS = 60
#: Paths (after the language prefix) of the staff area: no staff without TOTP there.
STAFF_AREA_PREFIXES = ("admin/",)


def idle_timeout(user) -> int:
    """Seconds of inactivity after which ``user``'s session ends:
    ``SESSION_IDLE_TIMEOUT_STAFF`` for staff and superusers, else
    ``SESSION_IDLE_TIMEOUT_OFFICER``."""
    if user.is_staff or user.is_superuser:
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT_OFFICER


class IdleSessionMiddleware:
    """On each request of a signed-in person: a session idle for longer than
    ``idle_timeout(user)`` is ended (signed out; the request goes on anonymous); otherwise
    the session's expiry is set to that timeout from now (``session.set_expiry``), so the
    session store forgets a session nobody uses. The session is written at most every
    ``REFRESH_SECONDS`` for this. Times come from ``django.utils.timezone.now``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timeout = idle_timeout(user)
            now = int(timezone.now().timestamp())
            seen = request.session.get(LAST_SEEN_KEY)
            if isinstance(seen, int) and now - seen > timeout:
                logger.info("session ended after %s s of inactivity", now - seen)
                logout(request)
            elif not isinstance(seen, int) or now - seen >= min(REFRESH_SECONDS, timeout):
                request.session[LAST_SEEN_KEY] = now
                request.session.set_expiry(timeout)
        return self.get_response(request)


def in_staff_area(request: HttpRequest) -> bool:
    """Whether the request is for the staff area (the admin), in any language."""
    path = request.path_info.lstrip("/")
    languages = {code for code, _name in settings.LANGUAGES}
    head, _slash, rest = path.partition("/")
    if head in languages:
        path = rest
    return path.startswith(STAFF_AREA_PREFIXES)


class StaffSecondFactorMiddleware:
    """Staff and superusers without an authenticator app (TOTP) are sent from any page of
    the staff area to its set-up page (``settings.STAFF_SECOND_FACTOR_SETUP_URL``), which
    says why. The admin refuses them on its own too (``accounts.adminsite``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if in_staff_area(request) and is_staff_without_second_factor(request.user):
            return HttpResponseRedirect(reverse(settings.STAFF_SECOND_FACTOR_SETUP_URL))
        return None


class SignInLimitMiddleware:
    """A sign-in form refused by a limit (``request.sign_in_limited``, set by
    ``accounts.signin`` and ``accounts.forms``) answers HTTP 429 with the form and its
    message; allauth's own 429 pages on account pages are logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "sign_in_limited", False) and response.status_code == 200:
            response.status_code = 429
        elif response.status_code == 429:
            match = getattr(request, "resolver_match", None)
            name = getattr(match, "url_name", None) or ""
            if name.startswith(("account_", "mfa_")):
                log_refusal(request, "", name)
        return response
