"""Review by UNHCR staff in the admin, and the public pages built on published signatures."""

import pytest
from django.urls import reverse

from tests.factories import SignatureFactory, StaffFactory, jp
from withrefugees.campaign import selectors, services, tokens
from withrefugees.campaign.models import RejectionReason, Signature
from withrefugees.campaign.selectors import review_hints
from withrefugees.core.audit import audit_history

pytestmark = pytest.mark.django_db
S = Signature.Status


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def review_url(signature):
    return reverse("admin:campaign_signature_review", args=[signature.pk])


def test_queue_lists_only_signatures_awaiting_review(staff_client):
    pending = SignatureFactory(status=S.PENDING)
    SignatureFactory(local_government=jp("342084"))  # unconfirmed: not in the queue
    page = staff_client.get("/ja/admin/campaign/signatureawaitingreview/")
    assert page.status_code == 200
    body = page.content.decode()
    assert pending.local_government.label in body and "府中市（広島県）" not in body
    assert reverse("admin:campaign_signature_review", args=[pending.pk]) in body
    assert "渋谷区" not in body  # published
    hints = staff_client.get(reverse("admin:campaign_signature_review", args=[pending.pk]))
    assert "city.fuchu.tokyo.jp" in hints.content.decode()


def test_publish_records_who_and_emails_contact_in_their_language(staff_client, mailoutbox):
    signature = SignatureFactory(status=S.PENDING, language="en")
    response = staff_client.post(review_url(signature), {"decision": "publish",
                                                         "note": "checked by phone"})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == S.PUBLISHED and signature.published_at
    event = audit_history(signature).get(action="signature.publish")
    assert event.from_state == S.PENDING and event.to_state == S.PUBLISHED
    assert event.actor.is_staff and event.note == "checked by phone"
    # the next-steps email, then the invitation into the workspace (accounts.services)
    assert len(mailoutbox) == 2 and mailoutbox[0].to == [signature.email]
    assert "is now listed" in mailoutbox[0].subject
    assert "Pledge" in mailoutbox[0].body and "/en/signatories/" in mailoutbox[0].body
    assert mailoutbox[1].to == [signature.email] and "/en/workspace/invitations/" in \
        mailoutbox[1].body


def test_reject_needs_a_reason_from_the_staff_list(staff_client):
    signature = SignatureFactory(status=S.PENDING)
    response = staff_client.post(review_url(signature), {"decision": "reject"})
    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.status == S.PENDING
    reason = RejectionReason.objects.first()
    staff_client.post(review_url(signature), {"decision": "reject", "reason": reason.pk})
    signature.refresh_from_db()
    assert signature.status == S.REJECTED and signature.rejection_reason == reason


def test_rejection_and_withdrawal_are_emailed_in_the_signer_language(staff_client, mailoutbox):
    reason = RejectionReason.objects.first()
    rejected = SignatureFactory(status=S.PENDING, language="ja")
    staff_client.post(review_url(rejected), {"decision": "reject", "reason": reason.pk})
    assert len(mailoutbox) == 1 and reason.label_ja in mailoutbox[0].body
    withdrawn = SignatureFactory(status=S.PUBLISHED, language="en", published_at="2026-01-01T00:00Z",
                                 local_government=jp("342084"))
    staff_client.post(review_url(withdrawn), {"decision": "withdraw"})
    assert len(mailoutbox) == 2 and "withdrawn" in mailoutbox[1].body


def test_withdraw_removes_from_public_pages_and_allows_signing_again(staff_client, client):
    shibuya = jp("131130")
    signature = shibuya.signatures.get()
    assert 'class="step-sign done"' in client.get(f"/ja/signatories/{shibuya.pk}/").content.decode()
    staff_client.post(review_url(signature), {"decision": "withdraw"})
    signature.refresh_from_db()
    assert signature.status == S.WITHDRAWN
    # The profile page stays (every local government has one), as not signed and noindex.
    profile = client.get(f"/ja/signatories/{shibuya.pk}/").content.decode()
    assert '<meta name="robots" content="noindex">' in profile
    assert 'class="step-sign done"' not in profile
    assert f"/ja/signatories/{shibuya.pk}/" not in client.get("/ja/signatories/").content.decode()
    SignatureFactory(local_government=shibuya, status=S.PENDING)  # no longer blocked


def test_invalid_transition_is_refused():
    signature = SignatureFactory()  # unconfirmed
    with pytest.raises(services.InvalidTransition):
        services.signature_publish(signature=signature, actor=None)


def test_review_needs_staff(client):
    signature = SignatureFactory(status=S.PENDING)
    response = client.get(review_url(signature))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_bulk_publish_action(staff_client):
    signature = SignatureFactory(status=S.PENDING)
    staff_client.post("/ja/admin/campaign/signature/", {
        "action": "publish_selected", "_selected_action": [signature.pk]})
    signature.refresh_from_db()
    assert signature.status == S.PUBLISHED


