"""Staff hide profile fields that break the campaign's rules (issue 7, §3): only staff with a
second factor, through ``profile_hide_fields`` (audited ``profile.moderate``) or the admin;
the public page (and its title) no longer shows them; staff show them again."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from PIL import Image

from tests.factories import SignatureFactory
from tests.profiles import images
from withrefugees.core.audit import audit_history
from withrefugees.profiles.models import HIDEABLE_FIELDS, Profile
from withrefugees.profiles.services import (
    SocialAccountInput,
    profile_hide_fields,
    profile_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_profile(fuchu):
    SignatureFactory(status="published", published_at="2026-01-01T00:00Z",
                     website="https://signed.example/")
    logo = images.upload(images.encode(Image.new("RGB", (80, 40), images.BLUE), "PNG"))
    return profile_update(
        local_government=fuchu, actor=None, public_name_ja="府中市役所",
        public_name_en="Fuchu Casino City", website="https://casino.example/",
        introduction_ja="日本語の紹介", introduction_en="Visit our casino", logo=logo,
        logo_alt_ja="府中市のロゴ", logo_alt_en="Fuchu City logo",
        social_accounts=[SocialAccountInput("x", "https://x.com/fuchu"),
                         SocialAccountInput("instagram", "https://instagram.com/mayor",
                                            "head")])


def public(lg, lang="en") -> str:
    response = Client().get(f"/{lang}/signatories/{lg.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_every_hideable_field_shows_before_it_is_hidden(full_profile, fuchu):
    body = public(fuchu)
    for shown in ("<h1>Fuchu Casino City", "https://casino.example/", "Visit our casino",
                  'alt="Fuchu City logo"', "https://x.com/fuchu",
                  "https://instagram.com/mayor", "<title>Fuchu Casino City"):
        assert shown in body, shown
    # The local government's accounts are "me"; the mayor's are another person's.
    assert 'href="https://x.com/fuchu" rel="me nofollow noopener"' in body
    assert 'href="https://instagram.com/mayor" rel="nofollow noopener"' in body
    assert "Social media of the mayor or governor" in body


def test_hidden_fields_are_not_on_the_public_page_nor_in_its_title(full_profile, fuchu,
                                                                   moderator):
    profile = profile_hide_fields(profile=full_profile, actor=moderator,
                                  fields=["public_name_en", "website", "introduction_en",
                                          "logo", "social_accounts_head"],
                                  note="Advertising a casino.")
    assert profile.hidden_fields == ["public_name_en", "website", "logo", "introduction_en",
                                     "social_accounts_head"]
    body = public(fuchu)
    for hidden in ("Fuchu Casino City", "https://casino.example/", "Visit our casino",
                   "Fuchu City logo", "/media/profiles/logos/", "https://instagram.com/mayor",
                   "mayor or governor"):
        assert hidden not in body, hidden
    # What an empty field shows instead: the reference name (also in the title), the
    # website as signed, the introduction in the other language.
    assert "<h1>Fuchu City" in body and re.search(r"<title>Fuchu City\b", body)
    assert 'href="https://signed.example/"' in body
    assert '<div lang="ja"><p>日本語の紹介</p></div>' in body
    assert "https://x.com/fuchu" in body  # the local government's accounts are not hidden
    ja = public(fuchu, "ja")
    assert "<h1>府中市役所" in ja and "府中市のロゴ" not in ja  # the logo is hidden in both


def test_hiding_is_audited_and_showing_again_restores_the_page(full_profile, fuchu, moderator):
    profile_hide_fields(profile=full_profile, fields=["introduction_en"], actor=moderator,
                        note="Advertising.")
    profile_hide_fields(profile=full_profile, fields=["introduction_en"], actor=moderator)
    profile = profile_hide_fields(profile=full_profile, fields=[], actor=moderator,
                                  note="Fixed by the city.")
    rows = [(e.action, e.actor, e.changes, e.note) for e in audit_history(profile)
            if e.action == "profile.moderate"]
    assert rows == [
        ("profile.moderate", moderator, {"hidden_fields": [[], ["introduction_en"]]},
         "Advertising."),
        ("profile.moderate", moderator, {"hidden_fields": [["introduction_en"], []]},
         "Fixed by the city.")]  # the same list again wrote nothing
    assert "Visit our casino" in public(fuchu)


def test_only_staff_with_a_second_factor_may_hide(full_profile, fuchu_officer,
                                                  staff_without_totp):
    for actor in (fuchu_officer, staff_without_totp):
        with pytest.raises(PermissionDenied):
            profile_hide_fields(profile=full_profile, fields=["website"], actor=actor)
    full_profile.refresh_from_db()
    assert full_profile.hidden_fields == []


@pytest.mark.parametrize("fields", [["password"], ["website", "local_government"],
                                    ["hidden_fields"]])
def test_only_hideable_fields_can_be_hidden(full_profile, moderator, fields):
    with pytest.raises(ValidationError) as caught:
        profile_hide_fields(profile=full_profile, fields=fields, actor=moderator)
    assert caught.value.error_dict["hidden_fields"][0].code == "hidden_fields_invalid"
    full_profile.refresh_from_db()
    assert full_profile.hidden_fields == []


def test_the_model_refuses_a_hand_made_list(full_profile):
    full_profile.hidden_fields = ["website", "website"]
    with pytest.raises(ValidationError):
        full_profile.full_clean()
    full_profile.hidden_fields = "website"
    with pytest.raises(ValidationError):
        full_profile.full_clean()


def test_officers_cannot_edit_another_citys_profile_through_the_service(fuchu, chofu_officer):
    with pytest.raises(PermissionDenied):
        profile_update(local_government=fuchu, actor=chofu_officer, public_name_en="X")
    assert not Profile.objects.exists()


# --- Admin -----------------------------------------------------------------------------------
@pytest.fixture
def admin_client(moderator):
    moderator.user_permissions.set(Permission.objects.filter(
        content_type__app_label="profiles",
        codename__in=["change_profile", "view_profile", "add_socialaccount",
                      "change_socialaccount", "delete_socialaccount", "view_socialaccount"]))
    client = Client()
    client.force_login(moderator)
    return client


def admin_data(profile, **extra) -> dict:
    accounts = list(profile.social_accounts.all())
    data = {name: getattr(profile, name) for name in (
        "public_name_ja", "public_name_en", "website", "logo_alt_ja", "logo_alt_en",
        "introduction_ja", "introduction_en")}
    prefix = "social_accounts"
    data.update({f"{prefix}-TOTAL_FORMS": str(len(accounts)),
                 f"{prefix}-INITIAL_FORMS": str(len(accounts)),
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    for i, account in enumerate(accounts):
        data.update({f"{prefix}-{i}-id": account.pk, f"{prefix}-{i}-profile": profile.pk,
                     f"{prefix}-{i}-owner": account.owner,
                     f"{prefix}-{i}-network": account.network,
                     f"{prefix}-{i}-url": account.url})
    data.update(extra)
    return data


def test_staff_hide_and_show_fields_in_the_admin(admin_client, full_profile, fuchu, moderator):
    change = f"/en/admin/profiles/profile/{full_profile.pk}/change/"
    page = admin_client.get(change).content.decode()
    assert 'name="hidden_fields"' in page and 'name="moderation_note"' in page
    response = admin_client.post(change, admin_data(
        full_profile, hidden_fields=["introduction_en", "logo"],
        moderation_note="Advertising a casino."))
    assert response.status_code == 302, response.content.decode()[:3000]
    full_profile.refresh_from_db()
    assert full_profile.hidden_fields == ["logo", "introduction_en"]
    entry = audit_history(full_profile).filter(action="profile.moderate").get()
    assert entry.actor == moderator and entry.note == "Advertising a casino."
    body = public(fuchu)
    assert "Visit our casino" not in body and "Fuchu City logo" not in body
    # Saving again without changes writes nothing; unticking shows them again.
    admin_client.post(change, admin_data(full_profile,
                                         hidden_fields=["introduction_en", "logo"]))
    assert audit_history(full_profile).filter(action="profile.moderate").count() == 1
    response = admin_client.post(change, admin_data(full_profile))
    assert response.status_code == 302
    full_profile.refresh_from_db()
    assert full_profile.hidden_fields == []
    assert "Visit our casino" in public(fuchu)


def test_the_admin_refuses_an_unknown_field_to_hide(admin_client, full_profile):
    change = f"/en/admin/profiles/profile/{full_profile.pk}/change/"
    response = admin_client.post(change, admin_data(full_profile,
                                                    hidden_fields=["email"]))
    assert response.status_code == 200  # the form again, with its error
    full_profile.refresh_from_db()
    assert full_profile.hidden_fields == []


def test_the_admin_asks_for_alt_text_with_a_logo(admin_client, full_profile):
    change = f"/en/admin/profiles/profile/{full_profile.pk}/change/"
    response = admin_client.post(change, admin_data(full_profile, logo_alt_ja="",
                                                    logo_alt_en=""))
    assert response.status_code == 200
    assert "Describe the logo in a few words" in response.content.decode()
    full_profile.refresh_from_db()
    assert full_profile.logo_alt_en == "Fuchu City logo"


def test_hideable_fields_are_labelled_for_staff():
    assert set(HIDEABLE_FIELDS) == {
        "public_name_ja", "public_name_en", "website", "logo", "introduction_ja",
        "introduction_en", "social_accounts_local_government", "social_accounts_head"}


def test_the_logo_alt_text_is_in_the_page_language_else_marked_with_its_own(fuchu):
    logo = images.upload(images.encode(Image.new("RGB", (80, 40), images.BLUE), "PNG"))
    profile_update(local_government=fuchu, actor=None, logo=logo, logo_alt_ja="府中市のロゴ")
    en = public(fuchu, "en")
    assert re.search(r'<img class="profile-logo" src="[^"]+" alt="府中市のロゴ" lang="ja"', en)
    ja = public(fuchu, "ja")
    assert re.search(r'<img class="profile-logo" src="[^"]+" alt="府中市のロゴ" width', ja)
    profile_update(local_government=fuchu, actor=None, logo_alt_en="Fuchu City logo")
    assert 'alt="Fuchu City logo" width="80"' in public(fuchu, "en")
