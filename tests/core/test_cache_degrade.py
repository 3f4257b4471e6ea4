"""Redis unreachable (issue 6, §3): pages, the sign POST and the place search still answer,
rate limits count in the process's memory, the log says Redis is down (at most once a
minute), and the promised email waits in the outbox.

Redis is "down" at a closed port (redis://127.0.0.1:1/0): connection refused at once."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches

from tests.campaign.test_signing import sign
from withrefugees.campaign import tasks
from withrefugees.campaign.models import Signature
from withrefugees.core import cache as degrading
from withrefugees.core import outbox
from withrefugees.core.outbox import outbox_for_record

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DOWN = "redis://127.0.0.1:1/0"
BACKEND = "withrefugees.core.cache.DegradingRedisCache"


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The caches of settings.py under REDIS_URL, Redis unreachable, rate limits on."""
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    settings.CACHES = {
        "default": {"BACKEND": BACKEND, "LOCATION": DOWN, "OPTIONS": options},
        "ratelimit": {"BACKEND": BACKEND, "LOCATION": DOWN, "KEY_PREFIX": "ratelimit",
                      "OPTIONS": options}}
    settings.RATELIMIT_ENABLE = True
    monkeypatch.setattr(degrading, "_down_until", {})
    monkeypatch.setattr(degrading, "_last_warning", {})

    def queue_down(email_id):  # huey's RedisHuey at the same address
        from redis.exceptions import ConnectionError

        raise ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(outbox, "outbox_deliver_task", queue_down)
    yield
    for alias in ("default", "ratelimit"):
        caches[alias].close()


def test_sign_post_and_place_search_answer_with_redis_down(client, redis_down, caplog,
                                                           mailoutbox):
    with caplog.at_level(logging.WARNING):
        assert client.get("/ja/").status_code == 200
        search = client.get("/ja/places/search.json", {"q": "しぶや"})
        assert search.status_code == 200 and search["Content-Type"].startswith(
            "application/json")
        response = sign(client, lang="en")
    assert response.status_code == 302 and response.url == "/en/sign/sent/"
    signature = Signature.objects.get(local_government__jis_code="342084")
    email = outbox_for_record(signature).get(kind=tasks.CONFIRM)
    assert email.status == "pending" and not mailoutbox  # the sweeper sends it later
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request
    assert warnings[0].levelno == logging.WARNING
    assert "rate limits are local to this process" in warnings[0].getMessage()


def test_rate_limits_still_count_locally_while_redis_is_down(client, redis_down):
    statuses = [client.get("/ja/places/search.json", {"q": "a"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 200]
    cache = caches["ratelimit"]
    assert cache.add("k", 1, 60) and not cache.add("k", 1, 60)
    assert cache.incr("k") == 2 and cache.get("k") == 2


def test_the_warning_comes_back_after_a_minute(redis_down, caplog, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(degrading.time, "monotonic", lambda: clock[0])
    cache = caches["ratelimit"]
    with caplog.at_level(logging.WARNING, logger="withrefugees.core.cache"):
        cache.get("a")
        clock[0] += degrading.RETRY_AFTER + 1  # tries Redis again, still down
        cache.get("a")
        assert len(caplog.records) == 1
        clock[0] += degrading.WARN_EVERY
        cache.get("a")
    assert len(caplog.records) == 2


def test_settings_under_redis_url_use_the_degrading_cache_and_pass_the_checks(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "VAR_DIR": str(tmp_path),
           "REDIS_URL": DOWN, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'], "
            "settings.CACHES['ratelimit']['BACKEND'], settings.HUEY['url'])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                         check=True).stdout.split()
    assert out[:2] == [BACKEND, BACKEND]
    assert out[2] == DOWN + "?socket_connect_timeout=2"
    check = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT,
                           capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stderr
