"""Public reads of step 4: the public pledges (the browser with its live counts, a pledge's
page), the local government's pledges for its profile, and the counts by status and progress
for its dashboard (with the stale ones); the ids the workspace's activity list reads.

A *public* pledge is one UNHCR approved: ``sent_to_gcr`` or ``published``
(``models.PUBLIC_STATUSES``). Drafts, pledges awaiting review or sent back are never
public, never listed and never counted here. What is never read for a public page: the
contact (``contact_name``/``contact_email``) and UNHCR's ``review_comment``.

Every function here runs a fixed number of queries however many rows it reads (each says
how many). The figures of the browser ("N pledges from M countries") are counted from the
data on every request (the page is cached for anonymous visitors and invalidated by the
audit trail, ``core.pagecache``), never typed in.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from urllib.parse import urlencode

from babel.numbers import format_currency, format_decimal
from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from withrefugees.core.models import Localised as Text
from withrefugees.places.models import Country, LocalGovernment

from . import reminders
from .models import (
    DEFAULT_STALE_AFTER_MONTHS,
    PUBLIC_STATUSES,
    AreaOfFocus,
    CoPledger,
    Forum,
    GcrObjective,
    Pledge,
    PledgeKind,
    PledgeStatus,
    PledgeTarget,
    ProgressReport,
    ProgressStatus,
    TargetProgress,
    kind_field,
    objective_field,
)

PUBLIC = Q(status__in=PUBLIC_STATUSES)
#: The order of lists of public pledges: the latest approved first (never-reviewed rows, which
#: a public pledge should not be, last on every database).
LATEST_FIRST = (F("reviewed_at").desc(nulls_last=True), "-pk")


def public_pledges() -> QuerySet[Pledge]:
    """Every public pledge with its lead local government (and its country and region) and
    the email that took it to the GCR (its rows say when: ``sent_to_gcr_at``)."""
    return Pledge.objects.filter(PUBLIC).select_related("local_government__country",
                                                        "local_government__region",
                                                        "gcr_email")


def _co_pledged_by(local_government: LocalGovernment | int) -> Q:
    """Pledges ``local_government`` co-pledges (a subquery: no join, no duplicate rows)."""
    return Q(pk__in=CoPledger.objects.filter(local_government=local_government)
             .values("pledge_id"))


def _of_local_government(local_government: LocalGovernment | int) -> Q:
    """Pledges ``local_government`` leads or co-pledges."""
    return Q(local_government=local_government) | _co_pledged_by(local_government)


def has_public_pledges() -> Exists:
    """An ``Exists`` to annotate a ``LocalGovernment`` queryset with: True when it leads or
    co-pledges a public pledge (``profiles.selectors.profile_page`` reads no pledge
    otherwise)."""
    return Exists(Pledge.objects.filter(PUBLIC).filter(
        Q(local_government=OuterRef("pk"))
        | Q(pk__in=CoPledger.objects.filter(local_government=OuterRef(OuterRef("pk")))
            .values("pledge_id"))))


# --- Text in the reader's language, numbers and amounts in its conventions ----------------


def _text(record, base: str) -> Text:
    return Text(*record.localised_with_language(base))


def _locale() -> str:
    return "ja" if (get_language() or "ja").startswith("ja") else "en"


def format_number(value: Decimal) -> str:
    """A decimal as the reader's language writes it, exactly (``Decimal("30.0000")`` →
    ``30``, ``Decimal("1234.5")`` → ``1,234.5``): trailing zeros dropped, nothing rounded."""
    value = value.normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return format_decimal(value, locale=_locale(), decimal_quantization=False)


def format_amount(amount: Decimal, currency: str) -> str:
    """``amount`` in ``currency`` (ISO 4217) as the reader's language writes it (Babel,
    CLDR): ``￥1,000,000``, ``$1,234.50``; never rounded (``decimal_quantization=False``)."""
    try:
        return format_currency(amount, currency, locale=_locale(), decimal_quantization=False)
    except (ValueError, LookupError):  # an unknown code: the amount and the code as typed
        return f"{format_number(amount)} {currency}"


# --- The browser -------------------------------------------------------------------------
NO_REPORT = "none"  # the ``status`` filter's value for "no progress report yet"
#: At most this many characters of a search are used (the rest is cut, and the page says so).
MAX_SEARCH_LENGTH = 100
#: At most this many words of a search are matched (each must be found).
MAX_SEARCH_WORDS = 8
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_KEY = re.compile(r"[a-z0-9_-]{1,60}")
_ID = re.compile(r"[0-9]{1,18}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

#: The names of the browser's parameters and how the page names them when it ignores one.
PARAMETER_LABELS = {
    "area": gettext_lazy("area of focus"), "objective": gettext_lazy("GCR objective"),
    "kind": gettext_lazy("kind of pledge"), "country": gettext_lazy("country"),
    "status": gettext_lazy("progress"), "lg": gettext_lazy("local government"),
    "forum": gettext_lazy("forum"),
}
#: The fields a search looks in (title, description and expected impact in both languages,
#: the lead's names).
SEARCH_FIELDS = ("title_ja", "title_en", "description_ja", "description_en",
                 "expected_impact_ja", "expected_impact_en", "local_government__name",
                 "local_government__name_ja", "local_government__name_en",
                 "local_government__reading")
#: The fields of a co-pledger a search looks in too (a co-pledging local government's
#: names, an organisation's name): ``?q=三鷹`` finds the joint pledges 三鷹市 co-pledges.
CO_PLEDGER_SEARCH_FIELDS = ("organisation_name", "local_government__name",
                            "local_government__name_ja", "local_government__name_en",
                            "local_government__reading")


@dataclass(frozen=True)
class BrowserQuery:
    """What the browser shows, from its parameters: ``q`` (the search, at most
    ``MAX_SEARCH_LENGTH`` characters, control characters removed; ``q_cut``: it was
    longer), ``area`` (an ``AreaOfFocus`` key), ``objective`` (``GcrObjective``), ``kind``
    (``PledgeKind``), ``country`` (ISO 3166-1, the lead's country), ``status`` (a
    ``ProgressStatus`` value or ``none``: no report yet), ``local_government`` (lead or
    co-pledger, or None), ``forum`` (``Forum``); ``ignored``: the labels of the parameters
    that were not understood (left out; the others apply)."""

    q: str = ""
    area: str = ""
    objective: str = ""
    kind: str = ""
    country: str = ""
    status: str = ""
    local_government: LocalGovernment | None = None
    forum: str = ""
    ignored: tuple[str, ...] = ()
    q_cut: bool = False

    def filter_params(self) -> dict[str, str]:
        """The search and filters as parameters (for links that keep them)."""
        params = {"q": self.q, "area": self.area, "objective": self.objective,
                  "kind": self.kind, "country": self.country, "status": self.status,
                  "lg": str(self.local_government.pk) if self.local_government else "",
                  "forum": self.forum}
        return {k: v for k, v in params.items() if v}

    @property
    def words(self) -> list[str]:
        return self.q.split()[:MAX_SEARCH_WORDS]


def browser_query(params: Mapping[str, str]) -> BrowserQuery:
    """Read the browser's parameters (``?q=&area=&objective=&kind=&country=&status=&lg=
    &forum=``). A value not understood (an unknown key or code, a malformed id) is ignored
    and named in ``ignored``; never an error. At most one query per filter that needs the
    database (area, country, local government), none without."""
    ignored: list[str] = []

    def value(name: str) -> str:
        return _CONTROL.sub(" ", params.get(name) or "").strip()

    raw_q = " ".join(value("q").split())
    q = raw_q[:MAX_SEARCH_LENGTH].strip()
    area = value("area")
    if area and not (_KEY.fullmatch(area) and AreaOfFocus.objects.filter(key=area).exists()):
        ignored.append("area")
        area = ""
    choices = {"objective": GcrObjective.values, "kind": PledgeKind.values,
               "status": [*ProgressStatus.values, NO_REPORT], "forum": Forum.values}
    chosen = {}
    for name, allowed in choices.items():
        chosen[name] = value(name)
        if chosen[name] and chosen[name] not in allowed:
            ignored.append(name)
            chosen[name] = ""
    country = value("country").upper()
    if country and not (_COUNTRY.fullmatch(country)
                        and Country.objects.filter(pk=country).exists()):
        ignored.append("country")
        country = ""
    lg = None
    lg_value = value("lg")
    if lg_value:
        if _ID.fullmatch(lg_value):
            # A place typed in by a signer is named only once it has public pledges (its
            # name is unreviewed text until then, as on the profile).
            lg = (LocalGovernment.objects.with_places().filter(pk=int(lg_value))
                  .filter(~Q(source=LocalGovernment.DataSource.SUBMITTED)
                          | Q(pk__in=Pledge.objects.filter(PUBLIC).values("local_government_id"))
                          | Q(pk__in=CoPledger.objects.filter(pledge__status__in=PUBLIC_STATUSES)
                              .values("local_government_id")))
                  .first())
        if lg is None:
            ignored.append("lg")
    order = list(PARAMETER_LABELS)
    return BrowserQuery(
        q=q, q_cut=len(raw_q) > MAX_SEARCH_LENGTH, area=area, country=country,
        local_government=lg, **chosen,
        ignored=tuple(str(PARAMETER_LABELS[n]) for n in sorted(ignored, key=order.index)))


def _search(words: list[str]) -> Q:
    """Pledges in which every word is in one of ``SEARCH_FIELDS`` or in one of
    ``CO_PLEDGER_SEARCH_FIELDS`` of a co-pledger (an ``Exists`` subquery per word: no join,
    so no duplicate rows and no more queries)."""
    where = Q()
    for word in words:
        any_field = Q()
        for name in SEARCH_FIELDS:
            any_field |= Q(**{f"{name}__icontains": word})
        co_field = Q()
        for name in CO_PLEDGER_SEARCH_FIELDS:
            co_field |= Q(**{f"{name}__icontains": word})
        any_field |= Q(Exists(CoPledger.objects.filter(co_field, pledge=OuterRef("pk"))))
        where &= any_field
    return where


def browser_pledges(query: BrowserQuery) -> QuerySet[Pledge]:
    """The public pledges that match ``query``, the latest approved first, with their lead
    (and its places), areas of focus and co-pledgers (with theirs) prefetched. Paginate it:
    four queries a page (the count, the rows, the areas, the co-pledgers)."""
    qs = public_pledges()
    if query.q:
        qs = qs.filter(_search(query.words))
    if query.area:
        qs = qs.filter(pk__in=Pledge.areas.through.objects.filter(
            areaoffocus__key=query.area).values("pledge_id"))
    if query.objective:
        qs = qs.filter(**{objective_field(query.objective): True})
    if query.kind:
        qs = qs.filter(**{kind_field(query.kind): True})
    if query.country:
        qs = qs.filter(local_government__country_id=query.country)
    if query.status == NO_REPORT:
        qs = qs.filter(progress_status="")
    elif query.status:
        qs = qs.filter(progress_status=query.status)
    if query.local_government is not None:
        qs = qs.filter(_of_local_government(query.local_government))
    if query.forum:
        qs = qs.filter(forum=query.forum)
    return (qs.prefetch_related(
        "areas", Prefetch("co_pledgers", CoPledger.objects.select_related(
            "local_government__country", "local_government__region")))
        .order_by(*LATEST_FIRST))


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Tally:
    """``count`` public pledges of what ``value`` names (``label``); ``url``: the browser
    filtered by it."""

    value: str
    label: str
    count: int
    url: str = ""
    lang: str = ""


@dataclass(frozen=True)
class BrowserFigures:
    """The live figures of the public pledges (the whole set, not the filtered one):
    ``total``, ``countries`` (of the leads), ``local_governments`` (leading or co-pledging
    one); ``by_status`` (the GCR's stages, then "no progress report yet"),
    ``by_area`` (areas with pledges, in the areas' order), ``by_country`` (most first)."""

    total: int = 0
    countries: int = 0
    local_governments: int = 0
    by_status: list[Tally] = field(default_factory=list)
    by_area: list[Tally] = field(default_factory=list)
    by_country: list[Tally] = field(default_factory=list)


def _local_government_order(lg: LocalGovernment) -> tuple:
    """Japan's local governments first by prefecture code, the prefecture itself first,
    then by reading; those of other countries after them, by country and name (on English
    pages Japan's by English name too)."""
    ja = _locale() == "ja"
    if lg.country_id == "JP":
        return (0, "", lg.region.code if lg.region else "",
                lg.kind != LocalGovernment.Kind.PREFECTURE,
                (lg.reading or lg.display_name) if ja else lg.display_name.casefold())
    return (1, lg.country.name, "", False, lg.display_name.casefold())


def _browser_url(**params: str) -> str:
    return f"{reverse('pledges:browser')}?{urlencode(params)}"


def _area_tally(area: AreaOfFocus) -> Tally:
    name = _text(area, "name")
    return Tally(area.key, name.text, area.n, url=_browser_url(area=area.key), lang=name.lang)


def browser_figures_and_choices(query: BrowserQuery | None = None
                                ) -> tuple[BrowserFigures, dict[str, list[Choice]]]:
    """The live figures (``BrowserFigures``) and the filter form's choices: ``areas``
    (active ones, those with public pledges and the chosen one), ``objectives``, ``kinds``,
    ``statuses``, ``forums`` (all), ``countries`` and ``local_governments`` (those with
    public pledges, and the chosen one). Four queries, whatever the number of pledges: the
    totals by progress, the areas with their counts, the countries with theirs, the local
    governments."""
    query = query or BrowserQuery()
    public = Pledge.objects.filter(PUBLIC)
    totals = public.aggregate(
        total=Count("pk"), none=Count("pk", filter=Q(progress_status="")),
        **{s: Count("pk", filter=Q(progress_status=s)) for s in ProgressStatus.values})
    areas = list(AreaOfFocus.objects.annotate(
        n=Count("pledges", filter=Q(pledges__status__in=PUBLIC_STATUSES))))
    countries = list(public.values("local_government__country_id",
                                   "local_government__country__name_ja",
                                   "local_government__country__name_en")
                     .annotate(n=Count("pk")).order_by())
    lead_ids = public.values("local_government_id")
    co_ids = CoPledger.objects.filter(pledge__status__in=PUBLIC_STATUSES,
                                      local_government__isnull=False
                                      ).values("local_government_id")
    lgs = list(LocalGovernment.objects.with_places().filter(Q(pk__in=lead_ids)
                                                              | Q(pk__in=co_ids)))
    ja = _locale() == "ja"

    def country_name(row) -> str:
        names = (row["local_government__country__name_ja"],
                 row["local_government__country__name_en"])
        return (names[0] or names[1]) if ja else (names[1] or names[0])

    by_country = sorted(
        (Tally(row["local_government__country_id"], country_name(row), row["n"],
               url=_browser_url(country=row["local_government__country_id"]))
         for row in countries), key=lambda t: (-t.count, t.label))
    figures = BrowserFigures(
        total=totals["total"], countries=len(by_country),
        local_governments=len({lg.pk for lg in lgs}),
        by_status=[Tally(value, str(label), totals[value] or 0,
                         url=_browser_url(status=value))
                   for value, label in [*ProgressStatus.choices,
                                        (NO_REPORT, _("no progress report yet"))]],
        by_area=[_area_tally(a) for a in areas if a.n],
        by_country=by_country)
    country_choices = {t.value: t.label for t in by_country}
    if query.country and query.country not in country_choices:
        chosen = Country.objects.filter(pk=query.country).first()
        if chosen is not None:
            country_choices[chosen.pk] = chosen.name
    chosen_lg = query.local_government
    if chosen_lg is not None and all(lg.pk != chosen_lg.pk for lg in lgs):
        lgs.append(chosen_lg)
    choices = {
        "areas": [Choice(a.key, _text(a, "name").text) for a in areas
                  if a.active or a.n or a.key == query.area],
        "objectives": [Choice(v, str(label)) for v, label in GcrObjective.choices],
        "kinds": [Choice(v, str(label)) for v, label in PledgeKind.choices],
        "statuses": [Choice(t.value, t.label) for t in figures.by_status],
        "forums": [Choice(v, str(label)) for v, label in Forum.choices],
        "countries": sorted((Choice(code, name) for code, name in country_choices.items()),
                            key=lambda c: c.label),
        "local_governments": [Choice(str(lg.pk), lg.label)
                              for lg in sorted(lgs, key=_local_government_order)],
    }
    return figures, choices


def browser_active_filters(query: BrowserQuery,
                           choices: Mapping[str, list[Choice]]) -> list[tuple[str, str]]:
    """``[(what, value)]`` of the search and filters ``query`` applies, in the form's order,
    named from ``choices`` (no query)."""
    def label(name: str, value: str) -> str:
        return next((c.label for c in choices[name] if c.value == value), value)

    active = []
    if query.q:
        active.append((_("Search"), query.q))
    for param, name, what in (("area", "areas", _("Area of focus")),
                              ("objective", "objectives", _("GCR objective")),
                              ("kind", "kinds", _("Kind of pledge")),
                              ("country", "countries", _("Country")),
                              ("status", "statuses", _("Progress"))):
        value = getattr(query, param)
        if value:
            active.append((what, label(name, value)))
    if query.local_government is not None:
        active.append((_("Local government"), query.local_government.label))
    if query.forum:
        active.append((_("Forum"), label("forums", query.forum)))
    return active


# --- A pledge in a list ----------------------------------------------------------------------
def status_text(pledge: Pledge) -> str:
    """Where a public pledge stands with the GCR, in words (no query when ``gcr_email`` was
    selected with it): "Published by the GCR on 3 May 2028", "Submitted to the GCR on
    …", or "Approved by UNHCR; being sent to the GCR" while the email is on its way."""
    def day(moment: datetime | None) -> str:
        return date_format(timezone.localdate(moment), "DATE_FORMAT") if moment else ""

    if pledge.status == PledgeStatus.PUBLISHED:
        if pledge.published_at:
            return _("Published by the GCR on %(date)s") % {"date": day(pledge.published_at)}
        return _("Published by the GCR")
    sent = pledge.sent_to_gcr_at
    if sent:
        return _("Submitted to the GCR on %(date)s") % {"date": day(sent)}
    return _("Approved by UNHCR; being sent to the GCR")


@dataclass(frozen=True)
class Link:
    """What a link says (``label``, in ``lang``) and where it goes (``url``; "" for plain
    text)."""

    label: str
    url: str = ""
    lang: str = ""


@dataclass(frozen=True)
class PledgeItem:
    """One public pledge in a list: the ``pledge`` (with its lead), ``title`` in the
    reader's language (else the other), ``url``, ``kinds`` (labels) and ``areas`` (``Link`` to the
    browser filtered by the area), ``co_pledgers`` (``CoPledger``, with their local governments),
    ``progress`` (the latest stage's label, "" without a report), ``reported_on`` (its
    date), ``status`` ("submitted to the GCR" or "published by the GCR"), ``forum`` ("" for
    none)."""

    pledge: Pledge
    title: Text
    url: str
    kinds: list[str] = field(default_factory=list)
    areas: list[Link] = field(default_factory=list)
    co_pledgers: list[CoPledger] = field(default_factory=list)
    progress: str | Promise = ""
    reported_on: date | None = None
    status: str | Promise = ""
    forum: str | Promise = ""

    @property
    def lead(self) -> LocalGovernment:
        return self.pledge.local_government


def _area_link(area: AreaOfFocus) -> Link:
    name = _text(area, "name")
    return Link(name.text, _browser_url(area=area.key), name.lang)


def _title(pledge: Pledge) -> Text:
    return _text(pledge, "title")


def pledge_item(pledge: Pledge, *, parts: bool = True) -> PledgeItem:
    """``PledgeItem`` of ``pledge`` (no query when its areas and co-pledgers were
    prefetched; ``parts=False`` leaves them out)."""
    return PledgeItem(
        pledge=pledge, title=_title(pledge), url=reverse("pledges:pledge", args=[pledge.pk]),
        kinds=[str(PledgeKind(k).label) for k in pledge.kinds],
        areas=[_area_link(a) for a in pledge.areas.all()] if parts else [],
        co_pledgers=list(pledge.co_pledgers.all()) if parts else [],
        progress=pledge.get_progress_status_display() if pledge.progress_status else "",
        reported_on=pledge.progress_reported_on,
        status=pledge.get_status_display(),
        forum=pledge.get_forum_display() if pledge.forum != Forum.NONE else "")


# --- One pledge's page -------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetLine:
    """A measurable target: ``indicator``, ``value`` and ``unit``, ``date`` (or None), and
    the latest value reached (``reached``, "" when no report gives one) with the date of
    that report (``reached_on``)."""

    indicator: str
    value: str
    unit: str
    date: date | None
    reached: str = ""
    reached_on: date | None = None


@dataclass(frozen=True)
class ValueLine:
    indicator: str
    value: str
    unit: str


@dataclass(frozen=True)
class ReportLine:
    """One progress report: ``reported_on``, ``stage`` (its label), ``narrative``, the
    ``values`` reached (``ValueLine``, in the targets' order)."""

    reported_on: date
    stage: str | Promise
    narrative: str
    values: list[ValueLine]


@dataclass(frozen=True)
class PledgePage:
    """What a public pledge's page shows (never the contact nor UNHCR's comments): the
    ``item`` (title, kinds, areas, co-pledgers, progress, status), ``description`` and
    ``expected_impact`` (reader's language, else the other), ``objectives`` (labels),
    ``scope`` (where it applies) and ``countries`` (names), ``starts_on``/``ends_on``,
    ``targets`` (``TargetLine``), ``budget`` (formatted, "" without one), ``forum``,
    ``multistakeholder_pledges`` (``Link``, an address where known), ``matches`` (the
    public pledge it matches, as an item, or None), ``matches_elsewhere`` (a GCR pledge
    outside the platform, a ``Link``, or None), ``matched_by`` (the public pledges that
    match it), ``started_from`` (the public pledge it
    was copied from, or None), ``gcr_reference``/``gcr_url``, ``status`` in words,
    ``reports`` (every progress report, newest first), ``start_from_url``."""

    item: PledgeItem
    description: Text
    expected_impact: Text
    objectives: list[str]
    scope: str | Promise
    countries: list[str]
    targets: list[TargetLine]
    budget: str
    multistakeholder_pledges: list[Link]
    matches: PledgeItem | None
    matches_elsewhere: Link | None
    matched_by: list[PledgeItem]
    started_from: PledgeItem | None
    status: str
    reports: list[ReportLine]
    start_from_url: str

    @property
    def pledge(self) -> Pledge:
        return self.item.pledge


def _link_or_text(value: str) -> Link:
    value = value.strip()
    if value.lower().startswith(("https://", "http://")):
        return Link(value, value)
    return Link(value)


def _named_link(record) -> Link:
    name = _text(record, "name")
    return Link(name.text, record.url, name.lang)


def pledge_page(pk: int) -> PledgePage:
    """The page of the public pledge ``pk`` (nine queries, however many parts it has: the
    pledge with its lead, places, matched pledge, source and email to the GCR; its areas;
    countries; multistakeholder pledges; co-pledgers; targets; the public pledges that
    match it; its reports; their values). Raises ``Pledge.DoesNotExist`` for an unknown id
    (or one out of the database's range) and a pledge that is not public."""
    if not 0 < pk < 2**63:
        raise Pledge.DoesNotExist("out of range")
    pledge = (public_pledges()
              .select_related("matches__local_government__country",
                              "matches__local_government__region",
                              "copied_from__local_government__country",
                              "copied_from__local_government__region", "gcr_email")
              .prefetch_related(
                  "areas", "countries", "multistakeholder_pledges",
                  Prefetch("co_pledgers", CoPledger.objects.select_related(
                      "local_government__country", "local_government__region")),
                  Prefetch("targets", PledgeTarget.objects.order_by("position", "pk")),
                  Prefetch("matched_by", public_pledges().order_by(*LATEST_FIRST),
                           to_attr="public_matched_by"),
                  Prefetch("progress_reports", ProgressReport.objects.order_by(
                      "-reported_on", "-pk").prefetch_related(Prefetch(
                          "values", TargetProgress.objects.select_related("target")
                          .order_by("target__position", "target__pk"))),
                      to_attr="reports"))
              .get(pk=pk))
    targets = list(pledge.targets.all())
    latest: dict[int, tuple[Decimal, date]] = {}
    reports = []
    for report in pledge.reports:  # newest first: the first value of a target is its latest
        values = []
        for value in report.values.all():
            latest.setdefault(value.target_id, (value.value_reached, report.reported_on))
            values.append(ValueLine(value.target.indicator, format_number(value.value_reached),
                                    value.target.unit))
        reports.append(ReportLine(reported_on=report.reported_on,
                                  stage=report.get_status_display(),
                                  narrative=report.narrative, values=values))
    target_lines = []
    for target in targets:
        reached = latest.get(target.pk)
        target_lines.append(TargetLine(
            indicator=target.indicator, value=format_number(target.target_value),
            unit=target.unit, date=target.target_date,
            reached=format_number(reached[0]) if reached else "",
            reached_on=reached[1] if reached else None))
    matches = pledge.matches if pledge.matches_id and pledge.matches.is_public else None
    source = pledge.copied_from if pledge.copied_from_id and pledge.copied_from.is_public \
        else None
    budget = (format_amount(pledge.budget_amount, pledge.budget_currency)
              if pledge.budget_amount is not None and pledge.budget_currency else "")
    return PledgePage(
        item=pledge_item(pledge), description=_text(pledge, "description"),
        expected_impact=_text(pledge, "expected_impact"),
        objectives=[str(GcrObjective(o).label) for o in pledge.objectives],
        scope=pledge.get_scope_display(),
        countries=sorted(c.name for c in pledge.countries.all()),
        targets=target_lines, budget=budget,
        multistakeholder_pledges=[_named_link(m) for m in pledge.multistakeholder_pledges.all()],
        matches=pledge_item(matches, parts=False) if matches else None,
        matches_elsewhere=_link_or_text(pledge.matches_gcr_reference)
        if pledge.matches_gcr_reference.strip() else None,
        matched_by=[pledge_item(p, parts=False) for p in pledge.public_matched_by],
        started_from=pledge_item(source, parts=False) if source else None,
        status=status_text(pledge), reports=reports,
        start_from_url=reverse("workspace:pledge_start_from", args=[pledge.pk]))


# --- The profile ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PledgeSection:
    """Step 4 on the local government's profile: the public pledges it ``leads`` and those
    it ``co_pledges`` (``PledgeItem`` with the latest progress, the latest approved first);
    ``browser_url``: the browser filtered by the local government; ``done``: it leads or
    co-pledges a public pledge."""

    leads: list[PledgeItem] = field(default_factory=list)
    co_pledges: list[PledgeItem] = field(default_factory=list)
    browser_url: str = ""

    @property
    def done(self) -> bool:
        return bool(self.leads or self.co_pledges)

    @property
    def groups(self) -> list[tuple[str, list[PledgeItem]]]:
        """``[(heading, items)]``: the pledges it leads, then those it joins."""
        return [(_("Pledges it leads"), self.leads),
                (_("Joint pledges it joins"), self.co_pledges)]

    @property
    def status(self) -> str:
        return "done" if self.done else "not_started"


def local_government_pledges(local_government: LocalGovernment) -> PledgeSection:
    """Step 4's section of ``local_government``'s profile (one query, none when
    ``local_government`` was annotated ``has_public_pledges`` False): see
    ``PledgeSection``."""
    browser_url = f"{reverse('pledges:browser')}?lg={local_government.pk}"
    if not getattr(local_government, "has_public_pledges", True):
        return PledgeSection(browser_url=browser_url)
    rows = list(public_pledges().filter(_of_local_government(local_government))
                .order_by(*LATEST_FIRST))
    return PledgeSection(
        leads=[pledge_item(p, parts=False) for p in rows
               if p.local_government_id == local_government.pk],
        co_pledges=[pledge_item(p, parts=False) for p in rows
                    if p.local_government_id != local_government.pk],
        browser_url=browser_url)


# --- The dashboard ----------------------------------------------------------------------------
def stale(*, today: date, months: int, zone: tzinfo) -> Q:
    """Published pledges with no progress report for ``months`` months on ``today``, as
    ``reminders`` defines it for pledges led by a local government in ``zone``: the anchor
    (the latest report's date, else the date of publication in ``zone``) is on or before
    ``reminders.stale_threshold``; a pledge without ``published_at`` never is."""
    threshold = reminders.stale_threshold(today, months)
    next_day = datetime.combine(threshold + timedelta(days=1), time(0), tzinfo=zone)
    return Q(status=PledgeStatus.PUBLISHED) & (
        Q(progress_reported_on__lte=threshold)
        | Q(progress_reported_on__isnull=True, published_at__lt=next_day))


@dataclass(frozen=True)
class PledgeCounts:
    """The pledges a local government leads, by status and (the published ones) by
    progress; ``co_pledged``: the public pledges it co-pledges (led by others);
    ``co_pledged_open``: those it co-pledges that are not public yet (drafts, awaiting
    review, sent back: its officers read them); ``first_returned``: the id
    of one sent back (the oldest), else None; ``stale``: published ones without a progress
    report for ``stale_months`` months, ``first_stale`` the id of one."""

    draft: int = 0
    submitted: int = 0
    returned: int = 0
    sent_to_gcr: int = 0
    published: int = 0
    planning: int = 0
    in_progress: int = 0
    fulfilled: int = 0
    no_report: int = 0
    co_pledged: int = 0
    co_pledged_open: int = 0
    first_returned: int | None = None
    stale: int = 0
    first_stale: int | None = None
    stale_months: int = DEFAULT_STALE_AFTER_MONTHS

    @property
    def public(self) -> int:
        return self.sent_to_gcr + self.published

    @property
    def total(self) -> int:
        return self.draft + self.submitted + self.returned + self.public


def pledge_counts(local_government: LocalGovernment | int, *, today: date | None = None,
                  zone: tzinfo | None = None) -> PledgeCounts:
    """``PledgeCounts`` of ``local_government`` (one query; two more when it has published
    pledges: the reminder period and the stale ones). ``today`` and ``zone``: the date and
    time zone where the local government is (default: the active time zone's)."""
    lead = Q(local_government=local_government)
    counts = Pledge.objects.filter(_of_local_government(local_government)).aggregate(
        **{s: Count("pk", filter=lead & Q(status=s)) for s in PledgeStatus.values},
        **{s: Count("pk", filter=lead & Q(status=PledgeStatus.PUBLISHED, progress_status=s))
           for s in ProgressStatus.values},
        no_report=Count("pk", filter=lead & PUBLIC & Q(progress_status="")),
        co_pledged=Count("pk", filter=~lead & PUBLIC),
        co_pledged_open=Count("pk", filter=~lead & ~PUBLIC),
        first_returned=Min("pk", filter=lead & Q(status=PledgeStatus.RETURNED)))
    values = {k: v or 0 for k, v in counts.items()}
    values["first_returned"] = counts["first_returned"]
    if values["published"]:
        months = reminders.stale_after_months()
        zone = zone or timezone.get_current_timezone()
        today = today or timezone.localdate(timezone=zone)
        found = Pledge.objects.filter(lead, stale(today=today, months=months, zone=zone)
                                      ).aggregate(
            stale=Count("pk"), first_stale=Min("pk"))
        values.update(stale=found["stale"], first_stale=found["first_stale"],
                      stale_months=months)
    return PledgeCounts(**values)


def pledge_ids(local_government_id: int) -> QuerySet[Pledge]:
    """The pledges the local government leads (all statuses), for the workspace's activity
    list (``.model`` gives the model for its content type)."""
    return Pledge.objects.filter(local_government_id=local_government_id)


def progress_report_ids(local_government_id: int) -> QuerySet[ProgressReport]:
    """The progress reports on the pledges the local government leads (as ``pledge_ids``)."""
    return ProgressReport.objects.filter(pledge__local_government_id=local_government_id)
