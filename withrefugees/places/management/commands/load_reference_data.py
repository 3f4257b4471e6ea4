"""``manage.py load_reference_data [--force]``: load countries, regions and local governments."""

import time

from django.core.management.base import BaseCommand

from withrefugees.places.services import reference_data_load


class Command(BaseCommand):
    help = "Load the offline reference data (idempotent; unchanged datasets are skipped)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="reload even if unchanged")

    def handle(self, *args, force: bool = False, **options):
        started = time.perf_counter()
        result = reference_data_load(force=force)
        for name, rows in result.items():
            state = "up to date" if rows is None else f"{rows} rows loaded"
            self.stdout.write(f"reference data: {name}: {state}")
        self.stdout.write(f"reference data: done in {time.perf_counter() - started:.1f} s")
