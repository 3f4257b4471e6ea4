"""Faults found by the adversarial review of step 3, each with the test that would have caught
it: garbage query parameters on the admin exports (never a 500), times in a daylight-saving
gap or fold and zero-length timed events, time zone names that are no place, year-only
records in the exports, the JSON-LD ``geo`` of an approximate point, the years a landmark
was lit, the reminders' dry run, and clear single messages (a PNG with a huge text chunk, a
``javascript:`` link, a bulk approval that approved nothing)."""

import csv
import datetime
import io
import logging
import struct
import zlib

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation
from PIL import Image

from tests.events.test_forms import error_codes, event_data, form, png_file
from tests.factories import EventFactory, LandmarkFactory
from withrefugees.core.images import image_check, image_process
from withrefugees.events import reminders, selectors
from withrefugees.events.admin import LandmarkAdmin
from withrefugees.events.exports import events_export_response
from withrefugees.events.models import Event, Landmark
from withrefugees.events.validation import (
    aware_local_time,
    time_zone_names,
    validate_time_zone,
)

pytestmark = pytest.mark.django_db


# --- 1. Admin exports: garbage query parameters -----------------------------------------------
GARBAGE = [
    "nonexistent=1", "start_date__year=abc", "start_date__month=13&start_date__year=2027",
    "start_date__day=32&start_date__month=2&start_date__year=2027",
    "start_date__year=99999999999999999999", "local_government__country__id__exact=abc",
    "local_government__country__id__exact=JP", "id__gt=abc", "id__in=a,b", "pk=1.5",
    "status__in=", "start_date__gte=notadate", "all_day=maybe", "o=abc", "o=99", "p=abc",
    "p=-1", "review=zzz", "kind=%00", "q=%00%ff", "e=1&bogus=1", "starts_at__lt=2027-13-01",
    "date_precision__regex=(", "local_government__name__search=x", "_facets=abc",
]
SUPPORT_GARBAGE = ["bogus=1", "status=zzz", "items__kind__exact=abc", "id__gt=abc",
                   "needed_by__gte=notadate", "language__in=", "o=x.y", "q=%00"]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", GARBAGE)
def test_event_export_with_garbage_parameters_is_never_a_500(staff_client, fmt, query):
    EventFactory()
    response = staff_client.get(f"/ja/admin/events/event/export/{fmt}/?{query}")
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/ja/admin/events/event/?e=1"
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


@pytest.mark.parametrize("query", SUPPORT_GARBAGE)
def test_support_export_with_garbage_parameters_is_never_a_500(staff_client, query):
    response = staff_client.get(f"/ja/admin/events/supportrequest/export/csv/?{query}")
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:
        assert response["Location"] == "/ja/admin/events/supportrequest/?e=1"


def test_the_redirect_explains_and_the_list_still_shows(staff_client):
    response = staff_client.get("/en/admin/events/event/export/csv/?nonexistent=1",
                                follow=True)
    assert response.status_code == 200
    assert "could not be applied, so nothing was exported" in response.content.decode()


def test_a_good_filter_still_exports(staff_client):
    EventFactory(kind="light_up", landmark=LandmarkFactory())
    EventFactory()
    response = staff_client.get("/en/admin/events/event/export/csv/?kind__exact=light_up")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content[3:].decode(), newline="")))
    assert len(rows) == 1


# --- 2. Daylight saving: gaps, folds, zero-length events --------------------------------------
NEW_YORK = "America/New_York"


@pytest.mark.parametrize(("day", "start", "end", "field"), [
    ("2027-03-14", "02:30", "03:30", "start_time"),  # the reviewer's case
    ("2027-03-14", "01:00", "02:15", "end_time"),
    ("2027-03-14", "02:00", "04:00", "start_time"),  # 02:00 itself is skipped
])
def test_a_time_skipped_when_the_clocks_go_forward_is_refused(lg, day, start, end, field):
    f = form(lg, event_data(time_zone=NEW_YORK, start_date=day, start_time=start,
                            end_time=end))
    assert not f.is_valid()
    assert "time_nonexistent" in error_codes(f, field)
    message = f.errors[field][0]
    assert "America/New_York" in message and "02:00" in message and "03:00" in message


