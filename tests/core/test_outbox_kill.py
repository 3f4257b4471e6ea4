"""Email that is never lost (issue 6, §3), with real processes: a confirmation email is
promised, the task worker (``manage.py run_huey``) starts sending it to a real SMTP server
(aiosmtpd) that stalls at DATA, the worker is killed (SIGTERM, SIGKILL) or its queued task
is lost, the worker is started again: exactly one message arrives.

The worker runs against a SQLite file and the SQLite task queue in a private VAR_DIR, with
a claim of a few seconds (``EMAIL_OUTBOX_CLAIM_TIMEOUT``) so that the test does not wait
15 minutes. About 15 s per case."""

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLAIM_SECONDS = 3
ADDRESS = "kokusai@city.test.lg.jp"

SETUP = textwrap.dedent(f"""
    from django.db import transaction
    from tests.factories import SignatureFactory
    from withrefugees.campaign import tasks
    from withrefugees.campaign.models import StatementText, StatementVersion
    from withrefugees.places.models import Country, LocalGovernment

    Country.objects.create(code="JP", name_en="Japan", name_ja="日本")
    lg = LocalGovernment.objects.create(kind="city", source="jis_x0402", country_id="JP",
                                        name="試験市", name_ja="試験市", name_en="Shiken")
    version = StatementVersion.objects.create(number=1, is_current=True)
    text = StatementText.objects.create(version=version, language="ja", title="声明",
                                        body="本文")
    signature = SignatureFactory(local_government=lg, statement_text=text,
                                 email="{ADDRESS}")
    with transaction.atomic():  # as services._queue_confirmation does
        tasks.queue_signature_email(signature, tasks.CONFIRM)
""")


class StallingSink:
    """An SMTP server that keeps what it accepts. While ``stall`` is set, a message is held
    at DATA without a reply (the client is mid-send) and, once released, dropped unreplied
    (a server that never said 250 has not accepted it)."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[bytes] = []
        self.stall = True
        self.stalled = threading.Event()
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        if self.stall:
            self.stalled.set()
            while self.stall:
                await asyncio.sleep(0.05)
            return "421 closing"
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def sink():
    server = StallingSink()
    server.controller.start()
    yield server
    server.stall = False
    server.controller.stop()


class Site:
    """A private VAR_DIR with a SQLite database, and the worker's environment."""

    def __init__(self, tmp_path: Path, smtp_port: int, claim_seconds: int = CLAIM_SECONDS):
        self.dir = tmp_path
        self.db = tmp_path / "db.sqlite3"
        self.env = {
            "PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANG": "C.UTF-8",
            "VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{self.db}",
            "DJANGO_SETTINGS_MODULE": "tests.core.outbox_kill_settings",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_OUTBOX_CLAIM_TIMEOUT": str(claim_seconds), "TASKS_IMMEDIATE": "false",
            "SITE_URL": "http://127.0.0.1:8101", "PYTHONPATH": str(ROOT),
        }
        self.worker: subprocess.Popen | None = None
        self.logs: list[Path] = []
        self.manage("migrate", "--run-syncdb", "-v0")
        self.manage("shell", "-c", SETUP)

    def manage(self, *args: str) -> None:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr

    def start_worker(self) -> None:
        log = self.dir / f"worker{len(self.logs)}.log"
        self.logs.append(log)
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", "2"], cwd=ROOT,
            env=self.env, stdout=log.open("w"), stderr=subprocess.STDOUT)

    def stop_worker(self, signum: int) -> None:
        self.worker.send_signal(signum)
        self.worker.wait(timeout=20)

    def output(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')}"
                         for log in self.logs)

    def row(self) -> tuple:
        with sqlite3.connect(self.db) as db:
            return db.execute("SELECT status, attempts, recipient FROM core_outboundemail"
                              ).fetchone()


def wait_until(condition, timeout: float, site: Site, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen:\n{site.output()}")
        time.sleep(0.1)


@pytest.fixture
def site(tmp_path, sink):
    site = Site(tmp_path, sink.port)
    yield site
    if site.worker and site.worker.poll() is None:
        site.worker.kill()
        site.worker.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_restarted_worker_sends_at_once_what_a_killed_one_left(tmp_path, sink, signum):
    """With the default claim (15 minutes), the restarted worker does not wait for the
    claim to expire: the process that held it is gone (``outbox._release_dead_claims``)."""
    site = Site(tmp_path, sink.port, claim_seconds=900)
    try:
        site.start_worker()
        wait_until(sink.stalled.is_set, 60, site, "the worker reaching DATA")
        site.stop_worker(signum)
        assert site.row()[:2] == ("pending", 1)
        sink.stall = False
        started = time.monotonic()
        site.start_worker()
        wait_until(lambda: sink.messages, 30, site, "delivery right after the restart")
        assert time.monotonic() - started < 30
        time.sleep(1)
        assert len(sink.messages) == 1, site.output()
        assert site.row() == ("sent", 2, ADDRESS)
        assert "stopped while sending; sending again" in site.output()
        site.stop_worker(signal.SIGINT)
    finally:
        if site.worker and site.worker.poll() is None:
            site.worker.kill()
            site.worker.wait()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_worker_killed_mid_send_then_restarted_sends_exactly_once(site, sink, signum):
    site.start_worker()
    wait_until(sink.stalled.is_set, 60, site, "the worker reaching DATA")
    site.stop_worker(signum)
    assert site.row()[:2] == ("pending", 1)  # the attempt that died is counted
    sink.stall = False
    time.sleep(CLAIM_SECONDS + 0.5)  # the dead worker's claim expires
    site.start_worker()  # the sweep at start-up takes it over
    wait_until(lambda: sink.messages, 60, site, "delivery after the restart")
    time.sleep(CLAIM_SECONDS + 1)  # time for any second copy to show up
    assert len(sink.messages) == 1, site.output()
    assert b"/ja/sign/confirm/" in sink.messages[0]
    assert site.row() == ("sent", 2, ADDRESS)
    site.stop_worker(signal.SIGINT)


def test_delivery_task_lost_from_the_queue_is_swept_when_the_worker_starts(site, sink):
    """Killed between commit and the queue, or Redis lost the task: only the row is left."""
    sink.stall = False
    (site.dir / "tasks.sqlite3").unlink()  # the queued delivery task is gone
    site.start_worker()
    wait_until(lambda: sink.messages, 60, site, "delivery by the sweeper")
    time.sleep(1)
    assert len(sink.messages) == 1
    assert site.row() == ("sent", 1, ADDRESS)
    site.stop_worker(signal.SIGINT)
