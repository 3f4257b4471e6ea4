"""Confirmation tokens of emailed links: signed (``django.core.signing``), timestamped,
single use through the signature's nonce. Reading a token is a plain read (no row lock):
``services.signature_confirm`` locks the row when it changes it."""

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from withrefugees.core.errors import ServiceError

from .models import Signature

TOKEN_SALT = "withrefugees.campaign.signature-confirmation"


class TokenInvalid(ServiceError):
    code = "token_invalid"
    message = _("This confirmation link is not valid. Please check that you copied the whole "
                "link from the email.")


class TokenExpired(ServiceError):
    code = "token_expired"
    message = _("This confirmation link has expired.")

    def __init__(self, signature: Signature):
        self.signature = signature
        super().__init__()


class TokenUsed(ServiceError):
    code = "token_used"
    message = _("This confirmation link has already been used.")

    def __init__(self, signature: Signature):
        self.signature = signature
        super().__init__()


def confirmation_token(signature: Signature) -> str:
    """A signed, timestamped token for the emailed link: ``{"s": pk, "n": nonce}``."""
    return signing.dumps({"s": signature.pk, "n": signature.confirmation_nonce}, salt=TOKEN_SALT)


def _read(token: str) -> tuple[int, str, bool]:
    """``(signature id, nonce, expired)``; raises ``TokenInvalid`` for forged tokens."""
    expired = False
    try:
        data = signing.loads(token, salt=TOKEN_SALT,
                             max_age=settings.SIGNATURE_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        expired = True
        data = signing.loads(token, salt=TOKEN_SALT)  # authentic, only too old
    except signing.BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise TokenInvalid()
    return data["s"], str(data.get("n", "")), expired


def signature_for_token(token: str) -> Signature:
    """The signature ``token`` confirms, checked but unchanged (no lock taken).

    Raises ``TokenInvalid`` (forged, unknown or superseded), ``TokenExpired`` (older than
    ``SIGNATURE_CONFIRMATION_MAX_AGE`` seconds) or ``TokenUsed`` (already confirmed).
    """
    pk, nonce, expired = _read(token)
    signature = Signature.objects.filter(pk=pk).select_related("local_government").first()
    if signature is None:
        raise TokenInvalid()
    if signature.status != Signature.Status.UNCONFIRMED:
        raise TokenUsed(signature)
    if not nonce or nonce != signature.confirmation_nonce:
        raise TokenInvalid()
    if expired:
        raise TokenExpired(signature)
    return signature
