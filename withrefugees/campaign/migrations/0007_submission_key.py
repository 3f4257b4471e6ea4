"""One submission, one signature; limits per sender; each signer's own region text (issue
6, sections 4 and 8): ``Signature.submission_key`` (unique when not empty), ``sender`` (a
keyed hash of the sender's network) and ``region_text`` (the region as this signer typed
it for a place not in the list), filled for the signatures that exist from their place's
row. Reversing drops the columns."""

from django.db import migrations, models


def fill_region_text(apps, schema_editor):
    Signature = apps.get_model("campaign", "Signature")
    db = schema_editor.connection.alias
    changed = []
    for signature in (Signature.objects.using(db)
                      .filter(local_government__source="submitted")
                      .select_related("local_government").iterator(chunk_size=500)):
        signature.region_text = signature.local_government.region_text
        changed.append(signature)
    Signature.objects.using(db).bulk_update(changed, ["region_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0006_signature_email_canonical'),
        ('places', '0002_submitted_place_unique'),
    ]

    operations = [
        migrations.AddField(
            model_name='signature',
            name='region_text',
            field=models.CharField(blank=True, default='', editable=False, max_length=150, verbose_name='region (as entered by this signer)'),
        ),
        migrations.AddField(
            model_name='signature',
            name='sender',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='sender (hashed)'),
        ),
        migrations.AddField(
            model_name='signature',
            name='submission_key',
            field=models.CharField(blank=True, default='', editable=False, max_length=64, verbose_name='submission key'),
        ),
        migrations.AddConstraint(
            model_name='signature',
            constraint=models.UniqueConstraint(condition=models.Q(('submission_key', ''), _negated=True), fields=('submission_key',), name='signature_submission_key_unique'),
        ),
        migrations.RunPython(fill_region_text, migrations.RunPython.noop, elidable=True),
    ]
