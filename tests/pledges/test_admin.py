"""Step 4 in the admin: staff with a second factor review pledges on the review page
(approve, send back, the GCR reference, the GCR email again) through the services; staff
without one, staff without the role and officers cannot, and their refused POSTs change
nothing. Stale pledges, areas of focus, the reminder period, exports; no 500 on bad
POSTs."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import PledgeFactory, PledgeTargetFactory, ProgressReportFactory, StaffFactory
from withrefugees.core.audit import audit_history
from withrefugees.core.models import OutboundEmail
from withrefugees.pledges import services_review
from withrefugees.pledges.models import (
    AreaOfFocus,
    Pledge,
    PledgeReminderSettings,
)

pytestmark = pytest.mark.django_db
PLEDGES = "/en/admin/pledges/pledge/"
JST = datetime.timezone(datetime.timedelta(hours=9))
#: What the reviewers' role needs for step 4 (``accounts.roles``; given here in case the
#: role does not have them yet).
PLEDGE_PERMISSIONS = [
    "view_pledge", "change_pledge", "view_pledgeawaitingreview", "view_stalepledge",
    "view_copledger", "view_pledgetarget", "view_progressreport", "view_targetprogress",
    "view_areaoffocus", "add_areaoffocus", "change_areaoffocus",
    "view_multistakeholderpledge", "add_multistakeholderpledge",
    "change_multistakeholderpledge", "view_pledgeremindersettings",
    "add_pledgeremindersettings", "change_pledgeremindersettings",
    "view_pledgeremindersent",
]


def give_pledge_permissions(user) -> None:
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="pledges", codename__in=PLEDGE_PERMISSIONS))


def review_url(pledge) -> str:
    return reverse("admin:pledges_pledge_review", args=[pledge.pk])


@pytest.fixture
def reviewer(staff):
    give_pledge_permissions(staff)
    return staff


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def submitted(lg, officer):
    pledge = PledgeFactory(local_government=lg, status="submitted",
                           submitted_at=timezone.now(), created_by=officer)
    PledgeTargetFactory(pledge=pledge)
    return pledge


@pytest.fixture
def with_the_gcr(reviewer, submitted, settings):
    settings.GCR_PLEDGE_EMAIL = "gcr@unhcr.example"
    return services_review.pledge_approve(pledge=submitted, actor=reviewer)


def refused(response) -> bool:
    """Refused: 403, or sent to sign in / set up the second factor (302 away)."""
    return response.status_code == 403 or (
        response.status_code == 302 and "/admin/" not in response["Location"].split("?")[0])


# --- Pages ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    PLEDGES, PLEDGES + "?status__exact=submitted", PLEDGES + "?q=府中",
    PLEDGES + "?progress_status__exact=in_progress", PLEDGES + "?forum__exact=grf_2023",
    "/en/admin/pledges/progressreport/", "/en/admin/pledges/stalepledge/",
    "/en/admin/pledges/areaoffocus/", "/en/admin/pledges/areaoffocus/add/",
    "/en/admin/pledges/multistakeholderpledge/", "/en/admin/pledges/pledgeremindersent/",
    "/ja/admin/", "/en/admin/pledges/",
])
def test_staff_pages_answer(staff_client, submitted, url):
    ProgressReportFactory()
    assert staff_client.get(url).status_code == 200


def test_the_admin_home_links_the_queue(staff_client, submitted):
    PledgeFactory(status="draft")
    home = staff_client.get("/en/admin/").content.decode()
    assert "/admin/pledges/pledgeawaitingreview/" in home
    response = staff_client.get("/en/admin/pledges/pledgeawaitingreview/")
    assert response.status_code == 302 and "status__exact=submitted" in response["Location"]
    page = staff_client.get(response["Location"])
    assert list(page.context["cl"].result_list) == [submitted]


def test_the_review_page_shows_every_field_and_the_checklist(staff_client, submitted):
    page = staff_client.get(review_url(submitted))
    assert page.status_code == 200
    html = page.content.decode()
    for text in (submitted.title_ja, submitted.title_en, submitted.description_ja,
                 submitted.contact_email, submitted.expected_impact_en,
                 "日本語教室に通う難民の子ども"):
        assert text in html
    assert 'lang="ja"' in html and 'value="approve"' in html and 'value="return"' in html
    if page.context["checklist"] is not None:
        assert "pledge-checklist" in html


def test_pledges_are_read_only_in_the_admin(staff_client, submitted):
    page = staff_client.get(f"{PLEDGES}{submitted.pk}/change/")
    assert page.status_code == 200 and 'name="title_ja"' not in page.content.decode()
    response = staff_client.post(f"{PLEDGES}{submitted.pk}/change/",
                                 {"title_ja": "改ざん", "status": "published"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.title_ja != "改ざん"


# --- Decisions -------------------------------------------------------------------------------
def test_staff_approve_on_the_review_page(staff_client, submitted, settings):
    settings.GCR_PLEDGE_EMAIL = "gcr@unhcr.example"
    page = staff_client.get(review_url(submitted))
    version = page.context["decision_form"]["version"].value()
    response = staff_client.post(review_url(submitted), {"action": "approve",
                                                         "version": version})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "sent_to_gcr" and submitted.gcr_email is not None
    assert audit_history(submitted).get().action == "pledge.approve"
    page = staff_client.get(review_url(submitted)).content.decode()
    assert 'value="publish"' in page and 'value="approve"' not in page


def test_an_approval_without_the_version_shown_is_refused(staff_client, submitted):
    response = staff_client.post(review_url(submitted), {"action": "approve"})
    assert response.status_code == 400
    assert Pledge.objects.get(pk=submitted.pk).status == "submitted"


def test_a_version_withdrawn_and_submitted_again_is_not_approved(staff_client, submitted):
    version = staff_client.get(review_url(submitted)).context["decision_form"][
        "version"].value()
    Pledge.objects.filter(pk=submitted.pk).update(
        updated_at=timezone.now() + datetime.timedelta(minutes=1))
    response = staff_client.post(review_url(submitted), {"action": "approve",
                                                         "version": version})
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert response.context["decision_form"]["version"].value() == \
        services_review.pledge_version(submitted)


def test_sending_back_without_a_comment_keeps_what_was_typed(staff_client, submitted):
    response = staff_client.post(review_url(submitted),
                                 {"action": "return", "comment": "  ", "note": "内部メモ"})
    assert response.status_code == 400
    with translation.override("ja"):  # the admin at /ja/admin/
        message = gettext("Say what the officers should change: they read this comment "
                          "with the pledge.")
    page = response.content.decode()
    assert message in page and "内部メモ" in page
    response = staff_client.post(review_url(submitted),
                                 {"action": "return", "comment": "目標を追加してください。"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "returned" and submitted.review_comment == "目標を追加してください。"


def test_approving_a_pledge_withdrawn_meanwhile_says_so(staff_client, submitted):
    Pledge.objects.filter(pk=submitted.pk).update(status="draft")
    response = staff_client.post(review_url(submitted), {"action": "approve"})
    assert response.status_code == 400
    with translation.override("ja"):  # (a /ja/ page)
        assert str(services_review.NotAwaitingReview.message) in response.content.decode()
    assert Pledge.objects.get(pk=submitted.pk).status == "draft"


def test_staff_record_the_gcr_reference(staff_client, with_the_gcr):
    response = staff_client.post(review_url(with_the_gcr), {
        "action": "publish", "gcr-gcr_reference": "GRF-2023-0042",
        "gcr-gcr_url": "https://globalcompactrefugees.org/x/42"})
    assert response.status_code == 302
    with_the_gcr.refresh_from_db()
    assert with_the_gcr.status == "published" and with_the_gcr.gcr_reference == "GRF-2023-0042"


@pytest.mark.parametrize("data", [
    {"action": "publish", "gcr-gcr_reference": "", "gcr-gcr_url": ""},
    {"action": "publish", "gcr-gcr_url": "javascript:alert(1)"},
    {"action": "publish", "gcr-gcr_reference": "GRF\x00"},
    {"action": "publish", "gcr-gcr_reference": "x" * 20_000},
    {"action": "approve"},  # not submitted any more
    {"action": "delete"},
    {"action": "\x00"},
    {},
    {"action": "return", "comment": "x" * 20_000},
])
def test_bad_posts_are_400_and_change_nothing(staff_client, with_the_gcr, data):
    response = staff_client.post(review_url(with_the_gcr), data)
    assert response.status_code == 400
    fresh = Pledge.objects.get(pk=with_the_gcr.pk)
    assert fresh.status == "sent_to_gcr" and fresh.gcr_reference == ""
    assert audit_history(fresh).count() == 1  # the approval only


def test_a_forty_digit_id_is_a_404(staff_client):
    assert staff_client.get(f"{PLEDGES}{'9' * 40}/review/").status_code == 404
    assert staff_client.get(f"{PLEDGES}999999/review/").status_code == 404


def test_the_gcr_email_status_and_email_it_again(staff_client, with_the_gcr):
    page = staff_client.get(review_url(with_the_gcr)).content.decode()
    assert 'value="email_gcr"' not in page  # still waiting to be sent
    response = staff_client.post(review_url(with_the_gcr), {"action": "email_gcr"})
    assert response.status_code == 400  # refused: pending
    OutboundEmail.objects.filter(pk=with_the_gcr.gcr_email_id).update(
        status="failed", error="refused", last_error="550 mailbox unavailable")
    page = staff_client.get(review_url(with_the_gcr)).content.decode()
    assert "550 mailbox unavailable" in page and 'value="email_gcr"' in page
    response = staff_client.post(review_url(with_the_gcr), {"action": "email_gcr"})
    assert response.status_code == 302
    fresh = Pledge.objects.get(pk=with_the_gcr.pk)
    assert fresh.gcr_email_id != with_the_gcr.gcr_email_id
    assert fresh.gcr_email.status in ("pending", "sent")  # (delivered after commit)
    sent_at = timezone.now()
    OutboundEmail.objects.filter(pk=fresh.gcr_email_id).update(status="sent", sent_at=sent_at)
    page = staff_client.get(review_url(fresh))
    assert page.context["gcr_email"].sent_at == sent_at
    assert len(page.context["gcr_emails"]) == 2


# --- Who ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["staff_without_totp", "officer", "reader"])
def test_others_cannot_review_and_their_posts_change_nothing(client, request, submitted, who,
                                                             settings):
    settings.GCR_PLEDGE_EMAIL = "gcr@unhcr.example"
    user = (StaffFactory(email="reader@unhcr.example", roles=[]) if who == "reader"
            else request.getfixturevalue(who))
    if who == "staff_without_totp":
        give_pledge_permissions(user)
    client.force_login(user)
    assert refused(client.get(review_url(submitted)))
    assert refused(client.post(review_url(submitted), {"action": "approve"}))
    assert refused(client.post(review_url(submitted), {"action": "return", "comment": "x"}))
    assert refused(client.get(PLEDGES + "export/csv/"))
    assert refused(client.get("/en/admin/pledges/stalepledge/"))
    client.post("/en/admin/pledges/pledgeremindersettings/add/", {"stale_after_months": 2})
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not audit_history(submitted).exists()
    assert not PledgeReminderSettings.objects.exists() and not OutboundEmail.objects.exists()


# --- Stale pledges -----------------------------------------------------------------------------
def test_the_stale_list_shows_the_anchor_and_months_since(staff_client, lg):
    old = PledgeFactory(local_government=lg, status="published", gcr_reference="GRF-1",
                        published_at=datetime.datetime(2020, 1, 15, 12, tzinfo=JST))
    PledgeFactory(local_government=lg, status="published", gcr_reference="GRF-2",
                  published_at=timezone.now())
    page = staff_client.get("/en/admin/pledges/stalepledge/")
    assert page.status_code == 200
    assert [p.pk for p in page.context["cl"].result_list] == [old.pk]
    html = page.content.decode()
    assert "2020" in html and old.title_en in html or old.title_ja in html


# --- Areas of focus, reminder period ------------------------------------------------------------
def test_staff_add_an_area_of_focus_audited(staff_client):
    response = staff_client.post("/en/admin/pledges/areaoffocus/add/", {
        "key": "health", "name_ja": "保健", "name_en": "Health", "position": 200,
        "active": "on"})
    assert response.status_code == 302
    area = AreaOfFocus.objects.get(key="health")
    assert audit_history(area).get().action.endswith(".create")
    assert staff_client.post(f"/en/admin/pledges/areaoffocus/{area.pk}/delete/",
                             {"post": "yes"}).status_code == 403


def test_the_reminder_period_goes_through_the_service(staff_client):
    response = staff_client.get("/en/admin/pledges/pledgeremindersettings/")
    assert response.status_code == 302 and response["Location"].endswith("/add/")
    for bad in ("0", "61", "1e400", "nan", "\x00", "9" * 40):
        page = staff_client.post("/en/admin/pledges/pledgeremindersettings/add/",
                                 {"stale_after_months": bad})
        assert page.status_code == 200  # the form again, with its error
    assert not PledgeReminderSettings.objects.exists()
    response = staff_client.post("/en/admin/pledges/pledgeremindersettings/add/",
                                 {"stale_after_months": "3"})
    assert response.status_code == 302
    row = PledgeReminderSettings.objects.get()
    assert row.stale_after_months == 3
    assert audit_history(row).get().action == "pledge_reminder_settings.set"
    response = staff_client.get("/en/admin/pledges/pledgeremindersettings/")
    assert response["Location"].endswith("/1/change/")
    staff_client.post("/en/admin/pledges/pledgeremindersettings/1/change/",
                      {"stale_after_months": "9"})
    assert PledgeReminderSettings.objects.get().stale_after_months == 9


# --- Exports -----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [PLEDGES + "export/csv/", PLEDGES + "export/xlsx/",
                                 "/en/admin/pledges/progressreport/export/csv/",
                                 PLEDGES + "export/csv/?status__exact=submitted"])
def test_exports_of_the_lists(staff_client, submitted, url):
    ProgressReportFactory()
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


def test_an_export_with_filters_the_list_cannot_apply_goes_back_to_it(staff_client):
    response = staff_client.get(PLEDGES + "export/csv/?nosuchfield=1")
    assert response.status_code == 302 and response["Location"].endswith("?e=1")
    assert staff_client.get(PLEDGES + "export/pdf/").status_code == 403


def test_export_actions_on_selected_rows(staff_client, submitted):
    response = staff_client.post(PLEDGES, {"action": "export_csv",
                                           "_selected_action": [submitted.pk]})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert submitted.title_ja in response.content.decode("utf-8-sig")


def test_the_review_page_of_a_published_pledge_shows_its_progress(staff_client, lg):
    report = ProgressReportFactory(pledge=PledgeFactory(
        local_government=lg, status="published", gcr_reference="GRF-9",
        published_at=timezone.now(), progress_status="in_progress",
        progress_reported_on=datetime.date(2028, 4, 1)))
    page = staff_client.get(review_url(report.pledge))
    assert page.status_code == 200
    html = page.content.decode()
    assert report.narrative in html and 'value="publish"' in html
    assert 'value="approve"' not in html


# --- Control and invisible characters in the vocabularies (review of step 4) --------------------
@pytest.mark.parametrize("field,value,code", [
    ("name_en", "Health\x0bcare\x1b[31m", "control_characters"),
    ("name_ja", "保健\x00", "null_characters"),
    ("name_en", "Health\u202ecare", "control_characters"),
    ("name_ja", "保\u200b健", "control_characters"),
    ("key", "health\x1b", "control_characters"),
])
def test_an_area_of_focus_with_control_or_invisible_characters_is_refused(staff_client, field,
                                                                          value, code):
    data = {"key": "health", "name_ja": "保健", "name_en": "Health", "position": 200,
            "active": "on", field: value}
    with translation.override("en"):
        page = staff_client.post("/en/admin/pledges/areaoffocus/add/", data)
        assert page.status_code == 200
        form = page.context["adminform"].form
        assert code in [e.code for e in form.errors.as_data()[field]]
        message = str(form.errors[field][0])
        assert "control character" in message or "invisible" in message
    assert not AreaOfFocus.objects.filter(key="health").exists()
    assert "\x1b" not in page.content.decode() and "\x0b" not in page.content.decode()


def test_the_japanese_message_is_translated(staff_client):
    page = staff_client.post("/ja/admin/pledges/areaoffocus/add/", {
        "key": "health", "name_ja": "保健", "name_en": "Health\x1b", "position": 200,
        "active": "on"})
    message = str(page.context["adminform"].form.errors["name_en"][0])
    with translation.override("ja"):
        from withrefugees.core.validators import CONTROL_MESSAGE
        assert message == str(CONTROL_MESSAGE) and not message.isascii()


@pytest.mark.parametrize("field,value", [
    ("name_en", "Call to\x1b[31m Local Action"),
    ("name_ja", "連帯\u2066"),
    ("url", "https://globalcompactrefugees.org/\x1b[31m"),
    ("url", "https://globalcompactrefugees.org/\u202eabc"),
])
def test_a_multistakeholder_pledge_with_bad_characters_is_refused(staff_client, field, value):
    data = {"key": "local-action", "name_ja": "地方の行動", "name_en": "Local action",
            "url": "https://globalcompactrefugees.org/x", "position": 200, "active": "on",
            field: value}
    page = staff_client.post("/en/admin/pledges/multistakeholderpledge/add/", data)
    assert page.status_code == 200
    assert field in page.context["adminform"].form.errors
    from withrefugees.pledges.models import MultistakeholderPledge
    assert not MultistakeholderPledge.objects.filter(key="local-action").exists()


def test_renaming_an_area_with_an_escape_is_refused_and_the_name_kept(staff_client):
    area = AreaOfFocus.objects.create(key="housing", name_ja="住宅", name_en="Housing")
    page = staff_client.post(f"/en/admin/pledges/areaoffocus/{area.pk}/change/", {
        "name_ja": "住宅", "name_en": "Hous\x1bing", "position": 100, "active": "on"})
    assert page.status_code == 200
    area.refresh_from_db()
    assert area.name_en == "Housing"
    ok = staff_client.post(f"/en/admin/pledges/areaoffocus/{area.pk}/change/", {
        "name_ja": "住まい", "name_en": "Homes 🏠", "position": 100, "active": "on"})
    assert ok.status_code == 302
    area.refresh_from_db()
    assert area.name_en == "Homes 🏠"
