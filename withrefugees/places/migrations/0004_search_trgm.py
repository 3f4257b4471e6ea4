"""A trigram index that serves the folded place search on PostgreSQL.

Every place search (directory, sign form autocomplete, admin) filters
``places_localgovernment.search_key LIKE '%<folded query>%'`` (``places.selectors``). On
PostgreSQL a GIN index with ``pg_trgm``'s ``gin_trgm_ops`` answers such a filter from the
index for a query of three or more characters (``shibuya``, ``渋谷区``); for one or two
characters (``渋谷``) no trigram can be taken from the query and the planner keeps the
sequential scan (a few milliseconds over ~34,400 rows), as it would without the index.

The extension is created when the database user may (``CREATE EXTENSION`` needs the
``CREATE`` privilege on the database, or a superuser for some versions); otherwise, or when
the server lacks ``pg_trgm``, the step logs a line and the search works as before, unindexed.
An administrator can later run ``CREATE EXTENSION pg_trgm`` and then
``manage.py migrate places 0003`` and ``migrate places`` again. SQLite: nothing to do (its
``LIKE`` has no such index; the search scans, see ``bench/README.md``).
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEX = "places_lg_search_key_trgm"


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON places_localgovernment "
                "USING gin (search_key gin_trgm_ops)")
    except DatabaseError as exc:
        logger.warning("places.0004_search_trgm: trigram index not created (%s); the place "
                       "search works without it, scanning the table", str(exc).strip())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("places", "0003_alternate_names")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
