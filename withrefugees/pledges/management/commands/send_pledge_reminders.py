"""``manage.py send_pledge_reminders [--date YYYY-MM-DD] [--dry-run]``: the reminders to
report progress on stale pledges due on a day (``pledges.reminders``), as the daily task
sends them."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from withrefugees.pledges import reminders

#: The days the command runs as: pledges to the GCR start with the New York Declaration
#: (2016); the last day leaves room for a due date months ahead within Python's dates.
FIRST_DAY = datetime.date(2016, 1, 1)
LAST_DAY = datetime.date(9999, 6, 30)


def _date(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date: {text!r} is not a date (YYYY-MM-DD)") from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CommandError(f"--date: {text} is outside the range the reminders run in "
                           f"({FIRST_DAY} to {LAST_DAY})")
    return day


class Command(BaseCommand):
    help = ("Remind the officers of each published pledge with no progress report for the "
            "period staff set (6 months by default) to report its progress, once per pledge "
            "and due date (default: today in Japan). Safe to run again: nothing is sent "
            "twice.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as on this day (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true",
                            help="only count who would be reminded; write nothing")

    def handle(self, *args, **options):
        today = _date(options["date"]) if options["date"] else None
        run = reminders.send_pledge_reminders(today=today, dry_run=options["dry_run"])
        if options["verbosity"]:
            self.stdout.write(reminders.reminder_summary(run, dry_run=options["dry_run"]))
