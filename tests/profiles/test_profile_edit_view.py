"""The workspace's public profile page (issue 7, §3): officers of the local government (and
staff with a second factor) edit official names, website, social accounts of the local
government and of its mayor or governor, logo with alt text and introduction; nobody else
can; bad input is answered with the form as typed; the public profile shows a saved edit on
the next request, page cache or not."""

import re

import pytest
from django.test import Client
from PIL import Image

from tests.factories import SignatureFactory
from tests.profiles import images
from withrefugees.core import pagecache
from withrefugees.core.audit import audit_history
from withrefugees.profiles.models import Profile
from withrefugees.profiles.services import (
    SocialAccountInput,
    profile_hide_fields,
    profile_update,
)

pytestmark = pytest.mark.django_db


def url(lg, lang: str = "en") -> str:
    return f"/{lang}/workspace/{lg.pk}/profile/"


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def form_data(lg_accounts=(), head_accounts=(), **fields) -> dict:
    """What the browser posts: every field (empty unless given) and both groups of rows
    (the accounts given, then three empty rows)."""
    data = {name: "" for name in ("public_name_ja", "public_name_en", "website",
                                  "logo_alt_ja", "logo_alt_en", "introduction_ja",
                                  "introduction_en")}
    for prefix, rows in (("lg_accounts", lg_accounts), ("head_accounts", head_accounts)):
        rows = [*rows, ("", ""), ("", ""), ("", "")]
        data.update(management(prefix, len(rows)))
        for i, (network, address) in enumerate(rows):
            data[f"{prefix}-{i}-network"] = network
            data[f"{prefix}-{i}-url"] = address
    data.update(fields)
    return data


def png(size=(120, 60)):
    return images.upload(images.encode(Image.new("RGB", size, images.BLUE), "PNG"))


# --- Who may open it -----------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_sign_in(client, fuchu):
    response = client.get(url(fuchu))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(url(fuchu), form_data(public_name_en="Hacked"))
    assert response.status_code == 302 and not Profile.objects.exists()


def test_an_officer_of_another_city_gets_403_and_changes_nothing(client, fuchu, chofu_officer):
    profile_update(local_government=fuchu, actor=None, public_name_en="Fuchu City")
    client.force_login(chofu_officer)
    assert client.get(url(fuchu)).status_code == 403
    response = client.post(url(fuchu), form_data(public_name_en="Chofu rules"))
    assert response.status_code == 403
    assert Profile.objects.get(local_government=fuchu).public_name_en == "Fuchu City"
    assert client.get("/en/workspace/99999999/profile/").status_code == 404


def test_staff_need_a_second_factor(client, fuchu, moderator, staff_without_totp):
    client.force_login(staff_without_totp)
    assert client.get(url(fuchu)).status_code == 403
    assert client.post(url(fuchu), form_data(public_name_en="X")).status_code == 403
    client.force_login(moderator)
    assert client.get(url(fuchu)).status_code == 200
    assert client.post(url(fuchu), form_data(public_name_en="Fuchu")).status_code == 302
    assert audit_history(Profile.objects.get()).last().actor == moderator


def test_an_lg_id_in_the_post_is_ignored(client, fuchu, chofu, fuchu_officer):
    client.force_login(fuchu_officer)
    response = client.post(url(fuchu), form_data(public_name_en="Fuchu City",
                                                 local_government=chofu.pk, lg=chofu.pk,
                                                 lg_pk=chofu.pk))
    assert response.status_code == 302
    assert Profile.objects.get().local_government == fuchu
    assert not Profile.objects.filter(local_government=chofu).exists()


# --- The page ------------------------------------------------------------------------------
def test_the_form_shows_every_field_labelled_with_three_empty_rows_per_group(
        client, fuchu, fuchu_officer):
    profile_update(local_government=fuchu, actor=None, public_name_ja="府中市",
                   logo=png(), logo_alt_en="Fuchu City logo",
                   social_accounts=[SocialAccountInput("x", "https://x.com/fuchu"),
                                    SocialAccountInput("x", "https://x.com/mayor", "head")])
    client.force_login(fuchu_officer)
    response = client.get(url(fuchu))
    body = response.content.decode()
    assert response.status_code == 200 and body.count("<h1>") == 1
    assert f'href="/en/workspace/{fuchu.pk}/profile/" aria-current="page"' in body
    for name in ("public_name_ja", "public_name_en", "website", "logo", "logo_remove",
                 "logo_alt_ja", "logo_alt_en", "introduction_ja", "introduction_en"):
        assert f'<label for="id_{name}">' in body, name
    assert 'type="file" name="logo" accept="image/png,image/jpeg,image/webp,image/gif"' in body
    assert 'enctype="multipart/form-data"' in body
    # The saved accounts, each in its group, then three empty rows.
    assert 'value="https://x.com/fuchu"' in body and 'value="https://x.com/mayor"' in body
    assert 'name="lg_accounts-TOTAL_FORMS" value="4"' in body
    assert 'name="head_accounts-TOTAL_FORMS" value="4"' in body
    assert '<label for="id_head_accounts-3-url">' in body
    assert "Social media accounts of the mayor or governor" in body
    # The current logo with its alt text, and the link to the public profile.
    assert re.search(r'<img src="/media/profiles/logos/[^"]+\.png" alt="Fuchu City logo"', body)
    assert f'href="/en/signatories/{fuchu.pk}/"' in body
    assert 'value="府中市"' in body


