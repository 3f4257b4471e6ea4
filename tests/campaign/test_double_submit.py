"""One submission, one signature (issue 6, section 4): two identical POSTs of the sign form
(a double click, a slow network, a retrying proxy) give one signature and one email, in
sequence and at the same moment. The key of a submission is a random hidden field, new for
every page shown; a POST from a page without it is matched by sender, place and mailbox
within a short window."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import jp
from withrefugees.campaign import services
from withrefugees.campaign.models import Signature
from withrefugees.campaign.selectors import statement_text_current
from withrefugees.campaign.views import SESSION_KEY
from withrefugees.core.audit import audit_history

from .concurrency import (  # noqa: F401 (fixtures)
    ON_POSTGRESQL,
    at_once,
    reference_data,
    restore_data_after_module,
)
from .test_signing import form_data, sign

FUCHU = "342084"  # 府中市（広島県）, the place of ``form_data``
KEY = re.compile(r'name="submission_key" value="([A-Za-z0-9_-]+)"')


def key_of(page) -> str:
    return KEY.search(page.content.decode()).group(1)


def signatures():
    return Signature.objects.filter(local_government__jis_code=FUCHU)


@pytest.mark.django_db
class TestInSequence:
    def test_every_page_shown_has_a_new_key(self, client):
        keys = {key_of(client.get("/ja/sign/")) for _ in range(3)}
        assert len(keys) == 3 and all(len(k) >= 32 for k in keys)

    def test_the_same_post_twice_gives_one_signature_and_one_email(self, client, mailoutbox):
        key = key_of(client.get("/en/sign/"))
        first = sign(client, lang="en", submission_key=key)
        signature = signatures().get()
        client.session.flush()  # the second POST arrives without the first one's cookie
        second = sign(client, lang="en", submission_key=key)
        assert (first.status_code, second.status_code) == (302, 302)
        assert first.url == second.url == "/en/sign/sent/"
        assert signatures().count() == 1 and len(mailoutbox) == 1
        assert client.session[SESSION_KEY] == signature.pk  # the same "sent" page
        assert [a.action for a in audit_history(signature)] == ["signature.submit"]
        assert signature.submission_key == key

    def test_a_form_shown_again_keeps_its_key_and_then_submits_once(self, client,
                                                                     mailoutbox):
        key = key_of(client.get("/ja/sign/"))
        refused = sign(client, submission_key=key, contact_name="")
        assert refused.status_code == 400 and key_of(refused) == key
        assert [sign(client, submission_key=key).status_code for _ in range(2)] == [302, 302]
        assert signatures().count() == 1 and len(mailoutbox) == 1

    def test_a_key_used_again_for_another_place_is_a_new_submission(self, client,
                                                                     mailoutbox):
        """The back button brings the page back with its key; another place is another
        submission, not the first one's outcome."""
        key = key_of(client.get("/ja/sign/"))
        assert sign(client, submission_key=key).status_code == 302
        other = jp("132063")  # 府中市（東京都）
        again = sign(client, submission_key=key, place_query=other.name,
                     local_government=str(other.pk))
        assert again.status_code == 302
        assert Signature.objects.filter(local_government=other).count() == 1
        assert signatures().count() == 1 and len(mailoutbox) == 2
        assert client.session[SESSION_KEY] == Signature.objects.get(local_government=other).pk

    def test_a_refused_first_post_is_refused_again(self, client, mailoutbox):
        key = key_of(client.get("/en/sign/"))
        shibuya = jp("131130")  # 渋谷区 has signed (campaign records)
        data = dict(lang="en", submission_key=key, place_query=shibuya.name,
                    local_government=str(shibuya.pk))
        assert [sign(client, **data).status_code for _ in range(2)] == [400, 400]
        assert mailoutbox == []

    def test_a_post_without_a_key_repeated_soon_gives_the_same_signature(self, client,
                                                                          mailoutbox):
        """A page shown before keys existed: same sender, place and mailbox within
        ``DUPLICATE_WINDOW``."""
        codes = [sign(client, submission_key=None).status_code for _ in range(3)]
        assert codes == [302] * 3
        assert signatures().count() == 1 and len(mailoutbox) == 1
        # Also with the address spelled otherwise: one mailbox.
        sign(client, submission_key=None, email="Kokusai@CITY.fuchu.hiroshima.jp")
        assert signatures().count() == 1 and len(mailoutbox) == 1

    def test_another_browser_on_the_same_network_does_not_get_the_signature(self, client,
                                                                             mailoutbox):
        """Two officers behind one gateway: the second, posting the same details without
        a key, gets no access to the first one's "sent" page (adversarial review)."""
        assert sign(client).status_code == 302  # the first officer, with the page's key
        first = signatures().get()
        other = Client()
        response = other.post("/ja/sign/", form_data(
            statement_hash=statement_text_current("ja").content_hash, submission_key=""))
        assert response.status_code == 400
        assert "a few minutes ago" in response.content.decode() or \
            "数分前" in response.content.decode()
        assert SESSION_KEY not in other.session
        assert other.get("/ja/sign/sent/").status_code == 302  # back to the form
        assert signatures().count() == 1 and signatures().get() == first
        assert len(mailoutbox) == 1

    def test_a_keyless_post_racing_the_first_browser_does_not_get_its_page(
            self, client, monkeypatch, mailoutbox):
        """Browser B posts while A's submission commits: B's call returns A's signature
        (made after B started); only a signature this call made may be followed."""
        assert sign(client).status_code == 302
        first = signatures().get()

        def returns_the_first(**kwargs):
            return Signature.objects.get(pk=first.pk)  # not marked created_by_this_call

        monkeypatch.setattr(services, "signature_submit", returns_the_first)
        other = Client()
        response = other.post("/ja/sign/", form_data(
            statement_hash=statement_text_current("ja").content_hash, submission_key=""))
        assert response.status_code == 400 and SESSION_KEY not in other.session

    def test_without_a_key_after_the_window_or_from_another_sender_it_is_new(
            self, client, mailoutbox):
        sign(client, submission_key=None)
        signatures().update(created_at=timezone.now() - services.DUPLICATE_WINDOW
                            - timedelta(seconds=1))
        assert sign(client, submission_key=None).status_code == 302
        assert signatures().count() == 2
        client.cookies.clear()
        other = client.post("/ja/sign/", form_data(
            statement_hash=statement_text_current("ja").content_hash),
            REMOTE_ADDR="198.51.100.20")
        assert other.status_code == 302
        assert signatures().count() == 3 and len(mailoutbox) == 3

    @pytest.mark.parametrize("key", ["short", "x" * 65, "bad key with spaces and more text",
                                     "\u200b" * 30])
    def test_a_key_that_is_not_ours_is_ignored(self, client, mailoutbox, key):
        assert sign(client, submission_key=key).status_code == 302
        assert signatures().get().submission_key == ""

    def test_the_service_returns_the_first_signature_for_the_same_key(
            self, django_capture_on_commit_callbacks, mailoutbox):
        data = dict(local_government=jp(FUCHU), statement_text=statement_text_current("ja"),
                    language="ja", signatory_name="山田太郎", signatory_title="市長",
                    contact_name="佐藤花子", department="総務部",
                    email="kokusai@city.example.jp", submission_key="k" * 32)
        with django_capture_on_commit_callbacks(execute=True):
            first = services.signature_submit(**data)
        with django_capture_on_commit_callbacks(execute=True):
            second = services.signature_submit(**{**data, "signatory_name": "別の名前"})
        assert second.pk == first.pk and second.signatory_name == "山田太郎"
        assert len(mailoutbox) == 1


@ON_POSTGRESQL
@pytest.mark.usefixtures("reference_data")
@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_the_same_post_at_the_same_moment_gives_one_signature(mailoutbox, with_key):
    key = "d" * 32 if with_key else None
    data = form_data(submission_key=key,
                     statement_hash=statement_text_current("ja").content_hash)

    def post(_index):
        client = Client()
        response = client.post("/ja/sign/", data)
        return response.status_code, client.session.get(SESSION_KEY)

    for _round in range(3):
        results = at_once(4, post)
        assert not [r for r in results if isinstance(r, BaseException)], results
        signature = signatures().get()
        if with_key:  # the page's key: every copy of the POST follows the one signature
            assert results == [(302, signature.pk)] * 4
        else:  # no key (a page from before keys): one records it, the others are told it
            # was sent and get no access to its page (another browser may have sent it)
            assert sorted(results, key=str) == sorted(
                [(302, signature.pk)] + [(400, None)] * 3, key=str)
        assert len(mailoutbox) == 1
        signature.delete()  # and again
        mailoutbox.clear()
