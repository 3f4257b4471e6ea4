"""The public pages of step 4 (issue 10, section 4): the pledge browser (search, filters,
live figures, pagination) and a public pledge's page; only public pledges (submitted to the
GCR or published) are shown or counted, never the contact nor UNHCR's comments; no 500 for
any parameter; a number of queries that does not grow with the pledges.

The helpers at the top (``published``, ``sent``, ``report``, ``co_pledge``, ``target``) are
shared with ``test_selectors`` and ``test_profile_dashboard``."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import PledgeFactory, PledgeTargetFactory, ProgressReportFactory, jp
from withrefugees.core.audit import audit_record
from withrefugees.core.models import OutboundEmail
from withrefugees.core.pagecache import CACHED_VIEWS, _cacheable_path
from withrefugees.places.models import LocalGovernment
from withrefugees.pledges.models import CoPledger, MultistakeholderPledge, TargetProgress

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
PARIS = 2988507  # GeoNames id of Paris (reference data)


# --- Helpers (shared with the other test modules of the public pages) ------------------------
def published(**kwargs):
    """A pledge published by the GCR (approved ``at``, default 30 days ago)."""
    when = kwargs.pop("at", None) or timezone.now() - datetime.timedelta(days=30)
    kwargs.setdefault("gcr_reference", "GRF-00001")
    kwargs.setdefault("reviewed_at", when)
    kwargs.setdefault("published_at", when)
    return PledgeFactory(status="published", **kwargs)


def sent(**kwargs):
    """A pledge approved by UNHCR and submitted to the GCR (not published yet)."""
    return PledgeFactory(status="sent_to_gcr",
                         reviewed_at=kwargs.pop("at", None) or timezone.now(), **kwargs)


def report(pledge, status="in_progress", on=datetime.date(2028, 4, 1), values=None,
           narrative="2校で教室を開きました。"):
    """A progress report on ``pledge`` (published) with ``values`` ``{target: value}``;
    the pledge's latest progress kept as the service keeps it."""
    row = ProgressReportFactory(pledge=pledge, status=status, reported_on=on,
                                narrative=narrative)
    for tgt, value in (values or {}).items():
        TargetProgress.objects.create(report=row, target=tgt, value_reached=Decimal(value))
    latest = pledge.progress_reports.order_by("-reported_on", "-pk").first()
    pledge.progress_status, pledge.progress_reported_on = latest.status, latest.reported_on
    pledge.save(update_fields=["progress_status", "progress_reported_on"])
    return row


def co_pledge(pledge, local_government=None, organisation=""):
    return CoPledger.objects.create(pledge=pledge, local_government=local_government,
                                    organisation_name=organisation)


def target(pledge, **kwargs):
    return PledgeTargetFactory(pledge=pledge, **kwargs)


def paris() -> LocalGovernment:
    return LocalGovernment.objects.with_places().get(geonames_id=PARIS)


