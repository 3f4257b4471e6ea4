"""The post kit in the workspace (issue 8, §1): who may open it, the ready-made posts with
their counts and share links, "Check length" without JavaScript (the text as typed comes
back with the server's counts), bad input kept, queries that do not grow with mentions."""

import re
from html import unescape
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import SignatureFactory
from withrefugees.social import counting, sharing
from withrefugees.social.models import Mention
from withrefugees.social.services_posts import mention_save

pytestmark = pytest.mark.django_db


def url(lg, lang: str = "ja") -> str:
    return f"/{lang}/workspace/{lg.pk}/post/"


def textarea(body: str, key: str) -> str:
    """The text of the box ``text_<key>`` as the browser shows it."""
    match = re.search(rf'<textarea name="text_{key}"[^>]*>\n?(.*?)</textarea>', body, re.S)
    assert match, f"no text box for {key}"
    return unescape(match.group(1))


def row(body: str, key: str, section: str = "joining") -> str:
    part = body.split(f'id="post-{section}"', 1)[1]
    match = re.search(rf'<tr data-key="{key}".*?</tr>', part, re.S)
    assert match, f"no row {key}"
    return match.group(0)


# --- Who may open it -----------------------------------------------------------------------
def test_an_officer_opens_the_kit(client, lg, officer):
    client.force_login(officer)
    response = client.get(url(lg))
    assert response.status_code == 200
    body = response.content.decode()
    text = textarea(body, "joining")
    assert "府中市" in text and "#WithRefugees" in text and "#難民とともに" in text
    assert f"http://testserver/ja/signatories/{lg.pk}/" in text
    assert "@UNHCR_Japan" in text  # the default mention (migration 0002)
    assert 'lang="ja"' in re.search(r'<textarea name="text_joining"[^>]*>', body).group(0)
    assert textarea(body, "world_refugee_day")
    assert "世界難民の日" in body
    # Counts per network, share links, the link to record a post, scripts without inline code.
    assert "<table" in body and 'data-key="x"' in body and 'data-key="youtube_title"' not in body
    assert "https://x.com/intent/post?text=" in body
    assert "https://bsky.app/intent/compose?text=" in body
    assert "https://line.me/R/share?text=" in body
    assert "https://www.threads.com/intent/post?text=" in body
    assert "https://www.linkedin.com/feed/?shareActive=true&amp;text=" in body
    assert ("https://www.facebook.com/sharer/sharer.php?u="
            + quote(f"http://testserver/ja/signatories/{lg.pk}/", safe="")) in body
    assert body.count('target="_blank"') == 12  # six links per post
    assert f"/ja/workspace/{lg.pk}/post/links/" in body
    assert "bundles/post-counter.js" in body and "js/post-kit.js" in body
    assert "<script>" not in body and "style=" not in body


def test_another_officer_gets_403(client, lg, other_officer):
    client.force_login(other_officer)
    assert client.get(url(lg)).status_code == 403
    assert client.post(url(lg), {"language": "ja", "text_joining": "x"}).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, lg):
    response = client.get(url(lg))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_need_a_second_factor(client, lg, staff, staff_without_totp):
    client.force_login(staff_without_totp)
    assert client.get(url(lg)).status_code == 403
    client.force_login(staff)
    assert client.get(url(lg)).status_code == 200


# --- Language of the posts -----------------------------------------------------------------
def test_english_posts_on_a_japanese_page(client, lg, officer):
    client.force_login(officer)
    body = client.get(url(lg) + "?language=en").content.decode()
    text = textarea(body, "joining")
    assert "#WithRefugees" in text and "#難民とともに" not in text
    assert f"http://testserver/en/signatories/{lg.pk}/" in text
    assert re.search(r'<textarea name="text_joining"[^>]*lang="en"', body)
    # The page itself stays Japanese.
    assert '<html lang="ja">' in body


def test_the_page_language_is_the_default_and_a_bad_value_falls_back(client, lg, officer):
    client.force_login(officer)
    body = client.get(url(lg, "en")).content.decode()
    assert "#難民とともに" not in textarea(body, "joining")
    body = client.get(url(lg, "en") + "?language=xx").content.decode()
    assert "#難民とともに" not in textarea(body, "joining")


