"""Benchmark: directory and autocomplete search over the full reference data.

Every reference local government (47 prefectures, 1,741 municipalities, ~32,600 GeoNames
cities) is made a published signatory in a separate database, then each query is timed
through the selector and through the whole page (Django test client). Prints medians.

    .venv/bin/python bench/directory_search.py            # SQLite file var/bench.sqlite3
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \
        .venv/bin/python bench/directory_search.py [--without-index] [--explain]

After the bulk insert the tables are analysed (``ANALYZE``), as autovacuum or a DBA would
after such a load; without it PostgreSQL plans with the empty table's statistics (a nested
loop over every signature, ~100 ms a search). On PostgreSQL the trigram index of
``places/migrations/0004_search_trgm`` is used when present; ``--without-index`` drops it to
time the fallback (a later run without the flag creates it again). ``--explain`` prints the
plan of the directory query for ``shibuya`` and ``渋谷``.
"""

import argparse
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL",
                                            f"sqlite:///{VAR / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ["PAGE_CACHE_SECONDS"] = "0"  # time the rendering, not core.pagecache
os.environ.setdefault("STATICFILES_BACKEND",
                      "django.contrib.staticfiles.storage.StaticFilesStorage")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from withrefugees.campaign import selectors  # noqa: E402
from withrefugees.campaign.models import Signature  # noqa: E402
from withrefugees.places.models import LocalGovernment  # noqa: E402
from withrefugees.places.selectors import local_government_search  # noqa: E402

QUERIES = ["渋谷", "しぶや", "ｼﾌﾞﾔ", "shibuya", "Shibuya City", "府中", "伊達", "paris",
           "São Paulo", "zzzz"]
RUNS = 7


def prepare() -> int:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    call_command("load_campaign_data", verbosity=0)
    text = selectors.statement_text_current("ja")
    missing = LocalGovernment.objects.exclude(signatures__status="published")
    now = timezone.now()
    Signature.objects.bulk_create(
        [Signature(local_government=lg, status="published", statement_text=text,
                   statement_hash=text.content_hash, language="ja", published_at=now,
                   signatory_name="bench", origin="campaign_record")
         for lg in missing.only("pk")], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Signature.objects.published().count()


def trigram_index(present: bool) -> str:
    """Create or drop the trigram index (PostgreSQL); say which it is."""
    if connection.vendor != "postgresql":
        return "none (SQLite)"
    migration = importlib.import_module("withrefugees.places.migrations.0004_search_trgm")
    if present:
        with connection.schema_editor() as editor:
            migration.create_index(None, editor)
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {migration.INDEX}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE places_localgovernment")
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [migration.INDEX])
        return "pg_trgm GIN on search_key" if cursor.fetchone() else "none (fallback scan)"


def explain(query: str) -> None:
    qs = selectors.directory(query=query).values_list("pk", "local_government__name")[:30]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        print(f"plan for {query!r}:")
        print("\n".join("  " + row[0] for row in cursor.fetchall()
                        if "Sort Key" not in row[0]))


def median_ms(fn) -> float:
    fn()  # warm
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--without-index", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    published = prepare()
    index = trigram_index(not args.without_index)
    print(f"database: {connection.vendor}; published signatories: {published:,}; "
          f"index: {index}")
    if args.explain:
        with translation.override("ja"):
            for q in ("shibuya", "渋谷"):
                explain(q)
    client = Client()
    print(f"{'query':<14} {'hits':>6} {'directory ms':>13} {'page ms':>9} {'autocomplete ms':>16}")
    with translation.override("ja"):
        for q in QUERIES:
            qs = selectors.directory(query=q)
            hits = qs.count()
            d = median_ms(lambda q=q: (selectors.directory(query=q).count(),
                                       list(selectors.directory(query=q)[:30])))
            p = median_ms(lambda q=q: client.get("/ja/signatories/", {"q": q}))
            a = median_ms(lambda q=q: local_government_search(q))
            print(f"{q:<14} {hits:>6} {d:>13.1f} {p:>9.1f} {a:>16.1f}")
        p = median_ms(lambda: client.get("/ja/signatories/", {"sort": "-date", "page": 500}))
        print(f"unfiltered directory, page 500, sorted by date: {p:.1f} ms")


if __name__ == "__main__":
    main()
