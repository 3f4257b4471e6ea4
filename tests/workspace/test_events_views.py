"""The workspace's event pages (step 3): list, register, edit, submit, cancel, report and
photos after the event. Records are looked up within the local government of the URL; bad
input never gives a 500 and what was typed is kept."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.factories import EventFactory, LandmarkFactory, SupportRequestFactory
from withrefugees.core.models import AuditEntry
from withrefugees.events.models import Event, EventPhoto, SupportReply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(name, lg, *args):
    return reverse(f"workspace:{name}", args=[lg.pk, *args])


def png(name="a.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 114, 188)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def form_data(**overrides) -> dict:
    data = {"kind": "photo_exhibition", "title_ja": "難民写真展", "title_en": "Photo exhibition",
            "start_date": "2027-06-18", "start_time": "10:00", "end_date": "2027-06-22",
            "end_time": "17:00", "time_zone": "Asia/Tokyo", "venue": "府中市美術館",
            "partners-TOTAL_FORMS": "3", "partners-INITIAL_FORMS": "0",
            "partners-0-kind": "civil_society", "partners-0-name": "府中市国際交流協会"}
    data.update(overrides)
    return data


def past_event(lg, **kwargs):
    return EventFactory(local_government=lg, starts_at=datetime.datetime(
        2024, 6, 20, 10, tzinfo=datetime.UTC), ends_at=datetime.datetime(
        2024, 6, 20, 12, tzinfo=datetime.UTC), start_date=datetime.date(2024, 6, 20), **kwargs)


# --- List -----------------------------------------------------------------------------------
def test_list_shows_status_comment_next_steps_and_support_replies(client, lg, officer):
    EventFactory(local_government=lg, status="draft", title_ja="下書きの上映会")
    EventFactory(local_government=lg, status="returned", title_ja="戻された写真展",
                 review_comment="会場の住所を入れてください")
    past_event(lg, title_ja="終わった点灯")
    support = SupportRequestFactory(local_government=lg, status="answered")
    SupportReply.objects.create(request=support, body="ポスターを発送しました")
    client.force_login(officer)
    page = client.get(url("events", lg)).content.decode()
    assert "下書きの上映会" in page and "戻された写真展" in page
    assert "会場の住所を入れてください" in page
    assert url("event_submit", lg, Event.objects.get(title_ja="下書きの上映会").pk) in page
    assert url("event_report", lg, Event.objects.get(title_ja="終わった点灯").pk) in page
    assert "ポスターを発送しました" in page
    assert 'aria-current="page"' in page and url("support_requests", lg) in page


def test_list_does_not_show_another_citys_events(client, lg, other_lg, officer):
    EventFactory(local_government=other_lg, title_ja="調布の催し")
    client.force_login(officer)
    assert "調布の催し" not in client.get(url("events", lg)).content.decode()


def test_list_queries_do_not_grow_with_rows(client, lg, officer,
                                            django_assert_max_num_queries):
    client.force_login(officer)
    EventFactory(local_government=lg)
    SupportRequestFactory(local_government=lg)
    with django_assert_max_num_queries(30) as one:
        client.get(url("events", lg))
    for _ in range(8):
        event = EventFactory(local_government=lg, kind="light_up",
                             landmark=LandmarkFactory(local_government=lg))
        support = SupportRequestFactory(local_government=lg, event=event)
        SupportReply.objects.create(request=support, body="了解しました")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url("events", lg))


# --- Register -------------------------------------------------------------------------------
def test_register_a_draft(client, lg, officer):
    client.force_login(officer)
    assert client.get(url("event_new", lg)).status_code == 200
    response = client.post(url("event_new", lg), form_data())
    event = Event.objects.get(local_government=lg, title_ja="難民写真展")
    assert response.status_code == 302
    assert response["Location"] == url("event_edit", lg, event.pk)
    assert event.status == "draft" and event.created_by == officer
    assert [p.name for p in event.partners.all()] == ["府中市国際交流協会"]
    assert event.starts_at == datetime.datetime(2027, 6, 18, 1, 0, tzinfo=datetime.UTC)


def test_register_a_light_up_with_a_new_landmark_and_submit(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("event_new", lg), form_data(
        kind="light_up", title_ja="府中市役所ブルーライトアップ", start_date="2027-06-20",
        end_date="", start_time="19:00", end_time="22:00", new_landmark_name_ja="府中市役所",
        new_landmark_latitude="35.6689", new_landmark_longitude="139.4776",
        submit_now="1"))
    assert response.status_code == 302
    event = Event.objects.get(title_ja="府中市役所ブルーライトアップ")
    assert event.status == "submitted" and event.landmark.name_ja == "府中市役所"


def test_a_light_up_far_from_20_june_saves_with_a_warning(client, lg, officer):
    client.force_login(officer)
    landmark = LandmarkFactory(local_government=lg)
    response = client.post(url("event_new", lg), form_data(
        kind="light_up", landmark=str(landmark.pk), start_date="2027-12-01",
        end_date="2027-12-01"), follow=True)
    assert response.status_code == 200
    assert Event.objects.filter(kind="light_up", start_date="2027-12-01").exists()
    assert "message-warning" in response.content.decode()


def test_errors_keep_what_was_typed_and_ask_for_the_file_again(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("event_new", lg), form_data(
        title_en="Kept title", end_time="09:00", description_ja="説明は消えない",
        image=png("poster.png")))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Kept title" in page and "説明は消えない" in page and "府中市国際交流協会" in page
    assert "poster.png" in page  # "choose the file again"
    assert 'id="error-summary"' in page
    assert not Event.objects.filter(local_government=lg).exists()


GARBAGE = ["\x00", "a\x07b", "x" * 20_000, "2027-02-30", "99999-12-31", "-1", "1e400",
           "nan", "<script>alert(1)</script>", "' OR 1=1 --", "９９", "💥" * 300, "9" * 40]
FIELDS = ["kind", "title_ja", "title_en", "description_ja", "description_en", "all_day",
          "start_date", "start_time", "end_date", "end_time", "time_zone", "landmark",
          "new_landmark_name_ja", "new_landmark_name_en", "new_landmark_latitude",
          "new_landmark_longitude", "venue", "address", "latitude", "longitude", "online_url",
          "registration_url", "accessibility", "image_alt", "image_credit", "image_remove",
          "partners-0-kind", "partners-0-name", "partners-TOTAL_FORMS",
          "partners-INITIAL_FORMS"]


@pytest.mark.parametrize("field", FIELDS)
def test_garbage_in_any_field_never_gives_500(client, lg, officer, field):
    client.force_login(officer)
    for value in ("\x00", "x" * 20_000, "9" * 40, "2027-02-30", "1e400"):
        response = client.post(url("event_new", lg), form_data(**{field: value}))
        assert response.status_code in (302, 400), (field, value, response.status_code)


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_in_every_field_at_once_never_gives_500(client, lg, officer, value):
    client.force_login(officer)
    event = EventFactory(local_government=lg, status="draft")
    for target in (url("event_new", lg), url("event_edit", lg, event.pk)):
        response = client.post(target, form_data(**dict.fromkeys(FIELDS, value)))
        assert response.status_code == 400, (value, response.status_code)


def test_fake_image_file_is_refused_with_a_message(client, lg, officer):
    client.force_login(officer)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post(url("event_new", lg), form_data(image=fake, image_alt="a",
                                                           image_credit="b"))
    assert response.status_code == 400
    assert "PNG、JPEG、WebP、GIFのいずれかの形式" in response.content.decode()  # (a /ja/ page)


def test_image_without_alt_is_refused(client, lg, officer):
    client.force_login(officer)
    response = client.post(url("event_new", lg), form_data(image=png(), image_credit="b"))
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["image_alt"][0].code == (
        "image_alt_required")


# --- Edit -----------------------------------------------------------------------------------
def test_edit_an_approved_event_stays_approved_and_the_change_awaits_review(client, lg,
                                                                          officer):
    event = EventFactory(local_government=lg, title_ja="承認済みの写真展")
    client.force_login(officer)
    page = client.get(url("event_edit", lg, event.pk))
    assert page.status_code == 200 and "承認済みの写真展" in page.content.decode()
    response = client.post(url("event_edit", lg, event.pk), form_data(title_ja="題を変えた"))
    assert response.status_code == 302
    assert response["Location"] == url("event_edit", lg, event.pk)
    event.refresh_from_db()
    assert event.status == "approved" and event.title_ja == "承認済みの写真展"
    assert event.sequence == 0
    revision = event.revisions.get()
    assert revision.title_ja == "題を変えた" and revision.status == "draft"
    # The event's page edits the changes, not the public version.
    page = client.get(url("event_edit", lg, event.pk))
    assert page.context["form"].initial["title_ja"] == "題を変えた"


def test_edit_with_an_image_then_remove_it(client, lg, officer):
    event = EventFactory(local_government=lg, status="draft")
    client.force_login(officer)
    client.post(url("event_edit", lg, event.pk), form_data(image=png(), image_alt="青い塔",
                                                           image_credit="© 府中市"))
    event.refresh_from_db()
    assert event.image and event.image_alt == "青い塔"
    page = client.get(url("event_edit", lg, event.pk)).content.decode()
    assert 'alt="青い塔"' in page
    client.post(url("event_edit", lg, event.pk), form_data(image_remove="on"))
    event.refresh_from_db()
    assert not event.image


def test_a_cancelled_event_is_shown_without_the_form(client, lg, officer):
    event = EventFactory(local_government=lg, status="cancelled")
    client.force_login(officer)
    page = client.get(url("event_edit", lg, event.pk))
    assert page.status_code == 200 and 'id="event-form"' not in page.content.decode()
    assert client.post(url("event_edit", lg, event.pk), form_data()).status_code == 400


@pytest.mark.parametrize("name, extra", [
    ("event_edit", ()), ("event_submit", ()), ("event_cancel", ()), ("event_report", ()),
    ("event_photo_remove", (1,)),
])
def test_another_citys_event_through_own_url_is_404(client, lg, other_lg, officer, name,
                                                    extra):
    theirs = EventFactory(local_government=other_lg, status="draft")
    client.force_login(officer)
    before = AuditEntry.objects.count()
    assert client.get(url(name, lg, theirs.pk, *extra)).status_code == 404
    assert client.post(url(name, lg, theirs.pk, *extra),
                       {**form_data(), "confirm": "yes"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "draft" and AuditEntry.objects.count() == before


def test_huge_ids_are_404(client, lg, officer):
    client.force_login(officer)
    assert client.get(url("event_edit", lg, 10**30)).status_code == 404


def test_campaign_records_are_not_officers_to_edit(client, lg, officer):
    record = EventFactory(local_government=lg, origin="reference")
    client.force_login(officer)
    assert client.get(url("event_edit", lg, record.pk)).status_code == 404


# --- Submit, cancel -------------------------------------------------------------------------
def test_submit_is_post_only_with_a_friendly_405(client, lg, officer):
    event = EventFactory(local_government=lg, status="draft")
    client.force_login(officer)
    response = client.get(url("event_submit", lg, event.pk))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert url("event_edit", lg, event.pk) in response.content.decode()
    event.refresh_from_db()
    assert event.status == "draft"
    response = client.post(url("event_submit", lg, event.pk))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "submitted"
    # Twice: a message, not an error page.
    response = client.post(url("event_submit", lg, event.pk), follow=True)
    assert response.status_code == 200 and "message-error" in response.content.decode()


def test_cancel_asks_first(client, lg, officer):
    event = EventFactory(local_government=lg)
    client.force_login(officer)
    page = client.get(url("event_cancel", lg, event.pk))
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    client.post(url("event_cancel", lg, event.pk))  # without confirm: the question again
    event.refresh_from_db()
    assert event.status == "approved"
    client.post(url("event_cancel", lg, event.pk), {"confirm": "yes", "reason": "台風\x00"})
    event.refresh_from_db()
    assert event.status == "cancelled" and event.was_approved
    assert AuditEntry.objects.get(action="event.cancel").note == "台風"


# --- After the event ------------------------------------------------------------------------
def test_report_and_photos_after_the_event(client, lg, officer):
    # (Submitted: changed in place. An approved event's report and photos go to its
    # revision: tests/events/test_revisions.py.)
    event = past_event(lg, status="submitted", was_approved=False)
    client.force_login(officer)
    assert client.get(url("event_report", lg, event.pk)).status_code == 200
    response = client.post(url("event_report", lg, event.pk),
                           {"action": "report", "report": "120人が来場しました。"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.report == "120人が来場しました。"
    response = client.post(url("event_report", lg, event.pk),
                           {"action": "photo", "alt": "", "credit": "© 府中市", "image": png()})
    assert response.status_code == 400 and "© 府中市" in response.content.decode()
    response = client.post(url("event_report", lg, event.pk),
                           {"action": "photo", "alt": "会場", "credit": "© 府中市",
                            "image": png()})
    assert response.status_code == 302
    photo = EventPhoto.objects.get(event=event)
    page = client.get(url("event_report", lg, event.pk)).content.decode()
    assert url("event_photo_remove", lg, event.pk, photo.pk) in page
    confirm = client.get(url("event_photo_remove", lg, event.pk, photo.pk))
    assert confirm.status_code == 200 and EventPhoto.objects.exists()
    client.post(url("event_photo_remove", lg, event.pk, photo.pk), {"confirm": "yes"})
    assert not EventPhoto.objects.exists()


def test_report_before_the_event_is_refused(client, lg, officer):
    event = EventFactory(local_government=lg)
    client.force_login(officer)
    page = client.get(url("event_report", lg, event.pk))
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    response = client.post(url("event_report", lg, event.pk),
                           {"action": "report", "report": "早すぎる"})
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.report == ""


@pytest.mark.parametrize("data", [
    {"action": "report", "report": "x" * 6000},
    {"action": "report", "report": "\x00"},
    {"action": "photo", "alt": "a", "credit": "b"},
    {"action": "photo", "alt": "a" * 1000, "credit": "\x00",
     "image": SimpleUploadedFile("x.png", b"")},
    {"action": "other"},
    {},
])
def test_report_page_garbage(client, lg, officer, data):
    event = past_event(lg)
    client.force_login(officer)
    assert client.post(url("event_report", lg, event.pk), data).status_code == 400


def test_a_photo_of_another_event_is_404(client, lg, officer):
    mine, other = past_event(lg), past_event(lg)
    photo = EventPhoto.objects.create(event=other, image="events/photos/x.png", alt="a",
                                      credit="b")
    client.force_login(officer)
    assert client.post(url("event_photo_remove", lg, mine.pk, photo.pk),
                       {"confirm": "yes"}).status_code == 404
    assert EventPhoto.objects.filter(pk=photo.pk).exists()