def get(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def listed(html: str) -> list[str]:
    """The titles of the pledges listed on a page of the browser."""
    part = html.split('<section aria-labelledby="list-title">')[1]
    return [text(t).strip() for t in re.findall(r'<h3 class="pledge-title">(.*?)</h3>', part)]


# --- Who sees what --------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_pledges_that_are_not_public_are_404_and_never_listed_nor_counted(client, status):
    hidden = PledgeFactory(status=status, title_en="Hidden pledge")
    shown = published(title_en="Shown pledge")
    get(client, f"/en/pledges/{hidden.pk}/", 404)
    assert "Shown pledge" in get(client, f"/en/pledges/{shown.pk}/")
    body = get(client, "/en/pledges/")
    assert listed(body) == ["Shown pledge"] and "Hidden pledge" not in body
    assert "1 pledge" in text(body)


@pytest.mark.parametrize("path", ["/en/pledges/0/", "/en/pledges/99999999/",
                                  "/en/pledges/" + "9" * 40 + "/"])
def test_unknown_ids_are_404(client, path):
    get(client, path, 404)


def test_only_get_and_head(client):
    pledge = published()
    assert client.post("/en/pledges/").status_code == 405
    assert client.post(f"/en/pledges/{pledge.pk}/").status_code == 405
    assert client.head("/en/pledges/").status_code == 200


# --- The browser: figures -------------------------------------------------------------------
def test_figures_count_public_pledges_only_from_the_data(client, lg, other_lg):
    a = published(local_government=lg, title_en="A", areas=["education", "solutions"])
    report(a, "fulfilled")
    b = published(local_government=other_lg, title_en="B", areas=["education"])
    report(b, "planning")
    c = sent(local_government=paris(), title_en="C", areas=["jobs_livelihoods"])
    co_pledge(c, jp("011002"))  # 札幌市 joins: a fourth local government
    co_pledge(c, organisation="NGO Example")
    for status in ("draft", "submitted", "returned"):
        PledgeFactory(status=status, local_government=jp("271004"), areas=["energy"])
    with translation.override("en"):
        body = get(client, "/en/pledges/")
    counts = re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", body)
    assert counts == [("Pledges", "3"), ("Countries", "2"), ("Local governments", "4")]

    def table(caption: str) -> list[tuple[str, str]]:
        part = body.split(f"<caption>{caption}</caption>")[1].split("</table>")[0]
        return [(text(th).strip(), td) for th, td in
                re.findall(r'<th scope="row">(.*?)</th><td>([^<]*)</td>', part)]

    assert table("Pledges by progress") == [
        ("In the planning stage", "1"), ("In progress", "0"), ("Fulfilled", "1"),
        ("No progress report yet", "1")]
    assert table("Pledges by area of focus") == [
        ("Education", "2"), ("Jobs and livelihoods", "1"), ("Solutions", "1")]
    assert table("Pledges by country") == [("Japan", "2"), ("France", "1")]
    assert '<a href="/en/pledges/?country=FR">France</a>' in body
    assert '<a href="/en/pledges/?area=education">Education</a>' in body


def test_figures_are_live_and_grouped_with_commas(client, lg):
    assert "No pledge has been approved yet." in get(client, "/en/pledges/")
    PledgeFactory.create_batch(3, status="published", gcr_reference="R", local_government=lg)
    body = get(client, "/en/pledges/")
    assert "<div><dt>Pledges</dt><dd>3</dd></div>" in body
    ja = get(client, "/ja/pledges/")
    assert '<html lang="ja">' in ja and "<dd>3</dd>" in ja


# --- The browser: filters and search -------------------------------------------------------
@pytest.fixture
def mix(lg, other_lg):
    """Four public pledges that differ in every filter, and a draft that matches them all."""
    fuchu = published(local_government=lg, title_en="Fuchu classes", areas=["education"],
                      forum="grf_2023", kind_policy=True, objective_self_reliance=True)
    report(fuchu, "in_progress")
    chofu = published(local_government=other_lg, title_en="Chofu jobs",
                      title_ja="調布の仕事", areas=["jobs_livelihoods"], kind_policy=False,
                      kind_support=True, objective_self_reliance=False,
                      objective_ease_pressures=True, forum="grf_2019",
                      description_en="Work placements with local employers.")
    report(chofu, "fulfilled")
    paris_pledge = sent(local_government=paris(), title_en="Paris places", areas=["solutions"],
                        kind_policy=False, kind_resettlement=True,
                        objective_self_reliance=False, objective_third_country=True,
                        forum="none", expected_impact_en="Families find a new home.",
                        description_en="Places for refugee families.")
    co_pledge(paris_pledge, lg)  # 府中市 joins Paris's pledge
    sapporo = sent(local_government=jp("011002"), title_en="Sapporo return",
                   areas=["protection_capacity"], kind_policy=True,
                   objective_self_reliance=False, objective_return=True, forum="next_grf",
                   description_en="Support for return in safety.")
    PledgeFactory(status="draft", local_government=lg, title_en="Draft everywhere",
                  areas=["education"])
    return {"fuchu": fuchu, "chofu": chofu, "paris": paris_pledge, "sapporo": sapporo}


@pytest.mark.parametrize("query,expected", [
    ("", {"Fuchu classes", "Chofu jobs", "Paris places", "Sapporo return"}),
    ("area=education", {"Fuchu classes"}),
    ("area=jobs_livelihoods", {"Chofu jobs"}),
    ("objective=ease_pressures", {"Chofu jobs"}),
    ("objective=third_country", {"Paris places"}),
    ("objective=return", {"Sapporo return"}),
    ("kind=support", {"Chofu jobs"}),
    ("kind=resettlement", {"Paris places"}),
    ("kind=policy", {"Fuchu classes", "Sapporo return"}),
    ("country=FR", {"Paris places"}),
    ("country=jp", {"Fuchu classes", "Chofu jobs", "Sapporo return"}),
    ("country=DE", set()),
    ("status=in_progress", {"Fuchu classes"}),
    ("status=fulfilled", {"Chofu jobs"}),
    ("status=planning", set()),
    ("status=none", {"Paris places", "Sapporo return"}),
    ("forum=grf_2019", {"Chofu jobs"}),
    ("forum=none", {"Paris places"}),
    ("forum=next_grf", {"Sapporo return"}),
    ("kind=policy&country=JP&status=none", {"Sapporo return"}),
])
def test_each_filter(client, mix, query, expected):
    body = get(client, f"/en/pledges/?{query}")
    assert set(listed(body)) == expected
    assert "Draft everywhere" not in body and "Not understood" not in body


def test_local_government_filter_finds_its_pledges_as_lead_and_as_co_pledger(client, mix, lg,
                                                                             other_lg):
    assert set(listed(get(client, f"/en/pledges/?lg={lg.pk}"))) == {"Fuchu classes",
                                                                     "Paris places"}
    assert listed(get(client, f"/en/pledges/?lg={other_lg.pk}")) == ["Chofu jobs"]
    body = get(client, f"/en/pledges/?lg={lg.pk}")
    assert f'<option value="{lg.pk}" selected>' in body
    # The choices: the leads and co-pledgers of public pledges only.
    options = re.findall(r'<option value="(\d+)"', body.split('id="id_lg"')[1].split(
        "</select>")[0])
    assert set(map(int, options)) == {lg.pk, other_lg.pk, mix["paris"].local_government_id,
                                      mix["sapporo"].local_government_id}


@pytest.mark.parametrize("q,expected", [
    ("classes", {"Fuchu classes"}),
    ("CLASSES", {"Fuchu classes"}),  # case-insensitive
    ("調布の仕事", {"Chofu jobs"}),  # a Japanese title
    ("employers", {"Chofu jobs"}),  # the description
    ("new home", {"Paris places"}),  # the expected impact, two words
    ("調布市", {"Chofu jobs"}),  # the lead's name
    ("Chofu", {"Chofu jobs"}),  # its English name
    ("Paris", {"Paris places"}),
    ("日本語", {"Fuchu classes", "Chofu jobs", "Paris places", "Sapporo return"}),
    ("classes jobs", set()),  # every word must be found
    ("nothing-like-this", set()),
    ("%", set()), ("_", set()),  # no wildcard
])
def test_search(client, mix, q, expected):
    from urllib.parse import quote

    body = get(client, f"/en/pledges/?q={quote(q)}")
    assert set(listed(body)) == expected, q
    assert f'value="{q}"' in body  # kept in the field


def test_a_search_is_cut_to_its_maximum_length_and_said_so(client, mix):
    body = get(client, "/en/pledges/?q=" + "classes " + "x" * 300)
    assert "only its first 100 characters are used" in body
    assert 'maxlength="100"' in body
    assert 'value="classes ' + "x" * 92 + '"' in body


def test_the_form_has_labels_works_without_javascript_and_keeps_the_choices(client, mix):
    body = get(client, "/en/pledges/?area=education&kind=policy")
    assert '<form method="get" action="/en/pledges/"' in body
    for name in ("q", "area", "objective", "kind", "country", "status", "lg", "forum"):
        assert f'<label for="id_{name}">' in body and f'name="{name}" id="id_{name}"' in body
    assert '<option value="education" selected>' in body
    assert '<option value="policy" selected>' in body
    assert "<details class=\"filters-box\" open>" in body
    assert "Area of focus: Education" in text(body)
    assert "<script" not in body.split('<main')[1] if '<main' in body else True


@pytest.mark.parametrize("query,ignored", [
    ("area=zzz", "area of focus"), ("area=%3Cscript%3E", "area of focus"),
    ("objective=world_peace", "GCR objective"), ("kind=money", "kind of pledge"),
    ("country=XX", "country"), ("country=%3Cb%3E", "country"), ("country=JPN", "country"),
    ("status=done", "progress"), ("lg=abc", "local government"),
    ("lg=99999999999999999999999", "local government"), ("lg=-1", "local government"),
    ("lg=999999999", "local government"), ("forum=grf_2099", "forum"),
    ("status=' OR 1=1 --", "progress"),
])
def test_unknown_filter_values_are_named_and_ignored(client, mix, query, ignored):
    with translation.override("en"):
        body = get(client, f"/en/pledges/?{query}&q=Chofu")
    assert f"Not understood and ignored: {ignored}." in body
    assert listed(body) == ["Chofu jobs"]  # the other filter still applies


@pytest.mark.parametrize("query", [
    "page=-1", "page=abc", "page=999999", "page=1e400", "q=nan", "q=%EF%BF%BF",
    "q=" + "あ" * 5000, "q=%01%02%7F", "area=education&area=", "lg=1e400",
    "country=%E3%81%82%E3%81%82", "q=%3Cscript%3Ealert(1)%3C/script%3E",
])
def test_garbage_parameters_never_a_500(client, mix, query):
    response = client.get(f"/en/pledges/?{query}")
    assert response.status_code in (200, 400)  # 400 only for a NUL (core.middleware)
    assert b"<script>alert(1)" not in response.content


def test_the_browser_is_paginated_and_pages_keep_the_filters(client, lg):
    for i in range(25):
        published(local_government=lg, title_en=f"Pledge number {i:02d}",
                  at=timezone.now() - datetime.timedelta(days=i + 1))
    first = get(client, "/en/pledges/?kind=policy")
    assert "25 pledges" in text(first) and "Page 1 of 2" in first
    assert listed(first)[0] == "Pledge number 00" and len(listed(first)) == 20
    assert 'href="?kind=policy&amp;page=2" rel="next"' in first
    second = get(client, "/en/pledges/?kind=policy&page=2")
    assert listed(second) == [f"Pledge number {i}" for i in range(20, 25)]
    assert 'href="?kind=policy&amp;page=1" rel="prev"' in second


def test_browser_queries_do_not_grow_with_pledges(client, lg, other_lg,
                                                  django_assert_max_num_queries):
    one = published(local_government=lg, areas=["education", "solutions"])
    co_pledge(one, other_lg)
    report(one, "planning")
    paths = ("/en/pledges/", f"/en/pledges/?lg={lg.pk}&area=education&country=JP&q=refugee"
             "&status=planning&kind=policy&objective=self_reliance&forum=next_grf")

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, path)
        return len(captured)

    small = [count(p) for p in paths]
    for i in range(15):
        pledge = published(local_government=[lg, other_lg, paris(), jp("011002")][i % 4],
                           areas=["education", "jobs_livelihoods", "solutions"])
        co_pledge(pledge, jp("271004"))
        co_pledge(pledge, organisation=f"NGO {i}")
        report(pledge, "planning")
        sent(local_government=jp("141003"))
    assert [count(p) for p in paths] == small
    # The figures (4), the filters' lookups (area, country, local government), the page
    # (count, rows, areas, co-pledgers).
    with django_assert_max_num_queries(11):
        get(client, paths[1])


