"""Browser tests of step 3 (issue 9, "Done when"), in headless Chromium against the live
server: an officer registers a World Refugee Day light-up and submits it; staff (password and
authenticator code) approve it on the review page; it is then on the calendar, the World
Refugee Day page with a marker on its map, the profile, the dashboard and the iCalendar
feed (parsed by ical.js, an independent client library). axe-core finds no violations on the
calendar (list and month), the event page, the World Refugee Day page, the event form (empty
and with errors) and the support pages, in ja and en."""

import json
import re
import subprocess
from pathlib import Path

import pytest

# The browser, page and live-server fixtures of the step 1 browser tests.
from tests.e2e.test_e2e import axe_violations, browser, page, site  # noqa: F401
from tests.e2e.test_workspace_e2e import _signed_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ICAL_PARSE = Path(__file__).resolve().parent.parent / "events" / "ical_parse.js"
TITLE = "府中市役所のブルーライトアップ（世界難民の日2027）"
LANDMARK = "府中市役所 本庁舎"


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


def _staff_page(browser, site):  # noqa: F811
    """A page signed in as staff through the real sign-in: password, then the code."""
    from tests.factories import StaffFactory, totp_code

    staff = StaffFactory(email="reviewer@unhcr.example")
    staff_page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    staff_page.set_default_timeout(15_000)
    staff_page.goto(f"{site.url}/ja/admin/")
    staff_page.wait_for_url(re.compile(r"/ja/accounts/login/"))
    staff_page.fill("#id_login", staff.email)
    staff_page.fill("#id_password", "correct horse battery")
    staff_page.locator("main form button[type=submit]").last.click()
    staff_page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    staff_page.fill("#id_code", totp_code())
    staff_page.locator("main form button[type=submit]").first.click()
    staff_page.wait_for_url(re.compile(r"/ja/admin/$"))
    return staff_page


