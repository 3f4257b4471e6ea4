"""django-allauth's forms as this site uses them (``ACCOUNT_FORMS``, ``MFA_FORMS``).

Every form links its fields to their help texts and errors (``core.forms.
AccessibleFormMixin``) and is rendered field by field with ``core/field.html``
(``templates/allauth/elements/fields.html``). On top of allauth:

- ``LoginForm`` (sign-in with a password, the alternative to an emailed code): the limits
  of ``accounts.signin`` are checked before the password and each failure is counted and
  logged (never the password);
- ``RequestLoginCodeForm``: an invited address gets its account when it first asks for a
  code (``accounts.services.account_for_invited_address``); accounts are found by their
  canonical mailbox (``core.emails``), the code goes to the account's own address; requests
  are limited per mailbox and per IP (allauth's ``request_login_code``); after the last
  wrong code the address comes back filled in, with a notice (``code_attempts_used``);
- ``ResetPasswordForm``: the account is found by its canonical mailbox, as above;
- password forms: the change is written to the audit trail (the hash never enters it).
"""

import logging
import unicodedata

from allauth.account import forms as account_forms
from allauth.account.adapter import get_adapter
from allauth.account.fields import EmailField
from allauth.core import context as allauth_context
from allauth.core import ratelimit
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError

from withrefugees.core.emails import email_canonical, email_normalise
from withrefugees.core.forms import AccessibleFormMixin
from withrefugees.core.services import staff_edit_password

from .signin import (
    CODE_RETRY_SESSION_KEY,
    TYPED_EMAIL_SESSION_KEY,
    check_sign_in_allowed,
    log_refusal,
    record_sign_in_failure,
)

logger = logging.getLogger("withrefugees.accounts.security")


