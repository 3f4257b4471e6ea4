"""`make run` as a person runs it (issue 6, §7): links in emails follow PORT/HOST, Ctrl-C
stops everything in seconds, no shared gunicorn control socket, one log format and zone,
each line once, HEAD without a body, the confirmation token in one access-log line only.

These start the real servers (ports 8173 and 8174, a private VAR_DIR and HOME): about
30 s for the first start (static files, release), a few seconds for each further one."""

import http.client
import http.cookiejar
import json
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0900 \[\d+\] "
                      r"(DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: ")


def environment(var_dir: Path, home: Path, **extra) -> dict[str, str]:
    """Only what a shell would have (no DATABASE_URL, REDIS_URL, SITE_URL from the test
    run), a private VAR_DIR and HOME, static files without compression (quicker)."""
    return {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
            "VAR_DIR": str(var_dir),
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            **extra}


class Server:
    def __init__(self, port: int, var_dir: Path, home: Path, log: Path):
        self.port, self.var_dir, self.home, self.log = port, var_dir, home, log
        self.process = subprocess.Popen(
            ["make", "run", f"PORT={port}"], cwd=ROOT, env=environment(var_dir, home),
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                if self.request("GET", "/ja/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.kill()
        raise AssertionError("make run did not answer:\n" + self.output())

    def request(self, method: str, path: str) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def interrupt(self) -> tuple[int, float]:
        """Ctrl-C: SIGINT to the whole process group, as a terminal sends it."""
        start = time.monotonic()
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            code = self.process.wait(timeout=30)
        finally:
            self.kill()
        return code, time.monotonic() - start

    def kill(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="module")
def server(var_dir, tmp_path_factory):
    running = Server(8173, var_dir, tmp_path_factory.mktemp("home"),
                     tmp_path_factory.mktemp("log") / "run.log")
    yield running
    running.interrupt()


@pytest.fixture(scope="module")
def signed(server):
    """Sign through the running site (as a browser would); the emailed link, the cookie
    jar and the token."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{server.port}"
    page = browser.open(f"{base}/en/sign/").read().decode()

    def field(name):
        return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)

    results = json.load(browser.open(f"{base}/ja/places/search.json?q="
                                     + urllib.parse.quote("府中市")))["results"]
    lg = next(r for r in results if r["code"] == "342084")
    form = {"csrfmiddlewaretoken": field("csrfmiddlewaretoken"),
            "statement_hash": field("statement_hash"), "place_query": lg["label"],
            "local_government": lg["id"], "signatory_name": "佐藤一郎",
            "signatory_title": "市長", "contact_name": "田中花子", "department": "総務課",
            "email": "kokusai@city.fuchu.hiroshima.jp", "consent_statement": "on",
            "consent_privacy": "on"}
    sent = browser.open(f"{base}/en/sign/", urllib.parse.urlencode(form).encode())
    assert sent.url == f"{base}/en/sign/sent/"
    deadline = time.monotonic() + 30
    while not list((server.var_dir / "mail").glob("*")) and time.monotonic() < deadline:
        time.sleep(0.2)  # the task worker sends it
    mail = next((server.var_dir / "mail").glob("*")).read_text()
    link = re.search(r"http://\S+/sign/confirm/\S+/", mail).group(0)
    return browser, link, link.rstrip("/").rsplit("/", 1)[1]


def test_links_in_emails_follow_the_port(server, signed):
    _, link, _ = signed
    assert link.startswith(f"http://127.0.0.1:{server.port}/en/sign/confirm/")


def test_the_token_is_in_one_access_log_line_only(server, signed):
    browser, link, token = signed
    page = browser.open(link)  # redirected to the address without the token
    assert page.url == f"http://127.0.0.1:{server.port}/en/sign/confirm/"
    body = page.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', body).group(1)
    browser.open(page.url).read()  # a reload
    done = browser.open(page.url, urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "action": "confirm"}).encode())
    assert done.url.endswith("/en/sign/confirmed/")
    time.sleep(0.5)
    lines = [line for line in server.output().splitlines() if token in line]
    assert len(lines) == 1 and '"GET /en/sign/confirm/' in lines[0] and " 302 " in lines[0]


def test_one_log_format_one_time_zone_each_line_once(server, signed):
    probe = uuid.uuid4().hex
    assert server.request("GET", f"/ja/?probe={probe}")[0] == 200
    time.sleep(0.5)
    output = server.output()
    served = output.split("Cities #WithRefugees: ", 1)[1].splitlines()[1:]
    records = [line for line in served if not line.startswith("+ ")]  # huey's task list
    assert records and [line for line in records if not LOG_LINE.match(line)] == []
    names = {line.split("] ", 1)[1].split(" ")[1] for line in records}
    assert {"gunicorn.error:", "gunicorn.access:", "huey.consumer:", "huey:"} <= names
    assert sum(probe in line for line in records) == 1
    assert sum("Executing withrefugees.core.outbox.outbox_deliver_task" in line
               for line in records) == 1
    assert sum("Huey consumer started" in line for line in records) == 1


def test_head_answers_without_a_body(server):
    for path in ["/ja/", "/en/sign/", "/ja/signatories/", "/ja/places/search.json?q=a"]:
        get_status, get_headers, get_body = server.request("GET", path)
        status, headers, body = server.request("HEAD", path)
        assert (status, body) == (get_status, b"") and get_body, path
        assert headers["Content-Type"] == get_headers["Content-Type"]


def test_no_shared_control_socket(server):
    assert not (server.home / ".gunicorn").exists()
    assert "control socket" not in server.output().lower()


def test_ctrl_c_stops_everything_in_seconds(server, var_dir, tmp_path):
    """A second instance beside the first (nothing shared but VAR_DIR); Ctrl-C while a
    browser holds a keep-alive connection (a gunicorn worker waited 30 s for it)."""
    second = Server(8174, var_dir, tmp_path, tmp_path / "run.log")
    keep_alive = http.client.HTTPConnection("127.0.0.1", second.port, timeout=10)
    keep_alive.request("GET", "/ja/")
    keep_alive.getresponse().read()
    code, seconds = second.interrupt()
    output = second.output()
    assert code in (0, 130, -signal.SIGINT), output
    assert seconds < 5, output
    assert "Segmentation fault" not in output and "Traceback" not in output, output
    with pytest.raises(ProcessLookupError):
        os.killpg(second.process.pid, 0)  # nothing of the group left running
    assert server.request("GET", "/ja/")[0] == 200  # the first instance is untouched


@pytest.mark.parametrize(("args", "env", "bind", "site_url"), [
    (["PORT=8101"], {}, "127.0.0.1:8101", "http://127.0.0.1:8101"),
    (["PORT=8101", "HOST=0.0.0.0"], {}, "0.0.0.0:8101", "http://127.0.0.1:8101"),
    (["HOST=::1"], {}, "[::1]:8000", "http://[::1]:8000"),
    (["HOST=localhost", "PORT=9000"], {}, "localhost:9000", "http://localhost:9000"),
    (["PORT=8101", "SITE_URL=https://a.example"], {}, "127.0.0.1:8101", "https://a.example"),
    (["PORT=8101"], {"SITE_URL": "https://b.example"}, "127.0.0.1:8101", "https://b.example"),
])
def test_site_url_follows_host_and_port_unless_set(tmp_path, args, env, bind, site_url):
    result = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True,
                            text=True, env=environment(tmp_path, tmp_path, **env))
    assert f"export SITE_URL='{site_url}'" in result.stdout, result.stdout + result.stderr
    assert f"--bind '{bind}'" in result.stdout


def test_the_readme_names_port_host_and_site_url():
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=" in readme and "HOST=" in readme
    assert re.search(r"\| `SITE_URL` \| `http://\$HOST:\$PORT`", readme)


def test_make_run_fails_and_says_so_when_the_worker_dies(server, var_dir, tmp_path):
    """The task worker killed (a new-user trial saw make exit 0 without a word): the web
    server is stopped too, the log says why and make fails."""
    third = Server(8175, var_dir, tmp_path, tmp_path / "third.log")
    try:
        found = subprocess.run(["pgrep", "-s", str(third.process.pid), "-f",
                                "^[^ ]*python[^ ]* manage.py run_huey"],
                               capture_output=True, text=True)
        pids = [int(p) for p in found.stdout.split()]
        assert pids, third.output()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        code = third.process.wait(timeout=30)
    finally:
        third.kill()
    assert code not in (0, 130), third.output()
    assert "the task worker stopped; stopping the web server too" in third.output()
    with pytest.raises(ProcessLookupError):
        os.killpg(third.process.pid, 0)
