"""The forms of step 3 (``events.forms``): what a person types, refused with a code and a
message they understand, or turned into the services' input; the light-up date warning."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import EventFactory, LandmarkFactory
from withrefugees.events.forms import (
    EventForm,
    PhotoForm,
    SupportRequestForm,
    partner_formset,
    support_item_formset,
)

pytestmark = pytest.mark.django_db


def event_data(**overrides) -> dict:
    data = {"kind": "film_screening", "title_ja": "難民映画上映会", "title_en": "",
            "start_date": "2027-06-20", "start_time": "18:00", "end_date": "",
            "end_time": "20:30", "time_zone": "Asia/Tokyo", "venue": "府中の森芸術劇場"}
    data.update(overrides)
    return data


def form(lg, data, files=None, event=None) -> EventForm:
    return EventForm(data, files, local_government=lg, event=event)


def error_codes(form_, field) -> list[str]:
    return [e.code for e in form_.errors.as_data().get(field, [])]


def png_file() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 114, 188)).save(buffer, "PNG")
    return SimpleUploadedFile("a.png", buffer.getvalue(), content_type="image/png")


def test_a_timed_event_becomes_aware_datetimes_in_its_zone(lg):
    f = form(lg, event_data(time_zone="Europe/Zurich"))
    assert f.is_valid(), f.errors
    data = f.to_input([])
    assert data.starts_at.isoformat() == "2027-06-20T18:00:00+02:00"
    assert data.ends_at.isoformat() == "2027-06-20T20:30:00+02:00"
    assert data.end_date == datetime.date(2027, 6, 20)


def test_the_default_time_zone_is_the_local_governments(lg):
    assert EventForm(local_government=lg).initial["time_zone"] == "Asia/Tokyo"


def test_all_day_needs_no_times(lg):
    f = form(lg, event_data(all_day="on", start_time="", end_time="", end_date="2027-06-21"))
    assert f.is_valid(), f.errors
    data = f.to_input([])
    assert data.all_day and data.starts_at is None
    assert (data.start_date, data.end_date) == (datetime.date(2027, 6, 20),
                                                datetime.date(2027, 6, 21))


@pytest.mark.parametrize("overrides, field, code", [
    ({"start_date": "2027-02-30"}, "start_date", "invalid"),
    ({"start_date": "99999-01-01"}, "start_date", "invalid"),
    ({"start_date": "2017-06-20"}, "start_date", "date_out_of_range"),
    ({"start_date": f"{timezone.localdate().year + 11}-06-20"}, "start_date",
     "date_out_of_range"),
    ({"end_time": "17:00"}, "end_time", "end_before_start"),
    ({"end_date": "2027-06-19"}, "end_date", "end_before_start"),
    ({"start_time": ""}, "start_time", "start_time_required"),
    ({"start_time": "25:99"}, "start_time", "invalid"),
    ({"time_zone": "Mars/Olympus"}, "time_zone", "invalid_choice"),
    ({"title_ja": ""}, "title_ja", "title_required"),
    ({"title_ja": "上映会\x00"}, "title_ja", "null_characters"),
    ({"venue": "会場\x1b[31m"}, "venue", "control_characters"),
    ({"title_en": "x" * 100_000}, "title_en", "max_length"),
    ({"kind": "party"}, "kind", "invalid_choice"),
    ({"kind": "light_up"}, "landmark", "landmark_required"),
    ({"online_url": "javascript:alert(1)"}, "online_url", "url_scheme"),
    ({"registration_url": "ftp://example.org/"}, "registration_url", "url_scheme"),
    ({"latitude": "35.6"}, "longitude", "point_incomplete"),
    ({"latitude": "nan", "longitude": "1"}, "latitude", "invalid"),
    ({"latitude": "1e400", "longitude": "1"}, "latitude", "invalid"),
    ({"latitude": "95", "longitude": "1"}, "latitude", "max_value"),
    ({"landmark": "9" * 30, "kind": "light_up"}, "landmark", "invalid_choice"),
    ({"new_landmark_latitude": "35"}, "new_landmark_name_ja", "landmark_name_required"),
])
def test_refusals(lg, overrides, field, code):
    f = form(lg, event_data(**overrides))
    assert not f.is_valid()
    assert code in error_codes(f, field), f.errors


def test_control_characters_are_not_shown_again(lg):
    f = form(lg, event_data(title_ja="上映\x00会"))
    assert not f.is_valid()
    assert "\x00" not in str(f["title_ja"].value())
    assert f["title_ja"].value() == "上映会"


def test_another_citys_landmark_is_not_a_choice(lg, other_lg):
    theirs = LandmarkFactory(local_government=other_lg)
    f = form(lg, event_data(kind="light_up", landmark=str(theirs.pk)))
    assert "invalid_choice" in error_codes(f, "landmark")


def test_landmark_or_new_landmark(lg):
    mine = LandmarkFactory(local_government=lg)
    f = form(lg, event_data(kind="light_up", landmark=str(mine.pk),
                            new_landmark_name_ja="新しい塔"))
    assert "landmark_both" in error_codes(f, "landmark")
    f = form(lg, event_data(kind="light_up", new_landmark_name_ja="新しい塔",
                            new_landmark_latitude="35.1", new_landmark_longitude="139.2"))
    assert f.is_valid(), f.errors
    assert f.to_input([]).new_landmark.name_ja == "新しい塔"


def test_image_needs_alt_and_credit_and_a_real_image(lg):
    f = form(lg, event_data(), {"image": png_file()})
    assert "image_alt_required" in error_codes(f, "image_alt")
    assert "image_credit_required" in error_codes(f, "image_credit")
    fake = SimpleUploadedFile("a.jpg", b"not a picture at all", content_type="image/jpeg")
    f = form(lg, event_data(image_alt="a", image_credit="b"), {"image": fake})
    assert "image_format" in error_codes(f, "image")
    f = form(lg, event_data(image_alt="a", image_credit="b"), {"image": png_file()})
    assert f.is_valid(), f.errors


def test_existing_image_keeps_needing_alt(lg):
    event = EventFactory(local_government=lg, image="events/x.png", image_alt="a",
                         image_credit="b")
    f = form(lg, event_data(image_alt="", image_credit="b"), event=event)
    assert "image_alt_required" in error_codes(f, "image_alt")
    f = form(lg, event_data(image_alt="", image_credit="", image_remove="on"), event=event)
    assert f.is_valid(), f.errors


@pytest.mark.parametrize("start, end, warned", [
    ("2027-06-20", "", False), ("2027-06-13", "", False), ("2027-06-27", "", False),
    ("2027-06-12", "", True), ("2027-12-24", "", True), ("2027-06-01", "2027-06-30", False),
])
def test_light_up_far_from_world_refugee_day_is_a_warning_not_an_error(lg, start, end,
                                                                       warned):
    landmark = LandmarkFactory(local_government=lg)
    f = form(lg, event_data(kind="light_up", landmark=str(landmark.pk), start_date=start,
                            end_date=end, start_time="19:00", end_time="22:00"))
    assert f.is_valid(), f.errors
    assert (f.warning is not None) == warned
    if warned:
        assert f.warning.code == "light_up_far_from_world_refugee_day"


def test_edit_form_shows_times_in_the_events_zone(lg):
    event = EventFactory(local_government=lg)
    f = EventForm(local_government=lg, event=event)
    assert f.initial["start_time"] == datetime.time(10, 0)
    assert f.initial["end_time"] == datetime.time(17, 0)


def test_partners(lg):
    data = {"partners-TOTAL_FORMS": "3", "partners-INITIAL_FORMS": "0",
            "partners-0-kind": "university", "partners-0-name": "東京外国語大学",
            "partners-1-kind": "", "partners-1-name": "",
            "partners-2-kind": "", "partners-2-name": "名前だけ"}
    formset = partner_formset(None, data)
    assert not formset.is_valid()
    assert formset.forms[2].errors.as_data()["kind"][0].code == "partner_kind_required"
    data["partners-2-kind"] = "refugees"
    formset = partner_formset(None, data)
    assert formset.is_valid()
    assert [p.name for p in formset.partners()] == ["東京外国語大学", "名前だけ"]


def test_partners_management_form_tampered(lg):
    formset = partner_formset(None, {"partners-TOTAL_FORMS": "9999999",
                                     "partners-INITIAL_FORMS": "0"})
    assert not formset.is_valid()
    formset = partner_formset(None, {"partners-TOTAL_FORMS": "x"})
    assert not formset.is_valid()


def test_photo_form(lg):
    f = PhotoForm({"alt": "", "credit": ""}, {"image": png_file()})
    assert not f.is_valid()
    assert set(f.errors) == {"alt", "credit"}


def test_support_form(lg, other_lg):
    theirs = EventFactory(local_government=other_lg)
    f = SupportRequestForm({"event": str(theirs.pk), "needed_from": "2027-06-10",
                            "needed_by": "2027-06-01"}, local_government=lg)
    assert not f.is_valid()
    assert "invalid_choice" in error_codes(f, "event")
    assert "needed_dates_order" in error_codes(f, "needed_by")


def test_support_items(lg):
    empty = {"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0"}
    formset = support_item_formset(empty)
    assert not formset.is_valid()
    assert formset.non_form_errors().as_data()[0].code == "items_required"
    formset = support_item_formset({**empty, "items-0-quantity": "9" * 5000})
    assert not formset.is_valid()
    formset = support_item_formset({**empty, "items-0-description": "A2"})
    assert formset.forms[0].errors.as_data()["kind"][0].code == "item_kind_required"
    formset = support_item_formset({**empty, "items-0-kind": "materials",
                                    "items-0-quantity": "50"})
    assert formset.is_valid()
    assert formset.items()[0].quantity == 50
