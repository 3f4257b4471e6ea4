"""profiles 0002: a logo uploaded before alt texts existed gets one made from the local
government's name, so that the new constraint (a logo has an alt text) holds.

Migrates the test database itself (as tests/campaign/test_migrations.py does), outside a
test transaction, and puts every app back at its latest migration afterwards."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("profiles", "0001_initial")]
AFTER = [("profiles", "0002_official_names_logo_alt_moderation")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def data_reloaded_afterwards(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
        call_command("load_campaign_data", verbosity=0)
        call_command("sync_roles", verbosity=0)


@pytest.fixture
def before_alt_text(data_reloaded_afterwards, transactional_db):
    name = str(connection.settings_dict["NAME"])
    assert "test" in name or "memory" in name, f"not a test database: {name}"
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield migrate(BEFORE)
    finally:
        MigrationExecutor(connection).migrate(leaves)


def test_existing_logos_get_an_alt_text(before_alt_text, settings):
    from PIL import Image

    old = before_alt_text
    stored = settings.MEDIA_ROOT / "profiles/logos/1/a.png"
    stored.parent.mkdir(parents=True)
    Image.new("RGB", (8, 4)).save(stored, "PNG")
    LocalGovernment = old.get_model("places", "LocalGovernment")
    Profile = old.get_model("profiles", "Profile")
    fuchu = LocalGovernment.objects.get(jis_code="132063")
    chofu = LocalGovernment.objects.get(jis_code="132080")
    with_logo = Profile.objects.create(local_government=fuchu, logo="profiles/logos/1/a.png",
                                       public_name_en="Fuchu, Tokyo")
    without = Profile.objects.create(local_government=chofu, public_name_en="Chofu")

    new = migrate(AFTER)
    Profile = new.get_model("profiles", "Profile")
    migrated = Profile.objects.get(pk=with_logo.pk)
    assert migrated.logo_alt_ja == "府中市のロゴ"
    assert migrated.logo_alt_en == "Logo of Fuchu, Tokyo"
    assert migrated.hidden_fields == []
    untouched = Profile.objects.get(pk=without.pk)
    assert (untouched.logo_alt_ja, untouched.logo_alt_en) == ("", "")