# --- "Check length" without JavaScript -----------------------------------------------------
def test_check_length_keeps_the_text_and_counts_it(client, lg, officer):
    client.force_login(officer)
    typed = "府中市より\r\n" + "あ" * 150 + " https://example.org/abc #WithRefugees  "
    response = client.post(url(lg, "en"), {"language": "ja", "text_joining": typed,
                                           "check": "joining"})
    assert response.status_code == 200
    body = response.content.decode()
    assert textarea(body, "joining") == typed  # as typed, spaces and all
    x = counting.count(typed, "x")
    assert x.length == 10 + 1 + 300 + 1 + 23 + 1 + 13 + 2 and x.over == 71  # CJK 2, URL 23
    x_row = row(body, "x")
    assert f"<td data-length>{x.length:,}</td>" in x_row
    assert f"Too long: cut {x.over}" in x_row
    assert "Fits" in row(body, "line")
    # The share links carry exactly the text typed.
    expected = quote(typed.replace("\r\n", "\n"), safe="!'()*")
    assert f"https://x.com/intent/post?text={expected}" in body.replace("&amp;", "&")
    # The other post is still the ready-made one.
    assert "#難民とともに" in textarea(body, "world_refugee_day")


def test_check_length_in_english_says_how_much_to_cut(client, lg, officer):
    client.force_login(officer)
    typed = "a" * 290 + " <b>"
    with translation.override("en"):
        response = client.post(url(lg, "en"), {"language": "en", "text_joining": typed})
    body = response.content.decode()
    x_row = row(body, "x")
    assert "Too long: cut 14 points (about 7 Japanese characters)" in x_row  # 294 on X
    assert "Remove &lt; and &gt;" in row(body, "youtube")
    summary = re.search(r'id="post-joining-summary"[^>]*>(.*?)</p>', body, re.S).group(1)
    assert "X: 294 of 280." in unescape(summary) and "X (cut 14 points)" in unescape(summary)
    assert 'aria-describedby="id_text_joining_help post-joining-summary"' in body


def test_an_over_long_text_is_refused_and_kept(client, lg, officer):
    client.force_login(officer)
    typed = "長" * (counting.MAX_TEXT + 5)
    with translation.override("en"):
        response = client.post(url(lg, "en"), {"language": "ja", "text_joining": typed})
    assert response.status_code == 400
    body = response.content.decode()
    assert textarea(body, "joining") == typed
    assert "too long to count" in body and 'id="error-summary"' in body
    assert 'aria-invalid="true"' in body
    # Nothing counted for it, the other post still counted.
    assert 'id="post-world_refugee_day"' in body
    assert row(body, "x", "world_refugee_day")


def test_a_control_character_is_refused_and_the_rest_kept(client, lg, officer):
    client.force_login(officer)
    response = client.post(url(lg, "en"), {"language": "en",
                                           "text_joining": "Fuchu\x00 stands #WithRefugees"})
    assert response.status_code == 400
    body = response.content.decode()
    assert textarea(body, "joining") == "Fuchu stands #WithRefugees"
    assert 'id="id_text_joining_error"' in body and 'id="error-summary"' in body


@pytest.mark.parametrize("control", ["\x0b", "\x0c", "\x85", "\x00", "\x1b"])
def test_control_characters_get_the_kits_own_message(client, lg, officer, control):
    """The kit saves nothing: not the forms' "cannot be stored" (issue 8 test round)."""
    client.force_login(officer)
    typed = f"Fuchu{control} stands\r\n#WithRefugees"
    with translation.override("en"):
        response = client.post(url(lg, "en"), {"language": "en", "text_joining": typed})
    assert response.status_code == 400
    body = unescape(response.content.decode())
    assert textarea(body, "joining") == "Fuchu stands\r\n#WithRefugees"  # the rest kept
    assert "which social networks do not accept" in body
    assert "cannot be stored" not in body and "cannot be saved" not in body
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["text_joining"]] == [
        "post_text_control_characters"]
    assert 'aria-invalid="true"' in body and 'id="error-summary"' in body


def test_a_post_missing_from_the_form_shows_the_ready_made_text(client, lg, officer):
    client.force_login(officer)
    response = client.post(url(lg), {"language": "ja"})
    assert response.status_code == 200
    assert "#難民とともに" in textarea(response.content.decode(), "joining")


