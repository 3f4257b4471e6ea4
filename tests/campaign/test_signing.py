"""Signing (step 1): form, email confirmation, tokens, duplicates, bad input, resend."""

from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import translation

from tests.factories import SignatureFactory, StaffFactory, jp
from withrefugees.campaign import services, tokens
from withrefugees.campaign.models import Signature
from withrefugees.campaign.selectors import statement_text_current
from withrefugees.core.audit import audit_history
from withrefugees.places.models import LocalGovernment

pytestmark = pytest.mark.django_db
S = Signature.Status


def form_data(**overrides):
    data = {
        "place_query": "府中市（広島県）", "local_government": str(jp("342084").pk),
        "signatory_name": "佐藤一郎", "signatory_title": "市長", "contact_name": "田中花子",
        "department": "総務課", "email": "kokusai@city.fuchu.hiroshima.jp",
        "website": "https://www.city.fuchu.hiroshima.jp/", "message": "",
        "consent_statement": "on", "consent_privacy": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def sign(client, lang="ja", **overrides):
    with translation.override(lang):
        url = reverse("campaign:sign")
    overrides.setdefault("statement_hash", statement_text_current(lang).content_hash)
    return client.post(url, form_data(**overrides))


def confirm_url_from(mail) -> str:
    line = next(x for x in mail.body.splitlines() if "/sign/confirm/" in x)
    return line.strip().replace("http://testserver", "")


def test_sign_page_shows_current_statement_in_reader_language(client):
    ja = client.get("/ja/sign/").content.decode()
    en = client.get("/en/sign/").content.decode()
    assert "私たちは、一都市、一地域として" in ja
    assert "We hereby declare" in en and "translation" in en


def test_sign_confirm_flow_records_version_and_sends_email_in_signer_language(client,
                                                                             mailoutbox):
    response = sign(client, lang="en")
    assert response.status_code == 302 and response.url == "/en/sign/sent/"
    signature = Signature.objects.get(local_government__jis_code="342084")
    assert signature.status == S.UNCONFIRMED and signature.language == "en"
    assert signature.statement_text.language == "en"
    assert signature.statement_hash == signature.statement_text.content_hash
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["kokusai@city.fuchu.hiroshima.jp"]
    assert "Confirm the Cities #WithRefugees signature" in mail.subject
    url = confirm_url_from(mail)
    assert url.startswith("/en/sign/confirm/")

    page = client.get(url, follow=True)  # a GET (a mail scanner) never confirms
    assert page.status_code == 200 and b'name="action"' in page.content
    signature.refresh_from_db()
    assert signature.status == S.UNCONFIRMED

    done = client.post(url, {"action": "confirm"})
    assert done.status_code == 302 and done.url == "/en/sign/confirmed/"  # redirect after POST
    assert "Thank you" in client.get(done.url).content.decode()
    signature.refresh_from_db()
    assert signature.status == S.PENDING and signature.email_confirmed_at
    assert signature.signed_on is not None
    assert list(audit_history(signature).values_list("action", "from_state", "to_state")) == [
        ("signature.submit", "", S.UNCONFIRMED),
        ("signature.confirm", S.UNCONFIRMED, S.PENDING)]

    again = client.post(url, {"action": "confirm"})  # single use
    assert again.status_code == 400
    assert b"already been used" in again.content or "使用" in again.content.decode()


def test_japanese_signer_gets_japanese_email(client, mailoutbox):
    sign(client, lang="ja")
    assert "署名" in mailoutbox[0].subject or "確認" in mailoutbox[0].subject
    assert "/ja/sign/confirm/" in mailoutbox[0].body


def test_forged_and_tampered_tokens_get_a_clear_page(client):
    for token in ["nonsense", signing.dumps({"s": 1, "n": "x"}, salt="other-salt")]:
        response = client.get(f"/ja/sign/confirm/{token}/")
        assert response.status_code == 400
        response = client.post(f"/en/sign/confirm/{token}/", {"action": "confirm"})
        assert response.status_code == 400 and b"not valid" in response.content


def test_expired_token_offers_a_new_link(client, mailoutbox, settings):
    signature = SignatureFactory()
    with mock.patch("time.time", return_value=1_000_000_000):
        token = tokens.confirmation_token(signature)
    response = client.get(f"/en/sign/confirm/{token}/")
    assert response.status_code == 400 and b"expired" in response.content
    response = client.post(f"/en/sign/confirm/{token}/", {"action": "confirm"})
    signature.refresh_from_db()
    assert signature.status == S.UNCONFIRMED
    response = client.post(f"/en/sign/confirm/{token}/", {"action": "resend"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [signature.email]


def test_resend_is_limited(client, mailoutbox):
    sign(client)
    assert len(mailoutbox) == 1
    response = client.post("/ja/sign/resend/", follow=True)  # too soon after the first
    assert len(mailoutbox) == 1
    signature = Signature.objects.get(local_government__jis_code="342084")
    Signature.objects.filter(pk=signature.pk).update(confirmation_sent_at=None,
                                                     confirmation_send_count=2)
    client.post("/ja/sign/resend/")
    assert len(mailoutbox) == 2
    Signature.objects.filter(pk=signature.pk).update(confirmation_sent_at=None,
                                                     confirmation_send_count=5)
    response = client.post("/en/sign/resend/", follow=True)
    assert len(mailoutbox) == 2
    assert b"too many" in response.content


def test_already_signed_local_government_cannot_sign_again(client, mailoutbox):
    shibuya = jp("131130")  # published on first run
    response = sign(client, lang="en", place_query="渋谷区", local_government=str(shibuya.pk),
                    signatory_name="Typed name")
    assert response.status_code == 400
    body = response.content.decode()
    assert "already signed" in body and "jpntocities@unhcr.org" in body
    assert 'value="Typed name"' in body  # nothing typed is lost
    assert not mailoutbox
    SignatureFactory(status=S.PENDING, local_government=jp("132063"))
    response = sign(client, lang="en", place_query="府中市", local_government=str(
        jp("132063").pk))
    assert b"awaiting review" in response.content


def test_database_allows_one_active_signature_per_local_government():
    from django.db import IntegrityError, transaction

    SignatureFactory(status=S.PENDING)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(status=S.PENDING)


def test_second_confirmation_for_same_local_government_is_refused(client):
    first, second = SignatureFactory(), SignatureFactory(confirmation_nonce="1" * 32)
    services.signature_confirm(token=tokens.confirmation_token(first))
    response = client.post(f"/en/sign/confirm/{tokens.confirmation_token(second)}/",
                           {"action": "confirm"})
    assert response.status_code == 400 and b"already" in response.content
    second.refresh_from_db()
    assert second.status == S.UNCONFIRMED


@pytest.mark.parametrize("lang,missing_text", [("en", "This field is required"),
                                               ("ja", "このフィールドは必須です")])
def test_missing_fields_are_reported_and_input_kept(client, lang, missing_text):
    response = sign(client, lang=lang, signatory_name="", email="", consent_privacy=None,
                    contact_name="残す名前")
    assert response.status_code == 400
    body = response.content.decode()
    assert missing_text in body
    assert 'value="残す名前"' in body
    assert 'aria-invalid="true"' in body and "error-summary" in body
    assert not Signature.objects.filter(local_government__jis_code="342084").exists()


def test_invalid_email_and_over_long_text(client):
    response = sign(client, lang="en", email="not-an-email", message="あ" * 1001,
                    signatory_name="x" * 101)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address" in body
    assert "at most 1000 characters" in body and "at most 100 characters" in body
    assert "あ" * 1001 in body  # kept for correction


def test_markup_is_stored_as_text_and_shown_inert(client, mailoutbox):
    script = '<script>alert("x")</script><b>太字</b>'
    sign(client, signatory_name=script, department=script, message=script)
    signature = Signature.objects.get(local_government__jis_code="342084")
    assert signature.signatory_name == script
    page = client.get(confirm_url_from(mailoutbox[0]), follow=True).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)" in page


def test_no_js_typed_name_resolves_or_offers_a_choice(client):
    one = sign(client, place_query="しぶや", local_government="")
    assert one.status_code == 400  # 渋谷区 resolved, but it has already signed
    assert "渋谷区" in one.content.decode()
    several = sign(client, place_query="府中", local_government="")
    body = several.content.decode()
    assert several.status_code == 400
    assert 'type="radio" name="local_government"' in body
    assert "府中市（東京都）" in body and "府中市（広島県）" in body
    chosen = sign(client, place_query="府中", local_government=str(jp("342084").pk))
    assert chosen.status_code == 302
    none = sign(client, place_query="存在しない町", local_government="")
    assert none.status_code == 400 and "存在しない町" in none.content.decode()


def test_local_government_not_in_the_data_is_entered_as_name_country_region(client):
    response = sign(client, lang="en", place_query="", local_government="", not_listed="on",
                    new_name="Gemeinde Beispiel", new_country="DE", new_region="Bayern")
    assert response.status_code == 302
    lg = LocalGovernment.objects.get(name="Gemeinde Beispiel")
    assert lg.source == "submitted" and lg.country_id == "DE" and lg.region_text == "Bayern"
    missing = sign(client, lang="en", place_query="", local_government="", not_listed="on",
                   new_name="", new_country="")
    assert missing.status_code == 400 and b"Choose the country" in missing.content


def test_sign_post_rate_limit_keeps_what_was_typed(client, settings, tmp_path):
    settings.RATELIMIT_ENABLE = True
    if settings.CACHES["ratelimit"]["BACKEND"] == "diskcache.DjangoCache":  # not var/ratelimit
        settings.CACHES = {**settings.CACHES, "ratelimit": {
            **settings.CACHES["ratelimit"], "LOCATION": str(tmp_path / "ratelimit")}}
    from django.core.cache import caches

    cache = caches[settings.RATELIMIT_USE_CACHE]
    cache.clear()
    codes = [sign(client, place_query="", local_government="").status_code for _ in range(100)]
    assert set(codes) == {400}
    response = sign(client, lang="en", contact_name="Kept Name")
    body = response.content.decode()
    assert response.status_code == 400 and "Too many forms" in body
    assert 'value="Kept Name"' in body
    assert not Signature.objects.filter(local_government__jis_code="342084").exists()
    cache.clear()


def test_every_transition_of_a_signature_leaves_its_audit_row(client, mailoutbox):
    """Sign, resend, confirm (through the pages), publish, withdraw: one row each, in order,
    with the actor where there is one; the loaded signatories have their seed rows."""
    sign(client, lang="en")
    signature = Signature.objects.get(local_government__jis_code="342084")
    Signature.objects.filter(pk=signature.pk).update(confirmation_sent_at=None)
    client.post("/en/sign/resend/")
    assert len(mailoutbox) == 2
    client.post(confirm_url_from(mailoutbox[-1]), {"action": "confirm"})
    staff = StaffFactory()
    services.signature_publish(signature=signature, actor=staff, note="ok")
    services.signature_withdraw(signature=signature, actor=staff, note="asked by the city")
    rows = list(audit_history(signature).values_list("action", "from_state", "to_state",
                                                     "actor", "note"))
    assert rows == [
        ("signature.submit", "", S.UNCONFIRMED, None, ""),
        ("signature.resend", "", "", None, ""),
        ("signature.confirm", S.UNCONFIRMED, S.PENDING, None, ""),
        ("signature.publish", S.PENDING, S.PUBLISHED, staff.pk, "ok"),
        ("signature.withdraw", S.PUBLISHED, S.WITHDRAWN, staff.pk, "asked by the city"),
    ]
    seeded = audit_history(jp("131130").signatures.get()).get()
    assert (seeded.action, seeded.to_state, seeded.actor) == ("signature.seed", S.PUBLISHED,
                                                              None)


BAD_VALUES = ["", " ", "\x00", "a\x00b", "<img src=x onerror=alert(1)>", "'; DROP TABLE x;--",
              "=cmd|' /C calc'!A0", "x" * 5000, "𠮷野家🙂", "\u202e\u200b", "-1", "1e309",
              "99999999999999999999999"]


@pytest.mark.parametrize("field", ["place_query", "local_government", "signatory_name",
                                   "email", "website", "message", "new_country", "not_listed",
                                   "consent_statement"])
def test_bad_input_never_gives_a_server_error(client, field):
    for value in BAD_VALUES:
        response = sign(client, lang="en", **{field: value})
        assert response.status_code in (302, 400), (field, value, response.status_code)


@pytest.mark.parametrize("token", ["", "a" * 3000, "..:..", "e30:1:abc", "%00", "🙂"])
def test_odd_tokens_never_give_a_server_error(client, token):
    for method in (client.get, client.post):
        response = method(f"/en/sign/confirm/{token}/")
        assert response.status_code in (400, 404)


def test_one_mailbox_cannot_be_flooded_through_the_sign_form(client, mailoutbox):
    codes = []
    for code in ["011002", "012025", "012033", "012041", "012050", "012068"]:
        lg = jp(code)
        codes.append(sign(client, lang="en", place_query=lg.name, local_government=str(lg.pk),
                          email="Victim@Example.org").status_code)
    assert codes == [302] * 5 + [400]
    assert len(mailoutbox) == 5
    # Invalid submissions do not count against the address.
    for _ in range(20):
        sign(client, lang="en", email="other@example.org", signatory_name="")
    lg = jp("012076")
    ok = sign(client, lang="en", place_query=lg.name, local_government=str(lg.pk),
              email="other@example.org")
    assert ok.status_code == 302


def test_not_listed_cannot_duplicate_a_listed_local_government(client):
    japan = sign(client, lang="en", place_query="", local_government="", not_listed="on",
                 new_name="渋谷区", new_country="JP")
    assert japan.status_code == 400 and b"Every local government in Japan" in japan.content
    paris = sign(client, lang="en", place_query="", local_government="", not_listed="on",
                 new_name="Paris", new_country="FR")
    assert paris.status_code == 400 and b"is in the list" in paris.content
    first = sign(client, lang="en", place_query="", local_government="", not_listed="on",
                 new_name="Comune di Esempio", new_country="IT", email="a@esempio.it")
    assert first.status_code == 302
    signature = Signature.objects.get(local_government__name="Comune di Esempio")
    services.signature_confirm(token=tokens.confirmation_token(signature))
    again = sign(client, lang="en", place_query="", local_government="", not_listed="on",
                 new_name="comune di esempio ", new_country="IT", email="b@esempio.it")
    assert again.status_code == 400 and b"awaiting review" in again.content
    assert LocalGovernment.objects.filter(name__iexact="comune di esempio").count() == 1


def test_changed_text_after_a_choice_searches_again_and_choice_is_shown_by_label(client):
    fuchu_tokyo = jp("132063")
    stale = sign(client, lang="ja", place_query="熊野町", local_government=str(fuchu_tokyo.pk))
    assert stale.status_code == 302
    assert Signature.objects.filter(origin="online").get().local_government.jis_code == "343072"
    shown = sign(client, lang="ja", place_query="府中", local_government=str(fuchu_tokyo.pk),
                 email="")
    body = shown.content.decode()
    assert shown.status_code == 400 and 'value="府中市（東京都）"' in body
    assert f'name="local_government" value="{fuchu_tokyo.pk}"' in body


def test_control_characters_are_refused(client):
    response = sign(client, lang="en", signatory_name="abc\x01def", contact_name="\u202eevil")
    assert response.status_code == 400
    assert response.content.decode().count("invisible control characters") == 4  # summary + field


def test_email_subjects_are_plain_text(client, mailoutbox):
    sign(client, lang="en", place_query="", local_government="", not_listed="on",
         new_name="Town of A & B's", new_country="GB")
    mail = mailoutbox[0]
    # The name a signer typed is quoted in the body as data (issue 6, §8), as plain text.
    assert "    Town of A & B's" in mail.body and "Town of A & B's" not in mail.subject
    assert "&amp;" not in mail.body + mail.subject and "&#x27;" not in mail.body


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_confirmation_email_carries_no_free_text_in_subject_or_greeting(client, mailoutbox,
                                                                          lang):
    """Issue 6, §8: typed text in the subject and first line made the campaign's address
    send anyone's words to any address."""
    lure = "Dear customer, your refund is ready: https://refund.example/"
    sign(client, lang=lang, contact_name=lure, signatory_name=lure, department=lure,
         message=lure)
    sign(client, lang=lang, place_query="", local_government="", not_listed="on",
         new_name=lure, new_country="GB", email="other@example.org")
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        first_line = mail.body.splitlines()[0]
        assert "refund" not in mail.subject and "refund" not in first_line
    assert "refund" not in mailoutbox[0].body  # a listed place: named from the reference data
    assert "府中市" in mailoutbox[0].subject or "Fuchu" in mailoutbox[0].subject
    quoted = [line for line in mailoutbox[1].body.splitlines() if "refund" in line]
    # Quoted once, on a line of its own, as data (with the country it was entered for).
    assert len(quoted) == 1 and quoted[0].startswith("    " + lure)


def test_refused_signature_leaves_no_new_place_behind(client, mailoutbox):
    from withrefugees.places.models import Country
    from withrefugees.places.services import SubmittedPlace

    for code in ["011002", "012025", "012033", "012041", "012050"]:
        SignatureFactory(local_government=jp(code), email="busy@example.org")
    before = LocalGovernment.objects.count()
    with pytest.raises(services.MailboxLimited):
        services.signature_submit(
            new_place=SubmittedPlace(name="Nowhere Town", country=Country.objects.get(pk="GB")),
            statement_text=SignatureFactory.build().statement_text, language="en",
            signatory_name="x", signatory_title="x", contact_name="x", department="x",
            email="busy@example.org")
    assert LocalGovernment.objects.count() == before


def test_statement_changed_while_the_form_was_open_asks_for_consent_again(client):
    response = sign(client, lang="en", statement_hash="0" * 64, contact_name="Kept")
    body = response.content.decode()
    assert response.status_code == 400 and "statement has been updated" in body
    assert 'value="Kept"' in body
    assert 'name="consent_statement" required' in body and "checked" not in body.split(
        'name="consent_statement"')[1].split(">")[0]
    assert not Signature.objects.filter(origin="online").exists()


@pytest.mark.parametrize("typed", ["府中市（広島県）", "府中市 広島", "Fuchu City (Hiroshima)"])
def test_typed_label_wins_over_an_earlier_choice(client, typed):
    response = sign(client, lang="ja", place_query=typed, local_government=str(jp("132063").pk))
    assert response.status_code == 302
    assert Signature.objects.get(origin="online").local_government.jis_code == "342084"


def test_punctuation_only_place_query_finds_nothing(client):
    for typed in ["|", "（", "()", "・"]:
        response = sign(client, lang="en", place_query=typed, local_government="")
        body = response.content.decode()
        assert response.status_code == 400 and 'type="radio"' not in body
        assert "No local government matches" in body or "Enter the name" in body


@pytest.mark.parametrize("name", ["Paris City", "paris city", "City of Paris", "PARIS"])
def test_not_listed_name_variants_of_a_listed_place_are_refused(client, name):
    response = sign(client, lang="en", place_query="", local_government="", not_listed="on",
                    new_name=name, new_country="FR")
    assert response.status_code == 400 and b"is in the list" in response.content


@pytest.mark.parametrize("value", ["\u200b\u200b", "a\u202eb", "\ufeffx", "x\x07"])
def test_invisible_characters_are_refused_by_form_and_model(client, value):
    response = sign(client, lang="en", signatory_name=value)
    assert response.status_code == 400 and b"invisible control characters" in response.content
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        SignatureFactory.build(signatory_name=value).full_clean(
            exclude=["local_government", "statement_text"])
