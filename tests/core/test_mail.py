"""core.mail: templated emails in the recipient's language, with the headers of an
automatic message, Reply-To the campaign contact, plain text never HTML-escaped."""

import pytest

from withrefugees.core.mail import absolute_url, mail_language, send_templated_mail

LG = {"label": "Town of A & B's <x>"}
SIGNATURE = {"contact_name": "O'Brien & Co"}


def send(**kwargs):
    args = {"to": ["someone@example.org"], "language": "en",
            "template": "campaign/email/published",
            "context": {"lg": LG, "signature": SIGNATURE, "profile_url": "http://x/p/"}}
    send_templated_mail(**{**args, **kwargs})


def test_headers_of_an_automatic_message_in_the_recipients_language(mailoutbox, settings):
    settings.CAMPAIGN_CONTACT_EMAIL = "team@unhcr.example"
    settings.DEFAULT_FROM_EMAIL = "Cities <no-reply@withrefugees.example>"
    send(language="en")
    (mail,) = mailoutbox
    assert mail.to == ["someone@example.org"]
    assert mail.reply_to == ["team@unhcr.example"]
    message = mail.message()
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Content-Language"] == "en"
    assert message["From"] == "Cities <no-reply@withrefugees.example>"
    assert message["Reply-To"] == "team@unhcr.example"
    assert message["Message-ID"] and message["Date"]
    assert message.get_content_charset() == "utf-8"
    assert "is now listed" in mail.subject and "Next steps:" in mail.body


def test_japanese_recipient_gets_japanese_text_and_header(mailoutbox):
    send(language="ja", context={"lg": {"label": "府中市"}, "signature": SIGNATURE,
                                 "profile_url": "http://x/p/"})
    (mail,) = mailoutbox
    assert mail.message()["Content-Language"] == "ja"
    assert mail.subject == "府中市がCities #WithRefugeesの賛同自治体として公開されました"
    assert "次のステップ：" in mail.body and "Next steps:" not in mail.body


def test_subject_and_body_are_plain_text_never_escaped(mailoutbox):
    send()
    (mail,) = mailoutbox
    assert "Town of A & B's <x>" in mail.subject
    assert "&amp;" not in mail.subject and "&#x27;" not in mail.subject and "&lt;" not in \
        mail.subject
    assert "O'Brien & Co" in mail.body and "&amp;" not in mail.body


def test_subject_is_one_line_even_if_the_context_has_line_breaks(mailoutbox):
    send(context={"lg": {"label": "Line one\r\nBcc: victim@example.org"},
                  "signature": SIGNATURE, "profile_url": "u"})
    (mail,) = mailoutbox
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.bcc == [] and "victim@example.org" not in mail.recipients()


def test_reply_to_can_be_replaced_or_left_out(mailoutbox):
    send(reply_to=["officer@city.example.jp"])
    send(reply_to=[])
    assert mailoutbox[0].reply_to == ["officer@city.example.jp"]
    assert mailoutbox[1].reply_to == [] and "Reply-To" not in mailoutbox[1].message()


def test_the_active_language_is_left_as_it_was(mailoutbox):
    from django.utils import translation

    with translation.override("en"):
        send(language="ja")
        assert translation.get_language() == "en"


@pytest.mark.parametrize("given,used", [("ja", "ja"), ("en", "en"), ("en-GB", "en"),
                                        ("fr", "ja"), ("", "ja"), (None, "ja")])
def test_unknown_languages_fall_back_to_the_default(given, used):
    assert mail_language(given) == used


def test_absolute_url_has_the_recipients_language_prefix(settings):
    settings.SITE_URL = "https://withrefugees.example/"
    assert absolute_url("campaign:map", language="en") == "https://withrefugees.example/en/map/"
    assert absolute_url("campaign:map", language="ja") == "https://withrefugees.example/ja/map/"
