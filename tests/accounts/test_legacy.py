"""A database made by ``make run`` at commit eb7bcce (users in ``auth_user``) moves forward
with ``manage.py release``: signatures, users (same passwords, signing in by email), their
groups and permissions, and the signature events are kept; or the release stops before any
change, saying what to do.

``data/legacy_eb7bcce.sql`` is ``sqlite3 .dump`` of such a database, made with
``data/make_legacy_eb7bcce.py`` (how: see its docstring), trimmed to the places signed.
"""

import json
import re
import sqlite3
from pathlib import Path

import pytest

from .release_helpers import manage, manage_env, sqlite_dump

DUMP = Path(__file__).parent / "data" / "legacy_eb7bcce.sql"
ADMIN_PASSWORD, STAFF_PASSWORD = "legacy-admin-pass-1", "legacy-staff-pass-2"

# What the dump holds (checked below against the dump itself, so a new dump fails loudly).
SIGNATURES = {1: "published", 2: "published", 3: "published", 4: "published",
              5: "published", 6: "rejected", 7: "pending", 8: "withdrawn"}
# (signature, from, to, actor id, note) of every SignatureEvent, oldest first.
EVENTS = [
    (1, "", "published", None, "Named as a participant in the campaign brochure."),
    (2, "", "published", None, "Named as a participant in the campaign brochure."),
    (3, "", "published", None, "Named as a participant in the campaign brochure."),
    (4, "", "published", None, "Named as a participant in the campaign brochure."),
    (5, "", "unconfirmed", None, ""), (5, "unconfirmed", "pending", None, ""),
    (5, "pending", "published", 1, "ok"),
    (6, "", "unconfirmed", None, ""), (6, "unconfirmed", "pending", None, ""),
    (6, "pending", "rejected", 2, "dup"),
    (7, "", "unconfirmed", None, ""), (7, "unconfirmed", "pending", None, ""),
    (8, "", "unconfirmed", None, ""), (8, "unconfirmed", "pending", None, ""),
    (8, "pending", "published", 2, ""), (8, "published", "withdrawn", 1, "asked by the city"),
]

FACTS = """
import json
from django.contrib.auth import authenticate
from django.contrib.admin.models import LogEntry
from django.db import connection
from withrefugees.campaign.models import Signature
admin = authenticate(username="admin@UNHCR.example", password="ADMIN_PASSWORD")
staff = authenticate(username="reviewer@example.org", password="STAFF_PASSWORD")
facts = {
    "admin": [admin.pk, admin.is_superuser, admin.is_staff] if admin else None,
    "staff": [staff.pk, staff.is_superuser, staff.is_staff] if staff else None,
    "wrong_password": authenticate(username="admin@unhcr.example", password="x") is None,
    "by_old_username": authenticate(username="admin", password="ADMIN_PASSWORD") is None,
    "staff_groups": sorted(staff.groups.values_list("name", flat=True)) if staff else [],
    "staff_perms": sorted(staff.get_all_permissions()) if staff else [],
    "signatures": {s.pk: s.status for s in Signature.objects.all()},
    "records": Signature.objects.filter(origin="campaign_record",
                                        statement_text__isnull=False).count(),
    "record_sources": Signature.objects.filter(pk__lte=4, record__isnull=False).count(),
    "admin_log_user": LogEntry.objects.get().user.email,
    "tables": connection.introspection.table_names(),
}
from withrefugees.core.models import AuditEntry
rows = AuditEntry.objects.filter(content_type__app_label="campaign",
                                 content_type__model="signature").order_by("at", "pk")
facts["audit"] = [[int(r.object_id), r.from_state, r.to_state, r.actor_id, r.note, r.action]
                  for r in rows]
print("FACTS" + json.dumps(facts))
""".replace("ADMIN_PASSWORD", ADMIN_PASSWORD).replace("STAFF_PASSWORD", STAFF_PASSWORD)


def legacy_database(tmp_path: Path, *extra_sql: str) -> Path:
    path = tmp_path / "legacy.sqlite3"
    with sqlite3.connect(path) as db:
        # The CHECK constraints of the dump use REGEXP, which Django's backend provides.
        db.create_function("REGEXP", 2, lambda pattern, value: value is not None and bool(
            re.search(pattern, str(value))), deterministic=True)
        db.executescript(DUMP.read_text(encoding="utf-8"))
        for sql in extra_sql:
            db.execute(sql)
    return path


def env_for(tmp_path: Path, path: Path) -> dict[str, str]:
    return manage_env(f"sqlite:///{path}", tmp_path / "var")


def facts(env) -> dict:
    result = manage("shell", "-c", FACTS, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.split("FACTS", 1)[1])


def test_the_dump_is_what_the_tests_expect(tmp_path):
    path = legacy_database(tmp_path)
    with sqlite3.connect(path) as db:
        assert dict(db.execute("SELECT id, status FROM campaign_signature")) == SIGNATURES
        assert db.execute("SELECT signature_id, from_status, to_status, actor_id, note "
                          "FROM campaign_signatureevent ORDER BY id").fetchall() == EVENTS
        assert db.execute("SELECT COUNT(*) FROM django_migrations WHERE app = 'accounts'"
                          ).fetchone() == (0,)


def test_plain_migrate_refuses_the_legacy_database(tmp_path):
    """Why the release step upgrades first (Django: InconsistentMigrationHistory)."""
    env = env_for(tmp_path, legacy_database(tmp_path))
    result = manage("migrate", "--noinput", env=env)
    assert result.returncode != 0 and "InconsistentMigrationHistory" in result.stderr


