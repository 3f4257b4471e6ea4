"""Running ``manage.py`` in a subprocess against a database of its own (not the test
database): what a deploy does."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def manage_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"REDIS_URL", "DATABASE_URL", "VAR_DIR", "DJANGO_SETTINGS_MODULE"}}
    env.update(DATABASE_URL=database_url, VAR_DIR=str(var_dir),
               DJANGO_SETTINGS_MODULE="config.settings",
               SECRET_KEY="release-test-" + "k" * 50, EMAIL_URL="consolemail://")
    return env


def manage(*args: str, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def manage_start(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=PROJECT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def sqlite_dump(path: Path) -> list[str]:
    """The database's content as SQL statements (logical: independent of WAL files)."""
    with sqlite3.connect(path) as db:
        return list(db.iterdump())