@pytest.mark.parametrize("email,website,country,expect_ok,expect_warn", [
    ("a@city.fuchu.tokyo.jp", "https://www.city.fuchu.tokyo.jp/", "JP", 2, 0),
    ("a@gmail.com", "https://www.city.fuchu.tokyo.jp/", "JP", 0, 3),
    ("a@city.example.lg.jp", "", "JP", 1, 0),
])
def test_review_hints(email, website, country, expect_ok, expect_warn):
    signature = SignatureFactory.build(email=email, website=website)
    levels = [level for level, _text in review_hints(signature)]
    assert levels.count("ok") == expect_ok and levels.count("warn") == expect_warn


# --- public pages ------------------------------------------------------------------------
def test_home_in_japanese_lists_the_four_loaded_signatories(client):
    assert client.get("/").url == "/ja/"
    body = client.get("/ja/").content.decode()
    for name in ("東京都", "広島市", "文京区", "渋谷区"):
        assert name in body
    counts = selectors.signature_counts()
    assert (counts.local_governments, counts.countries, counts.in_japan) == (4, 1, 4)
    assert '<html lang="ja">' in body and 'href="/en/"' in body


def test_directory_search_filter_sort_and_pagination(client):
    body = client.get("/ja/signatories/?q=しぶや").content.decode()
    assert "渋谷区" in body and "文京区" not in body
    body = client.get("/en/signatories/?q=Bunkyo").content.decode()
    assert "Bunkyo" in body and "Shibuya" not in body
    body = client.get("/ja/signatories/?prefecture=JP-34").content.decode()
    assert "広島市" in body and "渋谷区" not in body
    body = client.get("/ja/signatories/?country=JP&sort=-date").content.decode()
    assert body.count("不明") >= 4 or body.count("unknown") >= 4  # dates not invented
    for i, code in enumerate(["011002", "012025", "012033", "012041", "012050", "012068",
                              "012076", "012084", "012092", "012106", "012114", "012122",
                              "012131", "012149", "012157", "012165", "012173", "012181",
                              "012190", "012203", "012211", "012220", "012238", "012246",
                              "012254", "012262", "012271", "012289", "012297", "012301"]):
        SignatureFactory(local_government=jp(code), status=S.PUBLISHED,
                         published_at="2026-01-01T00:00Z", email=f"a{i}@x.example")
    page1 = client.get("/en/signatories/").content.decode()
    page2 = client.get("/en/signatories/?page=2").content.decode()
    assert "Page 1 of 2" in page1 and "Page 2 of 2" in page2
    assert client.get("/en/signatories/?page=999&sort=bogus&country=ZZ").status_code == 200


def test_profile_and_map_show_public_data_only(client):
    signature = SignatureFactory(status=S.PUBLISHED, published_at="2026-01-01T00:00Z",
                                 message="ともに歩みます")
    lg = signature.local_government
    profile = client.get(f"/ja/signatories/{lg.pk}/").content.decode()
    assert "府中市" in profile and "東京都" in profile and "ともに歩みます" in profile
    assert "山田太郎" in profile  # signatory is public
    for private in (signature.email, signature.contact_name, signature.department):
        assert private not in profile
    english = client.get(f"/en/signatories/{lg.pk}/").content.decode()
    assert "Fuchu City" in english and "Version 1" in english
    map_page = client.get("/ja/map/").content.decode()
    assert f'/ja/signatories/{lg.pk}/' in map_page and "府中市（東京都）" in map_page
    assert signature.email not in map_page and signature.contact_name not in map_page
    directory = client.get("/ja/signatories/").content.decode()
    assert signature.email not in directory


