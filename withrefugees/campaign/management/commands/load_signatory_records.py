"""``manage.py load_signatory_records``: the campaign's attested list of signatories."""

from pathlib import Path

from django.core.management.base import BaseCommand

from withrefugees.campaign.records import SIGNATORIES_FILE
from withrefugees.campaign.seed import signatory_records_load


class Command(BaseCommand):
    help = ("Load the campaign's list of signatories (campaign/data/signatories.csv) as "
            "published signatures of record, matched to the reference places; idempotent. "
            "Prints every row that did not match a reference place or was not loaded.")

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=SIGNATORIES_FILE,
                            help="the list to load (default: %(default)s)")
        parser.add_argument("--report", type=Path,
                            help="also write the report lines to this CSV file")

    def handle(self, *args, **options):
        report = signatory_records_load(path=options["file"])
        if options["report"]:
            report.write_csv(options["report"])
        if not options["verbosity"]:
            return
        counts = ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items()))
        self.stdout.write(f"signatory records: {report.rows} rows: {counts}; "
                          f"new places {report.new_places}")
        if report.counts.get("unchanged") == report.rows:
            return  # nothing new: the report was given when the rows were loaded
        for r in report.lines:
            self.stdout.write(f"  line {r.line}: {r.name} ({r.country}"
                              f"{', ' + r.region if r.region else ''}): {r.outcome}"
                              f"{' – ' + r.detail if r.detail else ''}")
