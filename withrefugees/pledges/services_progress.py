"""Progress reports on published pledges (issue 10, section 3), filed by the *lead* local
government's officers: one consolidated report for a joint pledge (co-pledgers' officers
read the history; staff review but never file).

``progress_report_file`` is keyword-only and atomic: it checks ``pledges.report_progress``
for the lead local government (``PermissionDenied``), locks the pledge row, validates
(``ValidationError`` keyed by field, each error with a code; a value's errors are keyed
``value_<target id>``, see ``value_field``), writes the report and its values, moves
``Pledge.progress_status``/``progress_reported_on`` to the latest report by date, and
writes one audit row ``pledge.progress`` on the pledge. Nothing is half-saved.

``progress_today`` is the date of record "today" where the lead is (its time zone, as
``events.selectors_officer.default_time_zone`` picks it: ``campaign``'s zones of the local
government, else ``settings.TIME_ZONE``). ``progress_reports_of`` reads the history."""

import datetime
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.audit import audit_record
from withrefugees.core.validators import control_characters_refusal, no_invisible_characters
from withrefugees.places.models import LocalGovernment

from .models import (
    Pledge,
    PledgeStatus,
    PledgeTarget,
    ProgressReport,
    ProgressStatus,
    TargetProgress,
)

RULE = "pledges.report_progress"
#: Longest narrative (the model's ``max_length``).
NARRATIVE_MAX = ProgressReport._meta.get_field("narrative").max_length
#: The GCR was affirmed in December 2018: no report is dated before 2018.
EARLIEST_DATE = datetime.date(2018, 1, 1)
_VALUE_FIELD = TargetProgress._meta.get_field("value_reached")
#: Digits of a value reached: the column's 4 decimal places, and at most 11 digits before
#: the point, so that a value has at most 15 significant digits: SQLite keeps a decimal
#: column as a double, exact to 15 digits only (a 16-digit value read back from SQLite
#: fails Django's conversion, and every page showing it would fail).
VALUE_DECIMAL_PLACES = _VALUE_FIELD.decimal_places
VALUE_MAX_WHOLE_DIGITS = 15 - VALUE_DECIMAL_PLACES
_PLACES = Decimal(1).scaleb(-VALUE_DECIMAL_PLACES)


def value_field(target_pk: int) -> str:
    """The name of a target's value in errors and forms: ``value_<target id>``."""
    return f"value_{target_pk}"


def progress_time_zone(local_government: LocalGovernment) -> zoneinfo.ZoneInfo:
    """The lead's time zone: the first of ``campaign.services.local_government_time_zones``,
    else ``settings.TIME_ZONE`` (the rule of ``events.selectors_officer.default_time_zone``)."""
    from withrefugees.campaign.services import local_government_time_zones

    zones = local_government_time_zones(local_government)
    return zones[0] if zones else zoneinfo.ZoneInfo(settings.TIME_ZONE)


def progress_today(local_government: LocalGovernment, now=None) -> datetime.date:
    """Today's date where ``local_government`` is."""
    return timezone.localdate(now or timezone.now(), progress_time_zone(local_government))


def progress_earliest(pledge: Pledge) -> datetime.date:
    """The earliest date a report on ``pledge`` may bear: the day it was submitted (or
    created, whichever is earlier) in the lead's zone, never before ``EARLIEST_DATE``."""
    zone = progress_time_zone(pledge.local_government)
    moments = [m for m in (pledge.submitted_at, pledge.created_at) if m is not None]
    if not moments:
        return EARLIEST_DATE
    return max(EARLIEST_DATE, timezone.localdate(min(moments), zone))


def progress_reports_of(pledge: Pledge) -> QuerySet[ProgressReport]:
    """The history of ``pledge``'s reports, newest first (by date, then filing order), with
    their values and targets (2 queries)."""
    return (ProgressReport.objects.filter(pledge_id=pledge.pk)
            .prefetch_related(Prefetch(
                "values", TargetProgress.objects.select_related("target")
                .order_by("target__position", "target__pk")))
            .order_by("-reported_on", "-pk"))


def takes_reports(pledge: Pledge) -> bool:
    """Whether progress may be reported on ``pledge`` (published by the GCR)."""
    return pledge.status == PledgeStatus.PUBLISHED


