"""The environment-driven settings module, read in a fresh interpreter per case."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import json, django; from django.conf import settings as s; django.setup(); "
         "print(json.dumps({'backend': s.EMAIL_BACKEND, 'path': getattr(s, 'EMAIL_FILE_PATH', ''),"
         " 'host': getattr(s, 'EMAIL_HOST', ''), 'port': getattr(s, 'EMAIL_PORT', 0),"
         " 'db': s.DATABASES['default']['ENGINE'],"
         " 'init': s.DATABASES['default'].get('OPTIONS', {}).get('init_command', ''),"
         " 'cache': s.CACHES['default']['BACKEND'], 'huey': s.HUEY['huey_class'],"
         " 'debug': s.DEBUG}))")


def read_settings(tmp_path, **env) -> dict:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG")}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(tmp_path), **env)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_local_defaults(tmp_path):
    s = read_settings(tmp_path)
    assert s["debug"] is False
    assert s["db"] == "django.db.backends.sqlite3" and "journal_mode=WAL" in s["init"]
    assert s["backend"].endswith("filebased.EmailBackend")
    assert s["path"] == str(tmp_path / "mail")
    assert s["cache"].endswith("DatabaseCache") and s["huey"] == "huey.SqliteHuey"
    assert (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("url,expect", [
    ("smtp://127.0.0.1:2525", {"host": "127.0.0.1", "port": 2525}),
    ("filemail://var/mail", {"path": str(ROOT / "var" / "mail")}),
])
def test_email_url(tmp_path, url, expect):
    s = read_settings(tmp_path, EMAIL_URL=url)
    assert {k: s[k] for k in expect} == expect


def test_scale_out_settings(tmp_path):
    s = read_settings(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x",
                      REDIS_URL="redis://127.0.0.1:6379/1")
    assert s["db"] == "django.db.backends.postgresql" and s["init"] == ""
    assert s["cache"].endswith("RedisCache") and s["huey"] == "huey.RedisHuey"


def test_times_are_shown_in_the_reader_time_zone():
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils import timezone

    from withrefugees.core.middleware import TimezoneMiddleware

    seen = {}

    def view(request):
        seen["tz"] = str(timezone.get_current_timezone())
        return HttpResponse()

    middleware = TimezoneMiddleware(view)
    for cookie, expected in [("Europe/Zurich", "Europe/Zurich"), ("Not/AZone", "Asia/Tokyo"),
                             ("", "Asia/Tokyo")]:
        request = RequestFactory().get("/")
        request.COOKIES["tz"] = cookie
        middleware(request)
        assert seen["tz"] == expected
