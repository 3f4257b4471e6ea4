"""core.emails: the stored (normalised) address, the canonical mailbox, and addresses
refused because mail cannot be sent to them, each with the code that says why."""

import pytest
from django.core.mail.message import sanitize_address

from withrefugees.core.emails import (
    InvalidEmail,
    email_canonical,
    email_canonical_lenient,
    email_normalise,
)

FULL_WIDTH = "soumu@ｃｉｔｙ.ｋｕｍａｍｏｔｏ.ｌｇ.ｊｐ"


@pytest.mark.parametrize("typed,stored", [
    (FULL_WIDTH, "soumu@city.kumamoto.lg.jp"),
    ("Soumu@ＣＩＴＹ.Kumamoto.LG.JP", "Soumu@city.kumamoto.lg.jp"),  # local part as typed
    # Typed with a Japanese input method in full-width mode: ＠ and ． too.
    ("ｓｏｕｍｕ＠ｃｉｔｙ．ｋｕｍａｍｏｔｏ．ｌｇ．ｊｐ", "soumu@city.kumamoto.lg.jp"),
    ("kokusai@city.kumamoto。lg。jp", "kokusai@city.kumamoto.lg.jp"),  # ideographic full stop
    ("  hanako+1@example.jp \n", "hanako+1@example.jp"),
    ("a@ドメイン.jp", "a@ドメイン.jp"),  # IDN kept readable: Django sends it as xn--eckwd4c7c.jp
    ("a@例え.テスト", "a@例え.テスト"),
    # IDNA 2003 (Python's codec, used by Django's SMTP backend) maps ß to ss: fass.de is
    # another domain than faß.de, so the IDNA 2008 ASCII form is stored.
    ("info@faß.de", "info@xn--fa-hia.de"),
    ("info@Straße.de", "info@xn--strae-oqa.de"),
    ("info@ςa.gr", "info@xn--a-xmb.gr"),  # final sigma: IDNA 2003 reads it as σ
    ("a@\U0001e900.com", "a@\U0001e922.com"),  # Adlam (Unicode 9): lower-cased, readable
])
def test_normalised_form_is_what_is_stored(typed, stored):
    assert email_normalise(typed) == stored
    assert email_normalise(stored) == stored  # idempotent


@pytest.mark.parametrize("typed", [
    FULL_WIDTH, "a@ドメイン.jp", "info@faß.de", "info@ςa.gr", "a@\U0001e900.com",
    "Hanako.Y+tag@Gmail.com",
    "o'brien@example.ie", "x_y-z!#$%&*/=?^`{|}~@example.org",
])
def test_the_smtp_side_sends_the_stored_address_to_the_same_mailbox(typed):
    """What Django's SMTP backend puts in RCPT TO is the stored address with the IDNA 2008
    ASCII domain: nothing is encoded away or sent elsewhere."""
    stored = email_normalise(typed)
    local, _, _ = stored.rpartition("@")
    ascii_domain = email_canonical(stored).rpartition("@")[2]
    if not typed.lower().startswith("hanako.y"):  # Gmail's dots: the canonical local differs
        assert sanitize_address(stored, "utf-8") == f"{local}@{ascii_domain}"
    assert sanitize_address(stored, "utf-8").isascii()


@pytest.mark.parametrize("typed,canonical", [
    *[(f"hanako+{n}@example.jp", "hanako@example.jp") for n in range(1, 7)],
    ("Hanako+news@EXAMPLE.JP", "hanako@example.jp"),
    ("ｈａｎａｋｏ＋２@ｅｘａｍｐｌｅ.ｊｐ", "hanako@example.jp"),
    ("Hanako.Yamada+1@GoogleMail.com", "hanakoyamada@gmail.com"),
    ("h.a.n.a.k.o@gmail.com", "hanako@gmail.com"),
    ("h.a.n.a.k.o@example.jp", "h.a.n.a.k.o@example.jp"),  # dots count outside Gmail
    ("a@ドメイン.jp", "a@xn--eckwd4c7c.jp"),
    ("a@xn--eckwd4c7c.jp", "a@xn--eckwd4c7c.jp"),
    ("+tag@example.jp", "+tag@example.jp"),  # nothing before the +: kept whole
])
def test_canonical_mailbox(typed, canonical):
    assert email_canonical(typed) == canonical
    assert email_canonical(email_normalise(typed)) == canonical


@pytest.mark.parametrize("typed,code", [
    # Domains that are not valid internet domains (IDNA 2008 refuses them).
    ("soumu@city.kumamoto\ufffd.lg.jp", "email_domain"),  # U+FFFD (a broken encoding)
    ("a@b\ufffdc.jp", "email_domain"),
    ("a@😀.la", "email_domain"),  # emoji
    ("a@xn--ls8h.la", "email_domain"),  # an A-label that decodes to an emoji
    ("a@xn--zz.jp", "email_domain"),  # an A-label that does not decode
    ("a@\u0640.jp", "email_domain"),  # a joining character alone
    ("a@-city.jp", "email_domain"),
    ("a@city..jp", "email_domain"),
    ("hanako@gmail", "email_domain"),  # no top-level domain
    ("a@" + "ド" * 70 + ".jp", "email_domain"),  # a label longer than 63 octets
    # Special-use and reserved domains (RFC 6761, 6762, 7686, 8375).
    ("a@city.test", "email_domain_reserved"),
    ("a@printer.local", "email_domain_reserved"),
    ("a@x.invalid", "email_domain_reserved"),
    ("a@localhost", "email_domain_reserved"),
    ("a@abc.onion", "email_domain_reserved"),
    ("a@router.home.arpa", "email_domain_reserved"),
    # Local parts Django's SMTP backend cannot send (no SMTPUTF8).
    ("山田@city.example.jp", "email_local_part"),
    ("やまだ@city.example.jp", "email_local_part"),
    ("josé@example.es", "email_local_part"),
    ("müller@example.de", "email_local_part"),
    # Not addresses at all.
    ("not an address", "invalid_email"),
    ("", "invalid_email"),
    ("@example.jp", "invalid_email"),
    ("a@b@example.jp", "invalid_email"),
    ('"quoted local"@example.jp', "invalid_email"),
    ("a@[192.0.2.1]", "email_domain"),  # a domain literal: servers refuse these
    ("a..b@example.jp", "invalid_email"),
    ("a\u200b@example.jp", "invalid_email"),  # an invisible character
])
def test_addresses_mail_cannot_be_sent_to_are_refused_with_a_code(typed, code):
    with pytest.raises(InvalidEmail) as refused:
        email_normalise(typed)
    assert refused.value.code == code
    message = refused.value.messages[0]
    assert message and "%(" not in message  # a finished sentence for the form
    with pytest.raises(InvalidEmail):
        email_canonical(typed)


def test_a_refused_domain_is_named_in_the_message():
    with pytest.raises(InvalidEmail) as refused:
        email_normalise("soumu@city.kumamoto\ufffd.lg.jp")
    assert "city.kumamoto\ufffd.lg.jp" in refused.value.messages[0]


@pytest.mark.parametrize("stored,key", [
    ("Hanako+3@example.jp", "hanako@example.jp"),
    ("soumu@ｃｉｔｙ.ｋｕｍａｍｏｔｏ.ｌｇ.ｊｐ", "soumu@city.kumamoto.lg.jp"),
    ("山田@Example.JP", "山田@example.jp"),  # refused today, still one key per spelling
    ("", ""),
    ("  ", ""),
])
def test_lenient_key_for_rows_stored_before_the_checks(stored, key):
    assert email_canonical_lenient(stored) == key