def _check(actor: AbstractBaseUser | None, pledge: Pledge) -> None:
    if actor is None or not can(actor, RULE, pledge.local_government):
        raise PermissionDenied(RULE)


def _narrative_errors(narrative: str) -> list[ValidationError]:
    refusal = control_characters_refusal(narrative)
    if refusal:
        return [refusal]
    try:
        no_invisible_characters(narrative)
    except ValidationError as exc:
        return exc.error_list
    if len(narrative) > NARRATIVE_MAX:
        return [ValidationError(
            _("Write at most %(max)s characters (this text has %(count)s)."),
            code="narrative_too_long", params={"max": NARRATIVE_MAX, "count": len(narrative)})]
    return []


def _date_errors(pledge: Pledge, reported_on) -> list[ValidationError]:
    if not isinstance(reported_on, datetime.date) or isinstance(reported_on,
                                                                datetime.datetime):
        return [ValidationError(_("Enter a real date, e.g. 2028-04-01 (year-month-day)."),
                                code="reported_on_invalid")]
    today = progress_today(pledge.local_government)
    if reported_on > today:
        return [ValidationError(
            _("The date of the report is in the future. Enter today's date (%(today)s) or "
              "an earlier one."),
            code="reported_on_in_future", params={"today": today.isoformat()})]
    earliest = progress_earliest(pledge)
    if reported_on < earliest:
        return [ValidationError(
            _("The date of the report is before the pledge was made (%(earliest)s). Enter "
              "a date from %(earliest)s on."),
            code="reported_on_before_pledge", params={"earliest": earliest.isoformat()})]
    return []


