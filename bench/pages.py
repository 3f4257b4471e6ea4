"""Benchmark: the public pages against a bare Django view, served the same way, in one run.

For each database (SQLite, and PostgreSQL when ``BENCH_POSTGRES_URL`` is set) it runs the
release step on a database of its own (reference data and the campaign's records, as a
deploy has them), starts gunicorn exactly as ``make run`` does (``config/gunicorn.conf.py``,
2 workers, 4 threads, access log on) with ``BENCH_BARE_VIEW=1``, which adds the bare view
``/bench/bare/`` (``HttpResponse(b"ok")`` through the whole middleware stack of the same
server, ``config/urls.py``), then measures each page with wrk (64 connections, 2 threads)
and prints requests/s, latency p50/p99 and the ratio to the bare view. The bare view is
measured first and last; ratios are to the mean of the two.

    make bench                                  # SQLite only
    make bench BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/withrefugees_bench \
               BENCH_REDIS_URL=redis://127.0.0.1:6379/15
    .venv/bin/python bench/pages.py --seconds 5 --uncached   # also without the page cache

The PostgreSQL database is created when missing. wrk comes from Debian's packages
(``make bench`` installs it when absent). Traffic goes to 127.0.0.1 only, for a bounded time.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
VAR = Path(os.environ.get("VAR_DIR", ROOT / "var"))
BARE = "/bench/bare/"

#: (label, path, minimum ratio to the bare view, p99 limit in ms or None): issue 6, §10.
PAGES = [
    ("home", "/ja/", 0.50, 100),
    ("statement", "/ja/statement/", 0.50, 100),
    ("directory", "/ja/signatories/", 0.50, 100),
    ("directory ?q=渋谷", "/ja/signatories/?q=" + urllib.parse.quote("渋谷"), 0.25, None),
    ("map", "/ja/map/", 0.50, 100),
    ("profile", "/ja/signatories/{profile}/", 0.50, 100),
    ("home (en)", "/en/", 0.50, 100),
]


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    """One wrk run: ``{"rps", "p50", "p99" (ms), "errors"}``."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
         url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])

    def pct(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50": pct("50"), "p99": pct("99"),
            "errors": (int(non2xx[1]) if non2xx else 0), "socket": socket[0] if socket else ""}


def manage(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(f"http://127.0.0.1:{port}{BARE}")[0] == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    stop_server(server)
    sys.exit(f"gunicorn did not start; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def measure(name: str, env: dict, args, cached: bool) -> list[dict]:
    env = {**env, "BENCH_BARE_VIEW": "1", "PAGE_CACHE_SECONDS": "600" if cached else "0"}
    log = VAR / "bench" / f"gunicorn-{name}-{'cached' if cached else 'uncached'}.log"
    server = start_server(env, args.port, log)
    base = f"http://127.0.0.1:{args.port}"
    try:
        status, body = get(base + "/ja/signatories/")
        found = re.search(r'href="/ja/signatories/(\d+)/"', body)
        profile = found[1] if found else "1"
        rows = []
        bare_first = run_wrk(base + BARE, args.seconds, args.connections)
        for label, path, ratio, p99 in PAGES:
            url = base + path.format(profile=profile)
            if get(url)[0] != 200:  # also warms the page cache and the workers
                sys.exit(f"{url} does not answer 200")
            get(url)
            rows.append({"page": label, "min_ratio": ratio, "max_p99": p99,
                         **run_wrk(url, args.seconds, args.connections)})
        bare_last = run_wrk(base + BARE, args.seconds, args.connections)
    finally:
        stop_server(server)
    bare = (bare_first["rps"] + bare_last["rps"]) / 2
    bare_row = {"page": f"bare view (first/last {bare_first['rps']:.0f}/"
                        f"{bare_last['rps']:.0f})", "rps": bare,
                "p50": (bare_first["p50"] + bare_last["p50"]) / 2,
                "p99": max(bare_first["p99"], bare_last["p99"]), "errors": 0,
                "min_ratio": None, "max_p99": None}
    for row in rows:
        row["ratio"] = row["rps"] / bare
    return [bare_row, *rows]


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}\n")
    print("| page | req/s | p50 ms | p99 ms | ratio to bare | target | met |")
    print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
    for row in rows:
        if row["min_ratio"] is None:
            print(f"| {row['page']} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} "
                  f"| 100% | | |")
            continue
        target = f"≥ {row['min_ratio']:.0%}" + (f", p99 < {row['max_p99']} ms"
                                                 if row["max_p99"] else "")
        met = row["ratio"] >= row["min_ratio"] and (not row["max_p99"]
                                                     or row["p99"] < row["max_p99"])
        errors = f" ({row['errors']} non-2xx)" if row["errors"] else ""
        print(f"| {row['page']} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} "
              f"| {row['ratio']:.0%} | {target} | {'yes' if met else 'NO'}{errors} |")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8099)))
    parser.add_argument("--uncached", action="store_true",
                        help="also measure with the page cache off (PAGE_CACHE_SECONDS=0)")
    args = parser.parse_args()
    (VAR / "bench").mkdir(parents=True, exist_ok=True)

    base_env = {k: v for k, v in os.environ.items()
                if k not in ("DATABASE_URL", "REDIS_URL", "PAGE_CACHE_SECONDS")}
    databases = [("SQLite", {"DATABASE_URL": f"sqlite:///{VAR / 'bench-pages.sqlite3'}"})]
    if os.environ.get("BENCH_POSTGRES_URL"):
        pg = {"DATABASE_URL": os.environ["BENCH_POSTGRES_URL"]}
        if os.environ.get("BENCH_REDIS_URL"):
            pg["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
        databases.append(("PostgreSQL" + (" + Redis" if "REDIS_URL" in pg else ""), pg))
        ensure_postgres_database(pg["DATABASE_URL"])
    else:
        print("PostgreSQL: not measured (set BENCH_POSTGRES_URL, and BENCH_REDIS_URL)")
    print(f"wrk: 2 threads, {args.connections} connections, {args.seconds} s per page; "
          f"gunicorn: config/gunicorn.conf.py, 2 workers x 4 threads; {os.cpu_count()} cores")
    for name, db_env in databases:
        env = {**base_env, **db_env}
        manage(env, "release", "-v0")
        slug = name.split()[0].lower()
        print_table(f"{name}, page cache on", measure(slug, env, args, cached=True))
        if args.uncached:
            print_table(f"{name}, page cache off", measure(slug, env, args, cached=False))


if __name__ == "__main__":
    main()
