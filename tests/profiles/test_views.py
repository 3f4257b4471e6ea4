"""The public profile page: every local government has one; signatories show their steps
and are indexed, the others show how to join and are noindex."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SignatureFactory, give_totp, jp
from withrefugees.campaign.models import RejectionReason, Signature
from withrefugees.core.audit import audit_history
from withrefugees.profiles.models import Profile
from withrefugees.profiles.services import SocialAccountInput, profile_update

pytestmark = pytest.mark.django_db
S = Signature.Status
NOINDEX = '<meta name="robots" content="noindex">'


def published(**kwargs) -> Signature:
    return SignatureFactory(status=S.PUBLISHED, published_at="2026-01-01T00:00Z", **kwargs)


def get(client, lang: str, lg) -> str:
    response = client.get(f"/{lang}/signatories/{lg.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_signatory_page_in_japanese_and_english(client):
    signature = published(message="ともに歩みます", signed_on="2026-06-20")
    lg = signature.local_government
    ja = get(client, "ja", lg)
    assert "<h1>府中市" in ja and "東京都" in ja and "ともに歩みます" in ja
    assert "市長 山田太郎" in ja and "2026年6月20日" in ja
    assert NOINDEX not in ja and "has not signed" not in ja
    en = get(client, "en", lg)
    assert "<h1>Fuchu City" in en and "Version 1" in en and "(Japanese)" in en
    assert "June 20, 2026" in en and NOINDEX not in en
    for body in (ja, en):
        for private in (signature.email, signature.contact_name, signature.department):
            assert private not in body
        # Steps 2–4, each in its own section, not started yet.
        assert len(re.findall(r'<section aria-labelledby="step-\w+-title">', body)) == 4


@pytest.mark.parametrize("status", [None, S.UNCONFIRMED, S.PENDING, S.REJECTED, S.WITHDRAWN])
def test_page_of_a_local_government_that_has_not_signed(client, status):
    lg = jp("132063")
    if status:
        extra = {"rejection_reason": RejectionReason.objects.first()} \
            if status == S.REJECTED else {}
        SignatureFactory(status=status, message="not public", **extra)
    ja = get(client, "ja", lg)
    en = get(client, "en", lg)
    assert "<h1>府中市" in ja and "<h1>Fuchu City" in en
    assert "Fuchu City has not signed the Cities #WithRefugees statement yet." in en
    assert 'href="/ja/sign/"' in ja and 'href="/en/sign/"' in en
    for body in (ja, en):
        assert NOINDEX in body
        for hidden in ("not public", "山田太郎", "contact@city.fuchu.tokyo.jp", "佐藤花子",
                       "awaiting review", "rejected", "withdrawn"):
            assert hidden not in body


def test_withdrawn_signatory_becomes_noindex(client):
    signature = published()
    assert NOINDEX not in get(client, "en", signature.local_government)
    signature.status = S.WITHDRAWN
    signature.save()
    assert NOINDEX in get(client, "en", signature.local_government)


def test_unknown_local_government_is_404(client):
    assert client.get("/ja/signatories/99999999/").status_code == 404
    assert client.get("/en/signatories/99999999/").status_code == 404


def test_profile_fields_in_the_readers_language(client, image_file):
    signature = published()
    lg = signature.local_government
    profile_update(local_government=lg, actor=None, public_name_ja="東京都府中市",
                   public_name_en="Fuchu, Tokyo", introduction_ja="日本語の紹介",
                   introduction_en="An introduction", website="https://fuchu.example/",
                   logo=image_file("PNG", (80, 40)), logo_alt_en="Fuchu City logo",
                   social_accounts=[SocialAccountInput("instagram", "https://instagram.com/f"),
                                    SocialAccountInput("other", "https://note.com/fuchu")])
    ja, en = get(client, "ja", lg), get(client, "en", lg)
    assert "<h1>東京都府中市" in ja and "日本語の紹介" in ja and "An introduction" not in ja
    assert "<h1>Fuchu, Tokyo" in en and "An introduction" in en and "日本語の紹介" not in en
    logo = re.search(r'<img class="profile-logo" src="(/media/profiles/logos/[^"]+\.png)" '
                     r'alt="Fuchu City logo" width="80" height="40">', en)
    assert logo and client.get(logo.group(1))["Content-Type"] == "image/png"
    assert 'href="https://instagram.com/f" rel="me nofollow noopener">Instagram<' in en
    assert ">note.com<" in en and 'href="https://fuchu.example/"' in en
    assert signature.website not in en  # the profile's website replaces the one signed with


def test_introduction_only_in_the_other_language_is_marked_with_its_language(client):
    lg = jp("132063")
    profile_update(local_government=lg, actor=None, introduction_ja="日本語だけ")
    assert '<div lang="ja"><p>日本語だけ</p></div>' in get(client, "en", lg)


def test_query_count_does_not_grow_with_the_profile(client, django_assert_num_queries):
    signature = published()
    lg = signature.local_government
    with CaptureQueriesContext(connection) as without_profile:
        get(client, "ja", lg)
    profile_update(local_government=lg, actor=None, website="https://fuchu.example/",
                   social_accounts=[SocialAccountInput("x", "https://x.com/f")])
    with CaptureQueriesContext(connection) as one_account:
        get(client, "ja", lg)
    profile_update(local_government=lg, actor=None, social_accounts=[
        SocialAccountInput("other", f"https://example.org/{i}") for i in range(8)])
    # The local government with its places and profile, its social accounts, the signature.
    with django_assert_num_queries(3):
        get(client, "ja", lg)
    assert len(one_account) == 3 and len(without_profile) == 2
    other = jp("342084")  # no profile, no signature
    with django_assert_num_queries(2):
        get(client, "en", other)


def test_profile_page_is_linked_from_the_directory_home_and_map(client):
    shibuya = jp("131130")
    for path in ("/ja/", "/ja/signatories/", "/ja/map/"):
        assert f"/ja/signatories/{shibuya.pk}/" in client.get(path).content.decode()


# --- Admin ---------------------------------------------------------------------------------
@pytest.fixture
def profile_editor(client):
    user = get_user_model().objects.create_user("editor@unhcr.example", "x" * 12,
                                                is_staff=True)
    give_totp(user)  # no staff action without a second factor
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="profiles",
        codename__in=["add_profile", "change_profile", "view_profile", "add_socialaccount",
                      "change_socialaccount", "delete_socialaccount", "view_socialaccount"]))
    client.force_login(user)
    client.user = user
    return client


def inline(prefix="social_accounts", rows=()):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, (network, url) in enumerate(rows):
        data.update({f"{prefix}-{i}-network": network, f"{prefix}-{i}-url": url,
                     f"{prefix}-{i}-owner": "local_government"})
    return data


def test_admin_saves_through_the_service_with_an_audit_row(profile_editor):
    lg = jp("132063")
    signature = published()
    response = profile_editor.post("/en/admin/profiles/profile/add/", {
        "local_government": lg.pk, "public_name_en": "Fuchu", "website": "",
        "public_name_ja": "", "introduction_ja": "", "introduction_en": "",
        **inline(rows=[("x", "https://x.com/fuchu")])})
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = Profile.objects.get(local_government=lg)
    (entry,) = audit_history(profile)
    assert entry.actor == profile_editor.user and entry.changes == {
        "public_name_en": ["", "Fuchu"],
        "social_accounts": [[], [["x", "https://x.com/fuchu", "local_government"]]]}
    response = profile_editor.post(f"/en/admin/profiles/profile/{profile.pk}/change/", {
        "public_name_en": "Fuchu City", "website": "", "public_name_ja": "",
        "introduction_ja": "", "introduction_en": "", **inline(rows=[])})
    assert response.status_code == 302
    assert audit_history(profile).last().changes == {
        "public_name_en": ["Fuchu", "Fuchu City"],
        "social_accounts": [[["x", "https://x.com/fuchu", "local_government"]], []]}
    history = profile_editor.get(f"/en/admin/profiles/profile/{profile.pk}/history/")
    assert "profile.update" in history.content.decode()
    assert "Fuchu City" in history.content.decode()
    assert "Social media accounts" in history.content.decode()  # not "social_accounts"
    assert "social_accounts" not in history.content.decode()
    signature.refresh_from_db()
    assert signature.website == "https://www.city.fuchu.tokyo.jp/"


def test_admin_refuses_staff_without_the_profile_permissions(client):
    user = get_user_model().objects.create_user("other@unhcr.example", "x" * 12,
                                                is_staff=True)
    give_totp(user)
    client.force_login(user)
    assert client.get("/en/admin/profiles/profile/add/").status_code == 403


def test_admin_add_with_nothing_filled_in_creates_the_profile(profile_editor):
    lg = jp("342084")
    response = profile_editor.post("/en/admin/profiles/profile/add/", {
        "local_government": lg.pk, **inline()})
    assert response.status_code == 302
    profile = Profile.objects.get(local_government=lg)
    assert [e.action for e in audit_history(profile)] == ["profile.create"]
    # A file that is not an image is refused by the form; nothing is written.
    bad = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = profile_editor.post(f"/en/admin/profiles/profile/{profile.pk}/change/", {
        "logo": bad, **inline()})
    assert response.status_code == 200 and audit_history(profile).count() == 1


@pytest.mark.parametrize("with_logo", [False, True])
def test_admin_deletes_a_profile_with_an_audit_row(profile_editor, image_file, with_logo):
    """Found by review: a file field (the logo) made every profile deletion a 500."""
    from django.contrib.auth.models import Permission as P

    profile_editor.user.user_permissions.add(P.objects.get(codename="delete_profile"))
    lg = jp("132063")
    logo = {"logo": image_file(), "logo_alt_ja": "ロゴ"} if with_logo else {}
    profile = profile_update(local_government=lg, actor=profile_editor.user,
                             public_name_en="Fuchu", **logo)
    response = profile_editor.post(f"/en/admin/profiles/profile/{profile.pk}/delete/",
                                   {"post": "yes"})
    assert response.status_code == 302
    assert not Profile.objects.filter(pk=profile.pk).exists()
    deleted = audit_history(profile).last()
    assert deleted.action == "profile.delete" and deleted.actor == profile_editor.user
    assert deleted.changes["public_name_en"] == ["Fuchu", None]
    assert ("logo" in deleted.changes) is with_logo


def test_a_place_typed_in_by_a_signer_has_a_page_only_once_published(client):
    """Found by review: unreviewed text must not appear on the campaign's domain."""
    from withrefugees.places.models import Country
    from withrefugees.places.services import local_government_submit

    lg = local_government_submit(name="FREE BITCOIN visit scam.example",
                                 country=Country.objects.get(pk="FR"),
                                 region_text="Call +1-555-0100")
    assert client.get(f"/en/signatories/{lg.pk}/").status_code == 404
    signature = SignatureFactory(local_government=lg)
    for status in (S.UNCONFIRMED, S.PENDING, S.REJECTED, S.WITHDRAWN):
        Signature.objects.filter(pk=signature.pk).update(
            status=status, rejection_reason=RejectionReason.objects.first())
        assert client.get(f"/en/signatories/{lg.pk}/").status_code == 404, status
    Signature.objects.filter(pk=signature.pk).update(status=S.PUBLISHED,
                                                     published_at="2026-01-01T00:00Z")
    assert client.get(f"/en/signatories/{lg.pk}/").status_code == 200