def test_nothing_is_saved(client, lg, officer):
    from withrefugees.core.models import AuditEntry
    from withrefugees.social.models import PostTemplate

    before = (AuditEntry.objects.count(), list(PostTemplate.objects.values_list("body")))
    client.force_login(officer)
    client.post(url(lg), {"language": "ja", "text_joining": "書き換えた文章 #WithRefugees"})
    after = (AuditEntry.objects.count(), list(PostTemplate.objects.values_list("body")))
    assert before == after


# --- Images and posted links ---------------------------------------------------------------
def test_images_are_offered_to_a_signatory_only(client, lg, officer):
    client.force_login(officer)
    body = client.get(url(lg, "en")).content.decode()
    assert f"/signatories/{lg.pk}/qr.svg" not in body
    assert "use them once its signature is published" in body


def test_images_of_a_signatory(client, lg, officer):
    # (The ``signatory`` fixture lacks ``published_at``: the reported change to conftest.)
    SignatureFactory(local_government=lg, status="published",
                     published_at="2026-01-01T00:00Z")
    signatory = lg
    client.force_login(officer)
    body = client.get(url(signatory)).content.decode()
    assert f"/ja/signatories/{signatory.pk}/qr.svg" in body
    assert f"/ja/signatories/{signatory.pk}/qr.png" in body
    assert f"/ja/signatories/{signatory.pk}/poster.pdf" in body


# --- Cost ----------------------------------------------------------------------------------
def test_queries_do_not_grow_with_mentions(client, lg, officer):
    client.force_login(officer)
    client.get(url(lg))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(lg)).status_code == 200
    for i in range(8):
        mention_save(network="bluesky", handle=f"@unhcr{i}.example", actor=None, position=i + 1)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url(lg)).content.decode()
    # Bluesky accounts go into the Bluesky links only, in place of the X account.
    text = textarea(body, "joining")
    assert "@UNHCR_Japan" in text and "@unhcr7.example" not in text
    bluesky = re.search(r'href="(https://bsky.app/[^"]*)"', body).group(1)
    assert quote("@unhcr0.example @unhcr1.example") in bluesky and "UNHCR_Japan" not in bluesky
    assert Mention.objects.count() == 9
    assert len(many.captured_queries) == len(few.captured_queries)


# --- In the browser (headless Chromium, no server: the page and its files are answered by
# the test, with the page's own Content-Security-Policy) -----------------------------------
CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ORIGIN = "http://localhost"  # a secure context: navigator.clipboard is there


def static_file(path: str) -> str | None:
    from django.contrib.staticfiles import finders

    return finders.find(path)


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_in_the_browser(client, lg, officer, lang):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    bundle = static_file("bundles/post-counter.js")
    assert bundle, "make build/bundles/post-counter.js first"
    client.force_login(officer)
    response = client.get(url(lg, lang))
    html, csp = response.content, response["Content-Security-Policy"]
    page_url = f"{ORIGIN}{url(lg, lang)}"
    long_text = "府中市より、難民の方々とともに。" * 12 + " https://example.org/a <b>"
    expected_x = counting.count(long_text, "x")
    expected_href = sharing.share_url(sharing.TARGETS[0], text=long_text, page_url="")

    from playwright.sync_api import sync_playwright

    def answer(route):
        address = route.request.url
        if address.split("#")[0] == page_url:
            return route.fulfill(body=html, content_type="text/html; charset=utf-8",
                                 headers={"Content-Security-Policy": csp})
        path = address.removeprefix(ORIGIN)
        if path == "/__axe__.js":
            return route.fulfill(path=str(AXE), content_type="application/javascript")
        found = static_file(path.removeprefix("/static/")) if path.startswith("/static/") \
            else None
        if found:
            kind = "text/css" if found.endswith(".css") else "application/javascript"
            return route.fulfill(path=found, content_type=kind)
        return route.fulfill(status=404, body=b"")

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-background-networking"])
        try:
            context = browser.new_context(viewport={"width": 375, "height": 800})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=ORIGIN)
            page = context.new_page()
            page.route(f"{ORIGIN}/**", answer)
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(page_url)
            section = page.locator("#post-joining")
            copy = section.locator("[data-copy]")
            assert copy.is_visible() and not section.locator("[data-nojs]").is_visible()
            # Nothing wider than a 375 px phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            # Typing: the counts, the "cut N" message, the summary and the links follow.
            box = section.locator("textarea")
            box.fill(long_text)
            x_row = section.locator('tr[data-key="x"]')
            assert x_row.locator("[data-length]").inner_text() == f"{expected_x.length:,}"
            assert str(expected_x.over) in x_row.locator("[data-result]").inner_text()
            assert "post-count-problem" in (x_row.get_attribute("class") or "")
            youtube = section.locator('tr[data-key="youtube"] [data-result]').inner_text()
            assert "<" in youtube and ">" in youtube
            summary = section.locator("[data-summary]").inner_text()
            assert f"{expected_x.length:,}" in summary and "280" in summary
            href = section.locator('a[data-share-base^="https://x.com/"]').get_attribute("href")
            assert href == expected_href
            page.wait_for_timeout(1500)  # the summary is announced once typing stops
            assert section.locator("[data-summary-live]").inner_text() == summary
            # Copy: the text is on the clipboard and the status says so.
            copy.click()
            page.wait_for_function(
                "el => el.textContent.length > 0", arg=section.locator(
                    "[data-copy-status]").element_handle())
            assert page.evaluate("navigator.clipboard.readText()") == long_text
            assert not errors, errors
            # axe-core: no violations (WCAG 2.2 AA), after typing.
            page.add_script_tag(url=f"{ORIGIN}/__axe__.js")
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"])
            assert [(v["id"], [n["target"] for n in v["nodes"]][:3])
                    for v in result["violations"]] == []
        finally:
            browser.close()


