"""Account pages: the admin's "change my password" page, audited."""

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from withrefugees.core.services import staff_edit_password


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
