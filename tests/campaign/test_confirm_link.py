"""The emailed confirmation link (issue 6, §7): after the first GET the token is kept in the
session and the browser is sent to an address without it (as Django's password reset does),
so it appears in no later request line, address bar or Referer header."""

from unittest import mock

import pytest
from django.test import Client

from tests.campaign.test_signing import confirm_url_from, sign
from tests.factories import SignatureFactory
from withrefugees.campaign import tokens
from withrefugees.campaign.models import Signature

pytestmark = pytest.mark.django_db
S = Signature.Status


def emailed_link(client, mailoutbox, lang="en") -> tuple[str, str]:
    sign(client, lang=lang)
    url = confirm_url_from(mailoutbox[-1])
    return url, url.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_first_get_keeps_the_token_and_redirects_to_an_address_without_it(client, mailoutbox,
                                                                          lang):
    url, token = emailed_link(client, mailoutbox, lang)
    first = client.get(url)
    assert first.status_code == 302 and first.url == f"/{lang}/sign/confirm/"
    page = client.get(first.url)
    assert page.status_code == 200 and b'name="action" value="confirm"' in page.content
    assert token not in page.content.decode()  # not in a form action, link or field
    done = client.post(first.url, {"action": "confirm"})
    assert done.status_code == 302 and done.url == f"/{lang}/sign/confirmed/"
    signature = Signature.objects.get(local_government__jis_code="342084")
    assert signature.status == S.PENDING
    assert "campaign_confirmation_token" not in client.session


def test_a_scanner_opening_the_link_changes_nothing_for_the_signer(client, mailoutbox):
    url, _ = emailed_link(client, mailoutbox)
    scanner = Client()
    assert scanner.get(url).status_code == 302
    assert scanner.head(url).status_code == 302
    signature = Signature.objects.get(local_government__jis_code="342084")
    assert signature.status == S.UNCONFIRMED
    signer = Client()
    target = signer.get(url).url
    assert signer.post(target, {"action": "confirm"}).status_code == 302
    signature.refresh_from_db()
    assert signature.status == S.PENDING


def test_reloading_after_confirming_says_the_link_is_done_without_the_token(client,
                                                                           mailoutbox):
    url, _ = emailed_link(client, mailoutbox)
    target = client.get(url).url
    client.post(target, {"action": "confirm"})
    again = client.post(target, {"action": "confirm"})
    assert again.status_code == 400
    assert client.get(target).status_code == 400
    assert client.get(url).status_code == 400  # the emailed link itself: already used
    assert b"already been used" in client.get(url).content


def test_the_address_without_a_token_in_the_session_is_not_valid(client):
    for response in (client.get("/en/sign/confirm/"),
                     client.post("/en/sign/confirm/", {"action": "confirm"}),
                     client.post("/en/sign/confirm/", {"action": "resend"}, follow=True)):
        assert response.status_code == 400 and b"not valid" in response.content


def test_an_expired_link_offers_a_new_one_through_the_address_without_the_token(client,
                                                                               mailoutbox):
    signature = SignatureFactory()
    with mock.patch("time.time", return_value=1_000_000_000):
        token = tokens.confirmation_token(signature)
    page = client.get(f"/en/sign/confirm/{token}/")
    body = page.content.decode()
    assert page.status_code == 400 and "expired" in body
    assert 'action="/en/sign/confirm/"' in body and f'action="/en/sign/confirm/{token}' \
        not in body
    resent = client.post("/en/sign/confirm/", {"action": "resend"})
    assert resent.status_code == 302 and resent.url == "/en/sign/sent/"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [signature.email]


@pytest.mark.parametrize("token", ["nonsense", "", "a" * 300])
def test_unusable_tokens_are_not_kept(client, token):
    client.get(f"/en/sign/confirm/{token}/")
    assert "campaign_confirmation_token" not in client.session


def test_the_old_form_posting_to_the_token_address_still_works(client, mailoutbox):
    url, _ = emailed_link(client, mailoutbox)
    done = client.post(url, {"action": "confirm"})
    assert done.status_code == 302 and done.url == "/en/sign/confirmed/"
