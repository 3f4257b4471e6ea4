"""``SignatureEvent`` is gone: its rows were carried over to ``core.AuditEntry`` by 0004
(the name is free for the coming events app)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0004_signature_events_to_audit_trail"),
    ]

    operations = [
        migrations.DeleteModel(name="SignatureEvent"),
    ]
