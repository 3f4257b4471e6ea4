"""The card image, QR code and poster of a signatory (``profiles.cards``, ``profiles.views``):
addresses keyed by what the card shows, headers, 404s, the card rendered by the task queue
after a profile change, and the Open Graph tags of the profile page."""

import html
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from tests.factories import SignatureFactory, jp
from withrefugees.campaign.models import Signature
from withrefugees.profiles import cards, tasks
from withrefugees.profiles.selectors import profile_for
from withrefugees.profiles.services import profile_hide_fields, profile_update
from withrefugees.social import cards as social_cards

pytestmark = pytest.mark.django_db
S = Signature.Status


@pytest.fixture
def signatory(fuchu):
    SignatureFactory(local_government=fuchu, status=S.PUBLISHED,
                     published_at="2026-01-01T00:00Z")
    return fuchu


def meta(body: str) -> dict[str, str]:
    """The ``<meta property|name=... content=...>`` tags of a page."""
    return {name: html.unescape(content) for name, content in re.findall(
        r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', body)}


def page_meta(client, lg, lang: str = "ja") -> dict[str, str]:
    response = client.get(f"/{lang}/signatories/{lg.pk}/")
    assert response.status_code == 200
    return meta(response.content.decode())


def current_card_path(lg, lang: str = "ja") -> str:
    from django.utils import translation

    with translation.override(lang):
        return cards.card_url(lg, profile_for(jp(lg.jis_code)))


def stored(lg) -> list[str]:
    names = []
    for folder in (f"cards/{lg.pk}", f"posters/{lg.pk}"):
        if default_storage.exists(folder):
            names += [f"{folder}/{f}" for f in default_storage.listdir(folder)[1]]
    return sorted(names)


# --- Open Graph -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang,locale", [("ja", "ja_JP"), ("en", "en_US")])
def test_signatory_page_has_open_graph_and_twitter_tags_with_absolute_urls(client, signatory,
                                                                           lang, locale):
    tags = page_meta(client, signatory, lang)
    key = cards.card_key(signatory, profile_for(signatory))
    assert tags["og:image"] == f"http://testserver/{lang}/signatories/{signatory.pk}/card-{key}.png"
    assert tags["og:url"] == f"http://testserver/{lang}/signatories/{signatory.pk}/"
    assert tags["og:image:width"] == "1200" and tags["og:image:height"] == "630"
    assert tags["og:image:type"] == "image/png"
    assert tags["og:locale"] == locale and tags["og:type"] == "website"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]
    name = "府中市" if lang == "ja" else "Fuchu City"
    assert name in tags["og:title"] and name in tags["og:description"]
    assert "府中市 / Fuchu City" in tags["og:image:alt"]
    # The image is there, as announced.
    response = client.get(tags["og:image"])
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    picture = Image.open(io.BytesIO(response.content))
    assert picture.format == "PNG" and picture.size == (1200, 630)


def test_og_texts_in_english(client, signatory):
    tags = page_meta(client, signatory, "en")
    assert tags["og:description"] == ("Fuchu City has signed the Cities #WithRefugees "
                                      "statement and stands with refugees.")
    assert tags["og:image:alt"].startswith("Card of the Cities #WithRefugees campaign")


@pytest.mark.parametrize("status", [None, S.PENDING, S.WITHDRAWN])
def test_no_card_tags_for_a_local_government_that_has_not_signed(client, fuchu, status):
    if status:
        SignatureFactory(local_government=fuchu, status=status)
    tags = page_meta(client, fuchu)
    assert not [name for name in tags if name.startswith(("og:", "twitter:"))]
    assert cards.card_url(fuchu, profile_for(fuchu)) == ""


def test_card_url_contract(signatory, chofu):
    path = cards.card_url(signatory, profile_for(signatory))
    assert re.fullmatch(rf"/ja/signatories/{signatory.pk}/card-[0-9a-f]{{16}}\.png", path)
    assert cards.card_url(chofu, profile_for(chofu)) == ""
    assert cards.card_url(chofu, profile_for(chofu), signatory=True) != ""


def test_the_card_tags_cost_no_query(signatory, rf, django_assert_num_queries):
    from withrefugees.profiles.selectors import profile_page

    page = profile_page(signatory.pk)
    with django_assert_num_queries(0):
        meta_ = cards.card_meta(rf.get("/ja/signatories/1/"), page)
    assert meta_.image.startswith("http://testserver/ja/signatories/")


# --- The card -------------------------------------------------------------------------------
def test_card_headers_and_storage(client, signatory):
    path = current_card_path(signatory)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(response.content))
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    key = path.rsplit("card-", 1)[1].removesuffix(".png")
    assert stored(signatory) == [f"cards/{signatory.pk}/{key}.png"]
    with default_storage.open(f"cards/{signatory.pk}/{key}.png") as file:
        assert file.read() == response.content
    # The same card in the other language's address.
    assert client.get(current_card_path(signatory, "en")).content == response.content


