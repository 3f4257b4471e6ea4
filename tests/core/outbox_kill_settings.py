"""Settings of the task-worker processes started by ``test_outbox_kill.py``: the project's
settings, with the schema created from the models (``migrate --run-syncdb``), so that the
test does not depend on the migration graph (tested by the migration tests)."""

from config.settings import *  # noqa: F403

MIGRATION_MODULES = {app.rpartition(".")[2]: None  # noqa: F405
                     for app in INSTALLED_APPS if app.startswith("withrefugees.")}  # noqa: F405