def test_a_withdrawn_signature_is_not_signed(client, signatory, officer, staff):
    """The kit's ``signed`` means a published signature now (issue 8 test round)."""
    from withrefugees.campaign.models import Signature
    from withrefugees.campaign.services import signature_withdraw

    client.force_login(officer)
    assert f"/signatories/{signatory.pk}/qr.svg" in client.get(url(signatory, "en")).content.decode()
    signature_withdraw(signature=Signature.objects.get(local_government=signatory), actor=staff,
                       note="at the local government's request")
    response = client.get(url(signatory, "en"))
    assert response.context["signed"] is False
    body = response.content.decode()
    assert "use them once its signature is published" in body
    assert f"/signatories/{signatory.pk}/qr.svg" not in body
    assert f"/signatories/{signatory.pk}/card-" not in body


def test_units_are_plain_and_the_youtube_title_is_not_shown(client, lg, officer):
    client.force_login(officer)
    typed = "あ" * 2000  # over on X, Bluesky, Threads, Mastodon and Instagram
    with translation.override("en"):
        body = client.post(url(lg, "en"), {"language": "ja", "text_joining": typed}
                           ).content.decode()
    for jargon in ("grapheme", "UTF-16", "UTF-8", "weighted"):
        assert jargon not in body
    assert "points (Japanese characters and emoji count 2, a link 23)" in row(body, "x")
    assert "bytes (a Japanese character is 3)" in row(body, "youtube")
    assert "Too long: cut 3,720 points (about 1,860 Japanese characters)" in row(body, "x")
    assert "Too long: cut 1,700 characters" in row(body, "bluesky")
    assert "youtube_title" not in body and "YouTube title" not in body
    summary = unescape(re.search(r'id="post-joining-summary"[^>]*>(.*?)</p>', body,
                                 re.S).group(1))
    over = re.findall(r'<tr data-key="(\w+)"[^>]*class="post-count-problem"', body)
    assert over and all(key != "youtube_title" for key in over)
    labels = {"x": "X", "bluesky": "Bluesky", "threads": "Threads", "mastodon": "Mastodon",
              "instagram": "Instagram", "youtube": "YouTube description",
              "facebook": "Facebook", "linkedin": "LinkedIn", "line": "LINE"}
    listed = [key for key, label in labels.items() if f"{label} (cut" in summary]
    assert sorted(listed) == sorted(over)  # the summary lists exactly the rows over


def test_changing_the_language_says_edits_are_not_kept(client, lg, officer):
    client.force_login(officer)
    with translation.override("en"):
        body = client.get(url(lg, "en")).content.decode()
    assert "Edits to the texts below are not kept when you change the language." in body
    assert 'aria-describedby="post-language-note"' in body and "data-post-language" in body
    assert "data-msg-leave=" in body and "data-edited" not in body
    with translation.override("en"):
        body = client.post(url(lg, "en"), {"language": "ja", "text_joining": "edited #WithRefugees"}
                           ).content.decode()
    assert "data-edited" in body
