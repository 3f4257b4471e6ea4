"""The World Refugee Day reminder: before 20 June, each signatory local government is invited,
once a year, to register a light-up or an event (issue 9 §4).

When: from the reminder date of the year (``ReminderSchedule.send_on``, set by staff
through ``services_review.reminder_schedule_set``; without a row, ``DEFAULT_WEEKS_BEFORE``
weeks before 20 June, i.e. 9 May) up to and including 20 June, in the project's time zone
(``settings.TIME_ZONE``, Japan). A day the task did not run is caught up on the next run;
after 20 June nothing more is sent for that year.

Who: every local government with a published signature (``campaign.selectors.
public_signatures``) that has at least one active officer and no ``ReminderSent`` row for
the year. Each of its officers gets ONE email in their own language
(``tasks.officer_recipients``). A local government without officers is left for a later
run (an officer may join before 20 June).

Once, surviving crashes and concurrent runs: for each local government, the
``ReminderSent`` row and its outbox rows (``core.outbox``) are written in ONE transaction.
A crash before its commit leaves nothing (the next run sends it); after it, the row is
there and the emails are promised (the outbox delivers them, also after a restart). Two
runs at once: the unique constraint ``reminder_once_per_year`` lets one insert win; the
other gets an ``IntegrityError`` for that local government, its transaction (emails
included) is rolled back, and it goes on with the next one.

Entry points: the huey task ``tasks.world_refugee_day_reminders_task`` (daily), and
``manage.py send_wrd_reminders [--date YYYY-MM-DD] [--dry-run]`` for staff.
"""

import datetime
import logging
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from withrefugees.campaign.selectors import public_signatures
from withrefugees.core.outbox import outbox_enqueue

from .models import ReminderSchedule, ReminderSent
from .recipients import officer_recipients

logger = logging.getLogger(__name__)

#: The outbox kind of the reminder email (its handler: ``tasks.reminder_email``).
REMINDER = "events.reminder"
#: Without a ``ReminderSchedule`` row, the reminder goes out this many weeks before 20 June.
DEFAULT_WEEKS_BEFORE = 6
WORLD_REFUGEE_DAY = (6, 20)  # month, day


def world_refugee_day(year: int) -> datetime.date:
    """20 June of ``year``."""
    return datetime.date(year, *WORLD_REFUGEE_DAY)


def default_send_on(year: int) -> datetime.date:
    """``DEFAULT_WEEKS_BEFORE`` weeks before 20 June of ``year`` (9 May)."""
    return world_refugee_day(year) - datetime.timedelta(weeks=DEFAULT_WEEKS_BEFORE)


def send_on(year: int) -> datetime.date:
    """The reminder date of ``year``: the staff's ``ReminderSchedule``, else
    ``default_send_on``."""
    row = ReminderSchedule.objects.filter(year=year).values_list("send_on", flat=True).first()
    return row or default_send_on(year)


def today_in_japan() -> datetime.date:
    """Today's date in ``settings.TIME_ZONE`` (the campaign's)."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))


def due_year(today: datetime.date) -> int | None:
    """The year whose reminders are due on ``today`` (from its reminder date to 20 June
    inclusive), else None."""
    year = today.year
    return year if send_on(year) <= today <= world_refugee_day(year) else None


def is_signatory(local_government_id: int) -> bool:
    """Whether the local government has a published signature now."""
    return public_signatures().filter(local_government_id=local_government_id).exists()


def signatory_ids() -> list[int]:
    """Ids of the local governments with a published signature, ascending (one query)."""
    return sorted(set(public_signatures().values_list("local_government_id", flat=True)))


def pending_ids(year: int) -> list[int]:
    """Signatories not yet reminded of ``year`` (two queries)."""
    done = set(ReminderSent.objects.filter(year=year)
               .values_list("local_government_id", flat=True))
    return [pk for pk in signatory_ids() if pk not in done]


@dataclass
class ReminderRun:
    """What ``reminders_send`` did: ``year`` (None: none due on ``today``), the local
    governments ``reminded`` (ids) with ``emails`` promised in all, those left ``without
    officers``, those ``taken`` by another run meanwhile."""

    today: datetime.date
    year: int | None = None
    reminded: list[int] = field(default_factory=list)
    emails: int = 0
    without_officers: list[int] = field(default_factory=list)
    taken: list[int] = field(default_factory=list)


def _queue(sent: ReminderSent, recipients) -> int:
    for user, language in recipients:
        outbox_enqueue(kind=REMINDER, recipient=user.email, language=language, record=sent,
                       args={"local_government_id": sent.local_government_id,
                             "year": sent.year, "user_id": user.pk})
    return len(recipients)


def reminder_send_one(*, local_government_id: int, year: int) -> ReminderSent | None:
    """Remind one local government of World Refugee Day ``year``: in one transaction, its
    ``ReminderSent`` row and one outbox email per active officer. Returns the row; None when
    it has no officer (nothing written) or was reminded already (by another run: the
    unique constraint refused the row, nothing written)."""
    recipients = officer_recipients(local_government_id)
    if not recipients:
        return None
    try:
        with transaction.atomic():
            sent = ReminderSent.objects.create(local_government_id=local_government_id,
                                               year=year, recipients=len(recipients))
            _queue(sent, recipients)
    except IntegrityError:
        return None
    return sent


def reminders_send(*, today: datetime.date | None = None, dry_run: bool = False) -> ReminderRun:
    """Send the reminders due on ``today`` (default: today in Japan); see the module
    docstring. ``dry_run``: only say who would be reminded (``reminded`` lists them,
    ``emails`` counts their officers), write nothing. Never runs inside a transaction of
    the caller's (each local government commits on its own)."""
    today = today or today_in_japan()
    run = ReminderRun(today=today, year=due_year(today))
    if run.year is None:
        return run
    for lg_id in pending_ids(run.year):
        if dry_run:
            count = len(officer_recipients(lg_id))
            (run.reminded if count else run.without_officers).append(lg_id)
            run.emails += count
            continue
        sent = reminder_send_one(local_government_id=lg_id, year=run.year)
        if sent is not None:
            run.reminded.append(lg_id)
            run.emails += sent.recipients
        elif ReminderSent.objects.filter(local_government_id=lg_id, year=run.year).exists():
            run.taken.append(lg_id)
        else:
            run.without_officers.append(lg_id)
    if run.reminded:
        logger.info("%s", reminder_summary(run, dry_run=dry_run))
    return run


def reminder_summary(run: ReminderRun, *, dry_run: bool = False) -> str:
    """The log's line on ``run`` (a year was due): what was sent, or with ``dry_run`` what
    would be (nothing was)."""
    if dry_run:
        return (f"Dry run, nothing sent: World Refugee Day {run.year} would remind "
                f"{len(run.reminded)} local government(s) with {run.emails} email(s); "
                f"{len(run.without_officers)} without officers.")
    return (f"World Refugee Day {run.year} reminders: {len(run.reminded)} local "
            f"government(s) reminded, {run.emails} email(s) queued; "
            f"{len(run.without_officers)} without officers, {len(run.taken)} taken by "
            f"another run.")