#: The browser and a pledge's page are cached for anonymous visitors once
#: ``core.pagecache.CACHED_VIEWS`` names them (a change asked of the lead: not this module's
#: author's file); until then the two tests below are expected to fail.
NOT_YET_CACHED = pytest.mark.xfail(
    not {"pledges:browser", "pledges:pledge"} <= CACHED_VIEWS, strict=True,
    reason="pledges:browser and pledges:pledge are not in core.pagecache.CACHED_VIEWS yet")


@NOT_YET_CACHED
def test_the_browser_and_pledge_pages_are_cached(client):
    for path in ("/en/pledges/", "/ja/pledges/", "/en/pledges/12/"):
        assert _cacheable_path(path), path


def test_the_browser_is_in_the_navigation(client):
    published()
    body = get(client, "/en/pledges/")
    assert '<a href="/en/pledges/" aria-current="page">Pledges</a>' in body


@NOT_YET_CACHED
def test_a_cached_browser_shows_a_new_pledge_once_its_audit_row_is_written(
        client, settings, lg, django_capture_on_commit_callbacks):
    from withrefugees.core import pagecache

    settings.PAGE_CACHE_SECONDS = 600
    pagecache.reset()
    try:
        first = client.get("/en/pledges/")
        assert "No pledge has been approved yet." in first.content.decode()
        again = client.get("/en/pledges/")
        assert again.headers.get(pagecache.HIT_HEADER) == "hit"
        with django_capture_on_commit_callbacks(execute=True):
            pledge = published(local_government=lg, title_en="Newly approved")
            audit_record(target=pledge, action="pledge.approve")
        assert "Newly approved" in client.get("/en/pledges/").content.decode()
        profile = client.get(f"/en/signatories/{lg.pk}/").content.decode()
        assert "Newly approved" in profile
    finally:
        pagecache.reset()


