"""``manage.py release``: everything a deploy does to the database, once, before servers and
workers start (servers and workers never migrate).

Steps, in order (each a management command of the app that owns it, so core imports no
app): ``upgrade_legacy_accounts`` (a database from before the accounts app, see
``accounts.legacy``) → ``migrate`` → ``createcachetable`` → ``load_reference_data`` →
``load_campaign_data`` → ``load_signatory_records`` → ``load_lightup_records`` →
``sync_roles``. Every step is
idempotent: a second run changes nothing.

Runs started together (two servers or deploy scripts) are serialised, so the second waits
and then finds nothing to do (without this, one of two concurrent ``migrate`` runs fails,
e.g. ``MigrationSchemaMissing`` on PostgreSQL):
- PostgreSQL: a session advisory lock (``pg_advisory_lock``) on a connection of its own;
  with PgBouncer in transaction mode, run the release against the database directly;
- SQLite: an exclusive ``flock`` on ``<database file>.release-lock`` next to the file.
"""

import fcntl
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from withrefugees.core.pagecache import public_pages_changed

# pg_advisory_lock takes a bigint: a fixed key for "the release of this project".
ADVISORY_LOCK_KEY = zlib.crc32(b"withrefugees.release")


@contextmanager
def release_lock(alias: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Hold the release lock of database ``alias`` for the duration of the block, waiting
    for another holder to finish. Yields how it locks (for the log)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        locker = connections.create_connection(alias)  # a session of its own
        try:
            with locker.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            try:
                yield "PostgreSQL advisory lock"
            finally:
                with locker.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
        finally:
            locker.close()
    elif connection.vendor == "sqlite" and not connection.is_in_memory_db():
        path = Path(str(connection.settings_dict["NAME"]) + ".release-lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield f"file lock {path}"
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    else:
        yield "no lock (in-memory or unsupported database)"


class Command(BaseCommand):
    help = ("Release step of a deploy, run once before starting servers and workers: "
            "upgrade an old database, migrate, create the cache table, load reference and "
            "campaign data and records, sync staff roles. Safe to start concurrently.")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        started = time.perf_counter()
        with release_lock() as how:
            if verbosity > 1:
                self.stdout.write(f"release: holding the {how}")
            call_command("upgrade_legacy_accounts", verbosity=verbosity)
            call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
            call_command("createcachetable", verbosity=max(verbosity - 1, 0))
            call_command("load_reference_data", verbosity=verbosity)
            call_command("load_campaign_data", verbosity=verbosity)
            call_command("load_signatory_records", verbosity=verbosity)
            call_command("load_lightup_records", verbosity=verbosity)
            call_command("sync_roles", verbosity=verbosity)
        public_pages_changed()  # loaded data shows on cached public pages (core.pagecache)
        if verbosity:
            self.stdout.write(f"release: done in {time.perf_counter() - started:.1f} s")