class AccessibleAllauthMixin(AccessibleFormMixin):
    """Help texts linked from the first rendering on (allauth's forms are not bound then)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe()


def _plain_password_help(form) -> None:
    """The password rules as one plain sentence (Django's help is a list, which cannot sit
    in ``core/field.html``'s help paragraph)."""
    field = form.fields.get("password1")
    if field is not None:
        field.help_text = " ".join(str(text) for text in password_validators_help_texts())


class TypedEmailField(EmailField):
    """allauth's email field reading the address as typed with a Japanese input method:
    full-width letters and ＠ become ASCII (Unicode NFKC) before validation."""

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFKC", value).strip() if value else value


class LoginForm(AccessibleAllauthMixin, account_forms.LoginForm):
    """Email address and password. Refused without checking the password while
    ``accounts.signin``'s limits are reached (``too_many_attempts``; the page answers 429);
    every wrong password counted and logged with the reason (allauth's error code, e.g.
    ``email_password_mismatch``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        typed = TypedEmailField()
        typed.widget.attrs.update(self.fields["login"].widget.attrs)
        self.fields["login"] = typed
        self._bound_fields_cache.pop("login", None)  # bound to allauth's field by _describe
        self._describe()

    def _setup_password_field(self) -> None:
        # allauth drops the password when sign-up asks for none; here it is the alternative
        # to an emailed code, so it stays (and is required on this form).
        self.fields["password"].required = True

    def clean(self):
        login = self.cleaned_data.get("login")
        password = self.cleaned_data.get("password")
        if self._errors or not login or not password:
            return super().clean()
        check_sign_in_allowed(self.request, login)
        try:
            return super().clean()
        except ValidationError as exc:
            code = getattr(exc, "code", None) or "invalid"
            if code == "too_many_login_attempts":  # allauth's own limit (login_failed)
                self.request.sign_in_limited = True
                log_refusal(self.request, login, "login_failed")
            else:
                record_sign_in_failure(self.request, login, code)
            raise


def _account_for(email: str, canonical: str):
    """The active account of the mailbox ``canonical``: made now for an invited address
    (``accounts.services.account_for_invited_address``) or found; None otherwise."""
    user = None
    try:
        from .services import account_for_invited_address
    except ImportError:  # written by another change; until then, existing accounts only
        account_for_invited_address = None
    if account_for_invited_address is not None:
        user = account_for_invited_address(email=email)
    if user is None:
        user = get_user_model().objects.filter(email_canonical=canonical).first()
    return user if user is not None and user.is_active else None


class RequestLoginCodeForm(AccessibleAllauthMixin, account_forms.RequestLoginCodeForm):
    """One field, the email address. ``code_attempts_used``: True when the person comes
    back after typing the last allowed wrong code (the address is then filled in)."""

    email = TypedEmailField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = allauth_context.request
        retry = request.session.get(CODE_RETRY_SESSION_KEY) if request is not None else None
        self.code_attempts_used = bool(retry)
        if retry and not self.is_bound:
            self.initial["email"] = retry

    def clean_email(self) -> str:
        """Refuses an address mail cannot be sent to (``core.emails.InvalidEmail`` codes)
        and too many requests for one mailbox or from one IP (``too_many_login_attempts``).
        Sets ``_user`` (None for an address without an account: allauth then shows the
        same page and sends nothing). Returns the address the code is sent to."""
        email = email_normalise(self.cleaned_data["email"])
        canonical = email_canonical(email)
        request = allauth_context.request
        if not ratelimit.consume(request, action="request_login_code", key=canonical):
            request.sign_in_limited = True
            log_refusal(request, email, "request_login_code")
            raise get_adapter().validation_error("too_many_login_attempts")
        self._user = _account_for(email, canonical)
        request.session.pop(CODE_RETRY_SESSION_KEY, None)
        # Pages and messages show the address as typed, whether or not it has an account
        # (``TYPED_EMAIL_SESSION_KEY``): the stored spelling would tell that one exists.
        request.session[TYPED_EMAIL_SESSION_KEY] = email
        return self._user.email if self._user is not None else email


class ConfirmLoginCodeForm(AccessibleAllauthMixin, account_forms.ConfirmLoginCodeForm):
    pass


class _AuditedPasswordMixin:
    """Writes the password change of ``self.user`` to the audit trail."""

    def save(self, *args, **kwargs):
        user = self.user
        before = user.password
        result = super().save(*args, **kwargs)
        staff_edit_password(user=user, actor=user, before_hash=before)
        return result


class ChangePasswordForm(_AuditedPasswordMixin, AccessibleAllauthMixin,
                         account_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self)


class SetPasswordForm(_AuditedPasswordMixin, AccessibleAllauthMixin,
                      account_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self)


class ResetPasswordForm(AccessibleAllauthMixin, account_forms.ResetPasswordForm):
    """The account is found by its canonical mailbox (allauth compares the address as
    typed, lower-cased, with the stored one, and misses ``Soumu@…``); the link goes to the
    account's own address."""

    email = TypedEmailField()

    def clean_email(self) -> str:
        email = email_normalise(self.cleaned_data["email"])
        self.users = list(get_user_model().objects.filter(
            email_canonical=email_canonical(email), is_active=True))
        return self.users[0].email if self.users else email


class ResetPasswordKeyForm(_AuditedPasswordMixin, AccessibleAllauthMixin,
                           account_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _plain_password_help(self)


class ReauthenticateForm(AccessibleAllauthMixin, account_forms.ReauthenticateForm):
    pass


class ConfirmReauthenticationCodeForm(AccessibleAllauthMixin,
                                      account_forms.ConfirmReauthenticationCodeForm):
    pass


class MFAAuthenticateForm(AccessibleAllauthMixin, mfa_forms.AuthenticateForm):
    pass


class MFAReauthenticateForm(AccessibleAllauthMixin, mfa_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(AccessibleAllauthMixin, totp_forms.ActivateTOTPForm):
    pass


class DeactivateTOTPForm(AccessibleAllauthMixin, totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(AccessibleAllauthMixin,
                                recovery_forms.GenerateRecoveryCodesForm):
    pass