def test_unpublished_signature_is_not_shown_on_the_profile(client):
    signature = SignatureFactory(status=S.PENDING, message="ともに歩みます")
    response = client.get(f"/ja/signatories/{signature.local_government_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<meta name="robots" content="noindex">' in body
    assert signature.signatory_name not in body and signature.message not in body
    assert client.get("/ja/signatories/99999999/").status_code == 404


def test_every_public_page_has_a_language_switch(client):
    for path in ("/ja/", "/ja/sign/", "/ja/signatories/", "/ja/map/", "/ja/statement/",
                 "/ja/privacy/", f"/ja/signatories/{jp('131130').pk}/"):
        body = client.get(path).content.decode()
        assert 'hreflang="en"' in body and f'href="{path.replace("/ja/", "/en/", 1)}"' in body


def test_autocomplete_json(client):
    data = client.get("/ja/places/search.json", {"q": "ｼﾌﾞﾔ"}).json()
    assert data["results"][0]["code"] == "131130"
    assert data["results"][0]["label"] == "渋谷区（東京都）"
    assert client.get("/ja/places/search.json", {"q": "x" * 5000}).status_code == 200


def test_directory_sorts_by_reading_in_japanese_and_english_name_in_english(client):
    import re as _re

    ja = client.get("/ja/signatories/?sort=name").content.decode()
    names = _re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', ja)
    assert names == ["渋谷区", "東京都", "広島市", "文京区"]  # シ, ト, ヒ, ブ
    en = client.get("/en/signatories/?sort=name").content.decode()
    names = _re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', en)
    assert names == sorted(names) and len(names) == 4


def test_expired_form_gets_a_translated_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/ja/sign/", {"email": "a@b.example"})
    assert response.status_code == 403
    assert "フォーム" in response.content.decode()


def test_queue_shows_oldest_confirmation_first(staff_client):
    newer = SignatureFactory(status=S.PENDING, email_confirmed_at="2026-11-02T00:00Z",
                             local_government=jp("342084"))
    older = SignatureFactory(status=S.PENDING, email_confirmed_at="2026-11-01T00:00Z")
    body = staff_client.get("/ja/admin/campaign/signatureawaitingreview/").content.decode()
    assert body.index(older.local_government.label) < body.index(newer.local_government.label)


def test_place_without_coordinates_is_listed_under_the_map(client):
    from withrefugees.places.models import Country
    from withrefugees.places.services import local_government_submit

    lg = local_government_submit(name="Smalltown", country=Country.objects.get(pk="GB"))
    SignatureFactory(local_government=lg, status=S.PUBLISHED, published_at="2026-01-01T00:00Z")
    body = client.get("/en/map/").content.decode()
    assert f"/en/signatories/{lg.pk}/" in body and "location unknown" in body


# --- staff edits and the audit trail in the admin ------------------------------------------
def _superuser_client(client):
    from django.contrib.auth import get_user_model

    from tests.factories import give_totp

    root = get_user_model().objects.create_superuser(email="root@unhcr.example",
                                                     password="correct horse battery")
    give_totp(root)  # the admin needs a second factor
    client.force_login(root)
    return client


def _change_form_data(signature, **changes):
    data = {name: getattr(signature, name) or "" for name in services.SIGNATURE_EDITABLE_FIELDS}
    data.update(changes)
    return data


def test_staff_edit_of_a_signature_in_the_admin_leaves_an_audit_row(client):
    admin = _superuser_client(client)
    signature = SignatureFactory(status=S.PUBLISHED, published_at="2026-01-01T00:00Z",
                                 message="前のメッセージ")
    url = reverse("admin:campaign_signature_change", args=[signature.pk])
    response = admin.post(url, _change_form_data(
        signature, email="new@city.fuchu.tokyo.jp", message="新しいメッセージ",
        website="https://www.city.fuchu.tokyo.jp/en/", signed_on="2026-03-01",
        change_note="asked by the city by phone"))
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == S.PUBLISHED and signature.email == "new@city.fuchu.tokyo.jp"
    entry = audit_history(signature).get(action="signature.update")
    assert entry.actor.email == "root@unhcr.example"
    assert entry.note == "asked by the city by phone"
    assert entry.changes == {
        "email": ["contact@city.fuchu.tokyo.jp", "new@city.fuchu.tokyo.jp"],
        "website": ["https://www.city.fuchu.tokyo.jp/", "https://www.city.fuchu.tokyo.jp/en/"],
        "message": ["前のメッセージ", "新しいメッセージ"],
        "signed_on": [None, "2026-03-01"],
    }
    history = admin.get(reverse("admin:campaign_signature_history", args=[signature.pk]))
    body = history.content.decode()
    assert history.status_code == 200 and "signature.update" in body
    assert "contact@city.fuchu.tokyo.jp → new@city.fuchu.tokyo.jp" in body
    assert "asked by the city by phone" in body


def test_admin_edit_without_changes_leaves_no_row_and_status_is_not_editable(client):
    admin = _superuser_client(client)
    signature = SignatureFactory(status=S.PENDING)
    url = reverse("admin:campaign_signature_change", args=[signature.pk])
    assert admin.post(url, _change_form_data(signature, status="published")).status_code == 302
    signature.refresh_from_db()
    assert signature.status == S.PENDING and not audit_history(signature).exists()


def test_reviewer_reads_but_cannot_edit_a_signature(staff_client):
    signature = SignatureFactory(status=S.PUBLISHED, published_at="2026-01-01T00:00Z")
    url = reverse("admin:campaign_signature_change", args=[signature.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, _change_form_data(signature, email="x@evil.example"))
    assert response.status_code == 403
    signature.refresh_from_db()
    assert signature.email == "contact@city.fuchu.tokyo.jp"
    assert not audit_history(signature).exists()


def test_review_page_and_history_show_the_audit_trail(staff_client):
    signature = SignatureFactory(status=S.UNCONFIRMED)
    services.signature_confirm(token=tokens.confirmation_token(signature))
    staff_client.post(review_url(signature), {"decision": "publish", "note": "checked"})
    signature.refresh_from_db()
    services.signature_withdraw(signature=signature, actor=None, note="by phone")
    page = staff_client.get(review_url(signature)).content.decode()
    for text in ("signature.confirm", "signature.publish", "signature.withdraw", "checked",
                 "by phone", "staff"):
        assert text in page, text
    assert page.index("signature.confirm") < page.index("signature.publish") < page.index(
        "signature.withdraw")
    history = staff_client.get(reverse("admin:campaign_signature_history",
                                       args=[signature.pk]))
    assert history.status_code == 200 and "signature.publish" in history.content.decode()


def test_staff_without_the_review_permission_can_read_the_queue_but_not_decide(client):
    from django.contrib.auth.models import Permission

    viewer = StaffFactory(roles=[])
    viewer.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="campaign",
        codename__in=["view_signature", "view_signatureawaitingreview"]))
    client.force_login(viewer)
    signature = SignatureFactory(status=S.PENDING)
    queue = client.get("/ja/admin/campaign/signatureawaitingreview/")
    assert queue.status_code == 200
    assert signature.local_government.label in queue.content.decode()
    assert review_url(signature) not in queue.content.decode()
    assert client.get(review_url(signature)).status_code == 403
    assert client.post(review_url(signature), {"decision": "publish"}).status_code == 403
    client.post("/ja/admin/campaign/signature/", {
        "action": "publish_selected", "_selected_action": [signature.pk]})
    signature.refresh_from_db()
    assert signature.status == S.PENDING and not audit_history(signature).exists()


