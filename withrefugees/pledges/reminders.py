"""Reminders to report progress on published pledges (issue 10 §3: "a scheduled task asks
for an update when a pledge has had none for six months (staff can change the period);
staff see the stale ones").

The anchor of a published pledge is the date of its latest progress report
(``Pledge.progress_reported_on``), else the date it was published (``published_at``) where
its lead local government is (``lead_time_zone``: Asia/Tokyo for Japan).
With ``period`` = ``PledgeReminderSettings.stale_after_months`` (``stale_after_months()``,
6 without a row), the pledge is *stale* on ``today`` when ``add_months(anchor, period) <=
today``, and its reminders are due on ``anchor + k·period`` (k = 1, 2, …): the *due date*
of ``today`` is the latest of them not after ``today`` (``due_on``). Months are calendar
months, the day clamped to the month's last (``add_months``: 31 August + 6 months is
28 February, or 29 in a leap year).

Once per pledge and due date, surviving crashes and concurrent runs (as step 3's
reminders, ``events.reminders``): the ``PledgeReminderSent`` row and its outbox emails (one
per active officer of the lead, in their language) are written in ONE transaction; the
unique constraint ``pledge_reminder_once_per_due_date`` lets one of two concurrent runs
win, the other's transaction (emails included) is rolled back. A pledge whose lead has no
officer is left for a later run. A new progress report moves the anchor, so the next due
date is ``period`` months after it; a day the task did not run is caught up the next day
(the due date stays the same until the next one).

Entry points: the huey task ``tasks.pledge_reminders_task`` (daily) and
``manage.py send_pledge_reminders [--date YYYY-MM-DD] [--dry-run]``.
"""

import calendar
import datetime
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from withrefugees.core.outbox import outbox_enqueue

from .models import (
    DEFAULT_STALE_AFTER_MONTHS,
    Pledge,
    PledgeReminderSent,
    PledgeReminderSettings,
    PledgeStatus,
)
from .recipients import officer_recipients

logger = logging.getLogger(__name__)

#: The outbox kind of the reminder email (its handler: ``tasks.reminder_email``).
REMINDER = "pledge.progress_reminder"


# --- Calendar months --------------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months (negative: back), its day of the month
    clamped to the last day of the month reached: 31 August 2026 + 6 → 28 February 2027,
    31 August 2027 + 6 → 29 February 2028, 31 March − 1 → 28/29 February. (No
    ``dateutil`` in the project: its ``relativedelta`` does the same.)

    Clamped to the dates Python has: a month before January of year 1 gives ``date.min``
    (0001-01-01), one after December 9999 gives ``date.max`` (9999-12-31), never a
    ``ValueError`` ("year 0 is out of range")."""
    index = day.year * 12 + (day.month - 1) + months
    if index < datetime.MINYEAR * 12:
        return datetime.date.min
    if index > datetime.MAXYEAR * 12 + 11:
        return datetime.date.max
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from ``start`` to ``end``: the largest ``k`` with
    ``add_months(start, k) <= end`` (0 when ``end`` is before one month has passed, or
    before ``start``)."""
    if end < start:
        return 0
    k = (end.year - start.year) * 12 + end.month - start.month
    while k > 0 and add_months(start, k) > end:
        k -= 1
    return k


