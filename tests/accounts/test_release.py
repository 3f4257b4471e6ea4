"""``manage.py release``: the release step of a deploy, safe when started twice at once."""

import os
import sqlite3
from urllib.parse import urlsplit, urlunsplit

import pytest

from withrefugees.accounts.roles import REVIEWERS, ROLES

from .release_helpers import manage, manage_env, manage_start


def run_two_releases(env) -> list[tuple[int, str]]:
    processes = [manage_start("release", env=env) for _ in range(2)]
    results = []
    for process in processes:
        _, stderr = process.communicate(timeout=900)
        results.append((process.returncode, stderr))
    return results


def test_two_releases_started_together_on_a_fresh_sqlite_database_both_succeed(tmp_path):
    path = tmp_path / "fresh.sqlite3"
    env = manage_env(f"sqlite:///{path}", tmp_path / "var")
    for returncode, stderr in run_two_releases(env):
        assert returncode == 0, stderr
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT app, name FROM django_migrations GROUP BY app, name "
                          "HAVING COUNT(*) > 1").fetchall() == []
        assert ("accounts", "0001_initial") in db.execute(
            "SELECT app, name FROM django_migrations").fetchall()
        assert db.execute("SELECT COUNT(*) FROM places_localgovernment").fetchone()[0] > 1000
        assert db.execute("SELECT COUNT(*) FROM auth_group WHERE name = ?",
                          [REVIEWERS]).fetchone() == (1,)
        assert db.execute("SELECT COUNT(*) FROM auth_group_permissions").fetchone() == (
            len(ROLES[REVIEWERS]),)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="needs DATABASE_URL=postgres://...")
def test_two_releases_started_together_on_a_fresh_postgresql_database_both_succeed(tmp_path):
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/')}_release_{os.getpid()}"
    server = urlunsplit(url._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = manage_env(urlunsplit(url._replace(path=f"/{name}")), tmp_path / "var")
        for returncode, stderr in run_two_releases(env):
            assert returncode == 0, stderr
        again = manage("release", env=env)
        assert again.returncode == 0, again.stderr
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