# --- A pledge's page ----------------------------------------------------------------------------
@pytest.fixture
def full(lg, other_lg):
    """A published joint pledge with every part filled in, two progress reports."""
    source = published(local_government=jp("011002"), title_en="The original pledge")
    matched = published(local_government=paris(), title_en="Paris matched pledge")
    pledge = published(
        local_government=lg, title_en="Japanese classes & more", areas=["education"],
        kind_support=True, objective_ease_pressures=True, scope="countries",
        budget_amount=Decimal("1500000.00"), budget_currency="JPY", forum="grf_2023",
        matches=matched, matches_gcr_reference="https://globalcompactrefugees.org/p/123",
        copied_from=source, gcr_reference="GRF-2023-0042",
        gcr_url="https://globalcompactrefugees.org/pledges/42",
        published_at=datetime.datetime(2028, 1, 15, 3, tzinfo=UTC),
        review_comment="Please add a second target (UNHCR only)",
        description_en="Classes twice a week.\nIn every school.")
    pledge.countries.set(["JP", "FR"])
    pledge.multistakeholder_pledges.set(MultistakeholderPledge.objects.filter(
        key__in=["call_to_local_action", "refugee_participation"]))
    co_pledge(pledge, other_lg)
    co_pledge(pledge, organisation="Tama Volunteers")
    students = target(pledge, indicator="Students enrolled", target_value=Decimal("30"),
                      unit="people", position=0)
    target(pledge, indicator="Teachers trained", target_value=Decimal("2.5000"), unit="FTE",
           target_date=None, position=1)
    report(pledge, "planning", on=datetime.date(2028, 2, 1), values={students: "4"},
           narrative="Planning with the schools.")
    report(pledge, "in_progress", on=datetime.date(2028, 4, 1), values={students: "12.5"},
           narrative="Two schools opened classes.")
    follower = published(local_government=other_lg, title_en="A matching pledge",
                         matches=pledge)
    PledgeFactory(status="draft", title_en="A draft that matches", matches=pledge)
    return {"pledge": pledge, "source": source, "matched": matched, "follower": follower}