def test_directory_search_without_signatory_links_the_places_that_have_not_signed(client):
    body = client.get("/ja/signatories/?q=札幌").content.decode()
    sapporo = jp("011002")
    assert f'href="/ja/signatories/{sapporo.pk}/"' in body and "札幌市" in body
    # The filters apply to that list too (found by review).
    assert 'id="unsigned-title"' not in client.get("/ja/signatories/?q=札幌&country=FR").content.decode()
    assert 'id="unsigned-title"' not in client.get(
        "/ja/signatories/?q=札幌&prefecture=JP-13").content.decode()
    assert "札幌市" in client.get("/ja/signatories/?q=札幌&prefecture=JP-01").content.decode()
    SignatureFactory(local_government=sapporo, status=S.PUBLISHED,
                     published_at="2026-01-01T00:00Z")
    listed = client.get("/ja/signatories/?q=札幌").content.decode()
    assert 'id="unsigned-title"' not in listed


def test_join_link_of_a_profile_preselects_the_local_government(client):
    fuchu = jp("342084")
    profile = client.get(f"/ja/signatories/{fuchu.pk}/").content.decode()
    assert f'/ja/sign/?lg={fuchu.pk}' in profile
    form = client.get(f"/ja/sign/?lg={fuchu.pk}").content.decode()
    assert 'value="府中市（広島県）"' in form and f'name="local_government" value="{fuchu.pk}"' in form
    for odd in ("", "abc", "-1", "99999999999999999999999", "１２", "0"):
        response = client.get("/ja/sign/", {"lg": odd})
        body = response.content.decode()
        assert response.status_code == 200 and 'name="local_government" value="' not in body


@pytest.mark.parametrize("query,kept", [
    ("q=渋谷&sort=foo", "渋谷区"), ("q=渋谷&sort=" + "x" * 300, "渋谷区"),
    ("prefecture=JP-34&sort=bogus", "広島市"), ("q=" + "渋" * 101 + "&prefecture=JP-34", "広島市"),
])
def test_an_invalid_directory_parameter_keeps_the_valid_filters_and_is_named(client, query,
                                                                             kept):
    """Issue 6, §8: ?q=渋谷&sort=foo silently dropped every filter."""
    body = client.get(f"/en/signatories/?{query}").content.decode()
    assert "Not understood and ignored" in body
    listed = body.split('<table class="directory">')[1] if '<table class="directory">' in body \
        else ""
    assert kept_name(kept) in listed
    assert ("Shibuya" in listed) == (kept == "渋谷区")
    assert ("Hiroshima City" in listed) == (kept == "広島市")


def kept_name(ja: str) -> str:
    return {"渋谷区": "Shibuya", "広島市": "Hiroshima City"}[ja]
