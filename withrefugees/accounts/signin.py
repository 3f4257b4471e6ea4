"""Staff sign-in: failed attempts are limited per account and per client address, and every
failure is logged.

Limits (OWASP Authentication Cheat Sheet, "Protect against automated attacks"; NIST SP
800-63B section 5.2.2 "Rate limiting (throttling)"), counted in django-ratelimit's cache
(``RATELIMIT_USE_CACHE``) over fixed windows:

- ``ACCOUNT_RATE``: 5 failures per canonical mailbox (``core.emails.email_canonical``, so
  ``Hanako+x@Example.jp`` counts for ``hanako@example.jp``) from one client network per
  15 minutes: someone guessing elsewhere does not lock the account's owner out;
- ``ACCOUNT_TOTAL_RATE``: 100 failures per canonical mailbox per hour from all networks
  together (a guessing attack spread over many networks; locking the owner out this way
  takes 100 attempts an hour from at least 5 networks);
- ``IP_RATE``: 20 failures per client network per 15 minutes, whatever the accounts.

A client network is the client IP (``core.net.client_ip``, which reads ``X-Forwarded-For``
only behind ``TRUSTED_PROXIES``) for IPv4, its /48 for IPv6 (RFC 6177: a site or a
tunnel-broker customer gets a /48 with thousands of /64s, so its addresses are one
sender).

Once either count is reached, every further attempt, with the right password too, is
refused before the password is checked (``SignInLimited``) until the window ends; the
refusal is logged as well. A success does not reset the counts. Failures are counted only
when a password was checked (an empty form is not a failure).

Log records (logger ``withrefugees.accounts.security``, level WARNING) name the account
masked (``h***@example.jp``) with a keyed hash of its canonical mailbox (HMAC-SHA256 with
``SECRET_KEY``, 12 hex digits, the same for every spelling of one mailbox, so attempts on
one account can be followed without storing the address), the client IP and the reason:
never the password.

Sign-in is django-allauth's (``config/settings.py``): its password form
(``accounts.forms.LoginForm``) calls ``check_sign_in_allowed`` before checking the password
and ``record_sign_in_failure`` after a wrong one; allauth adds its own limits
(``ACCOUNT_RATE_LIMITS``). The failures of allauth's other steps are logged here too, the
same way (``connect_signals``, from ``AccountsConfig.ready``): a wrong emailed code (and the
last one allowed), a wrong second-factor code; ``log_refusal`` logs a request refused by a
limit (a code request, allauth's 429). Never the code, nor the password.
"""

import hashlib
import hmac
import ipaddress
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from withrefugees.core.emails import email_canonical_lenient
from withrefugees.core.net import client_ip

logger = logging.getLogger("withrefugees.accounts.security")

ACCOUNT_RATE = "5/15m"
ACCOUNT_TOTAL_RATE = "100/h"
IP_RATE = "20/15m"
GROUP = "withrefugees.accounts.signin"


class SignInLimited(ValidationError):
    """Too many failed sign-ins for this account or from this address (code
    ``too_many_attempts``)."""

    def __init__(self):
        super().__init__(
            _("Too many failed sign-in attempts. For your security, signing in is paused "
              "for this account or from this network for up to 15 minutes. Please try "
              "again later, or ask another administrator to reset your password."),
            code="too_many_attempts")


def client_network(request: HttpRequest) -> str:
    """The client IP for IPv4, its /48 for IPv6 (``"2001:db8::/48"``); the raw value when
    it is not an address."""
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    return str(ipaddress.ip_network(f"{address}/48", strict=False))


def _account_key(request: HttpRequest, username: str) -> str:
    return f"account:{email_canonical_lenient(username)}:{client_network(request)}"


def _account_total_key(request: HttpRequest, username: str) -> str:
    return "account:" + email_canonical_lenient(username)


def _ip_key(request: HttpRequest) -> str:
    return "ip:" + client_network(request)


def _usage(request: HttpRequest, key: str, rate: str, *, increment: bool) -> dict | None:
    return get_usage(request, group=GROUP, key=lambda group, request: key, rate=rate,
                     increment=increment)


def _over(usage: dict | None) -> bool:
    # ``count`` failures recorded in this window; a cache that cannot answer gives
    # count 0 and limit 0 (django-ratelimit fails closed unless RATELIMIT_FAIL_OPEN).
    return usage is not None and usage["count"] >= usage["limit"]