def test_the_pledge_page_shows_every_public_part(client, full, lg, other_lg):
    pledge = full["pledge"]
    with translation.override("en"):
        body = get(client, f"/en/pledges/{pledge.pk}/")
    words = text(body)
    assert "<h1>Japanese classes &amp; more</h1>" in body
    assert "Published by the GCR on Jan. 15, 2028" in words
    assert f'<a href="/en/signatories/{lg.pk}/">Fuchu City (Tokyo)</a>' in body
    assert f'<a href="/en/signatories/{other_lg.pk}/">' in body and "Tama Volunteers" in body
    for kind in ("Financial, material or technical support",
                 "Policy, practice or a new initiative at the local level"):
        assert f"<li>{kind}</li>" in body
    assert "<li>Ease the pressures on host countries</li>" in body
    assert "<li>Enhance refugee self-reliance</li>" in body
    assert '<a href="/en/pledges/?area=education">Education</a>' in body
    assert "In named countries: France, Japan" in words
    assert "April 1, 2027 – March 31, 2030" in words
    assert "¥1,500,000" in words
    assert "Global Refugee Forum 2023" in words
    assert ('<a href="https://globalcompactrefugees.org/multistakeholder-pledge-call-local-'
            'action-and-solidarity-secondary-cities-local-and-regional"') in body
    assert "Refugee Participation" in words
    assert f'<a href="/en/pledges/{full["matched"].pk}/">Paris matched pledge</a>' in body
    assert 'href="https://globalcompactrefugees.org/p/123"' in body
    assert f'<a href="/en/pledges/{full["follower"].pk}/">A matching pledge</a>' in body
    assert "A draft that matches" not in body
    assert f'<a href="/en/pledges/{full["source"].pk}/">The original pledge</a>' in body
    assert "Reference GRF-2023-0042" in words
    assert 'href="https://globalcompactrefugees.org/pledges/42"' in body
    assert "<p>Classes twice a week.<br>In every school.</p>" in body
    # Targets with the latest value reached (the newest report's).
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", body, re.S)
    assert [text(r).split() for r in rows] == [
        "Students enrolled</th> 30 people March 31, 2030 12.5 people (reported on April 1, "
        "2028)".replace("</th>", "").split(),
        "Teachers trained</th> 2.5 FTE not given not reported yet".replace("</th>",
                                                                          "").split()]
    # The history: every report, newest first, with its values.
    history = text(body.split('id="progress-title"')[1])
    assert history.index("April 1, 2028 : In progress") < history.index(
        "Feb. 1, 2028 : In the planning stage")
    assert "Two schools opened classes." in history and "Planning with the schools." in history
    assert "Students enrolled: 12.5 people" in history
    assert "Students enrolled: 4 people" in history
    assert f'href="/en/workspace/pledges/start-from/{pledge.pk}/"' in body
    assert "Start from this pledge" in body


