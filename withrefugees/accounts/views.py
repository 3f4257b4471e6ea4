"""Account pages outside django-allauth: the admin's sign-in page, which sends everyone to
the accounts sign-in (allauth: emailed code or password, limits, second factor, logging),
and the admin's "change my password" page, audited."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from withrefugees.core.services import staff_edit_password

from .rules import can, is_staff_without_second_factor


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` of the request when it is a URL of this site, else the admin's index."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("admin:index")


def admin_refusal(request: HttpRequest, target: str) -> HttpResponse:
    """What a request the admin refuses gets (``target``: where to go once allowed):

    - not signed in: the accounts sign-in (``account_login``) with ``next=target``;
    - staff without a second factor: the authenticator set-up page
      (``settings.STAFF_SECOND_FACTOR_SETUP_URL``);
    - anyone else signed in: 403 (the admin is for staff; the sign-in page would send a
      signed-in person straight back)."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
    if is_staff_without_second_factor(user):
        return HttpResponseRedirect(reverse(settings.STAFF_SECOND_FACTOR_SETUP_URL))
    raise PermissionDenied


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in URL (``admin:login``, ``/<lang>/admin/login/``): a redirect to
    ``next`` (a URL of this site, else the admin's index) for those the admin lets in,
    else ``admin_refusal`` (the accounts sign-in keeping ``next``, the authenticator set-up,
    or 403)."""
    target = _safe_next(request)
    if can(request.user, "accounts.staff_area"):
        return HttpResponseRedirect(target)
    return admin_refusal(request, target)


def admin_password_change(request: HttpRequest) -> HttpResponse:
    """Django's admin page where signed-in staff change their own password, with the change
    written to the audit trail (``core.services.staff_edit_password``; the hash never
    enters it) in the same transaction. Mounted in front of the admin's own URL."""
    with transaction.atomic():
        user = request.user
        before = user.password if user.is_authenticated else ""
        response = admin.site.password_change(request)
        if request.method == "POST" and user.is_authenticated:
            staff_edit_password(user=user, actor=user, before_hash=before)
    return response


def email_addresses_closed(request: HttpRequest) -> HttpResponse:
    """allauth's page for adding and changing one's email addresses is closed: with
    sign-in by emailed code, an address changed without proof would send the codes to
    whoever changed it. The address is the account's identity; staff change it in the
    admin (audited). 404, GET and POST alike."""
    from django.http import Http404

    raise Http404("Email addresses are not changed here.")
