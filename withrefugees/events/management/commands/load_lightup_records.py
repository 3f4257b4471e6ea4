"""``manage.py load_lightup_records``: the campaign's attested World Refugee Day light-ups in
Japan and the totals reported for each year (``events.records``)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from withrefugees.events.records import LIGHTUPS_FILE, lightup_records_load


class Command(BaseCommand):
    help = ("Load the campaign's list of World Refugee Day light-ups in Japan "
            "(events/data/lightups-japan.csv) as past light-ups with their landmarks and "
            "sources, and the totals reported for each year; idempotent. Prints every row "
            "that did not match a reference local government or whose dates were not used.")

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=LIGHTUPS_FILE,
                            help="the list to load (default: %(default)s)")
        parser.add_argument("--force", action="store_true",
                            help="compare every row even if the file is the one loaded last")

    def handle(self, *args, **options):
        report = lightup_records_load(path=options["file"], force=options["force"])
        if not options["verbosity"]:
            return
        if report.up_to_date:
            self.stdout.write(f"light-up records: {report.rows} rows, already loaded")
            return
        counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items()))
        totals = ", ".join(f"{k} {v}" for k, v in sorted(report.totals.items())) or "unchanged"
        self.stdout.write(f"light-up records: {report.rows} rows: {counts}; landmarks created "
                          f"{report.landmarks_created}; reported totals {totals}")
        for r in report.lines:
            where = f"line {r.line}" if r.line else "record"
            self.stdout.write(f"  {where}: {r.year} {r.landmark} ({r.municipality}): "
                              f"{r.outcome}{' – ' + r.detail if r.detail else ''}")
