"""Upgrade of a database made before the accounts app existed (commit eb7bcce and earlier).

Those databases keep their users in ``django.contrib.auth``'s ``auth_user`` table (signing
in with a user name), and ``django_admin_log.user_id`` and
``campaign_signatureevent.actor_id`` point at it. Plain ``migrate`` refuses them with
``InconsistentMigrationHistory`` (``admin.0001_initial`` is applied, its dependency
``accounts.0001_initial`` is not). ``legacy_upgrade`` (run by ``manage.py release`` before
``migrate``) moves them forward in ONE transaction, on SQLite and PostgreSQL:

1. checks every ``auth_user`` row has a valid email address, unique by canonical mailbox
   (``core.emails``): otherwise ``LegacyUsersInvalid`` lists them and nothing is changed;
2. creates the ``accounts`` tables (the operations of ``accounts.0001_initial``);
3. copies the users keeping their ids, password hashes (passwords keep working), flags,
   dates and names (``first_name last_name`` → ``full_name``); the email address, normalised,
   becomes the sign-in identifier (user names are dropped); copies group and permission
   links;
4. points every foreign key to ``auth_user`` at ``accounts_user`` (the schema editor's
   ``alter_field``: SQLite rebuilds the table, PostgreSQL swaps the constraint and widens
   the column to bigint); a reference from a table no installed model knows stops the
   upgrade before any change (``LegacyUpgradeRefused``);
5. moves the ``auth | user`` content type (and with it the four user permissions and the
   admin log's references) to ``accounts | user``; drops ``auth_user`` and its link tables;
6. records ``accounts.0001_initial`` as applied. ``migrate`` then applies the rest (e.g. the
   campaign migration that carries signature events into the audit trail).
"""

from dataclasses import dataclass

from django.apps.registry import Apps
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from withrefugees.core.emails import InvalidEmail, email_canonical, email_normalise

LEGACY_USER_TABLE = "auth_user"
LEGACY_LINK_TABLES = ("auth_user_groups", "auth_user_user_permissions")
ACCOUNTS_INITIAL = ("accounts", "0001_initial")

FIX_HINT = """\
How to fix: give each of these users a valid email address that no other user shares
(compared by canonical mailbox: case, "+tag" and Gmail dots are ignored), or delete the
users that are no longer needed, then run `manage.py release` (or `make run`) again.
With the release you upgraded from, use its admin (Users), or without it `manage.py
dbshell` and e.g.:
    UPDATE auth_user SET email = 'name@example.org' WHERE id = 3;
Nothing has been changed in the database."""


@dataclass(frozen=True)
class LegacyUserProblem:
    """A legacy user that cannot become an email-based account."""

    id: int
    username: str
    email: str
    reason: str

    def __str__(self) -> str:
        return f"  user #{self.id} {self.username!r} (email {self.email!r}): {self.reason}"


class LegacyUpgradeRefused(Exception):
    """The legacy database cannot be upgraded as it is; ``str()`` says why and what to do.
    Raised before anything is changed."""


class LegacyUsersInvalid(LegacyUpgradeRefused):
    """Some legacy users have no usable, unique email address (``problems``)."""

    def __init__(self, problems: list[LegacyUserProblem]):
        self.problems = problems
        lines = "\n".join(str(p) for p in problems)
        super().__init__(
            "This database was made by an earlier version that signed users in by user "
            "name. Users now sign in with their email address; these users have none that "
            "can be used:\n"
            f"{lines}\n{FIX_HINT}")


@dataclass(frozen=True)
class LegacyUpgradeResult:
    users: list[tuple[int, str, str]]  # (id, old user name, email address to sign in with)
    foreign_keys: list[str]  # "table.column" now pointing at accounts_user


def legacy_database(connection=None) -> bool:
    """True when the database has ``auth_user`` and no record of ``accounts.0001_initial``:
    a database from before the accounts app that ``legacy_upgrade`` must move forward."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    tables = set(connection.introspection.table_names())
    if LEGACY_USER_TABLE not in tables or "django_migrations" not in tables:
        return False
    return ACCOUNTS_INITIAL not in MigrationRecorder(connection).applied_migrations()


def legacy_user_problems(connection=None) -> list[LegacyUserProblem]:
    """Legacy users whose email address is empty, invalid (``core.emails``) or the same
    canonical mailbox as an earlier user's. Reads only."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, username, email FROM auth_user ORDER BY id")
        rows = cursor.fetchall()
    problems, seen = [], {}
    for pk, username, email in rows:
        email = email or ""
        if not email.strip():
            problems.append(LegacyUserProblem(pk, username, email, "no email address"))
            continue
        try:
            canonical = email_canonical(email_normalise(email))
        except InvalidEmail as exc:
            detail = exc.params["detail"]
            problems.append(LegacyUserProblem(
                pk, username, email, f"not an address mail can be sent to ({detail})"))
            continue
        if canonical in seen:
            first = seen[canonical]
            problems.append(LegacyUserProblem(
                pk, username, email,
                f"same mailbox as user #{first[0]} {first[1]!r} ({first[2]!r})"))
        else:
            seen[canonical] = (pk, username, email)
    return problems


