"""Staff exports of events and support requests (``events.exports``): Japanese text
(髙, 﨑, ①, emoji) intact in CSV and .xlsx, formula injection inert, numbers and dates as
such, and a constant number of queries whatever the number of rows."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from tests.factories import EventFactory, LandmarkFactory, SupportRequestFactory
from withrefugees.events.exports import (
    events_export_response,
    support_requests_export_response,
)
from withrefugees.events.models import (
    Event,
    EventPartner,
    SupportItem,
    SupportReply,
    SupportRequest,
)

pytestmark = pytest.mark.django_db

TITLE = "髙﨑の夜①😀👨‍👩‍👧"
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


@pytest.fixture
def request_en():
    """An admin request in English (the headers the tests name; Japanese headers come from
    the catalogue)."""
    translation.activate("en")
    return RequestFactory().get("/en/admin/events/event/")


@pytest.fixture
def event(lg):
    landmark = LandmarkFactory(local_government=lg, name_ja="府中の塔", name_en="Fuchu Tower",
                               latitude=35.5, longitude=139.25)
    event = EventFactory(
        local_government=lg, kind="light_up", landmark=landmark, title_ja=TITLE,
        title_en="=HYPERLINK(\"http://evil.example\",\"x\")", venue="+1", address="-1",
        starts_at=datetime.datetime(2027, 6, 20, 19, 0, tzinfo=TOKYO),
        ends_at=datetime.datetime(2027, 6, 20, 22, 0, tzinfo=TOKYO),
        sources="https://example.org/a | https://example.org/b")
    EventPartner.objects.create(event=event, kind="company", name="@SUM(1)", position=0)
    EventPartner.objects.create(event=event, kind="university", name="﨑大学", position=1)
    return event


def read_csv(response) -> list[dict[str, str]]:
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def read_xlsx(response) -> list[dict[str, openpyxl.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_events_csv(event, request_en):
    response = events_export_response(Event.objects.all(), "csv", request=request_en)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="events-{today}.csv"'
    [row] = read_csv(response)
    assert row["ID"] == str(event.pk)
    assert row["local government"] == event.local_government.label == "Fuchu City (Tokyo)"
    assert row["local government code (JIS X 0402)"] == "132063"
    assert row["title (Japanese)"] == TITLE
    assert row["title (English)"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert row["venue"] == "'+1"
    assert row["address"] == "'-1"  # text, not the number -1
    assert row["partners"] == "company: @SUM(1)\nuniversity: 﨑大学"  # begins with "company"
    assert row["starts (in the event's time zone)"] == "2027-06-20 19:00:00"
    assert row["ends (in the event's time zone)"] == "2027-06-20 22:00:00"
    assert row["all day"] == "FALSE"
    assert row["latitude"] == "35.5" and row["longitude"] == "139.25"  # plain numbers
    assert row["landmark (Japanese)"] == "府中の塔"
    assert row["public page"] == f"http://testserver/en/events/{event.pk}/"
    assert row["sources"] == "https://example.org/a | https://example.org/b"


def test_events_xlsx(event, request_en):
    EventFactory(local_government=event.local_government, all_day=True, starts_at=None,
                 ends_at=None, start_date=datetime.date(2027, 6, 19),
                 end_date=datetime.date(2027, 6, 21), status="draft", title_ja="－1")
    response = events_export_response(Event.objects.order_by("pk"), "xlsx", request=request_en)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    first, second = read_xlsx(response)
    assert first["ID"].value == event.pk and first["ID"].data_type == "n"
    assert first["title (Japanese)"].value == TITLE
    injected = first["title (English)"]
    assert injected.data_type == "s" and injected.quotePrefix
    assert injected.value == "=HYPERLINK(\"http://evil.example\",\"x\")"
    assert first["address"].value == "-1" and first["address"].data_type == "s"
    assert first["local government code (JIS X 0402)"].value == "132063"  # text
    assert first["latitude"].value == 35.5 and first["latitude"].data_type == "n"
    assert first["starts (in the event's time zone)"].value == datetime.datetime(2027, 6, 20,
                                                                                 19, 0)
    assert first["all day"].value is False
    assert second["starts (in the event's time zone)"].value == datetime.datetime(2027, 6, 19)
    assert second["ends (in the event's time zone)"].value == datetime.datetime(2027, 6, 21)
    assert second["title (Japanese)"].value == "－1" and second["title (Japanese)"].quotePrefix
    assert second["public page"].value is None  # a draft has no public page
    assert second["latitude"].value is None


def test_events_export_query_count_is_constant(lg, request_en, django_assert_num_queries):
    landmark = LandmarkFactory(local_government=lg)
    for n in range(5):
        event = EventFactory(local_government=lg, kind="light_up", landmark=landmark)
        EventPartner.objects.create(event=event, kind="other", name=f"相手{n}")
    for fmt in ("csv", "xlsx"):
        with django_assert_num_queries(2):
            events_export_response(Event.objects.all(), fmt, request=request_en)


@pytest.fixture
def support_request(lg, event):
    request = SupportRequestFactory(local_government=lg, event=event,
                                    needed_from=datetime.date(2027, 6, 1),
                                    needed_by=datetime.date(2027, 6, 19),
                                    message="=1+1 ポスター①を😀", delivery_address="＝1+1 髙﨑")
    SupportItem.objects.create(request=request, kind="speaker", quantity=None,
                               description="@難民の方", position=1)
    SupportReply.objects.create(request=request, body="承知しました。")
    SupportReply.objects.create(request=request, body="発送しました。")
    return request


def test_support_requests_csv(support_request, request_en):
    response = support_requests_export_response(SupportRequest.objects.all(), "csv",
                                                 request=request_en)
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="support-requests-{today}.csv"')
    [row] = read_csv(response)
    assert row["ID"] == str(support_request.pk)
    assert row["event ID"] == str(support_request.event_id)
    assert row["event"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"  # English title
    assert row["status"] == "new"
    assert row["items asked for"] == (
        "materials (posters, leaflets) × 50: ポスター（A2）\na speaker: @難民の方")
    assert row["needed from"] == "2027-06-01" and row["needed until"] == "2027-06-19"
    assert row["message to UNHCR"] == "'=1+1 ポスター①を😀"
    assert row["delivery address"] == "'＝1+1 髙﨑"
    assert row["replies"] == "2"
    assert row["last reply (Asia/Tokyo)"].startswith(timezone.localdate().isoformat()[:4])


def test_support_requests_xlsx(support_request, lg, request_en):
    SupportRequestFactory(local_government=lg, message="")  # no event, no reply
    response = support_requests_export_response(SupportRequest.objects.order_by("pk"),
                                                "xlsx", request=request_en)
    first, second = read_xlsx(response)
    assert first["replies"].value == 2 and first["replies"].data_type == "n"
    assert first["message to UNHCR"].value == "=1+1 ポスター①を😀"
    assert first["message to UNHCR"].quotePrefix
    assert first["needed from"].value == datetime.datetime(2027, 6, 1)
    assert first["last reply (Asia/Tokyo)"].is_date
    assert second["replies"].value == 0
    assert second["event"].value is None and second["last reply (Asia/Tokyo)"].value is None


def test_support_requests_export_query_count_is_constant(lg, request_en,
                                                         django_assert_num_queries):
    for _n in range(5):
        request = SupportRequestFactory(local_government=lg, event=EventFactory())
        SupportReply.objects.create(request=request, body="ok")
    for fmt in ("csv", "xlsx"):
        with django_assert_num_queries(2):
            support_requests_export_response(SupportRequest.objects.all(), fmt,
                                             request=request_en)


def test_japanese_admin_gets_japanese_links(event):
    with translation.override("ja"):
        response = events_export_response(Event.objects.all(), "csv",
                                          request=RequestFactory().get("/ja/admin/"))
        [row] = read_csv(response)
        assert row[str(Event._meta.get_field("title_ja").verbose_name)] == TITLE
    assert f"http://testserver/ja/events/{event.pk}/" in row.values()
    assert "府中市（東京都）" in row.values()


def test_unknown_format_is_refused(event, request_en):
    with pytest.raises(ValueError):
        events_export_response(Event.objects.all(), "pdf", request=request_en)