def test_saving_writes_one_audited_change_and_shows_a_message(client, fuchu, fuchu_officer):
    client.force_login(fuchu_officer)
    response = client.post(url(fuchu), form_data(
        public_name_ja="府中市", public_name_en="Fuchu City",
        website="www.city.fuchu.tokyo.jp", introduction_en="We stand with refugees.",
        lg_accounts=[("instagram", "https://instagram.com/fuchu")],
        head_accounts=[("x", "https://x.com/fuchu_mayor")]))
    assert response.status_code == 302 and response["Location"] == url(fuchu)
    profile = Profile.objects.get(local_government=fuchu)
    assert profile.website == "https://www.city.fuchu.tokyo.jp"  # https assumed
    assert [(a.owner, a.network, a.url) for a in profile.social_accounts.all()] == [
        ("local_government", "instagram", "https://instagram.com/fuchu"),
        ("head", "x", "https://x.com/fuchu_mayor")]
    (entry,) = audit_history(profile)
    assert entry.action == "profile.create" and entry.actor == fuchu_officer
    assert entry.changes["public_name_en"] == ["", "Fuchu City"]
    page = client.get(url(fuchu)).content.decode()
    assert "The public profile has been saved" in page


def test_a_logo_is_uploaded_with_its_alt_text_and_removed(client, fuchu, fuchu_officer):
    client.force_login(fuchu_officer)
    response = client.post(url(fuchu), {**form_data(logo_alt_ja="府中市のロゴ"),
                                        "logo": png((1600, 800))})
    assert response.status_code == 302
    profile = Profile.objects.get()
    assert (profile.logo_width, profile.logo_height) == (800, 400)  # re-encoded, resized
    response = client.post(url(fuchu), form_data(logo_remove="on"))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert not profile.logo


# --- Bad input -----------------------------------------------------------------------------
def test_a_logo_without_alt_text_keeps_what_was_typed_and_asks_for_the_file_again(
        client, fuchu, fuchu_officer):
    client.force_login(fuchu_officer)
    response = client.post(url(fuchu), {
        **form_data(public_name_en="Fuchu City", introduction_ja="紹介文です",
                    lg_accounts=[("x", "https://x.com/fuchu")]),
        "logo": png()})
    body = response.content.decode()
    assert response.status_code == 400 and not Profile.objects.exists()
    assert 'id="error-summary"' in body
    assert '<a href="#id_logo_alt_en">' in body  # the summary links to the field
    assert 'aria-invalid="true"' in body and 'id="id_logo_alt_en_error"' in body
    assert 'value="Fuchu City"' in body and "紹介文です</textarea>" in body
    assert 'value="https://x.com/fuchu"' in body
    assert "choose the file again" in body and 'id="id_logo_again"' in body
    assert re.search(r'<input type="file" name="logo"[^>]*aria-describedby="[^"]*id_logo_again',
                     body)


def test_a_fake_image_gets_a_clear_message_not_a_500(client, fuchu, fuchu_officer):
    client.force_login(fuchu_officer)
    for fake in (images.upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png"),
                 images.upload(b"GIF89a" + b"\0" * 20, "logo.gif", "image/gif"),
                 images.upload(images.png_by_hand(100_000, 100_000))):
        response = client.post(url(fuchu), {
            **form_data(public_name_en="Fuchu City", logo_alt_en="Logo"), "logo": fake})
        body = response.content.decode()
        assert response.status_code == 400, body[:500]
        assert '<a href="#id_logo">' in body and 'value="Fuchu City"' in body
        assert not Profile.objects.exists()