def test_the_pledge_page_never_shows_the_contact_nor_unhcrs_comments(client, full):
    pledge = full["pledge"]
    for lang in ("en", "ja"):
        body = get(client, f"/{lang}/pledges/{pledge.pk}/")
        for secret in ("府中 花子", "pledge-contact@city.fuchu.example", "pledge-contact",
                       "Please add a second target"):
            assert secret not in body, secret
        listing = get(client, f"/{lang}/pledges/")
        assert "pledge-contact" not in listing and "府中 花子" not in listing


def test_the_budget_in_each_language_exactly(client, lg):
    yen = published(local_government=lg, budget_amount=Decimal("1500000.00"),
                    budget_currency="JPY")
    usd = published(local_government=lg, budget_amount=Decimal("1234567.89"),
                    budget_currency="USD")
    assert "￥1,500,000" in get(client, f"/ja/pledges/{yen.pk}/")
    assert "$1,234,567.89" in get(client, f"/en/pledges/{usd.pk}/")
    none = published(local_government=lg)
    assert "Estimated budget" not in get(client, f"/en/pledges/{none.pk}/")


def test_submitted_to_the_gcr_says_when_the_email_went(client, lg):
    email = OutboundEmail.objects.create(kind="pledges.gcr", recipient="gcr@example.org",
                                         language="en", status="sent",
                                         sent_at=datetime.datetime(2027, 9, 3, 1, tzinfo=UTC))
    pledge = sent(local_government=lg, gcr_email=email)
    with translation.override("en"):
        assert "Submitted to the GCR on Sept. 3, 2027" in get(
            client, f"/en/pledges/{pledge.pk}/")
    assert "2027年9月3日" in get(client, f"/ja/pledges/{pledge.pk}/")
    waiting = sent(local_government=lg)
    assert "Approved by UNHCR; being sent to the GCR" in get(
        client, f"/en/pledges/{waiting.pk}/")
    assert "No progress has been reported yet." in get(client, f"/en/pledges/{waiting.pk}/")


