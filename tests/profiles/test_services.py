"""profile_update: creates on first edit, audits changed fields, validates, never touches a
signature."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import SignatureFactory, jp
from withrefugees.core.audit import audit_history, field_values
from withrefugees.profiles import services
from withrefugees.profiles.models import LOGO_MAX_BYTES, LOGO_MAX_SIDE, Profile
from withrefugees.profiles.services import SocialAccountInput, profile_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    """An officer of 府中市 (東京都), the local government these tests edit."""
    from withrefugees.accounts.models import Membership

    user = get_user_model().objects.create_user("officer@city.fuchu.tokyo.jp", "x" * 12)
    Membership.objects.create(user=user, local_government=jp("132063"))
    return user

ALT = {"logo_alt_ja": "府中市のロゴ"}


def test_first_edit_creates_the_profile_and_audits_the_changed_fields(officer):
    lg = jp("132063")
    assert not Profile.objects.filter(local_government=lg).exists()
    profile = profile_update(local_government=lg, actor=officer, public_name_en="Fuchu",
                             website="https://www.city.fuchu.tokyo.jp/")
    assert profile.pk and profile.local_government == lg
    (entry,) = audit_history(profile)
    assert entry.action == "profile.create" and entry.actor == officer
    assert entry.changes == {"public_name_en": ["", "Fuchu"],
                             "website": ["", "https://www.city.fuchu.tokyo.jp/"]}


def test_unset_fields_are_kept_and_an_edit_without_changes_writes_nothing(officer):
    lg = jp("132063")
    profile_update(local_government=lg, actor=officer, introduction_ja="紹介", public_name_ja="府中")
    profile = profile_update(local_government=lg, actor=officer, public_name_ja="府中市役所")
    assert profile.introduction_ja == "紹介" and profile.public_name_ja == "府中市役所"
    assert [(e.action, e.changes) for e in audit_history(profile)][-1] == (
        "profile.update", {"public_name_ja": ["府中", "府中市役所"]})
    profile_update(local_government=lg, actor=officer, public_name_ja="府中市役所",
                   introduction_ja="紹介")
    assert audit_history(profile).count() == 2


def test_a_first_edit_without_changes_still_creates_the_profile(officer):
    profile = profile_update(local_government=jp("132063"), actor=officer, website="")
    assert profile.pk and [(e.action, e.changes) for e in audit_history(profile)] == [
        ("profile.create", {})]


def test_editing_the_profile_never_rewrites_the_signature(officer):
    signature = SignatureFactory(status="published", published_at="2026-01-01T00:00Z",
                                 message="ともに歩みます")
    signature.refresh_from_db()
    fields = [f.name for f in signature._meta.concrete_fields]
    before = field_values(signature, fields)
    profile_update(local_government=signature.local_government, actor=officer,
                   public_name_ja="東京都府中市", public_name_en="Fuchu City, Tokyo",
                   website="https://example.org/", introduction_en="About us",
                   social_accounts=[SocialAccountInput("x", "https://x.com/fuchu")])
    signature.refresh_from_db()
    assert field_values(signature, fields) == before
    assert list(audit_history(signature)) == []


def test_social_accounts_are_replaced_in_order_and_audited(officer):
    lg = jp("132063")
    profile_update(local_government=lg, actor=officer, social_accounts=[
        SocialAccountInput("x", "https://x.com/fuchu"),
        SocialAccountInput("line", "https://line.me/R/ti/p/@fuchu")])
    profile = profile_update(local_government=lg, actor=officer, social_accounts=[
        SocialAccountInput("mastodon", "https://mastodon.example/@fuchu"),
        SocialAccountInput("x", "https://x.com/fuchu")])
    assert [(a.network, a.url) for a in profile.social_accounts.all()] == [
        ("mastodon", "https://mastodon.example/@fuchu"), ("x", "https://x.com/fuchu")]
    lg_ = "local_government"
    assert audit_history(profile).last().changes == {"social_accounts": [
        [["x", "https://x.com/fuchu", lg_], ["line", "https://line.me/R/ti/p/@fuchu", lg_]],
        [["mastodon", "https://mastodon.example/@fuchu", lg_], ["x", "https://x.com/fuchu", lg_]]]}


@pytest.mark.parametrize("accounts, code", [
    ([SocialAccountInput("myspace", "https://myspace.com/fuchu")], "invalid_choice"),
    ([SocialAccountInput("x", "not a url")], "invalid"),
    ([SocialAccountInput("x", "https://x.com/a"), SocialAccountInput("other", "https://x.com/a")],
     "duplicate_social_account"),
])
def test_invalid_social_accounts_are_refused_and_nothing_is_written(officer, accounts, code):
    with pytest.raises(ValidationError) as exc:
        profile_update(local_government=jp("132063"), actor=officer, public_name_en="Fuchu",
                       social_accounts=accounts)
    assert code in [e.code for e in exc.value.error_dict["social_accounts"]]
    assert not Profile.objects.exists()


def test_invisible_characters_in_a_public_name_are_refused(officer):
    with pytest.raises(ValidationError) as exc:
        profile_update(local_government=jp("132063"), actor=officer,
                       public_name_ja="府中\u202e市")
    assert exc.value.error_dict["public_name_ja"][0].code == "control_characters"


def test_logo_is_stored_under_a_name_from_its_content_and_replaced(
        officer, image_file, django_capture_on_commit_callbacks):
    lg = jp("132063")
    profile = profile_update(local_government=lg, actor=officer, **ALT,
                             logo=image_file("PNG", (40, 20), name="evil.html"))
    first = profile.logo.name
    assert first.startswith(f"profiles/logos/{lg.pk}/") and first.endswith(".png")
    assert (profile.logo_width, profile.logo_height) == (40, 20)
    assert audit_history(profile).last().changes == {"logo": ["", first],
                                                     "logo_alt_ja": ["", "府中市のロゴ"]}
    storage = profile.logo.storage
    with django_capture_on_commit_callbacks(execute=True):
        profile = profile_update(local_government=lg, actor=officer,
                                 logo=image_file("JPEG", (30, 30), name="logo.png"))
    assert profile.logo.name.endswith(".jpg") and storage.exists(profile.logo.name)
    assert not storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        profile = profile_update(local_government=lg, actor=officer, logo=None)
    assert not profile.logo and profile.logo_width is None
    assert audit_history(profile).last().changes["logo"][1] == ""


@pytest.mark.parametrize("make, code", [
    (lambda image: SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
     "logo_format"),
    (lambda image: image("BMP", name="logo.bmp"), "logo_format"),
    (lambda image: image("PNG", (LOGO_MAX_SIDE + 1, 10)), "logo_dimensions"),
    (lambda image: SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * LOGO_MAX_BYTES),
     "logo_too_large"),
])
def test_logo_must_be_a_small_raster_image(officer, image_file, make, code):
    with pytest.raises(ValidationError) as exc:
        profile_update(local_government=jp("132063"), actor=officer, logo=make(image_file),
                       **ALT)
    assert exc.value.error_dict["logo"][0].code == code
    assert not Profile.objects.exists()


def test_service_is_keyword_only():
    with pytest.raises(TypeError):
        services.profile_update(jp("132063"), None)  # type: ignore[misc]


def test_a_multi_picture_jpeg_from_a_phone_camera_is_accepted(officer):
    """Found by review: Pillow reads such photos as MPO, which was refused."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20)).save(buffer, "MPO", save_all=True,
                                    append_images=[Image.new("RGB", (40, 20))])
    photo = SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), content_type="image/jpeg")
    profile = profile_update(local_government=jp("132063"), actor=officer, logo=photo, **ALT)
    assert profile.logo.name.endswith(".jpg") and profile.logo_width == 40
