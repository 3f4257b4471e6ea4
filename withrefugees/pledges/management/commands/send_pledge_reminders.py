"""``manage.py send_pledge_reminders [--date YYYY-MM-DD] [--dry-run]``: the reminders to
report progress on stale pledges due on a day (``pledges.reminders``), as the daily task
sends them."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from withrefugees.pledges import reminders


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date: {text!r} is not a date (YYYY-MM-DD)") from exc


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
