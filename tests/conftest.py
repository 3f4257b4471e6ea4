"""Shared fixtures: reference data loaded once per test database, tasks run in-process,
rate limits off unless a test turns them on, browser tests last."""

import pytest
from django.core.management import call_command
from django.utils import translation
from huey.contrib.djhuey import HUEY


def pytest_collection_modifyitems(items):
    # Browser tests use a live server and a flushed database: run them after the rest.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
        call_command("load_campaign_data", verbosity=0)
        call_command("sync_roles", verbosity=0)  # as the release step does


@pytest.fixture(autouse=True)
def _tasks_immediate_and_no_ratelimit(settings):
    translation.activate(settings.LANGUAGE_CODE)  # no test inherits another's language
    HUEY.immediate = True  # queued tasks run right after commit, in this process
    settings.RATELIMIT_ENABLE = False
    settings.PAGE_CACHE_SECONDS = 0  # whole-page cache off; tests/core/test_pagecache.py on
    if settings.REDIS_URL:
        # Redis keeps what tests count (django-allauth's rate limits live in the default
        # cache) from one test to the next; the database cache is rolled back with each
        # test, Redis is emptied here.
        from django.core.cache import caches

        caches["default"].clear()
    settings.SITE_URL = "http://testserver"
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    yield


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, with an authenticator app (TOTP): staff without one
    cannot reach the admin (``accounts.rules``)."""
    from tests.factories import give_totp

    give_totp(admin_user)
    return admin_user


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with after-commit callbacks (queued emails) run after each request,
    as they would be when the request's transaction commits."""
    original = client.request

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(**kwargs)

    client.request = request
    return client