def account_label(username: str) -> str:
    """The account as it appears in logs: masked mailbox and keyed hash of its canonical
    form, e.g. ``"h***@example.jp #3f9a0c1b2d4e"``; ``"(empty)"`` for ``""``."""
    canonical = email_canonical_lenient(username or "")
    if not canonical:
        return "(empty)"
    digest = hmac.new(settings.SECRET_KEY.encode(), canonical.encode(),
                      hashlib.sha256).hexdigest()[:12]
    local, at, domain = canonical.rpartition("@")
    masked = f"{local[:1]}***@{domain}" if at else "***"
    return f"{masked} #{digest}"


def check_sign_in_allowed(request: HttpRequest, username: str) -> None:
    """Raises ``SignInLimited`` (and logs the refusal) when ``username``'s account or the
    client's IP has reached its limit of failures; otherwise returns. Counts nothing."""
    account = _usage(request, _account_key(request, username), ACCOUNT_RATE, increment=False)
    total = _usage(request, _account_total_key(request, username), ACCOUNT_TOTAL_RATE,
                   increment=False)
    address = _usage(request, _ip_key(request), IP_RATE, increment=False)
    if _over(total):
        account = total
    if _over(account) or _over(address):
        request.sign_in_limited = True
        logger.warning("sign-in refused, too many failures: account=%s ip=%s limit=%s",
                       account_label(username), client_ip(request),
                       "account" if _over(account) else "ip")
        raise SignInLimited


def record_sign_in_failure(request: HttpRequest, username: str, reason: str) -> None:
    """Counts one failure for ``username``'s account and for the client IP, and logs it
    with ``reason`` (a short code such as ``invalid_login``)."""
    _usage(request, _account_key(request, username), ACCOUNT_RATE, increment=True)
    _usage(request, _account_total_key(request, username), ACCOUNT_TOTAL_RATE, increment=True)
    _usage(request, _ip_key(request), IP_RATE, increment=True)
    logger.warning("sign-in failed: account=%s ip=%s reason=%s",
                   account_label(username), client_ip(request), reason)


def log_refusal(request: HttpRequest, username: str, limit: str) -> None:
    """Log a sign-in step refused by a limit (``limit``: which one, e.g.
    ``request_login_code``) for ``username`` (``""`` when unknown)."""
    logger.warning("sign-in refused, too many attempts: account=%s ip=%s limit=%s",
                   account_label(username), client_ip(request), limit)


#: Session key: the address whose emailed code was typed wrongly too often (the code page
#: sends the person back to ask for a new code, with this address filled in).
CODE_RETRY_SESSION_KEY = "accounts.code_retry_email"
#: Session key: the address as typed on the code request page, the one pages show
#: (``forms.RequestLoginCodeForm``; no dots: templates read it).
TYPED_EMAIL_SESSION_KEY = "accounts_typed_login_email"


def code_attempts_used(request) -> None:
    """The last allowed wrong code was typed: the code request page comes back with the
    address *as typed* filled in and one notice, the same whether or not the address has
    an account (the account's stored spelling, or allauth's other message for an address
    without one, would tell which addresses have accounts)."""
    request.session[CODE_RETRY_SESSION_KEY] = request.session.get(TYPED_EMAIL_SESSION_KEY, "")
    request.wr_code_attempts_used = True


def _code_rejected(sender, request, user, last_attempt: bool = False, **kwargs) -> None:
    email = getattr(user, "email", "") or ""
    logger.warning("sign-in code rejected: account=%s ip=%s last_attempt=%s",
                   account_label(email), client_ip(request), "yes" if last_attempt else "no")
    if last_attempt:
        code_attempts_used(request)


def _second_factor_failed(sender, request, user, reauthentication: bool = False,
                          **kwargs) -> None:
    logger.warning("second factor rejected: account=%s ip=%s reauthentication=%s",
                   account_label(getattr(user, "email", "") or ""), client_ip(request),
                   "yes" if reauthentication else "no")


def connect_signals() -> None:
    """Log allauth's failed code and second-factor checks (called once at start-up)."""
    from allauth.account.signals import login_code_rejected
    from allauth.mfa.signals import authentication_failed

    login_code_rejected.connect(_code_rejected, dispatch_uid="accounts.signin.code")
    authentication_failed.connect(_second_factor_failed, dispatch_uid="accounts.signin.mfa")
