"""Staff exports of step 4: pledges and progress reports as CSV or Excel (.xlsx) downloads,
written by ``core.spreadsheets`` (UTF-8 with BOM for Japanese Excel, formula injection made
inert, numbers and dates as such). Called from the admin (``admin.py``: actions and
buttons); the caller checks ``pledges.export`` (staff with a second factor).

Headers and labels (status, kinds, areas...) are in ``language`` (``ja``/``en``; by default
the active one, the admin's); texts people wrote are as written, both languages side by
side. Amounts stay numbers: the budget is a ``Decimal`` with its ISO 4217 code in a column
of its own; target values and values reached are written as ``indicator: value unit``
lines (one cell per pledge or report). Dates of record (timeframe, target dates, report
dates) are dates; moments (submitted, reviewed, sent to the GCR, published) are in
``settings.TIME_ZONE``.

The contact person and email ARE exported: the export is for UNHCR staff only (the rule
``pledges.export``), who need the contact to follow a pledge up with the GCR. (The events'
exports have no contact column because events have no contact fields; their delivery
addresses and messages, equally private, are exported.) Never publish this file.

Each export costs a constant number of queries whatever the number of rows (pledges: 6;
progress reports: 2).
"""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from withrefugees.core.mail import absolute_url
from withrefugees.core.spreadsheets import Column, columns_response, local_wall_time

from .models import (
    CoPledger,
    Forum,
    GcrObjective,
    Pledge,
    PledgeKind,
    PledgeStatus,
    PledgeTarget,
    ProgressReport,
    ProgressStatus,
    Scope,
    TargetProgress,
)


def _label(field) -> str:
    return str(field.verbose_name)


def _lg_code(local_government) -> str:
    return local_government.jis_code or ""


def _language(language: str | None) -> str:
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in ("ja", "en") else "ja"