def value_errors(value) -> list[ValidationError]:
    """The refusals of one value reached: not a finite decimal (code ``value_invalid``),
    negative (``value_negative``), more digits than stored (``value_too_large``,
    ``value_too_many_decimals``)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return [ValidationError(_("Enter a number, e.g. 12 or 12.5."), code="value_invalid")]
    value = Decimal(value)
    if not value.is_finite():
        return [ValidationError(_("Enter a number, e.g. 12 or 12.5."), code="value_invalid")]
    if value < 0:
        return [ValidationError(_("Enter 0 or more: the value reached cannot be negative."),
                                code="value_negative")]
    if value == 0:
        return []
    _sign, digits, exponent = value.as_tuple()
    whole_max = VALUE_MAX_WHOLE_DIGITS
    if len(digits) + exponent > whole_max:  # digits before the point (1e400: 401)
        return [ValidationError(
            _("This number is too large: at most %(digits)s digits before the decimal "
              "point."), code="value_too_large", params={"digits": whole_max})]
    # Trailing zeros (12.50000) are not precision: only what ``normalize`` keeps counts.
    if -value.normalize().as_tuple().exponent > VALUE_DECIMAL_PLACES:
        return [ValidationError(
            _("Enter at most %(places)s digits after the decimal point."),
            code="value_too_many_decimals", params={"places": VALUE_DECIMAL_PLACES})]
    return []


def _stored(value) -> Decimal:
    """A value that passed ``value_errors``, as the column stores it (4 places)."""
    value = Decimal(value)
    if value == 0:
        return Decimal(0).quantize(_PLACES)
    return value.quantize(_PLACES)


def _same_as_latest(pledge: Pledge, *, status: str, narrative: str,
                    reported_on: datetime.date, values: Mapping[int, Decimal]) -> bool:
    """Whether the report last filed on ``pledge`` has this date, stage, narrative and
    values (``values`` as stored)."""
    latest = (ProgressReport.objects.filter(pledge_id=pledge.pk)
              .prefetch_related("values").order_by("-pk").first())
    if latest is None:
        return False
    return ((latest.status, latest.narrative, latest.reported_on)
            == (status, narrative, reported_on)
            and {v.target_id: v.value_reached for v in latest.values.all()} == dict(values))


@transaction.atomic
def progress_report_file(*, pledge: Pledge, actor: AbstractBaseUser, status: str,
                         narrative: str, reported_on: datetime.date,
                         values: Mapping[int, Decimal]) -> ProgressReport:
    """File a progress report on ``pledge`` (published; codes below) by ``actor``, an
    officer of its lead local government (``PermissionDenied`` otherwise).

    ``status``: a ``ProgressStatus`` value (``progress_status_invalid``); ``narrative``: at
    most ``NARRATIVE_MAX`` characters, no control or invisible characters
    (``null_characters``, ``control_characters``, ``combining_marks``,
    ``narrative_too_long``); ``reported_on``: not after today in the lead's zone
    (``reported_on_in_future``), not before ``progress_earliest``
    (``reported_on_before_pledge``); ``values``: ``{target id: value reached}`` for targets
    of this pledge only (``target_unknown`` on ``values``), each a finite decimal of 0 or
    more within the stored digits (``value_errors``; keyed ``value_<target id>``). A
    pledge that is not published: ``pledge_not_published`` (no field). A report identical
    to the one last filed on the pledge (same date, stage, narrative and values: the same
    form posted twice): ``progress_duplicate`` (no field), checked under the pledge's row
    lock.

    The pledge's ``progress_status``/``progress_reported_on`` become the latest report's
    by date (a report dated before the latest leaves them; one of the same date as the
    latest replaces it). Audit: ``pledge.progress`` on the pledge, ``from_state``/
    ``to_state`` the pledge's stage before and after, ``changes`` with the report."""
    _check(actor, pledge)
    locked = (Pledge.objects.select_for_update(of=("self",))
              .select_related("local_government").get(pk=pledge.pk))
    if not takes_reports(locked):
        raise ValidationError(
            _("Progress is reported on a pledge once the GCR has published it. This pledge "
              "is %(status)s."),
            code="pledge_not_published", params={"status": locked.get_status_display()})
    errors: dict[str, list[ValidationError]] = {}
    if status not in ProgressStatus.values:
        errors["status"] = [ValidationError(_("Choose one of the three stages of progress."),
                                            code="progress_status_invalid")]
    narrative = (narrative or "").strip().replace("\r\n", "\n")
    if narrative_errors := _narrative_errors(narrative):
        errors["narrative"] = narrative_errors
    if date_errors := _date_errors(locked, reported_on):
        errors["reported_on"] = date_errors
    targets = {t.pk: t for t in PledgeTarget.objects.filter(pledge=locked)}
    unknown = [key for key in values if key not in targets]
    if unknown:
        errors["values"] = [ValidationError(
            _("A value was given for a target that is not one of this pledge's. Reload the "
              "page and enter the values again."), code="target_unknown")]
    for key, value in values.items():
        if key in targets and (refusals := value_errors(value)):
            errors[value_field(key)] = refusals
    if errors:
        raise ValidationError(errors)
    stored = {key: _stored(value) for key, value in sorted(values.items())}
    if _same_as_latest(locked, status=status, narrative=narrative, reported_on=reported_on,
                       values=stored):
        # The same form posted twice (a double click, a reload after the reply was lost):
        # under the row lock, so two posts at once save one report.
        raise ValidationError(_("This report is already saved."), code="progress_duplicate")

    report = ProgressReport.objects.create(pledge=locked, status=status, narrative=narrative,
                                           reported_on=reported_on, reported_by=actor)
    TargetProgress.objects.bulk_create([
        TargetProgress(report=report, target=targets[key], value_reached=value)
        for key, value in stored.items()])
    latest = locked.progress_reports.order_by("-reported_on", "-pk").first()
    before = (locked.progress_status, locked.progress_reported_on)
    locked.progress_status, locked.progress_reported_on = latest.status, latest.reported_on
    changes = {"report": [None, {
        "id": report.pk, "status": status, "reported_on": reported_on.isoformat(),
        "values": {str(key): str(value) for key, value in stored.items()}}]}
    if (locked.progress_status, locked.progress_reported_on) != before:
        locked.save(update_fields=["progress_status", "progress_reported_on", "updated_at"])
        changes["progress_status"] = [before[0], locked.progress_status]
        changes["progress_reported_on"] = [before[1].isoformat() if before[1] else None,
                                           locked.progress_reported_on.isoformat()]
    audit_record(target=locked, action="pledge.progress", actor=actor,
                 from_state=before[0], to_state=locked.progress_status, changes=changes)
    pledge.progress_status = locked.progress_status
    pledge.progress_reported_on = locked.progress_reported_on
    return report
