"""Browser tests of the workspace (issue 7, "Done when"), in headless Chromium with a real
SMTP sink: the contact of a published city gets the invitation, signs in with the emailed
code, invites a colleague who accepts, edits the profile (logo with alt text), and the
public profile shows it; staff sign in with a password and their authenticator app; axe-core
finds no violations on the sign-in, code, dashboard, profile, officers and account pages,
in ja and en."""

import io
import re
import tempfile
from pathlib import Path

import pytest

# The browser, page, SMTP sink and live-server fixtures of the step 1 browser tests.
from tests.e2e.test_e2e import (  # noqa: F401
    axe_violations,
    body_text,
    browser,
    page,
    site,
    smtp_sink,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CONTACT = "kokusai@city.fuchu.tokyo.jp"
COLLEAGUE = "tabunka@city.fuchu.tokyo.jp"


def _mail_to(sink, address: str, start: int = 0, timeout: float = 15.0, containing: str = ""):
    """The first message to ``address`` (whose body has ``containing``) received after the
    ``start``-th one."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in sink.messages[start:]:
            if address in message["To"] and containing in body_text(message):
                return message
        time.sleep(0.05)
    raise AssertionError(f"no email to {address}: "
                         f"{[(m['To'], m['Subject']) for m in sink.messages]}")


def _link(message, pattern: str) -> str:
    return re.search(pattern, body_text(message)).group(0)


def _code(message) -> str:
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body_text(message), re.M).group(1)


def _sign_in_by_code(page, sink, address: str) -> None:  # noqa: F811
    """On the sign-in page: ask for a code, read it from the email, enter it."""
    start = len(sink.messages)
    page.fill("#id_code_email", address)
    page.get_by_role("button", name=re.compile("コード|code", re.I)).first.click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    mail = _mail_to(sink, address, start)
    code = _code(mail)
    page.fill("#id_code", code)
    page.locator("main form button[type=submit]").first.click()


def _logo_path() -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 300), (0, 114, 188)).save(buffer, "PNG")
    path = Path(tempfile.mkdtemp()) / "logo.jpg"  # a PNG with a misleading name
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.fixture
def published(site, settings, tmp_path):  # noqa: F811 (fixtures from test_e2e)
    """府中市 (東京都) signed; staff publish it (its contact is invited)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from tests.factories import SignatureFactory, StaffFactory
    from withrefugees.campaign.services import signature_publish

    def publish():
        signature = SignatureFactory(status="pending", email=CONTACT, language="ja")
        signature_publish(signature=signature, actor=StaffFactory(email="r@unhcr.example"))
        return signature

    return publish


def test_contact_signs_in_invites_a_colleague_and_edits_the_profile(
        site, smtp_sink, published, browser):  # noqa: F811
    url = site.url
    signature = published()
    lg = signature.local_government
    invitation = _mail_to(smtp_sink, CONTACT, containing="/ja/workspace/invitations/")
    link = _link(invitation, r"http://\S+/ja/workspace/invitations/\S+/")

    contact = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    contact.set_default_timeout(15_000)
    # 1. The link asks for sign-in; the emailed code signs in and comes back to accept.
    contact.goto(link)  # says which city invites, and with which address to sign in
    assert "府中市" in contact.content()
    contact.locator("main a.button").click()
    contact.wait_for_url(re.compile(r"/ja/accounts/login/"))
    _sign_in_by_code(contact, smtp_sink, CONTACT)
    contact.wait_for_url(re.compile(r"/ja/workspace/invitations/"))
    contact.locator("main form button[type=submit]").first.click()
    contact.wait_for_url(re.compile(rf"/ja/workspace/{lg.pk}/$"))
    assert "府中市" in contact.content()

    # 2. Invite a colleague, who signs in by code in another browser and accepts.
    contact.goto(f"{url}/ja/workspace/{lg.pk}/officers/")
    sent = len(smtp_sink.messages)
    contact.fill("#id_email", COLLEAGUE)
    contact.locator("main form[action$='/officers/'] button[type=submit]").click()
    contact.wait_for_load_state()
    colleague_mail = _mail_to(smtp_sink, COLLEAGUE, sent, containing="/workspace/invitations/")
    colleague_link = _link(colleague_mail, r"http://\S+/ja/workspace/invitations/\S+/")
    colleague = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    colleague.set_default_timeout(15_000)
    colleague.goto(colleague_link)
    colleague.locator("main a.button").click()
    colleague.wait_for_url(re.compile(r"/ja/accounts/login/"))
    _sign_in_by_code(colleague, smtp_sink, COLLEAGUE)
    colleague.wait_for_url(re.compile(r"/ja/workspace/invitations/"))
    colleague.locator("main form button[type=submit]").first.click()
    colleague.wait_for_url(re.compile(rf"/ja/workspace/{lg.pk}/$"))
    contact.goto(f"{url}/ja/workspace/{lg.pk}/officers/")
    assert COLLEAGUE in contact.content()

    # 3. The colleague edits the profile: introduction and a logo with its alt text.
    colleague.goto(f"{url}/ja/workspace/{lg.pk}/profile/")
    colleague.fill("#id_introduction_ja", "府中市は難民とともに歩みます。")
    colleague.set_input_files("#id_logo", _logo_path())
    colleague.fill("#id_logo_alt_ja", "府中市の市章")
    colleague.fill("#id_logo_alt_en", "Emblem of Fuchu City")
    colleague.locator("main form button[type=submit]").last.click()
    colleague.wait_for_load_state()
    assert colleague.locator(".error-summary").count() == 0, colleague.content()[:3000]

    # 4. The public profile shows the change at once, the logo with its alt text.
    public = browser.new_context(locale="ja-JP").new_page()
    public.goto(f"{url}/ja/signatories/{lg.pk}/")
    assert "府中市は難民とともに歩みます。" in public.content()
    logo = public.get_by_role("img", name="府中市の市章")
    assert logo.count() == 1
    src = logo.get_attribute("src")
    fetched = public.request.get(src if src.startswith("http") else url + src)
    assert fetched.ok and fetched.headers["content-type"] in ("image/png", "image/jpeg",
                                                                 "image/webp")


def _signed_in_page(browser, user, site, lang):  # noqa: F811
    """A browser page signed in as ``user`` (the session cookie of Django's test client)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(locale=f"{lang}-JP" if lang == "ja" else "en-GB",
                                  timezone_id="Asia/Tokyo")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": site.url}])
    signed_in = context.new_page()
    signed_in.set_default_timeout(15_000)
    return signed_in


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_workspace_pages_have_no_axe_violations(site, smtp_sink, browser, page, lang):  # noqa: F811
    from django.contrib.auth import get_user_model

    from tests.factories import SignatureFactory, StaffFactory
    from withrefugees.accounts.models import Membership
    from withrefugees.accounts.services import invitation_create

    signature = SignatureFactory(status="published", published_at="2026-06-20T10:00:00+09:00",
                                 signed_on="2026-06-01", signed_on_precision="day")
    lg = signature.local_government
    officer = get_user_model().objects.create_user(email="hanako@city.fuchu.tokyo.jp",
                                                   full_name="府中花子")
    Membership.objects.create(user=officer, local_government=lg)
    found = {}
    # Signed out: the sign-in page, the code request with errors, the code entry page.
    page.goto(f"{site.url}/{lang}/accounts/login/")
    found["login"] = axe_violations(page)
    page.fill("#id_code_email", officer.email)
    page.get_by_role("button", name=re.compile("コード|code", re.I)).first.click()
    page.wait_for_url(re.compile(r"/accounts/login/code/confirm/"))
    found["code entry"] = axe_violations(page)
    page.fill("#id_code", "WRONG1")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    found["code entry (wrong code)"] = axe_violations(page)

    signed_in = _signed_in_page(browser, officer, site, lang)
    invitation_create(local_government=lg, email="guest@city.fuchu.tokyo.jp", language=lang,
                      invited_by=officer)
    for name, path in [("dashboard", f"/workspace/{lg.pk}/"),
                       ("profile", f"/workspace/{lg.pk}/profile/"),
                       ("officers", f"/workspace/{lg.pk}/officers/"),
                       ("account", "/workspace/account/"),
                       ("sessions", "/accounts/sessions/"),
                       ("home", "/workspace/")]:
        signed_in.goto(f"{site.url}/{lang}{path}")
        assert signed_in.url.endswith(f"/{lang}{path}") or name == "home", signed_in.url
        found[name] = axe_violations(signed_in)
    # Forms with their errors shown.
    signed_in.goto(f"{site.url}/{lang}/workspace/{lg.pk}/officers/")
    signed_in.fill("#id_email", "not an address")
    signed_in.locator("main form button[type=submit]").last.click()
    signed_in.wait_for_load_state()
    found["officers (error)"] = axe_violations(signed_in)
    signed_in.goto(f"{site.url}/{lang}/workspace/{lg.pk}/profile/")
    signed_in.fill("#id_website", "not a website")
    signed_in.locator("main form button[type=submit]").last.click()
    signed_in.wait_for_load_state()
    found["profile (error)"] = axe_violations(signed_in)

    # Staff without an authenticator app: signed in with a password, they are sent to the
    # set-up page (and a session without a recent sign-in is asked to confirm first).
    newcomer = StaffFactory(email="newcomer@unhcr.example", totp=False)
    staff_page = _signed_in_page(browser, newcomer, site, lang)
    staff_page.goto(f"{site.url}/{lang}/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in staff_page.url
    found["reauthenticate"] = axe_violations(staff_page)
    fresh = browser.new_context(locale="ja-JP" if lang == "ja" else "en-GB").new_page()
    fresh.goto(f"{site.url}/{lang}/accounts/login/")
    fresh.fill("#id_login", newcomer.email)
    fresh.fill("#id_password", "correct horse battery")
    fresh.locator("main form button[type=submit]").last.click()
    fresh.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    found["totp setup"] = axe_violations(fresh)
    assert {p: v for p, v in found.items() if v} == {}


def test_staff_sign_in_with_password_and_authenticator_app(site, page):  # noqa: F811
    from tests.factories import StaffFactory, totp_code

    staff = StaffFactory(email="reviewer@unhcr.example")
    page.goto(f"{site.url}/ja/admin/")
    page.wait_for_url(re.compile(r"/ja/accounts/login/"))
    page.fill("#id_login", staff.email)
    page.fill("#id_password", "correct horse battery")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert axe_violations(page) == []
    page.fill("#id_code", totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ja/admin/$"))
    assert page.locator("#site-name, #header").count() >= 1
