"""Step 3 in the admin: staff with a second factor review events and answer support requests
through the services; staff without one, staff without the role and officers cannot, and
their refused POSTs change nothing. Reminder dates, landmarks, records and exports."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import EventFactory, LandmarkFactory, StaffFactory, SupportRequestFactory
from withrefugees.core.audit import audit_history
from withrefugees.events import records
from withrefugees.events.models import (
    Event,
    Landmark,
    ReminderSchedule,
    ReportedTotal,
    SupportReply,
    SupportRequest,
)

pytestmark = pytest.mark.django_db
EVENTS = "/en/admin/events/event/"
SUPPORT = "/en/admin/events/supportrequest/"


def review_url(event) -> str:
    return reverse("admin:events_event_review", args=[event.pk])


def answer_url(support_request) -> str:
    return reverse("admin:events_supportrequest_answer", args=[support_request.pk])


@pytest.fixture
def submitted(lg, officer):
    return EventFactory(local_government=lg, status="submitted", was_approved=False,
                        submitted_at=timezone.now(), created_by=officer)


@pytest.fixture
def asked(lg, officer):
    return SupportRequestFactory(local_government=lg, requested_by=officer)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


# --- Review ----------------------------------------------------------------------------------
def test_staff_see_the_queue_and_approve_on_the_review_page(staff_client, submitted):
    EventFactory()  # approved: not in the queue
    page = staff_client.get(EVENTS + "?review=needed")
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [submitted]
    review = staff_client.get(review_url(submitted))
    assert review.status_code == 200 and submitted.title_ja in review.content.decode()
    version = review.context["form"]["version"].value()
    response = staff_client.post(review_url(submitted), {"decision": "approve",
                                                         "version": version})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "approved" and submitted.was_approved
    assert audit_history(submitted).get().action == "event.approve"


def test_sending_back_without_a_comment_keeps_what_was_typed(staff_client, submitted):
    response = staff_client.post(review_url(submitted),
                                 {"decision": "return", "comment": "  ", "note": "内部メモ"})
    assert response.status_code == 400
    page = response.content.decode()
    with translation.override("ja"):  # (a /ja/ page)
        message = gettext("Say what the officers should change: they read this comment "
                          "with the event.")
    assert message in page and "内部メモ" in page
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    response = staff_client.post(review_url(submitted),
                                 {"decision": "return", "comment": "日付を確認してください。"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert submitted.review_comment == "日付を確認してください。"


def test_a_forged_decision_is_refused(staff_client, lg):
    event = EventFactory(local_government=lg)  # approved, unchanged: only "return"
    response = staff_client.post(review_url(event), {"decision": "approve"})
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.status == "approved" and not audit_history(event).exists()


def test_there_is_no_bulk_approval(staff_client, submitted, lg):
    """Staff approve an event on its review page, having seen it (the re-check found that
    a bulk action approved content edited after the list was loaded)."""
    page = staff_client.get(EVENTS + "?review=needed").content.decode()
    assert "approve_selected" not in page
    staff_client.post(EVENTS, {"action": "approve_selected",
                               "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_landmark_list_with_its_counts_link_is_not_a_500(staff_client):
    LandmarkFactory()
    assert staff_client.get("/ja/admin/events/landmark/?_facets=True").status_code == 200


def refused(response) -> bool:
    """Refused: 403, or sent to sign in / set up the second factor (302 away)."""
    return response.status_code == 403 or (
        response.status_code == 302 and "/admin/" not in response["Location"].split("?")[0])


@pytest.mark.parametrize("who", ["staff_without_totp", "officer", "reader"])
def test_others_cannot_review_and_their_posts_change_nothing(client, request, submitted,
                                                             asked, who):
    user = (StaffFactory(email="reader@unhcr.example", roles=[]) if who == "reader"
            else request.getfixturevalue(who))
    client.force_login(user)
    assert refused(client.get(review_url(submitted)))
    assert refused(client.post(review_url(submitted), {"decision": "approve"}))
    client.post(EVENTS, {"action": "approve_selected", "_selected_action": [submitted.pk]})
    assert refused(client.get(answer_url(asked)))
    assert refused(client.post(answer_url(asked), {"reply": "1", "body": "hi"}))
    assert refused(client.post(answer_url(asked), {"set_status": "1", "status": "closed"}))
    client.post(SUPPORT, {"action": "close_selected", "_selected_action": [asked.pk]})
    assert refused(client.get(EVENTS + "export/csv/"))
    submitted.refresh_from_db()
    asked.refresh_from_db()
    assert submitted.status == "submitted" and not audit_history(submitted).exists()
    assert asked.status == "new" and not SupportReply.objects.exists()
    assert not audit_history(asked).exists()


def test_events_are_read_only_in_the_admin(staff_client, submitted):
    page = staff_client.get(f"{EVENTS}{submitted.pk}/change/")
    assert page.status_code == 200 and 'name="title_ja"' not in page.content.decode()
    response = staff_client.post(f"{EVENTS}{submitted.pk}/change/",
                                 {"title_ja": "改ざん", "status": "approved"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and submitted.title_ja != "改ざん"


def test_the_list_does_not_grow_queries_with_rows(staff_client, lg,
                                                  django_assert_max_num_queries):
    records.lightup_records_load()
    for _ in range(5):
        EventFactory(local_government=lg, status="submitted", was_approved=False)
    with django_assert_max_num_queries(20):
        assert staff_client.get(EVENTS).status_code == 200
    with django_assert_max_num_queries(20):
        assert staff_client.get(SUPPORT).status_code == 200


# --- Support queue ---------------------------------------------------------------------------
def test_the_queue_shows_new_requests_first_oldest_first(staff_client, lg):
    old_answered = SupportRequestFactory(local_government=lg, status="answered")
    first_new = SupportRequestFactory(local_government=lg)
    second_new = SupportRequestFactory(local_government=lg)
    in_progress = SupportRequestFactory(local_government=lg, status="in_progress")
    SupportRequest.objects.filter(pk=first_new.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3))
    page = staff_client.get(SUPPORT)
    assert list(page.context["cl"].result_list) == [first_new, second_new, in_progress,
                                                    old_answered]


def test_staff_reply_and_change_the_status(staff_client, asked, officer):
    page = staff_client.get(answer_url(asked))
    assert page.status_code == 200 and "ポスター（A2）" in page.content.decode()
    response = staff_client.post(answer_url(asked), {"reply": "1", "body": "6月1日に発送します。"})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == "answered"
    assert asked.replies.get().body == "6月1日に発送します。"
    staff_client.post(answer_url(asked), {"set_status": "1", "status": "closed", "note": ""})
    asked.refresh_from_db()
    assert asked.status == "closed"
    assert [e.action for e in audit_history(asked)] == ["support_request.reply",
                                                        "support_request.status"]
    change = staff_client.get(f"{SUPPORT}{asked.pk}/change/").content.decode()
    assert "6月1日に発送します。" in change  # the replies inline


def test_an_empty_reply_comes_back(staff_client, asked):
    response = staff_client.post(answer_url(asked), {"reply": "1", "body": ""})
    assert response.status_code == 400
    assert not SupportReply.objects.exists()


def test_bulk_status_actions(staff_client, asked):
    staff_client.post(SUPPORT, {"action": "mark_in_progress", "_selected_action": [asked.pk]})
    asked.refresh_from_db()
    assert asked.status == "in_progress"


# --- Exports ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt,content_type", [
    ("csv", "text/csv"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_exports_of_the_filtered_lists_and_of_a_selection(staff_client, submitted, asked,
                                                          fmt, content_type):
    pytest.importorskip("withrefugees.events.exports")
    response = staff_client.get(f"{EVENTS}export/{fmt}/?status__exact=submitted")
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
    response = staff_client.get(f"{SUPPORT}export/{fmt}/")
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
    response = staff_client.post(EVENTS, {"action": f"export_{fmt}",
                                          "_selected_action": [submitted.pk]})
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
    if fmt == "csv":
        body = response.content.decode("utf-8-sig")
        assert submitted.title_ja in body
    assert staff_client.get(f"{EVENTS}export/pdf/").status_code == 403


def test_the_list_offers_the_export_buttons(staff_client):
    page = staff_client.get(EVENTS).content.decode()
    assert f'href="{EVENTS}export/csv/"' in page and f'href="{EVENTS}export/xlsx/"' in page


# --- Reminder dates, landmarks, records ------------------------------------------------------
def test_staff_set_the_reminder_date_through_the_service(staff_client):
    url = "/en/admin/events/reminderschedule/add/"
    response = staff_client.post(url, {"year": 2027, "send_on": "2027-06-25"})
    assert response.status_code == 200 and "on or before World Refugee Day" in (
        response.content.decode())
    assert not ReminderSchedule.objects.exists()
    response = staff_client.post(url, {"year": 2027, "send_on": "2027-05-20"})
    assert response.status_code == 302
    row = ReminderSchedule.objects.get()
    assert row.send_on == datetime.date(2027, 5, 20)
    assert audit_history(row).get().action == "reminder_schedule.set"
    response = staff_client.post(f"/en/admin/events/reminderschedule/{row.pk}/change/",
                                 {"send_on": "2027-05-27"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.send_on == datetime.date(2027, 5, 27) and audit_history(row).count() == 2


def test_the_pages_of_records_landmarks_and_reminders(staff_client):
    records.lightup_records_load()
    skytree = Landmark.objects.get(name_ja="東京スカイツリー")
    for url in ["/en/admin/events/landmark/", f"/en/admin/events/landmark/{skytree.pk}/change/",
                "/en/admin/events/reportedtotal/", "/en/admin/events/remindersent/",
                "/en/admin/events/reminderschedule/", EVENTS + "?origin__exact=reference"]:
        assert staff_client.get(url).status_code == 200, url
    page = staff_client.get("/en/admin/events/landmark/").content.decode()
    assert "2019, 2023, 2024, 2025" in page
    reference = Event.objects.filter(origin="reference").first()
    assert staff_client.get(review_url(reference)).context["form"] is None
    assert ReportedTotal.objects.count() == 7


def test_staff_correct_a_landmark_point_audited(staff_client):
    records.lightup_records_load()
    skytree = Landmark.objects.get(name_ja="東京スカイツリー")
    response = staff_client.post(f"/en/admin/events/landmark/{skytree.pk}/change/", {
        "name_ja": skytree.name_ja, "name_en": skytree.name_en,
        "local_government": skytree.local_government_id, "latitude": "35.7101",
        "longitude": "139.8107"})
    assert response.status_code == 302
    skytree.refresh_from_db()
    assert skytree.latitude == 35.7101 and not skytree.point_approximate
    assert audit_history(skytree).last().action == "landmark.update"


def test_the_admin_home_page_links_the_review_queue(staff_client, submitted):
    """As for signatures, the admin's home page has an entry "events awaiting review",
    leading to the events' list filtered to what awaits review."""
    home = staff_client.get("/en/admin/")
    assert "Events awaiting review" in home.content.decode()
    response = staff_client.get("/en/admin/events/eventawaitingreview/")
    assert response.status_code == 302
    assert response["Location"] == "/en/admin/events/event/?review=needed"
    assert str(submitted) in staff_client.get(response["Location"]).content.decode()


def test_the_review_page_shows_the_landmarks_point(staff_client, lg):
    """The point of a light-up's landmark is on the public map: staff see it before they
    approve (the re-check found a landmark placed in Sydney that no one had seen)."""
    landmark = LandmarkFactory(local_government=lg, latitude=-33.8568, longitude=151.2153)
    event = EventFactory(local_government=lg, kind="light_up", landmark=landmark,
                         status="submitted", was_approved=False)
    page = staff_client.get(review_url(event)).content.decode()
    assert "-33.8568, 151.2153" in page
