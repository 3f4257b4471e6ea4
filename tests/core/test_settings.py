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
         " 'ratelimit_cache': s.CACHES[s.RATELIMIT_USE_CACHE],"
         " 'conn_max_age': s.DATABASES['default']['CONN_MAX_AGE'],"
         " 'conn_health_checks': s.DATABASES['default']['CONN_HEALTH_CHECKS'],"
         " 'ip_key': s.RATELIMIT_IP_META_KEY, 'trusted_proxies': s.TRUSTED_PROXIES,"
         " 'ssl_header': s.SECURE_PROXY_SSL_HEADER, 'ssl_redirect': s.SECURE_SSL_REDIRECT,"
         " 'hsts': [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
         " s.SECURE_HSTS_PRELOAD], 'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE],"
         " 'debug': s.DEBUG, 'gcr': s.GCR_PLEDGE_EMAIL}))")
# Variables these tests set themselves: a value in the calling shell must not leak in.
# A production-grade key (50+ characters, several different ones).
KEY = "k3y-A" * 11
OWN = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DEBUG", "DEPLOYMENT", "SECRET_KEY",
       "TRUSTED_PROXIES", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "SECURE_PROXY_SSL_HEADER",
       "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
       "SECURE_HSTS_PRELOAD", "SECURE_COOKIES", "GCR_PLEDGE_EMAIL")


def run_probe(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in OWN}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment,
                          capture_output=True, text=True)


def read_settings(tmp_path, **env) -> dict:
    result = run_probe(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_local_defaults(tmp_path):
    s = read_settings(tmp_path)
    assert s["debug"] is False
    assert s["db"] == "django.db.backends.sqlite3" and "journal_mode=WAL" in s["init"]
    assert s["backend"].endswith("filebased.EmailBackend")
    assert s["path"] == str(tmp_path / "mail")
    assert s["cache"].endswith("DatabaseCache") and s["huey"] == "huey.SqliteHuey"
    assert (tmp_path / "secret_key").exists()
    assert s["ratelimit_cache"]["BACKEND"] == "diskcache.DjangoCache"
    assert s["ratelimit_cache"]["LOCATION"] == str(tmp_path / "ratelimit")
    assert s["conn_max_age"] == 60 and s["conn_health_checks"] is True
    assert s["ip_key"] == "withrefugees.core.net.client_ip" and s["trusted_proxies"] == []
    assert s["ssl_header"] is None and s["ssl_redirect"] is False
    assert s["hsts"] == [0, False, False] and s["cookies"] == [False, False]
    # A local or test server never emails UNHCR's GCR mailbox.
    assert s["gcr"] == "gcr-pledges@withrefugees.localhost"


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
    assert s["ratelimit_cache"]["BACKEND"].endswith("RedisCache")
    assert s["ratelimit_cache"]["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_production_defaults_are_secure(tmp_path):
    s = read_settings(tmp_path, DEPLOYMENT="production", SECRET_KEY=KEY)
    assert s["ssl_redirect"] is True
    assert s["hsts"] == [365 * 24 * 3600, True, True] and s["cookies"] == [True, True]
    assert not (tmp_path / "secret_key").exists()
    assert s["gcr"] == "hqgcr@unhcr.org"  # the GCR pledge mailbox of the brochure


def test_each_switch_wins_over_the_deployment_default(tmp_path):
    s = read_settings(tmp_path, DEPLOYMENT="production", SECRET_KEY=KEY,
                      SECURE_SSL_REDIRECT="false", SECURE_HSTS_SECONDS="0",
                      SECURE_HSTS_INCLUDE_SUBDOMAINS="false", SECURE_HSTS_PRELOAD="false",
                      SECURE_COOKIES="false")
    assert s["ssl_redirect"] is False and s["hsts"] == [0, False, False]
    assert s["cookies"] == [False, False]
    s = read_settings(tmp_path, SECURE_SSL_REDIRECT="true", SECURE_HSTS_SECONDS="600",
                      SECURE_COOKIES="true")
    assert s["ssl_redirect"] is True and s["hsts"] == [600, False, False]
    assert s["cookies"] == [True, True]


@pytest.mark.parametrize("value,expected", [
    ("X-Forwarded-Proto", ["HTTP_X_FORWARDED_PROTO", "https"]),
    ("x-forwarded-proto", ["HTTP_X_FORWARDED_PROTO", "https"]),
    ("HTTP_X_FORWARDED_PROTO", ["HTTP_X_FORWARDED_PROTO", "https"]),
    ("X-Forwarded-Ssl-Scheme", ["HTTP_X_FORWARDED_SSL_SCHEME", "https"]),
    ("", None),
])
def test_proxy_ssl_header(tmp_path, value, expected):
    assert read_settings(tmp_path, SECURE_PROXY_SSL_HEADER=value)["ssl_header"] == expected


def test_trusted_proxies_and_connections(tmp_path):
    s = read_settings(tmp_path, TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1,2001:db8::/32",
                      CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="false")
    assert s["trusted_proxies"] == ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"]
    assert s["conn_max_age"] == 0 and s["conn_health_checks"] is False


@pytest.mark.parametrize("env,message", [
    ({"TRUSTED_PROXIES": "10.0.0.0/8,proxy.example"}, "'proxy.example' is not an IP address"),
    ({"DEPLOYMENT": "prod"}, "DEPLOYMENT must be 'local' or 'production'"),
    ({"DEPLOYMENT": "production"}, "DEPLOYMENT=production needs SECRET_KEY"),
])
def test_wrong_values_refuse_to_start(tmp_path, env, message):
    result = run_probe(tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


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