def test_the_edges_of_the_gap_are_accepted(lg):
    f = form(lg, event_data(time_zone=NEW_YORK, start_date="2027-03-14", start_time="01:59",
                            end_time="03:00"))
    assert f.is_valid(), f.errors
    data = f.to_input([])  # one minute apart (02:00–02:59 does not exist)
    assert (data.ends_at.astimezone(datetime.UTC) - data.starts_at.astimezone(datetime.UTC)
            == datetime.timedelta(minutes=1))


def test_a_time_that_happens_twice_is_the_first_with_a_warning(lg):
    f = form(lg, event_data(time_zone=NEW_YORK, start_date="2027-11-07", start_time="01:30",
                            end_time="03:00"))
    assert f.is_valid(), f.errors
    data = f.to_input([])
    assert data.starts_at.astimezone(datetime.UTC) == datetime.datetime(
        2027, 11, 7, 5, 30, tzinfo=datetime.UTC)  # 01:30 EDT (UTC−4), the first
    assert f.warning is not None and f.warning.code == "time_ambiguous"
    assert "America/New_York" in f.warning.message and "1回目" in f.warning.message  # (ja: the default language)


def test_a_fold_warning_joins_the_light_up_warning(lg):
    mine = LandmarkFactory(local_government=lg)
    f = form(lg, event_data(kind="light_up", landmark=str(mine.pk), time_zone=NEW_YORK,
                            start_date="2027-11-07", start_time="01:30", end_time="03:00"))
    assert f.is_valid(), f.errors
    assert [w.code for w in f.warnings] == ["light_up_far_from_world_refugee_day",
                                            "time_ambiguous"]
    assert all(w.message in f.warning.message for w in f.warnings)


def test_start_and_end_compare_as_instants_across_a_fold(lg):
    # 01:50 (first, EDT) to 01:10: both the first occurrence, so 01:10 is before 01:50.
    f = form(lg, event_data(time_zone=NEW_YORK, start_date="2027-11-07", start_time="01:50",
                            end_time="01:10"))
    assert "end_before_start" in error_codes(f, "end_time")


def test_a_timed_event_that_ends_when_it_starts_is_refused(lg):
    f = form(lg, event_data(start_time="19:00", end_time="19:00"))
    assert error_codes(f, "end_time") == ["end_equals_start"]
    assert "19:00～19:00" in f.errors["end_time"][0]
    f = form(lg, event_data(start_time="19:00", end_time="19:01"))
    assert f.is_valid(), f.errors
    f = form(lg, event_data(all_day="on", start_time="", end_time=""))
    assert f.is_valid(), f.errors  # a one-day all-day event is not zero-length


def test_aware_local_time_itself():
    moment, warning = aware_local_time(datetime.date(2027, 6, 20), datetime.time(19),
                                       "Asia/Tokyo")
    assert moment.isoformat() == "2027-06-20T19:00:00+09:00" and warning is None
    with pytest.raises(ValidationError) as caught:  # a half-hour change
        aware_local_time(datetime.date(2027, 10, 3), datetime.time(2, 15),
                         "Australia/Lord_Howe")
    assert caught.value.code == "time_nonexistent"
    assert "02:00" in caught.value.messages[0] and "02:30" in caught.value.messages[0]


# --- 3. Time zone names -----------------------------------------------------------------------
REFUSED_ZONES = ["localtime", "Factory", "posixrules", "posix/Asia/Tokyo", "right/Asia/Tokyo",
                 "Etc/GMT+9", "SystemV/EST5", "Japan", "US/Eastern", "GMT0", "EST5EDT",
                 "Asia", "Asia/", "../Asia/Tokyo", ""]


@pytest.mark.parametrize("name", REFUSED_ZONES)
def test_names_that_are_no_place_are_neither_offered_nor_accepted(lg, name):
    assert name not in time_zone_names()
    with pytest.raises(ValidationError) as caught:
        validate_time_zone(name)
    assert caught.value.code == "time_zone_invalid"
    f = form(lg, event_data(time_zone=name))
    assert not f.is_valid() and "time_zone" in f.errors


