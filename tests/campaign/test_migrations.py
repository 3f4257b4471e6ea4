"""campaign 0004/0005: every ``SignatureEvent`` row is carried over to the one audit trail
(same time, actor, states and note; the action derived from the states), the table goes;
reversed, the rows come back.

The test migrates the test database itself (SQLite or PostgreSQL, whichever the run uses)
with Django's ``MigrationExecutor``, outside a test transaction (schema changes), and puts
everything back afterwards: the migrations forward again, the data reloaded after the
flush.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("campaign", "0003_validators_and_labels")]
UTC = datetime.UTC


def migrate(targets):
    """Migrate to ``targets``; the historical apps there (with the audit model's app)."""
    MigrationExecutor(connection).migrate(targets)
    state = MigrationExecutor(connection).loader.project_state(
        [*targets, ("core", "0001_initial")])
    return state.apps


@pytest.fixture
def data_reloaded_afterwards(django_db_setup, django_db_blocker):
    """Requested before ``transactional_db``, so that it runs after its flush: the
    reference and campaign data the other tests expect are loaded again."""
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)
        call_command("load_campaign_data", verbosity=0)


@pytest.fixture
def before_audit_trail(data_reloaded_afterwards, transactional_db):
    """The test database (no test transaction: schema changes) at campaign 0003, where
    ``SignatureEvent`` exists; afterwards every app at its latest migration again."""
    name = str(connection.settings_dict["NAME"])
    assert "test" in name or "memory" in name, f"not a test database: {name}"
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        yield migrate(BEFORE)
    finally:
        MigrationExecutor(connection).migrate(leaves)


def at(minute: int) -> datetime.datetime:
    return datetime.datetime(2026, 5, 1, 9, minute, tzinfo=UTC)


def test_signature_events_move_to_the_audit_trail_and_back(before_audit_trail):
    old = before_audit_trail
    User = old.get_model("accounts", "User")
    Signature = old.get_model("campaign", "Signature")
    SignatureEvent = old.get_model("campaign", "SignatureEvent")
    LocalGovernment = old.get_model("places", "LocalGovernment")
    StatementText = old.get_model("campaign", "StatementText")
    staff = User.objects.create(email="migration@unhcr.example", password="!",
                                email_canonical="migration@unhcr.example", is_staff=True)
    text = StatementText.objects.get(version__is_current=True, language="ja")
    made = []

    def signature(code: str, status: str):
        s = Signature.objects.create(
            local_government=LocalGovernment.objects.get(jis_code=code), status=status,
            statement_text=text, statement_hash=text.content_hash, language="ja",
            published_at=at(0) if status == "published" else None)
        made.append(s.pk)
        return s

    withdrawn = signature("342084", "withdrawn")
    unconfirmed = signature("011002", "unconfirmed")
    seeded = signature("012025", "published")
    history = [  # (signature, from, to, actor, note, minute) -> expected action
        (withdrawn, "", "unconfirmed", None, "", 1, "signature.submit"),
        (withdrawn, "unconfirmed", "pending", None, "", 2, "signature.confirm"),
        (withdrawn, "pending", "published", staff, "checked", 3, "signature.publish"),
        (withdrawn, "published", "withdrawn", staff, "asked by the city", 4,
         "signature.withdraw"),
        (unconfirmed, "", "unconfirmed", None, "", 5, "signature.submit"),
        (seeded, "", "published", None, "Named in the brochure.", 6, "signature.seed"),
    ]
    for s, from_status, to_status, actor, note, minute, _action in history:
        event = SignatureEvent.objects.create(signature=s, from_status=from_status,
                                              to_status=to_status, actor=actor, note=note)
        SignatureEvent.objects.filter(pk=event.pk).update(at=at(minute))  # at: auto_now_add
    rejected = signature("012033", "unconfirmed")
    event = SignatureEvent.objects.create(signature=rejected, from_status="unconfirmed",
                                          to_status="rejected", actor=staff, note="dup")
    SignatureEvent.objects.filter(pk=event.pk).update(at=at(7))
    history.append((rejected, "unconfirmed", "rejected", staff, "dup", 7, "signature.reject"))

    new = migrate([("campaign", "0005_delete_signatureevent")])
    assert "campaign_signatureevent" not in connection.introspection.table_names()
    AuditEntry = new.get_model("core", "AuditEntry")
    entries = AuditEntry.objects.filter(
        content_type__app_label="campaign", content_type__model="signature",
        object_id__in=[str(pk) for pk in made]).order_by("at", "pk")
    assert [(e.object_id, e.from_state, e.to_state, e.actor_id, e.note, e.at, e.action)
            for e in entries] == [
        (str(s.pk), f, t, a.pk if a else None, n, at(m), action)
        for s, f, t, a, n, m, action in history]
    assert all(e.changes == {} for e in entries)
    assert entries.filter(object_id=str(seeded.pk)).get().object_repr.startswith(
        seeded.local_government.name)

    old = migrate(BEFORE)
    SignatureEvent = old.get_model("campaign", "SignatureEvent")
    events = SignatureEvent.objects.filter(signature_id__in=made).order_by(
        "at", "pk")
    assert [(e.signature_id, e.from_status, e.to_status, e.actor_id, e.note, e.at)
            for e in events] == [(s.pk, f, t, a.pk if a else None, n, at(m))
                                 for s, f, t, a, n, m, _action in history]
    AuditEntry = old.get_model("core", "AuditEntry")
    assert not AuditEntry.objects.filter(
        object_id__in=[str(pk) for pk in made],
        content_type__app_label="campaign", content_type__model="signature").exists()


@pytest.mark.parametrize("states,action", [
    (("", "unconfirmed"), "signature.submit"), (("", "published"), "signature.seed"),
    (("unconfirmed", "pending"), "signature.confirm"),
    (("pending", "published"), "signature.publish"),
    (("pending", "rejected"), "signature.reject"),
    (("unconfirmed", "rejected"), "signature.reject"),
    (("published", "withdrawn"), "signature.withdraw"),
    (("pending", "withdrawn"), "signature.withdraw"),
    (("pending", "unconfirmed"), "signature.change"),
])
def test_action_is_derived_from_the_states(states, action):
    from importlib import import_module

    module = import_module("withrefugees.campaign.migrations.0004_signature_events_to_audit_trail")
    assert module.action_for(*states) == action
