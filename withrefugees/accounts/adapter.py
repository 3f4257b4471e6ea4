"""django-allauth's hooks for this site (``ACCOUNT_ADAPTER``).

- No open sign-up: accounts are made for invited addresses only, when they first ask for a
  code (``accounts.forms.RequestLoginCodeForm``, ``accounts.services``).
- Email goes through the outbox (``core.outbox``): ``send_mail`` renders allauth's message
  now, in the current language, and promises one ``accounts.allauth_mail`` row whose text
  is stored encrypted (``accounts.tasks``).
- Limits count by the client IP this site trusts (``core.net.client_ip``).
- Staff (or superusers) without an authenticator app are sent to set one up after sign-in
  (``settings.STAFF_SECOND_FACTOR_SETUP_URL``); staff with one go to the admin.
- Setting up one's first authenticator app (and seeing its recovery codes) within
  ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` of signing in needs no second confirmation of one's
  identity (allauth asks to "reauthenticate" for every change of the second factor);
  changing or removing one later still does.
- After the last wrong emailed code, allauth's "too many failed login attempts" message is
  left out: the code request page it sends the person to says what happened and has the
  address filled in (``accounts.signin.CODE_RETRY_SESSION_KEY``).
"""

import time
from dataclasses import dataclass

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.utils import translation

from withrefugees.core.net import client_ip

from .rules import can, forget, is_staff_without_second_factor


@dataclass(frozen=True)
class _Site:
    """What allauth's email templates read as ``current_site``."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's email ``template_prefix`` to ``email`` now (the current
        language) and promise it through the outbox (``accounts.tasks``)."""
        from .tasks import queue_allauth_mail

        request = allauth_context.request
        ctx = {"request": request, "email": email,
               "current_site": _Site(name="Cities #WithRefugees",
                                     domain=settings.SITE_URL.rstrip("/")),
               # how long an emailed sign-in code works, in minutes (the email says it)
               "code_minutes": max(1, settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT // 60)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        queue_allauth_mail(to=email, language=translation.get_language() or "",
                           subject=message.subject, body=message.body,
                           template=template_prefix)

    def get_login_redirect_url(self, request) -> str:
        user = request.user
        if is_staff_without_second_factor(user):
            return reverse(settings.STAFF_SECOND_FACTOR_SETUP_URL)
        if can(user, "accounts.staff_area"):
            return reverse("admin:index")
        return super().get_login_redirect_url(request)

    def post_login(self, request, user, *, redirect_url=None, **kwargs):
        """Staff without an authenticator app go to its set-up page, whatever ``next``."""
        forget(user)
        if is_staff_without_second_factor(user):
            redirect_url = reverse(settings.STAFF_SECOND_FACTOR_SETUP_URL)
        return super().post_login(request, user, redirect_url=redirect_url, **kwargs)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        required = super().is_reauthentication_required(app=app, **kwargs)
        if required and app == "allauth.mfa" and _first_authenticator_after_sign_in():
            return False
        return required

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None) -> None:
        if (level == messages.ERROR and message is not None
                and request.path.endswith("/accounts/login/code/confirm/")
                and str(message) == str(self.error_messages["too_many_login_attempts"])):
            # The last wrong code, with or without an account behind the address.
            from .signin import code_attempts_used

            code_attempts_used(request)
        if (getattr(request, "wr_code_attempts_used", False) and level == messages.ERROR
                and message is not None):
            return  # the code request page explains it (see the module docstring)
        if message_template == "account/messages/login_code_sent.txt" and message_context:
            from .signin import TYPED_EMAIL_SESSION_KEY

            typed = request.session.get(TYPED_EMAIL_SESSION_KEY)
            if typed:  # as typed: the account's stored spelling would tell that it exists
                message_context = {**message_context, "recipient": typed, "email": typed}
        super().add_message(request, level, message_template, message_context,
                            extra_tags=extra_tags, message=message)


def _first_authenticator_after_sign_in() -> bool:
    """The signed-in person signed in less than ``ACCOUNT_REAUTHENTICATION_TIMEOUT``
    seconds ago (allauth's record of this session) and had no authenticator then (setting
    up the app and seeing its recovery codes right after the first sign-in)."""
    from datetime import UTC, datetime

    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.mfa.models import Authenticator

    request = allauth_context.request
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    if not records:
        return False
    signed_in_at = float(records[0].get("at", 0))
    if time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT:
        return False
    return not Authenticator.objects.filter(
        user=user, created_at__lt=datetime.fromtimestamp(signed_in_at, tz=UTC)).exists()


def _authenticator_changed(action: str):
    def receiver(sender, request, user, authenticator=None, **kwargs) -> None:
        from withrefugees.core.audit import audit_record

        forget(user)
        kind = getattr(authenticator, "type", "") or ""
        audit_record(target=user, action=f"user.{action}", actor=user,
                     changes={"second_factor": [None, kind] if action == "second_factor_add"
                              else [kind, None]})
    return receiver


_added = _authenticator_changed("second_factor_add")
_removed = _authenticator_changed("second_factor_remove")


def connect_audit_signals() -> None:
    """Audit the authenticators a person adds or removes (``user.second_factor_add`` /
    ``user.second_factor_remove``, ``changes={"second_factor": [old, new]}``, the kind:
    ``totp`` or ``recovery_codes``; never the secret)."""
    from allauth.mfa.signals import authenticator_added, authenticator_removed

    authenticator_added.connect(_added, dispatch_uid="accounts.audit.mfa_added")
    authenticator_removed.connect(_removed, dispatch_uid="accounts.audit.mfa_removed")
