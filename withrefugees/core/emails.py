"""Email addresses: the normalised form that is stored and the canonical mailbox that
limits and uniqueness compare.

- ``email_normalise``: what a person typed, in the form mail can be sent to. The syntax,
  the domain (IDNA 2008 with UTS #46 mapping, so full-width ``ｃｉｔｙ.ｊｐ`` becomes
  ``city.jp``) and the local part (Unicode NFC) are checked and normalised by the
  ``email-validator`` library (RFC 5321/5322, RFC 6531 for internationalised addresses);
  the domain is lower-cased. Addresses it refuses raise ``InvalidEmail``.
- ``email_canonical``: one key per mailbox. The normalised address in Unicode NFKC and
  case-folded, the domain in ASCII (IDNA), a sub-address after ``+`` removed (RFC 5233
  sub-addressing, used by Gmail, Outlook.com, iCloud, Fastmail, Proton and most servers),
  and for Gmail the dots of the local part removed with ``googlemail.com`` read as
  ``gmail.com`` (Google: "Gmail doesn't recognize dots as characters within usernames").
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

# Providers whose local part ignores dots (Google Account Help, "Dots don't matter").
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


class InvalidEmail(ValidationError):
    """The address cannot be normalised or sent to (code ``invalid_email``)."""

    def __init__(self, detail: str = ""):
        super().__init__(_("Enter a valid email address that mail can be sent to."),
                         code="invalid_email", params={"detail": detail})


def _validated(address: str):
    try:
        return validate_email(address.strip(), check_deliverability=False,
                              allow_smtputf8=True, allow_quoted_local=False,
                              allow_domain_literal=False)
    except (EmailNotValidError, UnicodeError, ValueError) as exc:
        raise InvalidEmail(str(exc)) from exc


def email_normalise(address: str) -> str:
    """``address`` as it is stored: local part as typed (NFC), domain normalised and
    lower-cased. ``"Soumu@ｃｉｔｙ.ｋｕｍａｍｏｔｏ.ｌｇ.ｊｐ"`` → ``"Soumu@city.kumamoto.lg.jp"``.
    Raises ``InvalidEmail``."""
    result = _validated(address)
    return f"{result.local_part}@{result.domain.lower()}"


def email_canonical(address: str) -> str:
    """The canonical mailbox of ``address`` (see the module docstring), e.g.
    ``"Hanako.Y+1@GoogleMail.com"`` → ``"hanakoy@gmail.com"``. Raises ``InvalidEmail``."""
    result = _validated(address)
    local = unicodedata.normalize("NFKC", result.local_part).casefold()
    domain = (result.ascii_domain or result.domain).lower()
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"
