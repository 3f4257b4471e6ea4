"""Browser tests in headless Chromium (Debian's /usr/bin/chromium via Playwright): the whole
signing path with a real SMTP sink, and axe-core accessibility checks in ja and en."""

import os
import re
import socket
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain
# synchronous test set-up, so Django's async-safety guard is relaxed for this module.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
STAFF_PASSWORD = "correct horse battery"


class Sink:
    """A real SMTP server (aiosmtpd) on a free local port that keeps what it receives."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages = []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} emails received"
        return self.messages[count - 1]


@pytest.fixture
def smtp_sink(settings):
    sink = Sink()
    sink.controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    sink.controller.stop()


@pytest.fixture
def site(live_server, settings):
    """The live server with the reference and campaign data (flushed after each test)."""
    call_command("load_reference_data", verbosity=0)
    call_command("load_campaign_data", verbosity=0)
    settings.SITE_URL = live_server.url
    return live_server


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-dev-shm-usage", "--disable-component-update", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda exc: print("page error:", exc))
    page.on("console", lambda msg: msg.type == "error" and print("console:", msg.text))
    yield page
    context.close()


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_sign_confirm_publish_then_listed_everywhere(site, smtp_sink, page):
    from tests.factories import StaffFactory

    staff = StaffFactory(email="reviewer@unhcr.example")
    url = site.url

    # 1. Sign: pick the local government with the autocomplete, fill in the form.
    page.goto(f"{url}/ja/sign/")
    field = page.locator("#id_place_query")
    field.fill("府中")
    option = page.get_by_role("option", name=re.compile("府中市（広島県）"))
    option.click()
    page.fill("#id_signatory_name", "佐藤一郎")
    page.fill("#id_signatory_title", "市長")
    page.fill("#id_contact_name", "田中花子")
    page.fill("#id_department", "総務課")
    page.fill("#id_email", "kokusai@city.fuchu.hiroshima.jp")
    page.fill("#id_website", "www.city.fuchu.hiroshima.jp")
    page.check("#id_consent_statement")
    page.check("#id_consent_privacy")
    page.locator("form.sign-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/ja/sign/sent/$"))

    # 2. The confirmation email arrives at the SMTP sink, in Japanese.
    mail = smtp_sink.wait_for(1)
    assert mail["To"] == "kokusai@city.fuchu.hiroshima.jp"
    link = re.search(r"http://\S+/ja/sign/confirm/\S+/", body_text(mail)).group(0)

    # 3. Opening the link shows a button; pressing it confirms.
    page.goto(link)
    page.locator("button[name=action][value=confirm]").click()
    page.wait_for_selector("h1")
    assert "府中市（広島県）" in page.content()

    # 4. Staff publish it in the admin review queue.
    # (one sign-in for everyone: the password, then the authenticator app's code)
    from tests.factories import totp_code

    page.goto(f"{url}/ja/admin/login/")
    page.wait_for_url(re.compile(r"/ja/accounts/login/"))
    page.fill("#id_login", staff.email)
    page.fill("#id_password", STAFF_PASSWORD)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("#id_code", totp_code())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ja/admin/"))
    page.goto(f"{url}/ja/admin/campaign/signatureawaitingreview/")
    page.locator("a.button", has_text=re.compile(".")).first.click()
    page.check("input[name=decision][value=publish]")
    page.locator("input[type=submit].default").click()
    page.wait_for_url(re.compile(r"/admin/campaign/signatureawaitingreview/$"))
    published = smtp_sink.wait_for(2)
    assert "/ja/signatories/" in body_text(published)

    # 5. Directory, map and profile show it.
    page.goto(f"{url}/ja/signatories/?q=ふちゅう")
    page.get_by_role("link", name="府中市").click()
    page.wait_for_url(re.compile(r"/ja/signatories/\d+/$"))
    profile = page.content()
    assert "広島県" in profile and "佐藤一郎" in profile
    assert "kokusai@" not in profile and "田中花子" not in profile
    page.goto(f"{url}/ja/map/")
    page.wait_for_selector(".signatory-marker")
    # Five signatories: single markers plus the counts on clusters of nearby ones (once
    # the zoom animation that leaves old and new icons side by side has ended).
    page.wait_for_timeout(1000)
    shown = page.evaluate("""() => document.querySelectorAll('.signatory-marker').length +
        [...document.querySelectorAll('.signatory-cluster')].reduce(
            (n, c) => n + parseInt(c.textContent, 10), 0)""")
    assert shown == 5
    # The offline country outlines (shipped with the site) are drawn without any tiles.
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 100")
    # Keyboard: a marker takes focus and Enter opens its popup with the profile link.
    page.locator(".signatory-marker").first.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup-content a").wait_for()
    # The list under the map carries the same information for screen-reader users.
    assert page.locator(".map-list a", has_text="府中市（広島県）").count() == 1
    assert page.locator(".map-list a").count() == 5


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list:
    # axe-core is loaded as a script of the page's own origin (answered from node_modules by
    # the test), so that the site's Content-Security-Policy (script-src 'self', no inline
    # script) stays in force while the page is checked.
    origin = page.evaluate("location.origin")
    page.route(f"{origin}/__axe__.js", lambda route: route.fulfill(
        path=str(AXE), content_type="application/javascript"))
    page.add_script_tag(url=f"{origin}/__axe__.js")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
                           AXE_TAGS)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
            for v in result["violations"]]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_axe_finds_no_violations(site, page, lang):
    from withrefugees.places.models import LocalGovernment

    shibuya = LocalGovernment.objects.get(jis_code="131130").pk
    paths = ["/", "/sign/", "/signatories/", "/signatories/?q=zzz", "/map/",
             f"/signatories/{shibuya}/", "/statement/", "/privacy/"]
    found = {}
    for path in paths:
        page.goto(f"{site.url}/{lang}{path}")
        if path == "/map/":
            page.wait_for_selector(".signatory-marker")
        found[path] = axe_violations(page)
    # The sign form with errors shown, and the autocomplete open.
    page.goto(f"{site.url}/{lang}/sign/")
    page.locator("form.sign-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    found["/sign/ (errors)"] = axe_violations(page)
    page.fill("#id_place_query", "府中")
    page.wait_for_selector(".autocomplete__option")
    found["/sign/ (autocomplete)"] = axe_violations(page)
    assert {p: v for p, v in found.items() if v} == {}
