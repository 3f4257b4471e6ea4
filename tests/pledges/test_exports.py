"""Staff exports of pledges and progress reports (``pledges.exports``): Japanese text (髙, 﨑,
①, emoji) intact in CSV and .xlsx, formula injection inert, numbers (budget, values) and
dates as such, the contact included (staff only), and a constant number of queries
whatever the number of rows."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone, translation

from tests.factories import PledgeFactory, PledgeTargetFactory, ProgressReportFactory
from withrefugees.places.models import Country
from withrefugees.pledges.exports import (
    pledges_export_response,
    progress_reports_export_response,
)
from withrefugees.pledges.models import (
    CoPledger,
    MultistakeholderPledge,
    Pledge,
    ProgressReport,
    TargetProgress,
)

pytestmark = pytest.mark.django_db

TITLE = "髙﨑の日本語教室①😀👨‍👩‍👧"
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def read_csv(response) -> list[dict[str, str]]:
    data = response.content
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    return list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))


def read_xlsx(response) -> list[dict[str, openpyxl.cell.Cell]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


@pytest.fixture
def pledge(lg, other_lg):
    pledge = PledgeFactory(
        local_government=lg, status="published", gcr_reference="=1+1",
        gcr_url="https://globalcompactrefugees.org/pledge/1",
        title_ja=TITLE, title_en="=HYPERLINK(\"http://evil.example\",\"x\")",
        description_ja="+1", description_en="-1", expected_impact_ja="@SUM(A1:A9)",
        expected_impact_en="\tindented", kind_support=True, objective_ease_pressures=True,
        scope="countries", budget_amount=Decimal("1234567.89"), budget_currency="USD",
        contact_name="＝1+1 髙﨑", contact_email="pledge-contact@city.fuchu.example",
        forum="grf_2023", areas=["education", "jobs_livelihoods"],
        submitted_at=datetime.datetime(2027, 5, 1, 9, 30, tzinfo=TOKYO),
        reviewed_at=datetime.datetime(2027, 5, 2, 10, 0, tzinfo=TOKYO),
        published_at=datetime.datetime(2027, 6, 1, 12, 0, tzinfo=TOKYO),
        progress_status="in_progress", progress_reported_on=datetime.date(2028, 4, 1))
    pledge.countries.set(Country.objects.filter(code__in=["SY", "AF"]))
    pledge.multistakeholder_pledges.set(
        MultistakeholderPledge.objects.filter(key="call_to_local_action"))
    CoPledger.objects.create(pledge=pledge, local_government=other_lg, position=0)
    CoPledger.objects.create(pledge=pledge, organisation_name="@NPO 﨑", position=1)
    PledgeTargetFactory(pledge=pledge, indicator="日本語教室に通う子ども",
                        target_value=Decimal("30"), unit="人", position=0)
    PledgeTargetFactory(pledge=pledge, indicator="=教室数", target_value=Decimal("2.5"),
                        unit="", target_date=None, position=1)
    return pledge


def test_pledges_csv(pledge, lg):
    with translation.override("en"):
        response = pledges_export_response(Pledge.objects.all(), "csv", language="en")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="pledges-{today}.csv"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    [row] = read_csv(response)
    assert row["ID"] == str(pledge.pk)
    assert row["lead local government"] == "Fuchu City (Tokyo)"
    assert row["local government code (JIS X 0402)"] == "132063"
    assert row["co-pledging entities"] == "Chofu City (Tokyo) [132080]\n@NPO 﨑"
    assert row["status"] == "published by the GCR"
    assert row["title (Japanese)"] == TITLE
    assert row["title (English)"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert row["description (Japanese)"] == "'+1"
    assert row["description (English)"] == "'-1"  # text, not the number -1
    assert row["expected impact (Japanese)"] == "'@SUM(A1:A9)"
    assert row["expected impact (English)"] == "'\tindented"
    assert row["type of pledge"] == (
        "financial, material or technical support\n"
        "policy, practice or a new initiative at the local level")
    assert row["GCR objectives"] == (
        "ease the pressures on host countries\nenhance refugee self-reliance")
    assert row["areas of focus"] == "Education\nJobs and livelihoods"
    assert row["where it applies"] == "in named countries"
    assert "(SY)" in row["countries"] and "(AF)" in row["countries"]
    assert row["start"] == "2027-04-01" and row["end"] == "2030-03-31"
    assert row["measurable targets"] == ("日本語教室に通う子ども: 30 人 (by 2030-03-31)\n"
                                         "=教室数: 2.5")  # the cell begins with a kanji
    assert row["estimated budget"] == "1234567.89"  # a plain number
    assert row["currency"] == "USD"
    assert row["forum"] == "Global Refugee Forum 2023"
    assert row["multistakeholder pledges joined"].startswith("Call to Local Action")
    assert row["GCR reference"] == "'=1+1"
    assert row["contact person"] == "'＝1+1 髙﨑"
    assert row["contact email"] == "pledge-contact@city.fuchu.example"
    assert row["submitted at (Asia/Tokyo)"] == "2027-05-01 09:30:00"
    assert row["published at (Asia/Tokyo)"] == "2027-06-01 12:00:00"
    assert row["sent to the GCR at (Asia/Tokyo)"] == ""
    assert row["progress"] == "in progress"
    assert row["last progress report"] == "2028-04-01"
    assert row["public page"] == f"http://testserver/en/pledges/{pledge.pk}/"


def test_pledges_xlsx(pledge, lg):
    draft = PledgeFactory(local_government=lg, title_ja="－1", title_en="", areas=[],
                          starts_on=None, ends_on=None)
    with translation.override("en"):
        response = pledges_export_response(Pledge.objects.order_by("pk"), "xlsx",
                                           language="en")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    first, second = read_xlsx(response)
    assert first["ID"].value == pledge.pk and first["ID"].data_type == "n"
    assert first["title (Japanese)"].value == TITLE
    injected = first["title (English)"]
    assert injected.data_type == "s" and injected.quotePrefix
    assert injected.value == "=HYPERLINK(\"http://evil.example\",\"x\")"
    assert first["description (English)"].value == "-1"
    assert first["description (English)"].data_type == "s"
    assert first["description (English)"].quotePrefix
    assert first["contact person"].quotePrefix
    assert first["local government code (JIS X 0402)"].value == "132063"  # text
    budget = first["estimated budget"]
    assert budget.data_type == "n" and budget.value == pytest.approx(1234567.89)
    assert first["currency"].value == "USD"
    assert first["start"].value == datetime.datetime(2027, 4, 1) and first["start"].is_date
    assert first["submitted at (Asia/Tokyo)"].value == datetime.datetime(2027, 5, 1, 9, 30)
    assert first["last progress report"].is_date
    assert second["ID"].value == draft.pk
    assert second["title (Japanese)"].value == "－1"
    assert second["title (Japanese)"].quotePrefix
    assert second["public page"].value is None  # a draft has no public page
    assert second["estimated budget"].value is None and second["start"].value is None
    assert second["status"].value == "draft"


def test_pledges_export_in_japanese(pledge):
    response = pledges_export_response(Pledge.objects.all(), "csv", language="ja")
    [row] = read_csv(response)
    assert f"http://testserver/ja/pledges/{pledge.pk}/" in row.values()
    assert "府中市（東京都）" in row.values()
    assert "教育\n雇用と生計" in row.values()
    assert TITLE in row.values()


def test_pledges_export_query_count_is_constant(lg, other_lg, django_assert_num_queries):
    def add(n):
        for i in range(n):
            p = PledgeFactory(local_government=lg, areas=["education", "solutions"])
            p.countries.set(Country.objects.filter(code__in=["SY"]))
            CoPledger.objects.create(pledge=p, local_government=other_lg)
            CoPledger.objects.create(pledge=p, organisation_name=f"団体{i}", position=1)
            PledgeTargetFactory(pledge=p)
            PledgeFactory(local_government=lg, matches=p)

    add(2)
    for fmt in ("csv", "xlsx"):
        with django_assert_num_queries(6):
            pledges_export_response(Pledge.objects.all(), fmt, language="en")
    add(4)
    for fmt in ("csv", "xlsx"):
        with django_assert_num_queries(6):
            pledges_export_response(Pledge.objects.all(), fmt, language="ja")


@pytest.fixture
def report(pledge):
    first, second = pledge.targets.order_by("position")
    report = ProgressReportFactory(pledge=pledge, status="in_progress",
                                   narrative="=1+1 2校で開講①😀",
                                   reported_on=datetime.date(2028, 4, 1))
    TargetProgress.objects.create(report=report, target=second, value_reached=Decimal("1"))
    TargetProgress.objects.create(report=report, target=first,
                                  value_reached=Decimal("12.5000"))
    return report


def test_progress_reports_csv(report, pledge):
    response = progress_reports_export_response(ProgressReport.objects.all(), "csv",
                                                language="en")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="pledge-progress-{today}.csv"')
    [row] = read_csv(response)
    assert row["pledge ID"] == str(pledge.pk)
    assert row["pledge"] == "'=HYPERLINK(\"http://evil.example\",\"x\")"  # English title
    assert row["lead local government"] == "Fuchu City (Tokyo)"
    assert row["date of the report"] == "2028-04-01"
    assert row["stage of progress"] == "in progress"
    assert row["narrative"] == "'=1+1 2校で開講①😀"
    # In the targets' order, each as "indicator: value unit".
    assert row["values reached"] == "日本語教室に通う子ども: 12.5 人\n=教室数: 1"


def test_progress_reports_xlsx(report, pledge):
    ProgressReportFactory(pledge=pledge, status="fulfilled", narrative="",
                          reported_on=datetime.date(2029, 4, 1))
    response = progress_reports_export_response(
        ProgressReport.objects.order_by("reported_on"), "xlsx", language="ja")
    first, second = read_xlsx(response)
    headers = list(first)
    assert first[headers[0]].value == pledge.pk and first[headers[0]].data_type == "n"
    assert first[headers[1]].value == TITLE  # the Japanese title in a Japanese export
    narrative = [c for c in first.values() if c.value == "=1+1 2校で開講①😀"]
    assert narrative and narrative[0].quotePrefix and narrative[0].data_type == "s"
    dates = [c for c in first.values() if c.is_date]
    assert datetime.datetime(2028, 4, 1) in [c.value for c in dates]
    assert "府中市（東京都）" in [c.value for c in second.values()]


def test_progress_export_query_count_is_constant(pledge, django_assert_num_queries):
    target = pledge.targets.first()
    for n in range(5):
        r = ProgressReportFactory(pledge=pledge, reported_on=datetime.date(2028, 1, 1 + n))
        TargetProgress.objects.create(report=r, target=target, value_reached=n)
    for fmt in ("csv", "xlsx"):
        with django_assert_num_queries(2):
            progress_reports_export_response(ProgressReport.objects.all(), fmt,
                                             language="en")


def test_unknown_format_is_refused(pledge):
    with pytest.raises(ValueError):
        pledges_export_response(Pledge.objects.all(), "pdf", language="en")
    with pytest.raises(ValueError):
        progress_reports_export_response(ProgressReport.objects.all(), "ods")
