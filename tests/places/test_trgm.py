"""The trigram index of the folded place search (places/migrations/0004_search_trgm; issue 6,
§10). On PostgreSQL the index exists and serves the search's filter; where the extension
cannot be created the migration logs and the search works without it; SQLite: no index."""

import importlib
import logging

import pytest
from django.db import DatabaseError, connection

from withrefugees.places.models import LocalGovernment
from withrefugees.places.selectors import folded_filter

pytestmark = pytest.mark.django_db
migration = importlib.import_module("withrefugees.places.migrations.0004_search_trgm")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # can the index serve it at all?
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgres_only
def test_the_index_exists_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [migration.INDEX])
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition and "search_key" in definition


@postgres_only
@pytest.mark.parametrize("query", ["shibuya", "しぶや区", "Shibuya City"])
def test_the_search_filters_use_the_index(query):
    """The filter of every place search; the directory's whole plan with ~34,400 published
    signatories is checked by ``bench/directory_search.py --explain`` (with the few of the
    test database the planner rightly starts from the signatures)."""
    assert migration.INDEX in _plan(folded_filter(LocalGovernment.objects.all(), query)
                                    .values_list("pk"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_has_no_trigram_index_and_searches_as_before():
    with connection.cursor() as cursor:
        names = [row[0] for row in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'")]
    assert migration.INDEX not in names
    assert [lg.name for lg in folded_filter(LocalGovernment.objects.all(), "しぶや")] == ["渋谷区"]


class _Refused:
    """A connection whose ``CREATE EXTENSION`` is refused, as for a user without the right."""

    vendor = "postgresql"
    alias = "default"

    def cursor(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        raise DatabaseError('permission denied to create extension "pg_trgm"')


def test_a_refused_extension_is_logged_and_the_migration_goes_on(caplog):
    editor = type("Editor", (), {"connection": _Refused()})()
    with caplog.at_level(logging.WARNING):
        migration.create_index(None, editor)  # does not raise
    assert "trigram index not created" in caplog.text and "permission denied" in caplog.text
    assert [lg.name for lg in folded_filter(LocalGovernment.objects.all(), "渋谷")] == ["渋谷区"]
