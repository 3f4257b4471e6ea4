"""Account pages: the admin's sign-in page, limited and logged (``accounts.signin``), and
its "change my password" page, audited."""

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from withrefugees.core.services import staff_edit_password

from .signin import LimitedAdminAuthenticationForm


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in page (``AdminSite.login``) with ``LimitedAdminAuthenticationForm``:
    failures limited per account and per client IP and logged. While limited, the page
    answers HTTP 429 with the form and a translated message, without checking the password.
    Mounted in front of the admin's own URL."""
    admin.site.login_form = LimitedAdminAuthenticationForm  # also set in config/urls.py
    response = admin.site.login(request)
    if getattr(request, "sign_in_limited", False):
        response.status_code = 429
    return response


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