def test_a_card_not_rendered_yet_is_rendered_in_the_request(client, signatory):
    assert stored(signatory) == []  # the signature was made without the task
    response = client.get(current_card_path(signatory))
    assert response.status_code == 200 and len(stored(signatory)) == 1


def test_old_key_redirects_to_the_current_card(client, signatory):
    current = current_card_path(signatory)
    for old in ("0123456789abcdef", "nonsense", "0" * 64):
        response = client.get(f"/ja/signatories/{signatory.pk}/card-{old}.png")
        assert response.status_code == 302
        assert response["Location"] == current


def test_unknown_ids_and_non_signatories_are_404(client, chofu):
    SignatureFactory(local_government=chofu, status=S.PENDING,
                     email="contact@city.chofu.lg.jp")
    for pk in (chofu.pk, 999_999_999):
        for suffix in ("card-0123456789abcdef.png", "qr.svg", "qr.png", "poster.pdf"):
            response = client.get(f"/ja/signatories/{pk}/{suffix}")
            assert response.status_code == 404, suffix
    assert stored(chofu) == []


def test_a_drawing_failure_answers_503_not_500(client, signatory, monkeypatch):
    def broken(**kwargs):
        raise OSError("font missing")

    monkeypatch.setattr(social_cards, "render_card", broken)
    response = client.get(current_card_path(signatory))
    assert response.status_code == 503 and response["Retry-After"]
    assert client.get(f"/ja/signatories/{signatory.pk}/poster.pdf").status_code == 503


# --- The key follows what the card shows ----------------------------------------------------
def test_key_changes_with_the_public_names_and_the_logo(signatory, image_file, moderator):
    def key():
        return cards.card_key(signatory, profile_for(jp(signatory.jis_code)))

    keys = [key()]
    profile_update(local_government=signatory, actor=None, introduction_ja="ようこそ")
    assert key() == keys[-1]  # the introduction is not on the card
    profile_update(local_government=signatory, actor=None, public_name_en="Fuchu")
    keys.append(key())
    profile_update(local_government=signatory, actor=None, public_name_ja="府中市役所")
    keys.append(key())
    profile = profile_update(local_government=signatory, actor=None, logo=image_file(),
                             logo_alt_ja="府中市のロゴ")
    keys.append(key())
    profile_update(local_government=signatory, actor=None, logo=image_file(size=(30, 30)))
    keys.append(key())  # a new logo has a new file name
    assert len(set(keys)) == len(keys), keys
    # What staff hide is not on the card: the same content as before, the same key.
    profile_hide_fields(profile=profile, fields=["logo"], actor=moderator)
    assert key() == keys[2]  # 府中市役所 / Fuchu, no logo
    profile_hide_fields(profile=profile, fields=["logo", "public_name_ja"], actor=moderator)
    assert key() == keys[1]  # the reference name 府中市 / Fuchu, no logo
    assert cards.card_content(signatory, profile_for(jp(signatory.jis_code))) == \
        cards.CardContent(name_ja="府中市", name_en="Fuchu", logo_name="")