def test_light_up_registered_approved_then_public_everywhere(site, browser,  # noqa: F811
                                                              officer_of_a_signatory,
                                                              tmp_path):
    from withrefugees.events.models import Event

    officer, lg = officer_of_a_signatory
    workspace = _signed_in_page(browser, officer, site, "ja")

    # 1. The officer registers a light-up of a new landmark and submits it to UNHCR.
    workspace.goto(f"{site.url}/ja/workspace/{lg.pk}/events/new/")
    workspace.select_option("#id_kind", "light_up")
    workspace.fill("#id_title_ja", TITLE)
    workspace.fill("#id_title_en", "Blue light-up of Fuchu City Hall")
    workspace.fill("#id_description_ja", "世界難民の日に市役所を青くライトアップします。")
    workspace.fill("#id_start_date", "2027-06-20")
    workspace.fill("#id_start_time", "19:00")
    workspace.fill("#id_end_time", "22:00")
    workspace.fill("#id_new_landmark_name_ja", LANDMARK)
    workspace.fill("#id_new_landmark_name_en", "Fuchu City Hall")
    workspace.fill("#id_new_landmark_latitude", "35.6689")
    workspace.fill("#id_new_landmark_longitude", "139.4776")
    workspace.locator("#event-form button[name=submit_now]").click()
    workspace.wait_for_load_state()
    event = Event.objects.get(title_ja=TITLE)
    assert event.status == "submitted" and event.landmark.name_ja == LANDMARK
    assert (event.starts_at.isoformat(), event.ends_at.isoformat()) == (
        "2027-06-20T10:00:00+00:00", "2027-06-20T13:00:00+00:00")  # 19:00–22:00 JST
    # Not public while it awaits review.
    visitor = browser.new_context(locale="ja-JP").new_page()
    assert visitor.goto(f"{site.url}/ja/events/{event.pk}/").status == 404

    # 2. Staff approve it on its review page.
    staff = _staff_page(browser, site)
    staff.goto(f"{site.url}/ja/admin/events/event/{event.pk}/review/")
    staff.locator("input[name=decision][value=approve]").check()
    staff.locator("#content form input[type=submit]").click()
    staff.wait_for_load_state()
    event.refresh_from_db()
    assert event.status == "approved"

    # 3. The calendar lists it (and its month view shows it on 20 June).
    visitor.goto(f"{site.url}/ja/events/")
    assert visitor.get_by_role("link", name=TITLE).count() >= 1
    visitor.goto(f"{site.url}/ja/events/?view=month&month=2027-06")
    assert visitor.get_by_role("link", name=re.compile(re.escape(TITLE))).count() >= 1
    # Its page, with schema.org Event data.
    visitor.goto(f"{site.url}/ja/events/{event.pk}/")
    data = json.loads(visitor.locator("script[type='application/ld+json']").first
                      .text_content())
    assert data["@type"] == "Event" and data["name"] == TITLE
    assert data["startDate"].startswith("2027-06-20T19:00:00+09:00")

    # 4. The World Refugee Day page of 2027: in the list, and a marker on the map.
    visitor.goto(f"{site.url}/ja/world-refugee-day/2027/")
    assert LANDMARK in visitor.locator("main table").first.inner_text()
    marker = visitor.locator(".leaflet-marker-icon.landmark-marker")
    marker.first.wait_for()
    assert marker.count() == 1
    assert LANDMARK in (marker.first.get_attribute("title") or "")

    # 5. The profile's step 3 section.
    visitor.goto(f"{site.url}/ja/signatories/{lg.pk}/")
    assert visitor.locator("#step-act-title").count() == 1
    assert visitor.get_by_role("link", name=re.compile(re.escape(TITLE))).count() >= 1

    # 6. The dashboard: step 3 done.
    workspace.goto(f"{site.url}/ja/workspace/{lg.pk}/")
    act = workspace.locator("tr.step-act")
    assert "status-done" in act.get_attribute("class")

    # 7. The iCalendar feed, read back by ical.js (npm), the client library of
    # Thunderbird's and Nextcloud's calendars.
    feed = visitor.request.get(f"{site.url}/ja/events/calendar.ics")
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    ics = tmp_path / "feed.ics"
    ics.write_bytes(feed.body())
    parsed = subprocess.run(["node", str(ICAL_PARSE), str(ics)], capture_output=True,
                            check=True)
    events = json.loads(parsed.stdout)["events"]
    mine = [e for e in events if e["uid"].startswith(str(event.uid))]
    assert len(mine) == 1 and mine[0]["summary"] == TITLE
    visitor.context.close()
    staff.context.close()
    workspace.context.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_step_3_pages_have_no_axe_violations(site, browser, page,  # noqa: F811
                                             officer_of_a_signatory, lang):
    from tests.factories import EventFactory, LandmarkFactory, SupportRequestFactory

    officer, lg = officer_of_a_signatory
    light_up = EventFactory(local_government=lg, kind="light_up", landmark=LandmarkFactory())
    EventFactory(local_government=lg, kind="film_screening", all_day=True, starts_at=None,
                 ends_at=None)
    request = SupportRequestFactory(local_government=lg, requested_by=officer, event=light_up)
    found = {}
    for name, path in [("calendar", "/events/"),
                       ("calendar, month", "/events/?view=month&month=2027-06"),
                       ("calendar, filtered", "/events/?kind=light_up&country=JP"),
                       ("event", f"/events/{light_up.pk}/"),
                       ("world refugee day", "/world-refugee-day/2027/")]:
        page.goto(f"{site.url}/{lang}{path}")
        found[name] = axe_violations(page)
    signed_in = _signed_in_page(browser, officer, site, lang)
    for name, path in [("events (workspace)", f"/workspace/{lg.pk}/events/"),
                       ("event form", f"/workspace/{lg.pk}/events/new/"),
                       ("event edit", f"/workspace/{lg.pk}/events/{light_up.pk}/"),
                       ("support requests", f"/workspace/{lg.pk}/support/"),
                       ("support request", f"/workspace/{lg.pk}/support/{request.pk}/"),
                       ("support form", f"/workspace/{lg.pk}/support/new/")]:
        signed_in.goto(f"{site.url}/{lang}{path}")
        assert signed_in.url.endswith(path), signed_in.url
        found[name] = axe_violations(signed_in)
    # Forms with their errors shown.
    signed_in.goto(f"{site.url}/{lang}/workspace/{lg.pk}/events/new/")
    signed_in.select_option("#id_kind", "light_up")
    signed_in.fill("#id_start_date", "2027-06-20")
    signed_in.fill("#id_end_date", "2027-06-19")
    signed_in.locator("#event-form button[type=submit]").first.click()
    signed_in.wait_for_load_state()
    assert signed_in.locator("[aria-invalid=true]").count() >= 1
    found["event form (errors)"] = axe_violations(signed_in)
    signed_in.goto(f"{site.url}/{lang}/workspace/{lg.pk}/support/new/")
    signed_in.locator("main form button[type=submit]").last.click()
    signed_in.wait_for_load_state()
    found["support form (errors)"] = axe_violations(signed_in)
    assert {p: v for p, v in found.items() if v} == {}
    signed_in.context.close()