def test_release_upgrades_the_legacy_database_keeping_everything(tmp_path):
    path = legacy_database(tmp_path)
    env = env_for(tmp_path, path)
    first = manage("release", env=env)
    assert first.returncode == 0, first.stderr
    assert "user #1 'admin' now signs in as Admin@unhcr.example" in first.stdout
    got = facts(env)
    assert got["admin"] == [1, True, True]
    assert got["staff"] == [2, False, True]
    assert got["wrong_password"] and got["by_old_username"]
    assert "Legacy reviewers" in got["staff_groups"]  # group and direct links kept
    assert {"campaign.change_signature", "campaign.view_signature"} <= set(got["staff_perms"])
    # The legacy signatures are kept as they were; the campaign's attested records are
    # loaded beside them (the brochure's four, ids 1-4, gain their sources).
    legacy = {k: v for k, v in got["signatures"].items() if int(k) <= len(SIGNATURES)}
    assert legacy == {str(k): v for k, v in SIGNATURES.items()}
    assert len(got["signatures"]) > len(SIGNATURES) and got["records"] > 4
    # django-allauth's migration account.0006 lowercases every stored address afterwards.
    assert got["admin_log_user"] == "admin@unhcr.example"
    # The signature events, with their actors, are now the signatures' audit trail.
    # (then the release loads the campaign's records: their own audit rows come after)
    assert [tuple(e[:5]) for e in got["audit"]][:len(EVENTS)] == EVENTS
    assert {e[5] for e in got["audit"][len(EVENTS):]} == {"signature.seed"}
    assert got["record_sources"] == 4  # the brochure's four gain their sources
    assert [e[5] for e in got["audit"]][4:7] == [
        "signature.submit", "signature.confirm", "signature.publish"]
    assert "auth_user" not in got["tables"] and "accounts_user" in got["tables"]
    assert "campaign_signatureevent" not in got["tables"]

    # A second release finds nothing to do and changes nothing.
    # (but the page cache's generation, bumped by every release: core.pagecache)
    def data() -> list[str]:
        return [line for line in sqlite_dump(path) if '"django_cache"' not in line]

    before = data()
    second = manage("release", env=env)
    assert second.returncode == 0, second.stderr
    assert "accounts:" not in second.stdout
    assert data() == before


def test_a_user_name_equal_to_another_user_address_does_not_stop_the_upgrade(tmp_path):
    """User names were free text: one may be another user's address (found by review)."""
    path = legacy_database(
        tmp_path,
        "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, "
        "email, is_staff, is_active, date_joined) VALUES "
        "(3, '!', 0, 'ops', '', '', 'ops@example.org', 1, 1, '2025-01-01 00:00:00'), "
        "(4, '!', 0, 'ops@example.org', '', '', 'ops2@example.org', 1, 1, "
        "'2025-01-01 00:00:00')")
    result = manage("release", env=env_for(tmp_path, path))
    assert result.returncode == 0, result.stderr
    assert "user #3 'ops' now signs in as ops@example.org" in result.stdout
    assert "user #4 'ops@example.org' now signs in as ops2@example.org" in result.stdout


def test_long_first_and_last_names_fit_the_new_name_field(tmp_path):
    """Found by review: 150 + 150 characters did not fit full_name (150) on PostgreSQL."""
    path = legacy_database(
        tmp_path, "UPDATE auth_user SET first_name = '" + "F" * 150 + "', last_name = '"
        + "L" * 150 + "' WHERE id = 2")
    result = manage("release", env=env_for(tmp_path, path))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT LENGTH(full_name) FROM accounts_user WHERE id = 2"
                          ).fetchone() == (150,)


def test_release_stops_before_any_change_when_users_have_no_usable_email(tmp_path):
    path = legacy_database(
        tmp_path,
        "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, "
        "email, is_staff, is_active, date_joined) VALUES "
        "(3, '!', 0, 'noemail', '', '', '', 1, 1, '2025-01-01 00:00:00'), "
        "(4, '!', 0, 'twin', '', '', 'admin+twin@UNHCR.example', 1, 1, '2025-01-01 00:00:00'),"
        "(5, '!', 0, 'typo', '', '', 'typo@@example.org', 1, 1, '2025-01-01 00:00:00')")
    env = env_for(tmp_path, path)
    before = sqlite_dump(path)
    result = manage("release", env=env)
    assert result.returncode != 0
    for expected in ("user #3 'noemail'", "no email address", "user #4 'twin'",
                     "same mailbox as user #1 'admin'", "user #5 'typo'", "How to fix",
                     "UPDATE auth_user SET email", "Nothing has been changed"):
        assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert sqlite_dump(path) == before

    # Fixed as the message says, the release goes through.
    with sqlite3.connect(path) as db:
        db.execute("UPDATE auth_user SET email = 'noemail@unhcr.example' WHERE id = 3")
        db.execute("UPDATE auth_user SET email = 'twin@unhcr.example' WHERE id = 4")
        db.execute("DELETE FROM auth_user WHERE id = 5")
    fixed = manage("release", env=env)
    assert fixed.returncode == 0, fixed.stderr
    assert "user #4 'twin' now signs in as twin@unhcr.example" in fixed.stdout


@pytest.mark.parametrize("command", ["release", "upgrade_legacy_accounts"])
def test_a_fresh_database_is_not_mistaken_for_a_legacy_one(tmp_path, command):
    env = env_for(tmp_path, tmp_path / "fresh.sqlite3")
    assert manage("migrate", "--noinput", env=env).returncode == 0
    result = manage(command, env=env)
    assert result.returncode == 0, result.stderr
    assert "accounts:" not in result.stdout