def test_links_to_pledges_that_are_not_public_are_left_out(client, lg):
    draft = PledgeFactory(status="draft", title_en="Secret draft")
    pledge = published(local_government=lg, matches=draft, copied_from=draft)
    body = get(client, f"/en/pledges/{pledge.pk}/")
    assert "Secret draft" not in body and "Started from" not in body
    assert f"/en/pledges/{draft.pk}/" not in body


def test_a_title_in_the_other_language_is_marked(client, lg):
    pledge = published(local_government=lg, title_en="", title_ja="日本語だけの誓約",
                       description_en="", expected_impact_en="")
    body = get(client, f"/en/pledges/{pledge.pk}/")
    assert '<h1 lang="ja">日本語だけの誓約</h1>' in body
    assert '<div lang="ja"><p>市内の小中学校で' in body
    listing = get(client, "/en/pledges/")
    assert f'<a href="/en/pledges/{pledge.pk}/" lang="ja">日本語だけの誓約</a>' in listing


def test_everything_typed_is_escaped(client, lg):
    nasty = "Tom & Jerry <script>alert('x')</script> \"quoted\""
    pledge = published(local_government=lg, title_en=nasty, description_en=nasty,
                       expected_impact_en=nasty[:200])
    co_pledge(pledge, organisation=nasty)
    target(pledge, indicator=nasty, unit="<b>")
    report(pledge, narrative=nasty)
    for path in (f"/en/pledges/{pledge.pk}/", "/en/pledges/", f"/en/pledges/?q={nasty[:20]}"):
        body = get(client, path)
        assert "<script>alert" not in body and "<b>" not in body
        assert "Tom &amp; Jerry &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; " \
               "&quot;quoted&quot;" in body


def test_pledge_page_queries_are_fixed(client, full, django_assert_max_num_queries):
    pledge = full["pledge"]

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, f"/en/pledges/{pledge.pk}/")
        return len(captured)

    before = count()
    extra = target(pledge, indicator="More")
    report(pledge, "fulfilled", on=datetime.date(2028, 6, 1), values={extra: "1"})
    for i in range(5):
        published(matches=pledge, title_en=f"Match {i}")
        co_pledge(pledge, organisation=f"Partner {i}")
    assert count() == before
    with django_assert_max_num_queries(9):
        get(client, f"/en/pledges/{pledge.pk}/")


def test_a_place_typed_in_by_a_signer_is_not_named_before_it_has_public_pledges(client):
    place = LocalGovernment.objects.create(country_id="GB", name="Unreviewed Town",
                                           kind="other", source="submitted")
    with translation.override("en"):
        body = get(client, f"/en/pledges/?lg={place.pk}")
    assert "Unreviewed Town" not in body
    assert "Not understood and ignored: local government." in body
    published(local_government=place, title_en="Its pledge")
    body = get(client, f"/en/pledges/?lg={place.pk}")
    assert "Unreviewed Town" in body and listed(body) == ["Its pledge"]