@pytest.mark.parametrize("field, value", [
    ("lg_accounts-0-network", "myspace"),
    ("head_accounts-0-network", "<script>"),
])
def test_a_forged_network_is_a_field_error(client, fuchu, fuchu_officer, field, value):
    client.force_login(fuchu_officer)
    data = form_data(public_name_en="Fuchu City")
    data[field] = value
    data[field.replace("network", "url")] = "https://example.org/fuchu"
    response = client.post(url(fuchu), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose a network from the list." in body
    assert f'<a href="#id_{field}">' in body and "&lt;script&gt;" not in body.split(
        'id="error-summary"')[0]
    assert not Profile.objects.exists()


def test_an_address_without_network_and_duplicates_are_refused(client, fuchu, fuchu_officer):
    client.force_login(fuchu_officer)
    response = client.post(url(fuchu), form_data(lg_accounts=[("", "https://x.com/f")]))
    assert response.status_code == 400
    assert "Choose the network of this account" in response.content.decode()
    response = client.post(url(fuchu), form_data(lg_accounts=[("x", "https://x.com/f"),
                                                              ("other", "https://x.com/f")]))
    assert response.status_code == 400
    assert "is listed twice" in response.content.decode()
    # The same address in both groups: refused by the service, shown in the summary.
    response = client.post(url(fuchu), form_data(lg_accounts=[("x", "https://x.com/f")],
                                                 head_accounts=[("x", "https://x.com/f")]))
    assert response.status_code == 400 and "is listed twice" in response.content.decode()
    assert not Profile.objects.exists()


def test_tampered_row_counts_are_an_error_not_a_500(client, fuchu, fuchu_officer):
    client.force_login(fuchu_officer)
    data = form_data()
    data["lg_accounts-TOTAL_FORMS"] = "100000"
    assert client.post(url(fuchu), data).status_code == 400
    data = form_data()
    del data["head_accounts-INITIAL_FORMS"]
    assert client.post(url(fuchu), data).status_code == 400
    assert not Profile.objects.exists()


def test_a_group_whose_rows_were_not_posted_keeps_its_accounts(client, fuchu, fuchu_officer):
    profile_update(local_government=fuchu, actor=None, social_accounts=[
        SocialAccountInput("x", "https://x.com/fuchu"),
        SocialAccountInput("x", "https://x.com/mayor", "head")])
    client.force_login(fuchu_officer)
    data = {key: value for key, value in form_data(
        public_name_en="Fuchu", lg_accounts=[("line", "https://line.me/fuchu")]).items()
        if not key.startswith("head_accounts-")}
    assert client.post(url(fuchu), data).status_code == 302
    profile = Profile.objects.get()
    assert [(a.owner, a.url) for a in profile.social_accounts.all()] == [
        ("local_government", "https://line.me/fuchu"), ("head", "https://x.com/mayor")]


def test_invisible_characters_are_refused_on_their_field(client, fuchu, fuchu_officer):
    client.force_login(fuchu_officer)
    response = client.post(url(fuchu), form_data(public_name_ja="府中\u202e市"))
    assert response.status_code == 400
    assert '<a href="#id_public_name_ja">' in response.content.decode()


# --- Hidden by staff -----------------------------------------------------------------------
def test_fields_hidden_by_staff_are_marked_and_stay_hidden_after_an_edit(
        client, fuchu, fuchu_officer, moderator):
    profile = profile_update(local_government=fuchu, actor=None,
                             introduction_en="Buy cheap watches at spam.example",
                             social_accounts=[SocialAccountInput("x", "https://x.com/m",
                                                                 "head")])
    profile_hide_fields(profile=profile, fields=["introduction_en", "social_accounts_head"],
                        actor=moderator, note="Advertising is not allowed.")
    client.force_login(fuchu_officer)
    body = client.get(url(fuchu)).content.decode()
    assert "UNHCR staff have hidden these parts" in body
    assert "Advertising is not allowed." in body
    assert re.search(r'id="id_introduction_en_help">Hidden by UNHCR staff', body)
    assert 'aria-describedby="head_accounts-hidden"' in body
    response = client.post(url(fuchu), form_data(introduction_en="We stand with refugees.",
                                                 head_accounts=[("x", "https://x.com/m")]))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.introduction_en == "We stand with refugees."
    assert profile.hidden_fields == ["introduction_en", "social_accounts_head"]
    public = Client().get(f"/en/signatories/{fuchu.pk}/").content.decode()
    assert "We stand with refugees." not in public and "https://x.com/m" not in public


# --- The public profile shows the change at once -------------------------------------------
def test_an_edit_is_on_the_public_profile_at_the_next_request_with_the_page_cache_on(
        client, settings, fuchu, fuchu_officer, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 600
    monkeypatch.setattr(pagecache, "GENERATION_CHECK_SECONDS", 3600)
    pagecache.reset()
    SignatureFactory(status="published", published_at="2026-01-01T00:00Z")
    public = f"/en/signatories/{fuchu.pk}/"
    visitor = Client()
    try:
        visitor.get(public)
        cached = visitor.get(public)
        assert cached.headers.get(pagecache.HIT_HEADER) == "hit"  # the cache is really on
        client.force_login(fuchu_officer)
        response = client.post(url(fuchu), {
            **form_data(public_name_en="Fuchu City, Tokyo", logo_alt_en="Fuchu City logo",
                        head_accounts=[("x", "https://x.com/fuchu_mayor")]),
            "logo": png()})
        assert response.status_code == 302
        after = visitor.get(public)
        body = after.content.decode()
        assert after.headers.get(pagecache.HIT_HEADER) != "hit"
        assert "<h1>Fuchu City, Tokyo" in body and 'alt="Fuchu City logo"' in body
        assert 'href="https://x.com/fuchu_mayor" rel="nofollow noopener"' in body
    finally:
        pagecache.reset()