def test_the_page_points_to_the_new_card_and_the_old_one_redirects(client, signatory):
    old = page_meta(client, signatory)["og:image"]
    profile_update(local_government=signatory, actor=None, public_name_en="Fuchu-shi")
    new = page_meta(client, signatory)["og:image"]
    assert new != old
    response = client.get(old)
    assert response.status_code == 302 and f"http://testserver{response['Location']}" == new
    assert client.get(new).status_code == 200


# --- The task -------------------------------------------------------------------------------
def test_profile_change_queues_the_card_task_after_commit(signatory, monkeypatch,
                                                          django_capture_on_commit_callbacks,
                                                          moderator):
    queued = []
    monkeypatch.setattr(tasks, "card_render_task", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        profile = profile_update(local_government=signatory, actor=None,
                                 public_name_en="Fuchu")
    assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert queued == [signatory.pk]
    with django_capture_on_commit_callbacks(execute=True):
        profile_hide_fields(profile=profile, fields=["public_name_en"], actor=moderator)
    assert queued == [signatory.pk, signatory.pk]
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(local_government=signatory, actor=None, public_name_en="Fuchu")
    assert len(queued) == 2  # nothing changed: no audit row, no task


def test_the_task_renders_the_card_and_deletes_older_files(client, signatory,
                                                          django_capture_on_commit_callbacks):
    client.get(current_card_path(signatory))
    client.get(f"/ja/signatories/{signatory.pk}/poster.pdf")
    before = stored(signatory)
    assert len(before) == 2
    with django_capture_on_commit_callbacks(execute=True):  # huey runs tasks immediately
        profile_update(local_government=signatory, actor=None, public_name_en="Fuchu")
    key = cards.card_key(signatory, profile_for(jp(signatory.jis_code)))
    assert stored(signatory) == [f"cards/{signatory.pk}/{key}.png"]


def test_the_task_renders_nothing_for_a_non_signatory(chofu,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile_update(local_government=chofu, actor=None, public_name_en="Chofu")
    assert stored(chofu) == []
    assert cards.card_render(chofu) == "" and cards.card_render(999_999_999) == ""


def test_the_card_shows_the_logo_unless_hidden(signatory, image_file, moderator):
    plain = cards.card_png(signatory, profile_for(signatory))[1]
    profile = profile_update(local_government=signatory, actor=None, logo=image_file(),
                             logo_alt_ja="府中市のロゴ")
    lg = jp(signatory.jis_code)
    with_logo = cards.card_png(lg, profile_for(lg))[1]
    assert with_logo != plain
    profile_hide_fields(profile=profile, fields=["logo"], actor=moderator)
    lg = jp(signatory.jis_code)
    assert cards.card_png(lg, profile_for(lg))[1] == plain


# --- QR code and poster ---------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_qr_codes_of_the_profile_address(client, signatory, lang):
    url = f"http://testserver/{lang}/signatories/{signatory.pk}/"
    svg = client.get(f"/{lang}/signatories/{signatory.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Length"] == str(len(svg.content))
    assert svg["Cache-Control"] == "public, max-age=86400"
    assert svg.content == social_cards.render_qr_svg(url)
    assert ET.fromstring(svg.content).get("viewBox").startswith("0 0 ")
    assert svg["Content-Security-Policy"] == "default-src 'none'"
    png = client.get(f"/{lang}/signatories/{signatory.pk}/qr.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png["Content-Length"] == str(len(png.content))
    assert png.content == social_cards.render_qr_png(url)
    assert Image.open(io.BytesIO(png.content)).width >= 1000


# New-user review: the links opened the files in the tab, and the card saved as
# "card-91b44307df349ae4.png".
@pytest.mark.parametrize(("path", "file_name"), [
    ("card", "withrefugees-132063-card.png"), ("qr.png", "withrefugees-132063-qr-ja.png"),
    ("qr.svg", "withrefugees-132063-qr-ja.svg"),
    ("poster.pdf", "withrefugees-132063-poster-ja.pdf")])
def test_files_have_a_name_and_download_1_saves_them(client, signatory, path, file_name):
    if path == "card":
        path = current_card_path(signatory)
    else:
        path = f"/ja/signatories/{signatory.pk}/{path}"
    utf8 = file_name.replace("132063", "%E5%BA%9C%E4%B8%AD%E5%B8%82")
    shown = client.get(path)
    assert shown.status_code == 200
    assert shown["Content-Disposition"] == \
        f'inline; filename="{file_name}"; filename*=UTF-8\'\'{utf8}'
    saved = client.get(path, {"download": "1"})
    assert saved.status_code == 200 and saved.content == shown.content
    assert saved["Content-Disposition"] == \
        f'attachment; filename="{file_name}"; filename*=UTF-8\'\'{utf8}'


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_poster(client, signatory, lang):
    response = client.get(f"/{lang}/signatories/{signatory.pk}/poster.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(response.content))
    name = "%E5%BA%9C%E4%B8%AD%E5%B8%82" if lang == "ja" else "Fuchu-City"
    assert response["Content-Disposition"] == (
        f'inline; filename="withrefugees-132063-poster-{lang}.pdf"; '
        f"filename*=UTF-8''withrefugees-{name}-poster-{lang}.pdf")
    assert response["Cache-Control"] == "public, max-age=600"
    assert response.content.startswith(b"%PDF-")
    assert f"/Lang ({lang})".encode() in response.content
    posters = [n for n in stored(signatory) if n.startswith("posters/")]
    assert len(posters) == 1 and posters[0].endswith(f"-{lang}.pdf")
    # Served from storage the second time: the same bytes.
    again = client.get(f"/{lang}/signatories/{signatory.pk}/poster.pdf")
    assert again.content == response.content


# --- What the font lacks (issue 8 test round) -----------------------------------------------
def test_emoji_in_the_official_names_are_left_off_the_card_and_poster(client, signatory):
    def content():
        lg = jp(signatory.jis_code)
        return cards.card_content(lg, profile_for(lg))

    profile_update(local_government=signatory, actor=None, public_name_ja="府中市",
                   public_name_en="Fuchu City")
    plain = content()
    profile_update(local_government=signatory, actor=None, public_name_ja="府中市🌸",
                   public_name_en="Fuchu City 🇯🇵")
    assert content() == plain == cards.CardContent(name_ja="府中市", name_en="Fuchu City",
                                                   logo_name="")
    assert content().key == plain.key
    response = client.get(current_card_path(signatory))
    assert response.status_code == 200
    assert response.content == social_cards.render_card(name_ja="府中市", name_en="Fuchu City")
    poster = client.get(f"/en/signatories/{signatory.pk}/poster.pdf")
    assert poster.status_code == 200
    assert poster.content == social_cards.render_poster(
        name_ja="府中市", name_en="Fuchu City", card_png=response.content,
        url=cards.profile_link(signatory.pk, "en"), language="en")
    # The page's card text (og:image:alt) names what the card shows.
    assert "府中市 / Fuchu City" in page_meta(client, signatory, "en")["og:image:alt"]


def test_an_official_name_of_emoji_only_gives_way_to_the_reference_name(signatory):
    profile_update(local_government=signatory, actor=None, public_name_ja="🌸🌸",
                   public_name_en="🇯🇵 🌸")
    lg = jp(signatory.jis_code)
    assert lg.name_ja == "府中市" and lg.name_en
    assert cards.card_content(lg, profile_for(lg)) == cards.CardContent(
        name_ja="府中市", name_en=lg.name_en, logo_name="")
    key, png = cards.card_png(lg, profile_for(lg))
    assert png == social_cards.render_card(name_ja="府中市", name_en=lg.name_en)


def test_render_version_makes_new_keys_for_old_cards(signatory, monkeypatch):
    """The card's wording changed in version 3: every key changes with the version."""
    assert cards.RENDER_VERSION >= 3 and cards.POSTER_VERSION >= 3
    key = cards.card_key(signatory, profile_for(signatory))
    monkeypatch.setattr(cards, "RENDER_VERSION", 1)
    assert cards.card_key(signatory, profile_for(signatory)) != key
