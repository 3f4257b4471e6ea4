"""Helpers of the race tests: requests sent at the same moment from real threads, each with
its own database connection, on PostgreSQL (SQLite runs one writing transaction at a time,
``BEGIN IMMEDIATE``, and hides races).

The tests are transactional (``django_db(transaction=True)``): the threads must see each
other's commits. Django empties the database after each such test, so ``reference_data``
loads the reference and campaign data again when a test finds them gone, and
``restore_data_after_module`` leaves them loaded for the tests that follow."""

import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, connections

from withrefugees.places.models import LocalGovernment

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="races need concurrent writers: SQLite runs one writing transaction at a time "
           "(BEGIN IMMEDIATE); run with DATABASE_URL=postgres://... (CI does)")


def load_data() -> None:
    call_command("load_reference_data", verbosity=0)
    call_command("load_campaign_data", verbosity=0)
    call_command("sync_roles", verbosity=0)


@pytest.fixture(scope="module")
def restore_data_after_module(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        if not LocalGovernment.objects.exists():
            load_data()


@pytest.fixture
def reference_data(restore_data_after_module, transactional_db):
    if not LocalGovernment.objects.exists():
        load_data()


def at_once(count: int, work: Callable[[int], object], timeout: float = 60) -> list:
    """Run ``work(0)`` … ``work(count - 1)`` in ``count`` threads released together; their
    results (or the exception each raised), in order. Each thread closes its connection."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = work(index)
        except BaseException as exc:  # noqa: BLE001 (reported to the test)
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a request did not finish"
    return results
