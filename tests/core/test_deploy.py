"""Production as the README documents it: `check --deploy` clean with its values, no start
without a secret key, rate-limit counters exact across processes."""

import json
import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.checks import Error
from django.test import override_settings

from withrefugees.core.checks import check_ratelimit_cache

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Behind a reverse proxy / in production"


def readme_production_env() -> dict[str, str]:
    """The `KEY=value` lines of the first code block of the README's production section;
    a value in angle brackets (the secret key) is a placeholder for a random value."""
    text = (ROOT / "README.md").read_text()
    assert SECTION in text
    block = re.search(r"```sh\n(.*?)```", text.split(SECTION, 1)[1], re.S).group(1)
    values = {}
    for line in block.splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            values[name] = secrets.token_urlsafe(50) if value.startswith("<") else value
    return values


def manage(tmp_path, *args, **env):
    """Run manage.py with only the given variables (plus PATH and a private VAR_DIR)."""
    environment = {"PATH": os.environ["PATH"], "VAR_DIR": str(tmp_path),
                   "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True)


def test_the_readme_documents_the_production_switches():
    env = readme_production_env()
    assert env["DEPLOYMENT"] == "production"
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXIES",
            "DATABASE_URL", "REDIS_URL"} <= env.keys()


def test_check_deploy_is_clean_with_the_documented_production_values(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                    **readme_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_production(tmp_path):
    """The test above can fail: the local defaults are not fit for production."""
    env = {**readme_production_env(), "DEPLOYMENT": "local"}
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = {k: v for k, v in readme_production_env().items() if k != "SECRET_KEY"}
    result = manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "needs SECRET_KEY" in result.stderr and "same" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no key made up on this host


@pytest.mark.parametrize("key", [
    '<one random key for all servers and workers: python3 -c "import secrets; '
    'print(secrets.token_urlsafe(50))">',  # the README's placeholder, copied as it is
    "short-key", "x" * 49, "a" * 30 + " " + "b" * 30, "a" * 60, "abcd" * 15,
    "django-insecure-" + "k3y" * 20])
def test_production_refuses_a_placeholder_or_short_secret_key(tmp_path, key):
    result = manage(tmp_path, "check", **{**readme_production_env(), "SECRET_KEY": key})
    assert result.returncode != 0 and "placeholder or is too short" in result.stderr
    fallback = manage(tmp_path, "check", **{**readme_production_env(),
                                           "SECRET_KEY_FALLBACKS": key})
    assert fallback.returncode != 0 and "SECRET_KEY_FALLBACKS" in fallback.stderr


def test_production_switches_can_be_turned_off(tmp_path):
    env = {**readme_production_env(), "SECURE_SSL_REDIRECT": "false",
           "SECURE_HSTS_SECONDS": "0"}
    result = manage(tmp_path, "check", "--deploy", **env)
    assert "security.W004" in result.stderr and "security.W008" in result.stderr
    assert "security.W012" not in result.stderr


def test_the_ratelimit_cache_must_be_atomic():
    assert check_ratelimit_cache(None) == []
    for backend in ("django.core.cache.backends.db.DatabaseCache",
                    "django.core.cache.backends.locmem.LocMemCache",
                    "django.core.cache.backends.filebased.FileBasedCache"):
        with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": "x"},
                                       "ratelimit": {"BACKEND": backend, "LOCATION": "x"}}):
            [error] = check_ratelimit_cache(None)
            assert isinstance(error, Error) and error.id == "core.E001"
    with override_settings(RATELIMIT_USE_CACHE="missing"):
        assert [e.id for e in check_ratelimit_cache(None)] == ["core.E001"]


# Each process makes ATTEMPTS rate-limited requests from one client through django-ratelimit,
# starting together; then reports how many were let through.
WORKER = """
import json, sys, time
import django
django.setup()
from django.conf import settings
settings.CACHES["ratelimit"] = json.loads(sys.argv[1])
from django.core.cache import caches
from django.test import RequestFactory
from django_ratelimit.core import get_usage
group, attempts, start = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5")
caches["ratelimit"].get("warm-up")
while time.time() < start:
    time.sleep(0.001)
allowed = 0
for _ in range(attempts):
    usage = get_usage(request, group=group, key="ip", rate="250/h", increment=True)
    allowed += not usage["should_limit"]
print(json.dumps({"allowed": allowed, "count": usage["count"]}))
"""


@pytest.mark.parametrize("which", ["diskcache", "configured"])
def test_rate_limit_counts_are_exact_across_processes(tmp_path, settings, which):
    config = {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(tmp_path / "ratelimit"),
              "SHARDS": 4, "DATABASE_TIMEOUT": 0.1}
    if which == "configured":
        if settings.CACHES["ratelimit"]["BACKEND"] == config["BACKEND"]:
            pytest.skip("the configured rate-limit cache is diskcache (tested above)")
        config = settings.CACHES["ratelimit"]
    processes, attempts = 6, 100
    group = f"test-{uuid.uuid4()}"
    start = time.time() + 4  # every process set up and waiting
    env = {**os.environ, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    running = [subprocess.Popen([sys.executable, "-c", WORKER, json.dumps(config), group,
                                 str(attempts), str(start)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(processes)]
    results = []
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["allowed"] for r in results) == 250
    assert max(r["count"] for r in results) == processes * attempts
