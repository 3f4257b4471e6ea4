"""Browser tests of the profile page: a signatory's (with logo, introduction and social
accounts) and a non-signatory's, in ja and en, with axe-core reporting no violations."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

# The browser, page and live-server fixtures of the step 1 browser tests.
from tests.e2e.test_e2e import axe_violations, browser, page, site  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def png(size=(120, 60)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 80, 138)).save(buffer, "PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def profiles(site, settings, tmp_path):  # noqa: F811 (fixture from test_e2e)
    """Shibuya (a signatory) with a full profile; Fuchu, Tokyo (not signed), with none."""
    from withrefugees.places.models import LocalGovernment
    from withrefugees.profiles.services import SocialAccountInput, profile_update

    settings.MEDIA_ROOT = tmp_path / "media"
    shibuya = LocalGovernment.objects.get(jis_code="131130")
    profile_update(local_government=shibuya, actor=None, public_name_en="Shibuya City",
                   introduction_ja="渋谷区は難民とともに歩みます。\n\n多文化共生の取り組み。",
                   introduction_en="Shibuya stands with refugees.",
                   website="https://www.city.shibuya.tokyo.jp/", logo=png(),
                   logo_alt_ja="渋谷区のロゴ", logo_alt_en="Logo of Shibuya City",
                   social_accounts=[SocialAccountInput("x", "https://x.com/shibuya"),
                                    SocialAccountInput("other", "https://note.com/shibuya")])
    return {"signatory": shibuya.pk,
            "not_signed": LocalGovernment.objects.get(jis_code="132063").pk}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_profile_pages_have_no_axe_violations(site, page, profiles, lang):  # noqa: F811
    found = {}
    for kind, pk in profiles.items():
        response = page.goto(f"{site.url}/{lang}/signatories/{pk}/")
        assert response.status == 200
        robots = page.locator('meta[name="robots"]')
        if kind == "signatory":
            assert robots.count() == 0
            assert page.locator("li.step-sign.done").count() == 1
            logo = page.locator("img.profile-logo")
            assert logo.evaluate("img => img.complete && img.naturalWidth") == 120
        else:
            assert robots.get_attribute("content") == "noindex"
            join = page.locator(f'a.button[href="/{lang}/sign/?lg={pk}"]')
            assert join.count() == 1
            join.click()  # the sign form opens with this local government chosen
            page.wait_for_url(f"**/{lang}/sign/?lg={pk}")
            assert page.locator("#id_local_government").input_value() == str(pk)
            found["sign (preselected)"] = axe_violations(page)
            page.go_back()
        assert page.locator("ol.steps > li > section h3").count() == 4
        found[kind] = axe_violations(page)
    # A directory search that finds no signatory lists the places that have not signed.
    page.goto(f"{site.url}/{lang}/signatories/?q=%E6%9C%AD%E5%B9%8C")  # 札幌
    assert page.locator("#unsigned-title").count() == 1
    found["directory (not signed yet)"] = axe_violations(page)
    assert {k: v for k, v in found.items() if v} == {}
