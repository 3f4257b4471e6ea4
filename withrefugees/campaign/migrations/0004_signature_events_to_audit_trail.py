"""Carry every ``SignatureEvent`` row over to the one audit trail (``core.AuditEntry``) and
add the ``review_signature`` permission. The model itself goes in 0005 (a migration of its
own, so that on PostgreSQL the rows are committed before the table is dropped).

Each event becomes one entry: the same time, actor, from/to status and note, on the
content type ``campaign.signature``; the action is derived from the two states (see
``action_for``). An actor that no longer exists is left empty and named in the note.
"""

from django.conf import settings
from django.db import migrations

SIGNATURE_ACTIONS = ("signature.submit", "signature.seed", "signature.confirm",
                     "signature.publish", "signature.reject", "signature.withdraw",
                     "signature.change")


def action_for(from_status: str, to_status: str) -> str:
    """The audit action of a state change ``from_status`` → ``to_status`` of step 1."""
    if not from_status:
        return "signature.submit" if to_status == "unconfirmed" else "signature.seed"
    if (from_status, to_status) == ("unconfirmed", "pending"):
        return "signature.confirm"
    return {"published": "signature.publish", "rejected": "signature.reject",
            "withdrawn": "signature.withdraw"}.get(to_status, "signature.change")


def events_to_audit_trail(apps, schema_editor):
    db = schema_editor.connection.alias
    SignatureEvent = apps.get_model("campaign", "SignatureEvent")
    events = (SignatureEvent.objects.using(db)
              .select_related("signature__local_government").order_by("at", "pk"))
    if not events.exists():
        return
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("core", "AuditEntry")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    signature_type, _ = ContentType.objects.using(db).get_or_create(app_label="campaign",
                                                                    model="signature")
    actor_ids = set(events.exclude(actor_id=None).values_list("actor_id", flat=True))
    known = set(User.objects.using(db).filter(pk__in=actor_ids).values_list("pk", flat=True))
    entries = []
    for event in events.iterator(chunk_size=2000):
        note = event.note
        if event.actor_id is not None and event.actor_id not in known:
            note = f"{note}\n(by user #{event.actor_id}, who no longer exists)".strip()
        entries.append(AuditEntry(
            at=event.at, actor_id=event.actor_id if event.actor_id in known else None,
            actor_pk=event.actor_id,
            action=action_for(event.from_status, event.to_status),
            content_type=signature_type, object_id=str(event.signature_id),
            object_repr=f"{event.signature.local_government.name} – {event.to_status}"[:200],
            from_state=event.from_status, to_state=event.to_status, changes={}, note=note,
        ))
    AuditEntry.objects.using(db).bulk_create(entries, batch_size=500)


def audit_trail_to_events(apps, schema_editor):
    """Reverse: state changes of signatures back to ``SignatureEvent`` rows (their audit
    entries are removed; other entries, e.g. staff edits, stay in the trail)."""
    db = schema_editor.connection.alias
    SignatureEvent = apps.get_model("campaign", "SignatureEvent")
    Signature = apps.get_model("campaign", "Signature")
    AuditEntry = apps.get_model("core", "AuditEntry")
    SignatureEvent._meta.get_field("at").auto_now_add = False  # keep the recorded times
    entries = (AuditEntry.objects.using(db)
               .filter(content_type__app_label="campaign", content_type__model="signature",
                       action__in=SIGNATURE_ACTIONS)
               .exclude(to_state="").order_by("at", "pk"))
    existing = set(Signature.objects.using(db).values_list("pk", flat=True))
    converted = [e for e in entries if e.object_id.isdigit() and int(e.object_id) in existing]
    SignatureEvent.objects.using(db).bulk_create([
        SignatureEvent(signature_id=int(e.object_id), actor_id=e.actor_id, at=e.at,
                       from_status=e.from_state, to_status=e.to_state, note=e.note)
        for e in converted
    ], batch_size=500)
    pks = [e.pk for e in converted]
    for start in range(0, len(pks), 500):
        AuditEntry.objects.using(db).filter(pk__in=pks[start:start + 500]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0003_validators_and_labels"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="signature",
            options={
                "ordering": ["-created_at"],
                "permissions": [("review_signature",
                                 "Can review signatures (publish, reject, withdraw)")],
                "verbose_name": "signature", "verbose_name_plural": "signatures",
            },
        ),
        migrations.RunPython(events_to_audit_trail, audit_trail_to_events),
    ]
