"""The public reads of step 4 (``pledges.selectors``): the browser's parameters, the live
figures, amounts and numbers in the reader's language, the counts of the dashboard and the
stale pledges (as ``pledges.reminders`` defines them)."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.factories import PledgeFactory, jp
from tests.pledges.test_public_pages import co_pledge, paris, published, report, sent
from withrefugees.places.models import LocalGovernment
from withrefugees.pledges import reminders, selectors
from withrefugees.pledges.models import PledgeReminderSettings

pytestmark = pytest.mark.django_db
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


# --- The browser's parameters ----------------------------------------------------------------
def test_a_query_without_parameters_filters_nothing():
    query = selectors.browser_query({})
    assert query == selectors.BrowserQuery() and query.filter_params() == {}


def test_known_values_are_read_and_kept_for_links(lg):
    with translation.override("en"):
        query = selectors.browser_query({
            "q": "  日本語   教室 ", "area": "education", "objective": "return",
            "kind": "support", "country": "jp", "status": "none", "lg": str(lg.pk),
            "forum": "grf_2023"})
    assert query.q == "日本語 教室" and query.words == ["日本語", "教室"]
    assert query.filter_params() == {
        "q": "日本語 教室", "area": "education", "objective": "return", "kind": "support",
        "country": "JP", "status": "none", "lg": str(lg.pk), "forum": "grf_2023"}
    assert query.ignored == ()


def test_unknown_values_are_named_in_the_forms_order():
    with translation.override("en"):
        query = selectors.browser_query({
            "forum": "x", "lg": "1" * 30, "status": "done", "country": "ZZ", "kind": "x",
            "objective": "x", "area": "no-such-area", "q": "ok"})
    assert query.ignored == ("area of focus", "GCR objective", "kind of pledge", "country",
                             "progress", "local government", "forum")
    assert query.filter_params() == {"q": "ok"}


def test_the_search_loses_control_characters_and_is_cut():
    query = selectors.browser_query({"q": "a\x01b\u3000c" + "d" * 200})
    assert query.q.startswith("a b c") and len(query.q) == selectors.MAX_SEARCH_LENGTH
    assert query.q_cut
    many = selectors.browser_query({"q": " ".join(f"w{i}" for i in range(20))})
    assert len(many.words) == selectors.MAX_SEARCH_WORDS


def test_the_active_filters_are_named():
    with translation.override("en"):
        query = selectors.browser_query({"area": "education", "status": "none",
                                         "forum": "grf_2019", "q": "x"})
        _figures, choices = selectors.browser_figures_and_choices(query)
        assert selectors.browser_active_filters(query, choices) == [
            ("Search", "x"), ("Area of focus", "Education"),
            ("Progress", "no progress report yet"), ("Forum", "Global Refugee Forum 2019")]


# --- The figures ---------------------------------------------------------------------------------
def test_figures_of_a_mix_of_statuses(lg, other_lg, django_assert_num_queries):
    a = published(local_government=lg, areas=["education", "solutions"])
    report(a, "fulfilled")
    b = sent(local_government=paris(), areas=["education"])
    co_pledge(b, other_lg)
    co_pledge(b, lg)  # also a lead: counted once
    for status in ("draft", "submitted", "returned"):
        hidden = PledgeFactory(status=status, local_government=jp("271004"),
                               areas=["protection_capacity"])
        co_pledge(hidden, jp("011002"))
    with translation.override("en"), django_assert_num_queries(4):
        figures, choices = selectors.browser_figures_and_choices()
    assert (figures.total, figures.countries, figures.local_governments) == (2, 2, 3)
    assert [(t.value, t.count) for t in figures.by_status] == [
        ("planning", 0), ("in_progress", 0), ("fulfilled", 1), ("none", 1)]
    assert [(t.value, t.count) for t in figures.by_area] == [("education", 2),
                                                              ("solutions", 1)]
    assert [(t.value, t.label, t.count) for t in figures.by_country] == [
        ("FR", "France", 1), ("JP", "Japan", 1)]
    assert [c.value for c in choices["countries"]] == ["FR", "JP"]
    assert {int(c.value) for c in choices["local_governments"]} == {
        lg.pk, other_lg.pk, b.local_government_id}
    assert "protection_capacity" in [c.value for c in choices["areas"]]  # active: offered


def test_the_local_governments_are_listed_japan_first_by_prefecture(lg):
    published(local_government=paris())
    published(local_government=lg)  # 東京都
    published(local_government=jp("011002"))  # 北海道
    with translation.override("ja"):
        _figures, choices = selectors.browser_figures_and_choices()
    labels = [c.label for c in choices["local_governments"]]
    assert labels[0].startswith("札幌市") and labels[1].startswith("府中市")
    assert "パリ" in labels[2] or "Paris" in labels[2]


# --- Numbers and amounts ---------------------------------------------------------------------
@pytest.mark.parametrize("lang,amount,currency,expected", [
    ("ja", "1500000.00", "JPY", "￥1,500,000"),
    ("en", "1500000.00", "JPY", "¥1,500,000"),
    ("en", "1234567.89", "USD", "$1,234,567.89"),
    ("en", "0.10", "EUR", "€0.10"),
    ("en", "1234567.5", "JPY", "¥1,234,567.5"),  # never rounded
    ("en", "12.00", "XYZ", "XYZ12.00"),
])
def test_amounts_in_the_readers_language_exactly(lang, amount, currency, expected):
    with translation.override(lang):
        assert selectors.format_amount(Decimal(amount), currency) == expected


@pytest.mark.parametrize("value,expected", [
    ("30.0000", "30"), ("2.5000", "2.5"), ("1234567.1234", "1,234,567.1234"), ("0", "0"),
    ("1000", "1,000"),
])
def test_numbers_without_trailing_zeros(value, expected):
    with translation.override("en"):
        assert selectors.format_number(Decimal(value)) == expected


# --- The profile ---------------------------------------------------------------------------------
def test_has_public_pledges_as_lead_or_co_pledger(lg, other_lg):
    sapporo = jp("011002")
    pledge = sent(local_government=lg)
    co_pledge(pledge, other_lg)
    co_pledge(PledgeFactory(status="draft", local_government=sapporo), jp("271004"))
    found = dict(LocalGovernment.objects.filter(
        pk__in=[lg.pk, other_lg.pk, sapporo.pk, jp("271004").pk])
        .annotate(has=selectors.has_public_pledges()).values_list("pk", "has"))
    assert found == {lg.pk: True, other_lg.pk: True, sapporo.pk: False,
                     jp("271004").pk: False}


def test_the_profile_section_of_a_lead_and_a_co_pledger(lg, other_lg,
                                                       django_assert_num_queries):
    mine = published(local_government=lg, title_en="Mine")
    report(mine, "planning", on=datetime.date(2028, 5, 1))
    joint = sent(local_government=other_lg, title_en="Joint")
    co_pledge(joint, lg)
    PledgeFactory(status="submitted", local_government=lg, title_en="Not yet")
    with django_assert_num_queries(1), translation.override("en"):
        section = selectors.local_government_pledges(lg)
    assert [i.title.text for i in section.leads] == ["Mine"]
    assert [i.title.text for i in section.co_pledges] == ["Joint"]
    assert section.leads[0].reported_on == datetime.date(2028, 5, 1)
    assert section.done and section.status == "done"
    assert section.browser_url == f"/en/pledges/?lg={lg.pk}"
    with translation.override("en"):
        other = selectors.local_government_pledges(other_lg)
    assert [i.title.text for i in other.leads] == ["Joint"] and other.co_pledges == []
    lg.has_public_pledges = False
    with django_assert_num_queries(0):
        assert selectors.local_government_pledges(lg).status == "not_started"


# --- The dashboard -----------------------------------------------------------------------------
def test_counts_by_status_and_progress(lg, other_lg, django_assert_num_queries):
    made = [PledgeFactory(status=status, local_government=lg)
            for status in ("draft", "draft", "submitted", "returned", "returned")]
    sent(local_government=lg)
    fresh = published(local_government=lg, at=timezone.now())
    report(fresh, "fulfilled", on=timezone.localdate())
    joint = published(local_government=other_lg)
    co_pledge(joint, lg)
    co_pledge(PledgeFactory(status="draft", local_government=other_lg), lg)  # not public
    PledgeFactory(status="published", gcr_reference="X", local_government=other_lg)
    with django_assert_num_queries(3):
        counts = selectors.pledge_counts(lg, today=timezone.localdate(), zone=TOKYO)
    assert (counts.draft, counts.submitted, counts.returned, counts.sent_to_gcr,
            counts.published) == (2, 1, 2, 1, 1)
    assert (counts.fulfilled, counts.in_progress, counts.planning, counts.no_report) == (
        1, 0, 0, 1)
    assert counts.co_pledged == 1 and counts.public == 2 and counts.total == 7
    assert counts.first_returned == made[3].pk
    assert counts.stale == 0 and counts.first_stale is None
    sapporo = jp("011002")
    with django_assert_num_queries(1):  # no published pledge: no reminder period read
        assert selectors.pledge_counts(sapporo).total == 0


def test_stale_as_the_reminders_define_it(lg):
    today = datetime.date(2029, 2, 28)
    at = datetime.datetime(2028, 8, 31, 10, tzinfo=TOKYO)
    never = published(local_government=lg, at=at)  # six months ago: stale
    recent = published(local_government=lg, at=datetime.datetime(2028, 9, 1, 1,
                                                                  tzinfo=TOKYO))
    reported = published(local_government=lg, at=at)
    report(reported, "in_progress", on=datetime.date(2028, 10, 1))  # recent report
    old_report = published(local_government=lg, at=at)
    report(old_report, "in_progress", on=datetime.date(2028, 8, 15))
    counts = selectors.pledge_counts(lg, today=today, zone=TOKYO)
    assert counts.stale == 2 and counts.stale_months == 6
    assert counts.first_stale == min(never.pk, old_report.pk)
    expected = set(reminders.stale_pledge_anchors(today, 6))
    assert expected == {never.pk, old_report.pk} and recent.pk not in expected
    PledgeReminderSettings.objects.create(pk=1, stale_after_months=3)
    counts = selectors.pledge_counts(lg, today=today, zone=TOKYO)
    assert counts.stale_months == 3 and counts.stale == 4
    assert counts.stale == len(reminders.stale_pledge_anchors(today, 3))


def test_activity_ids_are_the_leads_only(lg, other_lg):
    mine = published(local_government=lg)
    report(mine)
    theirs = published(local_government=other_lg)
    co_pledge(theirs, lg)
    assert list(selectors.pledge_ids(lg.pk)) == [mine]
    assert [r.pledge_id for r in selectors.progress_report_ids(lg.pk)] == [mine.pk]
