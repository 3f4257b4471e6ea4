"""``manage.py send_wrd_reminders [--date YYYY-MM-DD] [--dry-run]``: the World Refugee Day
reminders due on a day (``events.reminders``), as the daily task sends them."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from withrefugees.events import reminders


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date: {text!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = ("Send the World Refugee Day reminders due on a day (default: today in Japan): "
            "each signatory local government not yet reminded this year gets one email per "
            "officer. Safe to run again: nothing is sent twice.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as on this day (YYYY-MM-DD)")
        parser.add_argument("--dry-run", action="store_true",
                            help="only list who would be reminded; write nothing")

    def handle(self, *args, **options):
        today = _date(options["date"]) if options["date"] else None
        run = reminders.reminders_send(today=today, dry_run=options["dry_run"])
        if not options["verbosity"]:
            return
        if run.year is None:
            self.stdout.write(
                f"{run.today}: reminders are not due (they go out from "
                f"{reminders.send_on(run.today.year)} to "
                f"{reminders.world_refugee_day(run.today.year)})")
            return
        prefix = "dry run: would remind" if options["dry_run"] else "reminded"
        self.stdout.write(f"World Refugee Day {run.year}: {prefix} {len(run.reminded)} local "
                          f"government(s), {run.emails} email(s); without officers "
                          f"{len(run.without_officers)}; already reminded by another run "
                          f"{len(run.taken)}")
