"""django-allauth's emails (sign-in code, password reset link) through the outbox
(``core.outbox``).

``AccountAdapter.send_mail`` renders the message at once, in the language of the request,
and calls ``queue_allauth_mail``: one ``core.OutboundEmail`` row of kind
``accounts.allauth_mail`` whose ``args`` are ``{"template": allauth's template prefix,
"expires_at": ISO time, "sealed": token}``. ``sealed`` is the subject and body encrypted
(Fernet: AES-128-CBC + HMAC-SHA256, a key derived from ``SECRET_KEY``; keys of
``SECRET_KEY_FALLBACKS`` still open it), so nobody reads a sign-in code in the outbox's admin
page (which shows ``args``) or in a database dump without the key. The handler
``allauth_mail`` decrypts and sends it as it was rendered; an email not sent before
``expires_at`` (a code: ``ACCOUNT_LOGIN_BY_CODE_TIMEOUT``; a link: ``PASSWORD_RESET_TIMEOUT``)
is cancelled, since it no longer works. Once a row is sent, failed or cancelled,
``allauth_mail_purge`` (every minute) removes ``sealed``.
"""

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from withrefugees.core.mail import mail_language
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import Message, Skip, outbox_enqueue, outbox_handler

KIND = "accounts.allauth_mail"
#: ``accounts/email/prerendered_subject.txt`` / ``_body.txt``: the text as rendered.
TEMPLATE = "accounts/email/prerendered"
_CONTEXT = b"withrefugees.accounts.allauth_mail"


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([
        Fernet(base64.urlsafe_b64encode(hmac.new(key.encode(), _CONTEXT,
                                                 hashlib.sha256).digest()))
        for key in keys])


def seal(data: dict) -> str:
    """``data`` (JSON) encrypted with the current ``SECRET_KEY``."""
    return _fernet().encrypt(json.dumps(data).encode()).decode("ascii")


def unseal(token: str) -> dict:
    """What ``seal`` encrypted. Raises ``cryptography.fernet.InvalidToken`` when no key
    opens it."""
    return json.loads(_fernet().decrypt(token.encode("ascii")))


def _lifetime(template: str) -> timedelta:
    if template.endswith("login_code"):
        return timedelta(seconds=settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT)
    return timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def queue_allauth_mail(*, to: str, language: str, subject: str, body: str,
                       template: str) -> OutboundEmail:
    """Promise an email allauth rendered (``subject``, ``body``) to ``to`` (see the module
    docstring); ``template``: allauth's template prefix, e.g.
    ``"account/email/login_code"``. Returns the outbox row."""
    expires = timezone.now() + _lifetime(template)
    return outbox_enqueue(kind=KIND, recipient=to, language=mail_language(language),
                          args={"template": template, "expires_at": expires.isoformat(),
                                "sealed": seal({"subject": subject, "body": body})})


@outbox_handler(KIND, label=_("sign-in email (code or link)"))
def allauth_mail(email: OutboundEmail) -> Message:
    """The message as rendered when allauth sent it; ``Skip`` once expired or cleared."""
    sealed = email.args.get("sealed")
    if not sealed:
        raise Skip("its text was removed after an earlier attempt ended")
    expires = email.args.get("expires_at")
    if expires and datetime.fromisoformat(expires) <= timezone.now():
        raise Skip(f"{email.args.get('template', 'sign-in email')} expired before it was sent")
    try:
        data = unseal(sealed)
    except InvalidToken:
        raise Skip("its text cannot be decrypted (SECRET_KEY changed)") from None
    return Message(to=email.recipient, language=email.language, template=TEMPLATE,
                   context={"subject": data["subject"], "body": data["body"]})


def allauth_mail_purge() -> int:
    """Remove the encrypted text of every ``accounts.allauth_mail`` row that is no longer
    pending (sent, failed or cancelled). Returns how many rows were cleared."""
    cleared = 0
    done = (OutboundEmail.objects.filter(kind=KIND, args__has_key="sealed")
            .exclude(status=OutboundEmail.Status.PENDING).values_list("pk", "status", "args"))
    for pk, status, args in done:
        kept = {key: value for key, value in args.items() if key != "sealed"}
        cleared += OutboundEmail.objects.filter(pk=pk, status=status).update(args=kept)
    return cleared


@db_periodic_task(crontab(minute="*"))
def allauth_mail_purge_task() -> None:
    allauth_mail_purge()
