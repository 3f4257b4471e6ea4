"""The officers' services of step 3 (``events.services``): rules, validation, audit rows,
the iCalendar sequence, state changes, photos, the report, support requests."""

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import EventFactory, LandmarkFactory, jp
from withrefugees.core.audit import audit_history
from withrefugees.core.models import AuditEntry
from withrefugees.events import services
from withrefugees.events.models import Event, EventPhoto, Landmark, SupportRequest
from withrefugees.events.services import (
    EventInput,
    LandmarkInput,
    PartnerInput,
    SupportItemInput,
)

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(name="photo.png", size=(40, 30), color=(0, 114, 188)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def timed(**overrides) -> EventInput:
    values = dict(kind="photo_exhibition", title_ja="難民写真展", title_en="Photo exhibition",
                  time_zone="Asia/Tokyo",
                  starts_at=datetime.datetime(2027, 6, 20, 10, 0, tzinfo=TOKYO),
                  ends_at=datetime.datetime(2027, 6, 20, 17, 0, tzinfo=TOKYO),
                  venue="府中市美術館")
    values.update(overrides)
    return EventInput(**values)


def actions(target) -> list[str]:
    return [entry.action for entry in audit_history(target)]


def codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


# --- Create -------------------------------------------------------------------------------
def test_officer_creates_a_draft_with_dates_of_record_and_audit(lg, officer):
    event = services.event_create(local_government=lg, actor=officer, data=timed(
        partners=(PartnerInput(kind="university", name="東京外国語大学"),)))
    assert event.status == "draft" and event.origin == "platform"
    assert event.start_date == datetime.date(2027, 6, 20)
    assert event.starts_at == datetime.datetime(2027, 6, 20, 1, 0, tzinfo=datetime.UTC)
    assert [[p.kind, p.name] for p in event.partners.all()] == [["university", "東京外国語大学"]]
    entry = AuditEntry.objects.get(action="event.create", object_id=str(event.pk))
    assert entry.actor == officer and entry.to_state == "draft"
    assert entry.changes["title_ja"] == [None, "難民写真展"]
    assert entry.changes["partners"] == [[], [["university", "東京外国語大学"]]]


def test_local_date_differs_from_utc_date(lg, officer):
    """23:30 in Tokyo on 19 June is 14:30 UTC on 19 June; 08:00 on 20 June is 23:00 UTC on
    19 June: the dates of record are Tokyo's."""
    event = services.event_create(local_government=lg, actor=officer, data=timed(
        starts_at=datetime.datetime(2027, 6, 20, 8, 0, tzinfo=TOKYO),
        ends_at=datetime.datetime(2027, 6, 21, 1, 0, tzinfo=TOKYO)))
    assert (event.start_date, event.end_date) == (datetime.date(2027, 6, 20),
                                                  datetime.date(2027, 6, 21))


def test_all_day_event(lg, officer):
    event = services.event_create(local_government=lg, actor=officer, data=timed(
        all_day=True, starts_at=None, ends_at=None, start_date=datetime.date(2027, 6, 18),
        end_date=datetime.date(2027, 6, 22)))
    assert event.all_day and event.starts_at is None
    assert event.end_date == datetime.date(2027, 6, 22)


@pytest.mark.parametrize("actor", ["other_officer", "staff_without_totp"])
def test_others_are_refused_and_nothing_is_written(request, lg, actor):
    user = request.getfixturevalue(actor)
    with pytest.raises(PermissionDenied):
        services.event_create(local_government=lg, actor=user, data=timed())
    assert not Event.objects.filter(local_government=lg).exists()
    assert not AuditEntry.objects.filter(action__startswith="event.").exists()


def test_staff_with_second_factor_may_help(lg, staff):
    event = services.event_create(local_government=lg, actor=staff, data=timed())
    assert event.created_by == staff


@pytest.mark.parametrize("overrides, field, code", [
    (dict(title_ja="", title_en=""), "title_ja", "title_required"),
    (dict(kind="party"), "kind", "kind_invalid"),
    (dict(time_zone="Mars/Olympus"), "time_zone", "time_zone_invalid"),
    (dict(online_url="javascript:alert(1)"), "online_url", "url_scheme"),
    (dict(registration_url="ftp://example.org/x"), "registration_url", "url_scheme"),
    (dict(latitude=91.0, longitude=10.0), "latitude", "latitude_range"),
    (dict(latitude=35.0), "longitude", "point_incomplete"),
    (dict(kind="light_up"), "landmark", "landmark_required"),
    (dict(ends_at=datetime.datetime(2027, 6, 20, 9, 0, tzinfo=TOKYO)), "end_date",
     "end_before_start"),
    (dict(starts_at=datetime.datetime(2017, 6, 20, 9, 0, tzinfo=TOKYO)), "start_date",
     "date_out_of_range"),
    (dict(starts_at=None), "start_date", "start_required"),
    (dict(starts_at=datetime.datetime(2027, 6, 20, 9, 0)), "start_date", "start_required"),
    (dict(title_ja="写真\x00展"), "title_ja", "null_characters"),
    (dict(venue="会場\x07"), "venue", "control_characters"),
    (dict(partners=(PartnerInput(kind="alien", name="x"),)), "partners", "partner_invalid"),
    (dict(partners=(PartnerInput(kind="company", name=""),)), "partners", "partner_invalid"),
])
def test_refusals_have_codes_and_write_nothing(lg, officer, overrides, field, code):
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.event_create(local_government=lg, actor=officer, data=timed(**overrides))
    assert code in codes(caught.value, field)
    assert not Event.objects.filter(local_government=lg).exists()
    assert AuditEntry.objects.count() == audited


def test_all_day_end_before_start(lg, officer):
    with pytest.raises(ValidationError) as caught:
        services.event_create(local_government=lg, actor=officer, data=timed(
            all_day=True, start_date=datetime.date(2027, 6, 20),
            end_date=datetime.date(2027, 6, 19)))
    assert codes(caught.value, "end_date") == ["end_before_start"]


def test_too_long_title_is_refused_by_the_model(lg, officer):
    with pytest.raises(ValidationError) as caught:
        services.event_create(local_government=lg, actor=officer, data=timed(title_ja="長" * 201))
    assert "title_ja" in caught.value.error_dict


# --- Landmarks ------------------------------------------------------------------------------
def test_light_up_with_a_new_landmark_creates_and_then_reuses_it(lg, officer):
    data = timed(kind="light_up", new_landmark=LandmarkInput(
        name_ja="府中市役所", name_en="Fuchu City Hall", latitude=35.669, longitude=139.477))
    first = services.event_create(local_government=lg, actor=officer, data=data)
    second = services.event_create(local_government=lg, actor=officer, data=data)
    assert first.landmark == second.landmark
    assert Landmark.objects.filter(local_government=lg, name_ja="府中市役所").count() == 1
    assert AuditEntry.objects.filter(action="landmark.create").count() == 1


def test_another_citys_landmark_is_refused(lg, officer, other_lg):
    theirs = LandmarkFactory(local_government=other_lg)
    with pytest.raises(ValidationError) as caught:
        services.event_create(local_government=lg, actor=officer,
                              data=timed(kind="light_up", landmark=theirs))
    assert codes(caught.value, "landmark") == ["landmark_invalid"]


def test_a_prefecture_may_name_a_landmark_of_its_municipalities(make_officer, lg):
    tokyo = jp("130001")
    governor_office = make_officer(tokyo, email="tokyo@metro.tokyo.lg.jp")
    landmark = LandmarkFactory(local_government=lg)
    event = services.event_create(local_government=tokyo, actor=governor_office,
                                  data=timed(kind="light_up", landmark=landmark))
    assert event.landmark == landmark


def test_landmark_and_new_landmark_together_refused(lg, officer):
    with pytest.raises(ValidationError) as caught:
        services.event_create(local_government=lg, actor=officer, data=timed(
            kind="light_up", landmark=LandmarkFactory(local_government=lg),
            new_landmark=LandmarkInput(name_ja="別の塔")))
    assert codes(caught.value, "landmark") == ["landmark_both"]


def test_landmark_create_needs_a_name(lg, officer):
    with pytest.raises(ValidationError) as caught:
        services.landmark_create(local_government=lg, actor=officer, name_ja=" ")
    assert codes(caught.value, "new_landmark_name_ja") == ["landmark_name_required"]


# --- Update ---------------------------------------------------------------------------------
def test_update_of_an_approved_event_goes_to_its_revision_the_event_stays_as_approved(
        lg, officer):
    event = EventFactory(local_government=lg)
    sequence, title = event.sequence, event.title_ja
    revision = services.event_update(event=event, actor=officer, data=timed(
        title_ja="新しい題", title_en=event.title_en, description_ja=event.description_ja,
        description_en=event.description_en, venue=event.venue, address=event.address))
    assert revision.revision_of_id == event.pk and revision.status == "draft"
    assert revision.title_ja == "新しい題" and not revision.is_public
    event.refresh_from_db()
    assert (event.status, event.title_ja, event.sequence) == ("approved", title, sequence)
    entry = AuditEntry.objects.get(action="event.update")
    assert entry.object_id == str(event.pk) and entry.changes["title_ja"][1] == "新しい題"


def test_update_without_change_writes_nothing(lg, officer):
    event = services.event_create(local_government=lg, actor=officer, data=timed())
    services.event_update(event=event, actor=officer, data=timed())
    assert actions(event) == ["event.create"]
    event.refresh_from_db()
    assert event.sequence == 0


def test_update_of_a_non_calendar_field_keeps_the_sequence(lg, officer):
    event = services.event_create(local_government=lg, actor=officer, data=timed())
    services.event_update(event=event, actor=officer, data=timed(accessibility="車椅子可"))
    event.refresh_from_db()
    assert event.sequence == 0 and event.accessibility == "車椅子可"
    assert actions(event) == ["event.create", "event.update"]


def test_partners_are_replaced_and_audited(lg, officer):
    event = services.event_create(local_government=lg, actor=officer, data=timed(
        partners=(PartnerInput(kind="company", name="A社"),)))
    services.event_update(event=event, actor=officer, data=timed(
        partners=(PartnerInput(kind="refugees", name="難民の方々"),
                  PartnerInput(kind="company", name="A社"))))
    assert [p.name for p in event.partners.all()] == ["難民の方々", "A社"]
    entry = AuditEntry.objects.get(action="event.update")
    assert entry.changes["partners"][0] == [["company", "A社"]]


def test_cancelled_event_cannot_be_edited(lg, officer):
    event = EventFactory(local_government=lg, status="cancelled")
    with pytest.raises(ValidationError) as caught:
        services.event_update(event=event, actor=officer, data=timed(title_ja="x"))
    assert caught.value.code == "event_not_editable"


def test_campaign_records_cannot_be_edited_by_officers(lg, officer):
    event = EventFactory(local_government=lg, origin="reference", status="approved")
    with pytest.raises(ValidationError):
        services.event_update(event=event, actor=officer, data=timed())


# --- Image ----------------------------------------------------------------------------------
def test_image_is_reencoded_and_needs_alt_and_credit(lg, officer):
    with pytest.raises(ValidationError) as caught:
        services.event_create(local_government=lg, actor=officer, data=timed(), image=png())
    assert codes(caught.value, "image_alt") == ["image_alt_required"]
    assert codes(caught.value, "image_credit") == ["image_credit_required"]
    event = services.event_create(local_government=lg, actor=officer,
                                  data=timed(image_alt="青く照らされた塔", image_credit="© 府中市"),
                                  image=png())
    assert event.image.name.startswith("events/") and event.image_width == 40


def test_fake_image_is_refused(lg, officer):
    fake = SimpleUploadedFile("photo.png", b"<svg onload=alert(1)></svg>")
    with pytest.raises(ValidationError) as caught:
        services.event_create(local_government=lg, actor=officer, image=fake,
                              data=timed(image_alt="a", image_credit="b"))
    assert codes(caught.value, "image") == ["image_format"]


def test_image_removed_on_update(lg, officer):
    event = services.event_create(local_government=lg, actor=officer, image=png(),
                                  data=timed(image_alt="a", image_credit="b"))
    services.event_update(event=event, actor=officer, image=None,
                          data=timed(image_alt="a", image_credit="b"))
    event.refresh_from_db()
    assert not event.image
    assert AuditEntry.objects.get(action="event.update").changes["image"][1] == ""


# --- Submit, cancel -------------------------------------------------------------------------
def test_submit_then_cancel(lg, officer):
    event = services.event_create(local_government=lg, actor=officer, data=timed())
    submitted = services.event_submit(event=event, actor=officer)
    assert submitted.status == "submitted" and submitted.submitted_at is not None
    with pytest.raises(ValidationError) as caught:
        services.event_submit(event=event, actor=officer)
    assert caught.value.code == "event_not_submittable"
    cancelled = services.event_cancel(event=event, actor=officer, note="雨天のため")
    assert cancelled.status == "cancelled"
    entry = AuditEntry.objects.get(action="event.cancel")
    assert (entry.from_state, entry.to_state, entry.note) == ("submitted", "cancelled",
                                                             "雨天のため")
    with pytest.raises(ValidationError):
        services.event_cancel(event=event, actor=officer)


def test_returned_event_can_be_submitted_again(lg, officer):
    event = EventFactory(local_government=lg, status="returned", review_comment="日付を確認")
    assert services.event_submit(event=event, actor=officer).status == "submitted"


def test_cancelling_an_approved_event_keeps_it_public(lg, officer):
    event = EventFactory(local_government=lg)
    sequence = event.sequence
    cancelled = services.event_cancel(event=event, actor=officer)
    assert cancelled.was_approved and cancelled.is_public
    assert cancelled.sequence == sequence + 1


def test_other_officer_cannot_submit_or_cancel(lg, other_officer):
    event = EventFactory(local_government=lg, status="draft")
    for service in (services.event_submit, services.event_cancel):
        with pytest.raises(PermissionDenied):
            service(event=event, actor=other_officer)
    event.refresh_from_db()
    assert event.status == "draft"


# --- After the event ------------------------------------------------------------------------
def past(lg, **kwargs) -> Event:
    return EventFactory(local_government=lg, starts_at=datetime.datetime(
        2024, 6, 20, 10, tzinfo=datetime.UTC), ends_at=datetime.datetime(
        2024, 6, 20, 12, tzinfo=datetime.UTC), start_date=datetime.date(2024, 6, 20),
        **kwargs)


def test_report_only_after_the_start(lg, officer):
    future = EventFactory(local_government=lg)
    with pytest.raises(ValidationError) as caught:
        services.event_report_save(event=future, actor=officer, report="よかった")
    assert caught.value.code == "event_not_started"
    event = past(lg, status="submitted", was_approved=False)
    services.event_report_save(event=event, actor=officer, report=" 120人が来場。\r\n")
    event.refresh_from_db()
    assert event.report == "120人が来場。"
    services.event_report_save(event=event, actor=officer, report="120人が来場。")
    assert actions(event) == ["event.report"]


def test_report_refuses_control_characters(lg, officer):
    with pytest.raises(ValidationError) as caught:
        services.event_report_save(event=past(lg), actor=officer, report="a\x00b")
    assert codes(caught.value, "report") == ["null_characters"]


def test_report_of_a_cancelled_event_refused(lg, officer):
    with pytest.raises(ValidationError) as caught:
        services.event_report_save(event=past(lg, status="cancelled"), actor=officer,
                                   report="x")
    assert caught.value.code == "event_cancelled"


def test_photo_add_and_remove(lg, officer, other_officer):
    event = past(lg)
    with pytest.raises(ValidationError) as caught:
        services.event_photo_add(event=event, actor=officer, image=png(), alt="", credit="")
    assert set(caught.value.error_dict) == {"alt", "credit"}
    with pytest.raises(PermissionDenied):
        services.event_photo_add(event=event, actor=other_officer, image=png(), alt="a",
                                 credit="b")
    photo = services.event_photo_add(event=event, actor=officer, image=png(), alt="会場の様子",
                                     credit="© 府中市")
    assert photo.width == 40 and photo.image.name.startswith("events/photos/")
    with pytest.raises(PermissionDenied):
        services.event_photo_remove(photo=photo, actor=other_officer)
    services.event_photo_remove(photo=photo, actor=officer)
    assert not EventPhoto.objects.exists()
    assert actions(event) == ["event_photo.add", "event_photo.remove"]


def test_photo_before_the_event_refused(lg, officer):
    with pytest.raises(ValidationError) as caught:
        services.event_photo_add(event=EventFactory(local_government=lg), actor=officer,
                                 image=png(), alt="a", credit="b")
    assert caught.value.code == "event_not_started"


# --- Support requests -----------------------------------------------------------------------
def test_support_request_create(lg, officer):
    event = EventFactory(local_government=lg)
    request = services.support_request_create(
        local_government=lg, actor=officer, event=event, language="en",
        items=[SupportItemInput(kind="materials", quantity=50, description="A2 posters"),
               SupportItemInput(kind="speaker")],
        needed_from=datetime.date(2027, 6, 1), needed_by=datetime.date(2027, 6, 20),
        delivery_address="府中市役所", message="よろしくお願いします")
    assert request.status == "new" and request.language == "en"
    assert request.requested_by == officer
    assert [(i.kind, i.quantity) for i in request.items.all()] == [("materials", 50),
                                                                   ("speaker", None)]
    entry = AuditEntry.objects.get(action="support_request.create")
    assert entry.changes["items"][1][0] == ["materials", 50, "A2 posters"]


@pytest.mark.parametrize("kwargs, field, code", [
    (dict(items=[]), "items", "items_required"),
    (dict(items=[SupportItemInput(kind="money")]), "items", "item_invalid"),
    (dict(items=[SupportItemInput(kind="materials", quantity=0)]), "items", "item_invalid"),
    (dict(needed_from=datetime.date(2027, 6, 2), needed_by=datetime.date(2027, 6, 1)),
     "needed_by", "needed_dates_order"),
    (dict(needed_from=datetime.date(1999, 1, 1)), "needed_from", "date_out_of_range"),
    (dict(message="\x00"), "message", "null_characters"),
])
def test_support_request_refusals(lg, officer, kwargs, field, code):
    values = dict(items=[SupportItemInput(kind="film")])
    values.update(kwargs)
    with pytest.raises(ValidationError) as caught:
        services.support_request_create(local_government=lg, actor=officer, **values)
    assert code in codes(caught.value, field)
    assert not SupportRequest.objects.exists()


def test_support_request_for_another_citys_event_refused(lg, officer, other_lg):
    theirs = EventFactory(local_government=other_lg)
    with pytest.raises(ValidationError) as caught:
        services.support_request_create(local_government=lg, actor=officer, event=theirs,
                                        items=[SupportItemInput(kind="film")])
    assert codes(caught.value, "event") == ["event_invalid"]


def test_support_request_refused_for_another_citys_officer(lg, other_officer):
    with pytest.raises(PermissionDenied):
        services.support_request_create(local_government=lg, actor=other_officer,
                                        items=[SupportItemInput(kind="film")])
    assert not SupportRequest.objects.exists()


def test_unknown_language_falls_back_to_japanese(lg, officer):
    request = services.support_request_create(local_government=lg, actor=officer,
                                              items=[SupportItemInput(kind="film")],
                                              language="xx")
    assert request.language == "ja"


def test_photo_metadata_is_dropped_and_large_photos_shrunk(lg, officer):
    """A phone photo's EXIF (GPS position) is not stored; the stored photo fits
    ``services.IMAGE_SIDE``."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (3200, 1000), (200, 30, 30)).save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("IMG_0001.JPG", buffer.getvalue(), content_type="image/jpeg")
    event = EventFactory(local_government=lg, starts_at=datetime.datetime(
        2024, 6, 20, 10, tzinfo=datetime.UTC), ends_at=datetime.datetime(
        2024, 6, 20, 12, tzinfo=datetime.UTC), start_date=datetime.date(2024, 6, 20))
    photo = services.event_photo_add(event=event, actor=officer, image=upload, alt="a",
                                     credit="b")
    assert (photo.width, photo.height) == (services.IMAGE_SIDE, 500)
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()