def stale_threshold(today: datetime.date, months: int) -> datetime.date:
    """The latest anchor that is stale on ``today``: ``add_months(anchor, months) <= today``
    exactly when ``anchor <= stale_threshold(today, months)`` (``add_months`` clamps, so
    when ``today`` is the last day of its month every later day of the month ``months``
    back counts too: on 28 February, 31 August is six months back)."""
    back = add_months(today, -months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        back = back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


def due_on(anchor: datetime.date, today: datetime.date, months: int) -> datetime.date | None:
    """The latest ``add_months(anchor, k * months)`` (k ≥ 1) not after ``today``, or None
    when the first is still to come. Each is computed from the anchor (never month by
    month), so that a clamped day does not drift: 31 August + 6 → 28 February, + 12 → 31
    August."""
    k = months_between(anchor, today) // months
    return add_months(anchor, k * months) if k >= 1 else None


# --- Settings and anchors -----------------------------------------------------------------
def stale_after_months() -> int:
    """The staff's period (``PledgeReminderSettings``), else ``DEFAULT_STALE_AFTER_MONTHS``."""
    value = (PledgeReminderSettings.objects.filter(pk=1)
             .values_list("stale_after_months", flat=True).first())
    return value or DEFAULT_STALE_AFTER_MONTHS


def today_in_japan() -> datetime.date:
    """Today's date in ``settings.TIME_ZONE`` (the campaign's)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def pledge_anchor(pledge: Pledge) -> datetime.date | None:
    """The date progress is counted from: the latest progress report's date, else the date
    the pledge was published, where its lead local government is; None for a pledge not
    published (or without ``published_at``)."""
    if pledge.status != PledgeStatus.PUBLISHED:
        return None
    if pledge.progress_reported_on is not None:
        return pledge.progress_reported_on
    if pledge.published_at is None:
        return None
    return timezone.localdate(pledge.published_at, lead_time_zone(pledge.local_government))


def lead_time_zone(local_government) -> zoneinfo.ZoneInfo:
    """The local government's time zone as step 3 picks it (``events.selectors_officer.
    default_time_zone``): the first of ``campaign.services.local_government_time_zones``
    (Asia/Tokyo for Japan), else ``settings.TIME_ZONE``."""
    from withrefugees.campaign.services import local_government_time_zones

    zones = local_government_time_zones(local_government)
    return zones[0] if zones else zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _candidates(today: datetime.date, months: int) -> QuerySet[Pledge]:
    """Published pledges that may be stale (a superset, by the database): a report on or
    before the threshold, or no report and published before noon UTC of the day after the
    threshold (midnight of that day in the westernmost zone, UTC−12)."""
    threshold = stale_threshold(today, months)
    latest = datetime.datetime.combine(threshold + datetime.timedelta(days=1),
                                       datetime.time(12), tzinfo=datetime.UTC)
    return (Pledge.objects.filter(status=PledgeStatus.PUBLISHED)
            .filter(Q(progress_reported_on__lte=threshold)
                    | Q(progress_reported_on__isnull=True, published_at__lt=latest))
            .select_related("local_government__country"))


def stale_pledge_anchors(today: datetime.date | None = None,
                         months: int | None = None) -> dict[int, datetime.date]:
    """``{pledge id: anchor}`` of the pledges stale on ``today`` (default: today in Japan)."""
    today = today or today_in_japan()
    months = months or stale_after_months()
    found = {}
    for pledge in _candidates(today, months):
        anchor = pledge_anchor(pledge)
        if anchor is not None and add_months(anchor, months) <= today:
            found[pledge.pk] = anchor
    return found


def stale_pledges(today: datetime.date | None = None) -> QuerySet[Pledge]:
    """The published pledges with no progress report for ``stale_after_months()`` months on
    ``today`` (default: today in Japan), as a QuerySet (the admin's list filters, searches
    and sorts it); oldest anchor first is up to the caller."""
    return Pledge.objects.filter(pk__in=list(stale_pledge_anchors(today)))


# --- Sending ----------------------------------------------------------------------------------
@dataclass
class PledgeReminderRun:
    """What ``send_pledge_reminders`` did on ``today``: the pledges ``reminded`` (ids) with
    ``emails`` promised in all; stale pledges ``already`` reminded for their due date;
    those whose lead has no officer (``without_officers``); those ``taken`` by another run
    meanwhile."""

    today: datetime.date
    months: int
    reminded: list[int] = field(default_factory=list)
    emails: int = 0
    already: list[int] = field(default_factory=list)
    without_officers: list[int] = field(default_factory=list)
    taken: list[int] = field(default_factory=list)


def reminder_send_one(*, pledge: Pledge, due: datetime.date,
                      anchor: datetime.date) -> PledgeReminderSent | None:
    """Remind the officers of ``pledge``'s lead of its due date ``due``: in one transaction,
    the ``PledgeReminderSent`` row and one outbox email per active officer. Returns the
    row; None when the lead has no officer (nothing written) or another run wrote it
    (nothing written)."""
    recipients = officer_recipients(pledge.local_government_id)
    if not recipients:
        return None
    try:
        with transaction.atomic():
            sent = PledgeReminderSent.objects.create(pledge=pledge, due_on=due)
            for user, language in recipients:
                outbox_enqueue(kind=REMINDER, recipient=user.email, language=language,
                               record=pledge,
                               args={"pledge_id": pledge.pk, "due_on": due.isoformat(),
                                     "anchor": anchor.isoformat(), "user_id": user.pk})
    except IntegrityError:
        return None
    sent.recipients = len(recipients)
    return sent


def send_pledge_reminders(today: datetime.date | None = None,
                          dry_run: bool = False) -> PledgeReminderRun:
    """Remind the officers of each stale pledge once for its due date (module docstring).
    ``dry_run``: only say what would be sent (``reminded``, ``emails``), write nothing.
    Never runs inside a transaction of the caller's (each pledge commits on its own)."""
    today = today or today_in_japan()
    months = stale_after_months()
    run = PledgeReminderRun(today=today, months=months)
    anchors = stale_pledge_anchors(today, months)
    done = set(PledgeReminderSent.objects.filter(pledge_id__in=list(anchors))
               .values_list("pledge_id", "due_on"))
    pledges = Pledge.objects.in_bulk(list(anchors))
    for pk in sorted(anchors):
        anchor = anchors[pk]
        due = due_on(anchor, today, months)
        if due is None:  # (cannot happen for a stale pledge)
            continue
        if (pk, due) in done:
            run.already.append(pk)
            continue
        pledge = pledges[pk]
        if dry_run:
            count = len(officer_recipients(pledge.local_government_id))
            (run.reminded if count else run.without_officers).append(pk)
            run.emails += count
            continue
        sent = reminder_send_one(pledge=pledge, due=due, anchor=anchor)
        if sent is not None:
            run.reminded.append(pk)
            run.emails += sent.recipients
        elif PledgeReminderSent.objects.filter(pledge_id=pk, due_on=due).exists():
            run.taken.append(pk)
        else:
            run.without_officers.append(pk)
    if run.reminded:
        logger.info("%s", reminder_summary(run, dry_run=dry_run))
    return run


def reminder_summary(run: PledgeReminderRun, *, dry_run: bool = False) -> str:
    """The log's (and the command's) line on ``run``."""
    if dry_run:
        return (f"Dry run, nothing sent: {len(run.reminded)} pledge(s) would be reminded "
                f"with {run.emails} email(s); {len(run.already)} already reminded for their "
                f"due date; {len(run.without_officers)} without officers "
                f"(period {run.months} months, {run.today}).")
    return (f"Pledge progress reminders: {len(run.reminded)} pledge(s) reminded, "
            f"{run.emails} email(s) queued; {len(run.already)} already reminded for their "
            f"due date; {len(run.without_officers)} without officers, {len(run.taken)} "
            f"taken by another run (period {run.months} months, {run.today}).")