def test_real_zones_are_offered():
    names = time_zone_names()
    for name in ("Asia/Tokyo", "UTC", "America/New_York", "Europe/Zurich",
                 "America/Argentina/Buenos_Aires", "Pacific/Auckland"):
        assert name in names
    assert all(name == "UTC" or "/" in name for name in names)


# --- 4. Exports of year-only records ----------------------------------------------------------
@pytest.fixture
def year_only(lg):
    landmark = LandmarkFactory(local_government=lg, name_ja="府中の塔", name_en="Fuchu Tower")
    return EventFactory(local_government=lg, kind="light_up", landmark=landmark,
                        origin="reference", date_precision="year", all_day=True,
                        starts_at=None, ends_at=None, start_date=datetime.date(2023, 6, 20))


@pytest.fixture
def request_en():
    translation.activate("en")
    yield RequestFactory().get("/en/admin/events/event/")
    translation.deactivate()


def test_a_year_only_record_is_exported_with_its_year_never_a_day(year_only, request_en):
    response = events_export_response(Event.objects.all(), "csv", request=request_en)
    (row,) = csv.DictReader(io.StringIO(response.content[3:].decode(), newline=""))
    assert row["starts (in the event's time zone)"] == "2023"
    assert row["ends (in the event's time zone)"] == "2023"
    assert row["precision of the date"] == "year"
    assert "06-20" not in response.content.decode()
    response = events_export_response(Event.objects.all(), "xlsx", request=request_en)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["starts (in the event's time zone)"] == 2023
    assert values["ends (in the event's time zone)"] == 2023
    assert header.index("precision of the date") == header.index(
        "ends (in the event's time zone)") + 1


def test_a_dated_event_keeps_its_day(lg, request_en):
    EventFactory(local_government=lg, all_day=True, starts_at=None, ends_at=None,
                 start_date=datetime.date(2027, 6, 20))
    response = events_export_response(Event.objects.all(), "csv", request=request_en)
    (row,) = csv.DictReader(io.StringIO(response.content[3:].decode(), newline=""))
    assert row["starts (in the event's time zone)"] == "2027-06-20"
    assert row["precision of the date"] == "day"


# --- 5. JSON-LD: no geo for an approximate point ----------------------------------------------
def absolute(path: str) -> str:
    return "https://example.org" + path


@pytest.mark.parametrize(("approximate", "geo"), [(True, False), (False, True)])
def test_json_ld_leaves_out_an_approximate_point(lg, approximate, geo):
    landmark = LandmarkFactory(local_government=lg, latitude=35.67, longitude=139.48,
                               point_approximate=approximate)
    event = EventFactory(local_government=lg, kind="light_up", landmark=landmark, venue="")
    with translation.override("en"):
        data = selectors.event_jsonld(selectors.event_page(event.pk), absolute=absolute)
    assert data["location"]["@type"] == "Place"
    assert data["location"]["name"] == landmark.name_en
    assert ("geo" in data["location"]) is geo


def test_json_ld_keeps_the_events_own_point(lg):
    landmark = LandmarkFactory(local_government=lg, point_approximate=True)
    event = EventFactory(local_government=lg, kind="light_up", landmark=landmark,
                         latitude=35.1, longitude=139.2)
    data = selectors.event_jsonld(selectors.event_page(event.pk), absolute=absolute)
    assert data["location"]["geo"]["latitude"] == 35.1


# --- 6. The years a landmark was lit ----------------------------------------------------------
def test_years_lit_count_only_approved_light_ups(lg):
    landmark = LandmarkFactory(local_government=lg)

    def light_up(year: int, **kwargs):
        return EventFactory(local_government=lg, kind="light_up", landmark=landmark,
                            start_date=datetime.date(year, 6, 20),
                            starts_at=datetime.datetime(year, 6, 20, 10, tzinfo=datetime.UTC),
                            ends_at=datetime.datetime(year, 6, 20, 13, tzinfo=datetime.UTC),
                            **kwargs)

    light_up(2024)
    light_up(2025, status="cancelled", was_approved=True)  # public, marked cancelled
    light_up(2026, status="submitted", was_approved=False)
    light_up(2027, status="draft", was_approved=False)
    original = light_up(2023)
    light_up(2022, revision_of=original, status="submitted", was_approved=False)
    model_admin = LandmarkAdmin(Landmark, admin.site)
    landmark = model_admin.get_queryset(RequestFactory().get("/")).get(pk=landmark.pk)
    assert model_admin.years(landmark) == "2023, 2024"