def _legacy_user_model() -> type[models.Model]:
    """A stand-in for the old ``auth.User``: only its table and integer primary key, in a
    registry of its own (so it never clashes with the installed models)."""
    meta = type("Meta", (), {"app_label": "legacy_auth", "db_table": LEGACY_USER_TABLE,
                             "apps": Apps()})
    return type("LegacyUser", (models.Model,), {
        "__module__": __name__, "Meta": meta, "id": models.AutoField(primary_key=True)})


def _references_to_legacy_users(connection, state) -> list[tuple[type, models.Field]]:
    """``(historical model, its foreign key)`` for every column that references auth_user.
    Raises ``LegacyUpgradeRefused`` for a reference no model of ``state`` explains."""
    by_table = {m._meta.db_table: m for m in state.apps.get_models(include_auto_created=True)}
    found, unknown = [], []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == LEGACY_USER_TABLE or table in LEGACY_LINK_TABLES:
                continue
            for column, (_, ref_table) in connection.introspection.get_relations(
                    cursor, table).items():
                if ref_table != LEGACY_USER_TABLE:
                    continue
                model = by_table.get(table)
                field = next((f for f in model._meta.local_concrete_fields
                              if f.column == column and f.is_relation), None) if model else None
                if field is None or field.related_model._meta.label_lower != "accounts.user":
                    unknown.append(f"{table}.{column}")
                else:
                    found.append((model, field))
    if unknown:
        raise LegacyUpgradeRefused(
            "These columns point at the old auth_user table and no installed app knows "
            "them: " + ", ".join(unknown) + ". Remove or repoint them by hand, then run "
            "`manage.py release` again. Nothing has been changed in the database.")
    return found


def legacy_upgrade(*, connection=None) -> LegacyUpgradeResult:
    """Move a legacy database (``legacy_database()`` is true) onto ``accounts.User``, in one
    transaction; see the module docstring for the steps. Raises ``LegacyUsersInvalid`` or
    ``LegacyUpgradeRefused`` before changing anything."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    problems = legacy_user_problems(connection)
    if problems:
        raise LegacyUsersInvalid(problems)

    loader = MigrationLoader(connection)
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    before = loader.project_state(ACCOUNTS_INITIAL, at_end=False)
    after = loader.project_state([*applied, ACCOUNTS_INITIAL])
    references = _references_to_legacy_users(connection, after)
    legacy_user = _legacy_user_model()
    qn = connection.ops.quote_name

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, username, email FROM auth_user ORDER BY id")
        users = [(pk, username, email_normalise(email)) for pk, username, email in
                 cursor.fetchall()]

    with connection.schema_editor(atomic=True) as editor:
        # 2. The accounts tables, as accounts.0001_initial creates them.
        state = loader.get_migration(*ACCOUNTS_INITIAL).apply(before, editor)
        user_model = state.apps.get_model("accounts", "User")
        with connection.cursor() as cursor:
            # 3. Users (first with placeholders unique by id, which no address or user name
            # can collide with, then their normalised addresses), then links.
            cursor.execute(
                "INSERT INTO accounts_user (id, password, last_login, is_superuser, email, "
                "email_canonical, full_name, is_staff, is_active, date_joined) "
                "SELECT id, password, last_login, is_superuser, "
                "'legacy ' || CAST(id AS TEXT), 'legacy ' || CAST(id AS TEXT), "
                "SUBSTR(TRIM(first_name || ' ' || last_name), 1, 150), is_staff, is_active, "
                "date_joined "
                "FROM auth_user")
            for pk, _, email in users:
                cursor.execute(
                    "UPDATE accounts_user SET email = %s, email_canonical = %s WHERE id = %s",
                    [email, email_canonical(email), pk])
            cursor.execute("INSERT INTO accounts_user_groups (user_id, group_id) "
                           "SELECT user_id, group_id FROM auth_user_groups")
            cursor.execute("INSERT INTO accounts_user_user_permissions (user_id, permission_id) "
                           "SELECT user_id, permission_id FROM auth_user_user_permissions")
            through = [user_model._meta.get_field(name).remote_field.through
                       for name in ("groups", "user_permissions")]
            for sql in connection.ops.sequence_reset_sql(no_style(), [user_model, *through]):
                cursor.execute(sql)

        # 4. Foreign keys to the old table now point at the new one.
        repointed = []
        for model, field in references:
            old = field.clone()
            old.remote_field.model = legacy_user
            old.set_attributes_from_name(field.name)
            old.model = model
            editor.alter_field(model, old, field)
            repointed.append(f"{model._meta.db_table}.{field.column}")

        with connection.cursor() as cursor:
            # 5. The user content type (its permissions, admin log rows) moves with them.
            cursor.execute("SELECT COUNT(*) FROM django_content_type "
                           "WHERE app_label = 'accounts' AND model = 'user'")
            if cursor.fetchone()[0] == 0:
                cursor.execute("UPDATE django_content_type SET app_label = 'accounts' "
                               "WHERE app_label = 'auth' AND model = 'user'")
        for table in (*LEGACY_LINK_TABLES, LEGACY_USER_TABLE):
            editor.execute(editor.sql_delete_table % {"table": qn(table)})

        # 6. From here on, the history is consistent and migrate goes on as usual.
        MigrationRecorder(connection).record_applied(*ACCOUNTS_INITIAL)

    return LegacyUpgradeResult(users=users, foreign_keys=repointed)
