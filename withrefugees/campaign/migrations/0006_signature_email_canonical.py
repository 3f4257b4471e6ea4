"""Signature.email_canonical: the canonical mailbox of the email address
(``core.emails.email_canonical``), which the daily limit per mailbox compares, indexed with
``created_at``; filled for the signatures that exist (addresses stored before the checks
get ``email_canonical_lenient``'s key). Reversing drops the column."""

from django.db import migrations, models

from withrefugees.core.emails import email_canonical_lenient


def fill_email_canonical(apps, schema_editor):
    Signature = apps.get_model("campaign", "Signature")
    db = schema_editor.connection.alias
    changed = []
    for signature in Signature.objects.using(db).only("pk", "email").iterator(chunk_size=500):
        signature.email_canonical = email_canonical_lenient(signature.email)
        if signature.email_canonical:
            changed.append(signature)
    Signature.objects.using(db).bulk_update(changed, ["email_canonical"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("campaign", "0005_delete_signatureevent"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="email_canonical",
            field=models.CharField(blank=True, editable=False, max_length=254,
                                   verbose_name="canonical mailbox"),
        ),
        migrations.RunPython(fill_email_canonical, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(fields=["email_canonical", "created_at"],
                               name="signature_mailbox_created"),
        ),
    ]
