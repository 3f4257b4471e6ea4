"""Browser test of step 2 (issue 8, "Done when"), in headless Chromium against the live
server: an officer opens the post kit, edits the joining post and sees the X count change
to the server's count, copies the text, records the address of the post; the public profile
lists it (``rel="nofollow ugc"``) and its ``og:image`` is the card (absolute URL, fetchable,
a 1200×630 PNG). axe-core finds no violations on the kit, the posted-URL form (also with an
error) and the profile, in ja and en."""

import io

import pytest

# The browser, page and live-server fixtures of the step 1 browser tests.
from tests.e2e.test_e2e import axe_violations, browser, page, site  # noqa: F401
from tests.e2e.test_workspace_e2e import _signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

POST_URL = "https://x.com/fuchu_city/status/1790000000000000001"


@pytest.fixture
def officer_of_a_signatory(site, settings, tmp_path):  # noqa: F811
    from django.contrib.auth import get_user_model

    from tests.factories import SignatureFactory
    from withrefugees.accounts.models import Membership

    settings.MEDIA_ROOT = tmp_path / "media"
    signature = SignatureFactory(status="published", published_at="2026-06-20T10:00:00+09:00",
                                 signed_on="2026-06-01", signed_on_precision="day")
    officer = get_user_model().objects.create_user(email="hanako@city.fuchu.tokyo.jp",
                                                   full_name="府中花子")
    Membership.objects.create(user=officer, local_government=signature.local_government)
    return officer, signature.local_government


def test_officer_edits_copies_and_records_a_post_then_the_profile_shows_it(
        site, browser, officer_of_a_signatory):  # noqa: F811
    from PIL import Image
    from playwright.sync_api import expect

    from withrefugees.social.counting import count

    officer, lg = officer_of_a_signatory
    kit = _signed_in_page(browser, officer, site, "ja")
    kit.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)

    # 1. The kit: the joining post, filled in with the name and the profile's address.
    kit.goto(f"{site.url}/ja/workspace/{lg.pk}/post/")
    box = kit.locator("#id_text_joining")
    text = box.input_value()
    assert "府中市" in text and "#WithRefugees" in text and "#難民とともに" in text
    assert f"{site.url}/ja/signatories/{lg.pk}/" in text
    x_cell = kit.locator("#post-joining tr[data-key=x] [data-length]")
    assert int(x_cell.inner_text()) == count(text, "x").length

    # 2. Edit it: the X count follows as the officer types, equal to the server's count.
    box.click()
    box.press("End")
    box.type(" 難民の方々とともに歩みます🤝🏽")
    edited = box.input_value()
    assert edited != text
    expected = count(edited, "x").length
    expect(x_cell).to_have_text(str(expected))  # (polls; no eval under the site's CSP)
    assert expected > count(text, "x").length
    share = kit.locator("#post-joining a[href^='https://x.com/intent/post']")
    assert "%E3%81%A8%E3%82%82%E3%81%AB%E6%AD%A9" in share.get_attribute("href")  # ともに歩

    # 3. Copy it: the clipboard holds exactly the edited text.
    kit.locator("#post-joining [data-copy]").click()
    expect(kit.locator("#post-joining [data-copy-status]")).not_to_have_text("")
    assert kit.evaluate("navigator.clipboard.readText()") == edited

    # 4. Record the address of the post.
    kit.goto(f"{site.url}/ja/workspace/{lg.pk}/post/links/")
    kit.fill("#id_url", POST_URL + "?s=20")
    kit.locator("main form button[type=submit]").first.click()
    kit.wait_for_load_state()
    assert POST_URL in kit.content()

    # 5. The public profile lists it, and shares the card image.
    visitor = browser.new_context(locale="ja-JP").new_page()
    visitor.goto(f"{site.url}/ja/signatories/{lg.pk}/")
    link = visitor.locator(f"a[href='{POST_URL}']")
    assert link.count() == 1 and link.get_attribute("rel") == "nofollow ugc"
    og_image = visitor.locator("meta[property='og:image']").get_attribute("content")
    assert og_image.startswith(site.url + "/") and og_image.endswith(".png")
    fetched = visitor.request.get(og_image)
    assert fetched.ok and fetched.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(fetched.body()))
    assert (image.format, image.size) == ("PNG", (1200, 630))
    visitor.context.close()
    kit.context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_step_2_pages_have_no_axe_violations(site, browser, page,  # noqa: F811
                                             officer_of_a_signatory, lang):
    from withrefugees.social import services

    officer, lg = officer_of_a_signatory
    services.posted_link_add(local_government=lg, url=POST_URL, actor=officer)
    signed_in = _signed_in_page(browser, officer, site, lang)
    found = {}
    signed_in.goto(f"{site.url}/{lang}/workspace/{lg.pk}/post/")
    found["kit"] = axe_violations(signed_in)
    signed_in.locator("#id_text_joining").fill("x" * 300)
    found["kit, a post over the limit"] = axe_violations(signed_in)
    signed_in.goto(f"{site.url}/{lang}/workspace/{lg.pk}/post/links/")
    found["posted links"] = axe_violations(signed_in)
    signed_in.fill("#id_url", "javascript:alert(1)")
    signed_in.locator("main form button[type=submit]").first.click()
    signed_in.wait_for_load_state()
    assert "#id_url" in signed_in.content() or signed_in.locator(".error-summary").count()
    found["posted links, refused address"] = axe_violations(signed_in)
    page.goto(f"{site.url}/{lang}/signatories/{lg.pk}/")
    found["profile"] = axe_violations(page)
    assert found == {name: [] for name in found}
    signed_in.context.close()