def plain_number(value: Decimal | None) -> Decimal | int | None:
    """``Decimal("30.0000")`` → ``30``, ``Decimal("12.5000")`` → ``Decimal("12.5")``: the
    value as typed, without the trailing zeros of the column's four decimals (never in
    exponent form)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()


def _choice(choices, value: str) -> str:
    return str(choices(value).label) if value else ""


def _lines(items: Iterable) -> str:
    return "\n".join(str(item) for item in items)


def _co_pledgers(pledge: Pledge) -> str:
    lines = []
    for co in pledge.co_pledgers.all():
        if co.local_government_id:
            code = _lg_code(co.local_government)
            lines.append(f"{co.local_government.label} [{code}]" if code
                         else co.local_government.label)
        else:
            lines.append(co.organisation_name)
    return "\n".join(lines)


def _countries(pledge: Pledge) -> str:
    return "\n".join(f"{c.name} ({c.code})" for c in pledge.countries.all())


def _target_line(target: PledgeTarget, value: Decimal | None = None) -> str:
    """``indicator: value unit`` (and for a target, ``(by date)``)."""
    number = plain_number(target.target_value if value is None else value)
    line = f"{target.indicator}: {number}"
    if target.unit:
        line += f" {target.unit}"
    if value is None and target.target_date:
        line += " " + _("(by %(date)s)") % {"date": target.target_date.isoformat()}
    return line


def _targets(pledge: Pledge) -> str:
    return "\n".join(_target_line(t) for t in pledge.targets.all())


def _matches(pledge: Pledge, language: str) -> str:
    lines = []
    if pledge.matches_id:
        title = pledge.matches.localised("title", language)
        lines.append(f"#{pledge.matches_id} {title}")
    if pledge.matches_gcr_reference:
        lines.append(pledge.matches_gcr_reference)
    return "\n".join(lines)


def _public_url(pledge: Pledge, language: str) -> str:
    if not pledge.is_public:
        return ""
    return absolute_url("pledges:pledge", language=language, args=[pledge.pk])


def pledge_columns(language: str) -> list[Column]:
    """``(header, value of a pledge)`` of every column of the pledge export (headers in the
    active language: call it within ``translation.override(language)``)."""
    f = Pledge._meta.get_field
    zone = settings.TIME_ZONE
    return [
        (_("ID"), lambda p: p.pk),
        (_label(f("local_government")), lambda p: p.local_government.label),
        (_("local government code (JIS X 0402)"), lambda p: _lg_code(p.local_government)),
        (_("co-pledging entities"), _co_pledgers),
        (_label(f("status")), lambda p: _choice(PledgeStatus, p.status)),
        (_label(f("title_ja")), lambda p: p.title_ja),
        (_label(f("title_en")), lambda p: p.title_en),
        (_label(f("description_ja")), lambda p: p.description_ja),
        (_label(f("description_en")), lambda p: p.description_en),
        (_label(f("expected_impact_ja")), lambda p: p.expected_impact_ja),
        (_label(f("expected_impact_en")), lambda p: p.expected_impact_en),
        (_("type of pledge"), lambda p: _lines(PledgeKind(k).label for k in p.kinds)),
        (_("GCR objectives"), lambda p: _lines(GcrObjective(o).label for o in p.objectives)),
        (_label(f("areas")), lambda p: _lines(a.localised("name", language)
                                               for a in p.areas.all())),
        (_label(f("scope")), lambda p: _choice(Scope, p.scope)),
        (_label(f("countries")), _countries),
        (_label(f("starts_on")), lambda p: p.starts_on),
        (_label(f("ends_on")), lambda p: p.ends_on),
        (_("measurable targets"), _targets),
        (_label(f("budget_amount")), lambda p: p.budget_amount),
        (_label(f("budget_currency")), lambda p: p.budget_currency),
        (_label(f("forum")), lambda p: _choice(Forum, p.forum)),
        (_label(f("multistakeholder_pledges")),
         lambda p: _lines(m.localised("name", language)
                          for m in p.multistakeholder_pledges.all())),
        (_label(f("matches")), lambda p: _matches(p, language)),
        (_label(f("gcr_reference")), lambda p: p.gcr_reference),
        (_label(f("gcr_url")), lambda p: p.gcr_url),
        (_label(f("contact_name")), lambda p: p.contact_name),
        (_label(f("contact_email")), lambda p: p.contact_email),
        (_("submitted at (%(zone)s)") % {"zone": zone}, lambda p: local_wall_time(p.submitted_at)),
        (_("reviewed at (%(zone)s)") % {"zone": zone}, lambda p: local_wall_time(p.reviewed_at)),
        (_("sent to the GCR at (%(zone)s)") % {"zone": zone},
         lambda p: local_wall_time(p.sent_to_gcr_at)),
        (_("published at (%(zone)s)") % {"zone": zone}, lambda p: local_wall_time(p.published_at)),
        (_label(f("progress_status")), lambda p: _choice(ProgressStatus, p.progress_status)),
        (_label(f("progress_reported_on")), lambda p: p.progress_reported_on),
        (_("public page"), lambda p: _public_url(p, language)),
        (_("created at (%(zone)s)") % {"zone": zone}, lambda p: local_wall_time(p.created_at)),
        (_("updated at (%(zone)s)") % {"zone": zone}, lambda p: local_wall_time(p.updated_at)),
    ]


def _values(report: ProgressReport) -> str:
    return "\n".join(_target_line(v.target, v.value_reached) for v in report.values.all())


def progress_report_columns(language: str) -> list[Column]:
    """``(header, value of a progress report)`` of every column of its export."""
    f = ProgressReport._meta.get_field
    zone = settings.TIME_ZONE
    return [
        (_("pledge ID"), lambda r: r.pledge_id),
        (_("pledge"), lambda r: r.pledge.localised("title", language)),
        (_("lead local government"), lambda r: r.pledge.local_government.label),
        (_("local government code (JIS X 0402)"),
         lambda r: _lg_code(r.pledge.local_government)),
        (_label(f("reported_on")), lambda r: r.reported_on),
        (_label(f("status")), lambda r: _choice(ProgressStatus, r.status)),
        (_label(f("narrative")), lambda r: r.narrative),
        (_("values reached"), _values),
        (_("created at (%(zone)s)") % {"zone": zone}, lambda r: local_wall_time(r.created_at)),
    ]



def pledges_export_response(queryset: QuerySet, fmt: str, *, language: str | None = None,
                            request: HttpRequest | None = None) -> HttpResponse:
    """``queryset`` (pledges) as ``pledges-<date>.csv`` or ``.xlsx`` (``fmt``; another value
    is a ``ValueError``), in the queryset's order; headers and labels in ``language``
    (default: the active language). ``request`` is accepted for the admin's callers (as
    the events' exports) and not used."""
    language = _language(language)
    pledges = queryset.select_related(
        "local_government__region", "local_government__country", "matches", "gcr_email",
    ).prefetch_related(
        "areas", "countries", "multistakeholder_pledges",
        Prefetch("co_pledgers", CoPledger.objects.select_related(
            "local_government__region", "local_government__country")),
        Prefetch("targets", PledgeTarget.objects.order_by("position", "pk")),
    )
    with translation.override(language):
        return columns_response(pledge_columns(language), pledges, fmt=fmt, name="pledges",
                         sheet_name=_("Pledges"))


def progress_reports_export_response(queryset: QuerySet, fmt: str, *,
                                     language: str | None = None,
                                     request: HttpRequest | None = None) -> HttpResponse:
    """``queryset`` (progress reports) as ``pledge-progress-<date>.csv`` or ``.xlsx``, in
    the queryset's order; headers and labels in ``language`` (default: the active one)."""
    language = _language(language)
    reports = queryset.select_related(
        "pledge__local_government__region", "pledge__local_government__country",
    ).prefetch_related(
        Prefetch("values", TargetProgress.objects.select_related("target")
                 .order_by("target__position", "target__pk")),
    )
    with translation.override(language):
        return columns_response(progress_report_columns(language), reports, fmt=fmt,
                         name="pledge-progress", sheet_name=_("Progress reports"))
