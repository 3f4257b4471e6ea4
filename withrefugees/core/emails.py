"""Email addresses: the normalised form that is stored and the canonical mailbox that
limits and uniqueness compare.

- ``email_normalise``: what a person typed, in the form mail can be sent to. The whole
  address is put in Unicode NFKC (so full-width ``ｓｏｕｍｕ＠ｃｉｔｙ．ｊｐ``, as typed with a
  Japanese input method, becomes ``soumu@city.jp``); the syntax and the domain (IDNA 2008
  with UTS #46 mapping) are checked and normalised by the ``email-validator`` library
  (RFC 5321/5322, RFC 6531); the domain is lower-cased. Then the address must be one the
  SMTP side can send to (Django's SMTP backend, ``django.core.mail.message.sanitize_address``):

  - the local part must be ASCII: Django does not speak SMTPUTF8 (RFC 6531) and would send
    a non-ASCII local part as an RFC 2047 encoded word, which no server delivers;
  - the domain is converted by Django with Python's ``idna`` codec (IDNA 2003). Where that
    gives another ASCII domain than IDNA 2008 (``faß.de``: ``fass.de`` against
    ``xn--fa-hia.de``) or fails (characters newer than Unicode 3.2), the domain is stored
    in its IDNA 2008 ASCII form, so that the mail goes to the domain the person meant.

  Addresses refused raise ``InvalidEmail`` whose ``code`` says why (see there).
- ``email_canonical``: one key per mailbox. The normalised address case-folded, the
  domain in ASCII (IDNA), a sub-address after ``+`` removed (RFC 5233 sub-addressing, used
  by Gmail, Outlook.com, iCloud, Fastmail, Proton and most servers), and for Gmail the dots
  of the local part removed with ``googlemail.com`` read as ``gmail.com`` (Google: "Gmail
  doesn't recognize dots as characters within usernames").
- ``email_canonical_lenient``: the same for rows stored before these checks, never raising.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from email_validator import (
    SPECIAL_USE_DOMAIN_NAMES,
    EmailNotValidError,
    ValidatedEmail,
    validate_email,
)

# Providers whose local part ignores dots (Google Account Help, "Dots don't matter").
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
MAX_LENGTH = 254  # RFC 5321 section 4.5.3.1.3 (a path of 256 octets less the brackets)


class InvalidEmail(ValidationError):
    """The address cannot be normalised or sent to. ``code`` (with ``params["domain"]``,
    the domain as typed, and ``params["detail"]``, the library's English reason for logs):

    - ``invalid_email``: not an email address (syntax, length, invisible characters);
    - ``email_local_part``: the part before the ``@`` has characters mail cannot be sent
      to (kana, kanji, accented letters: see the module docstring);
    - ``email_domain``: the part after the ``@`` is not a valid internet domain name
      (IDNA 2008 refuses it, e.g. it contains U+FFFD or an emoji, or an ``xn--`` label
      that does not decode);
    - ``email_domain_reserved``: a special-use or reserved domain that cannot receive
      mail from the internet (RFC 6761, RFC 6762, RFC 7686, RFC 8375: ``.test``,
      ``.invalid``, ``.local``, ``.onion``, ``.home.arpa``, ``localhost``...).
    """

    MESSAGES = {
        "invalid_email": _("Enter a valid email address that mail can be sent to."),
        "email_local_part": _(
            "Mail cannot be sent to an address with kana, kanji or accented letters before "
            "the @. Use only the letters a–z, digits and symbols such as . - _ there, e.g. "
            "soumu@city.example.lg.jp."),
        "email_domain": _("“%(domain)s” after the @ is not a valid internet domain. Check "
                          "the address."),
        "email_domain_reserved": _("“%(domain)s” is a reserved domain that cannot receive "
                                   "mail. Check the address."),
    }

    def __init__(self, code: str = "invalid_email", *, detail: str = "", domain: str = ""):
        super().__init__(self.MESSAGES[code], code=code,
                         params={"detail": detail, "domain": domain})


def _check(address: str, **options) -> ValidatedEmail:
    return validate_email(address, check_deliverability=False, allow_smtputf8=True,
                          allow_quoted_local=False, allow_domain_literal=False, **options)


def _why(local: str, domain: str) -> str:
    """The ``InvalidEmail`` code of an address the library refused: which part fails."""
    if not local or not domain:
        return "invalid_email"
    try:
        _check(f"{local}@example.com")
    except (EmailNotValidError, UnicodeError, ValueError):
        return "invalid_email"
    try:
        _check(f"a@{domain}")
    except (EmailNotValidError, UnicodeError, ValueError):
        name = domain.lower().rstrip(".")
        reserved = [*SPECIAL_USE_DOMAIN_NAMES, "localhost"]
        if any(name == d or name.endswith("." + d) for d in reserved):
            return "email_domain_reserved"
        return "email_domain"
    return "invalid_email"


def _validated(address: str) -> ValidatedEmail:
    address = unicodedata.normalize("NFKC", address).strip()
    local, _at, domain = address.rpartition("@")
    try:
        result = _check(address)
    except (EmailNotValidError, UnicodeError, ValueError) as exc:
        raise InvalidEmail(_why(local, domain), detail=str(exc), domain=domain) from exc
    if not result.local_part.isascii():
        raise InvalidEmail("email_local_part", detail="non-ASCII local part", domain=domain)
    return result


def _sendable_domain(result: ValidatedEmail) -> str:
    """The domain as stored: Unicode (lower case) when Python's IDNA 2003 codec, which
    Django's SMTP backend uses, gives the IDNA 2008 ASCII form; else that ASCII form."""
    domain, ascii_domain = result.domain.lower(), (result.ascii_domain or "").lower()
    try:
        if domain.encode("idna").decode("ascii").lower() == ascii_domain:
            return domain
    except UnicodeError:
        pass
    return ascii_domain


def email_normalise(address: str) -> str:
    """``address`` as it is stored (at most 254 characters): the local part as typed (NFKC,
    ASCII), the domain normalised and lower-cased (see the module docstring).
    ``"Soumu@ｃｉｔｙ.ｋｕｍａｍｏｔｏ.ｌｇ.ｊｐ"`` → ``"Soumu@city.kumamoto.lg.jp"``.
    Raises ``InvalidEmail``."""
    result = _validated(address)
    return f"{result.local_part}@{_sendable_domain(result)}"


def email_canonical(address: str) -> str:
    """The canonical mailbox of ``address`` (see the module docstring), e.g.
    ``"Hanako.Y+1@GoogleMail.com"`` → ``"hanakoy@gmail.com"``, ``"hanako+6@example.jp"``
    → ``"hanako@example.jp"``. At most 254 characters. Raises ``InvalidEmail``."""
    result = _validated(address)
    local = result.local_part.casefold()
    domain = (result.ascii_domain or result.domain).lower()
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_canonical_lenient(address: str) -> str:
    """``email_canonical(address)``; for an address it refuses (rows stored before these
    checks) the address in NFKC, case-folded, cut to 254 characters; ``""`` for ``""``.
    Never raises: for keys of rows that already exist."""
    if not address.strip():
        return ""
    try:
        return email_canonical(address)
    except InvalidEmail:
        return unicodedata.normalize("NFKC", address).strip().casefold()[:MAX_LENGTH]