# --- 7. The reminders' dry run ----------------------------------------------------------------
def test_a_dry_run_logs_would_remind_not_sent(signatory, officer, caplog):
    with caplog.at_level(logging.INFO, logger="withrefugees.events.reminders"):
        run = reminders.reminders_send(today=datetime.date(2027, 5, 10), dry_run=True)
    assert run.reminded == [signatory.pk]
    (line,) = [r.getMessage() for r in caplog.records if "World Refugee Day" in r.getMessage()]
    assert "would remind 1 local government(s)" in line and "nothing sent" in line
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="withrefugees.events.reminders"):
        reminders.reminders_send(today=datetime.date(2027, 5, 10))
    (line,) = [r.getMessage() for r in caplog.records if "World Refugee Day" in r.getMessage()]
    assert "1 local government(s) reminded, 1 email(s) queued" in line
    assert "would" not in line


# --- 8. Messages -----------------------------------------------------------------------------
def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def _png_with_huge_comment(after_pixels: bool = False) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 114, 188)).save(buffer, "PNG")
    png = buffer.getvalue()
    # 200 MB of text, compressed to about 200 kB (under the 10 MB upload limit).
    packer, block = zlib.compressobj(9), b"a" * (1 << 20)
    text = b"".join(packer.compress(block) for _i in range(200)) + packer.flush()
    chunk = _png_chunk(b"zTXt", b"Comment\0\0" + text)
    at = len(png) - 12 if after_pixels else 33  # before IEND, or right after IHDR
    return png[:at] + chunk + png[at:]


@pytest.mark.parametrize("after_pixels", [False, True])
def test_a_png_with_a_huge_text_chunk_is_refused_as_such(after_pixels):
    data = _png_with_huge_comment(after_pixels)
    assert len(data) < 1 << 20
    for check in (image_check, image_process):
        try:
            check(SimpleUploadedFile("a.png", data))
        except ValidationError as exc:
            assert exc.code == "image_metadata_too_large", exc.messages
            assert "PNG, JPEG, WebP or GIF" not in exc.messages[0]
        else:
            assert check is image_check and after_pixels  # read only when decoded


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b"\xff\xd8\xff\xe0" + b"\0" * 40,
    b"GIF89a but not really", b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 20,
])
def test_a_damaged_picture_is_called_damaged_not_another_format(data):
    with pytest.raises(ValidationError) as caught:
        image_process(SimpleUploadedFile("a.png", data))
    assert caught.value.code == "image_damaged"


def test_not_a_picture_is_still_refused_as_a_format():
    with pytest.raises(ValidationError) as caught:
        image_check(SimpleUploadedFile("a.png", b"just some text"))
    assert caught.value.code == "image_format"


@pytest.mark.parametrize("value", ["javascript:alert(1)", "JAVASCRIPT:alert(1)",
                                   "mailto:a@example.org", "ftp://example.org/x",
                                   "data:text/html,<script>", "https://exa mple.org/",
                                   "https://", "http://[::1"])
def test_a_wrong_link_has_one_message(lg, value):
    f = form(lg, event_data(online_url=value, registration_url=value))
    assert not f.is_valid()
    for field in ("online_url", "registration_url"):
        assert len(f.errors[field]) == 1, f.errors[field]


def test_a_javascript_link_says_to_use_https(lg):
    f = form(lg, event_data(online_url="javascript:alert(1)"))
    assert error_codes(f, "online_url") == ["url_scheme"]
    f = form(lg, event_data(online_url="https://www.example.jp/live"))
    assert f.is_valid(), f.errors


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def test_png_file_helper_still_passes(lg):
    f = form(lg, event_data(image_alt="a", image_credit="b"), {"image": png_file()})
    assert f.is_valid(), f.errors
