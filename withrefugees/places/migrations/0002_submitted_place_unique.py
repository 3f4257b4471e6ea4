"""A place typed in by signers exists once per country and folded name: the partial
UniqueConstraint ``one_submitted_place_per_country_and_name`` (issue 6, section 4: two
simultaneous "not in the list" submissions created the place twice on PostgreSQL).

Rows created twice before the constraint are merged first: the row with a pending or
published signature (else the oldest) keeps them all, the others' signatures move to it and
the others are deleted. When that cannot be done without a decision (two pending or
published signatures, or a profile on a row that would go) the migration stops and names
the rows, for staff to resolve in the admin. Reversing drops the constraint only."""

from django.db import migrations, models
from django.db.models import Count

ACTIVE = ["pending", "published"]


def merge_duplicate_submitted_places(apps, schema_editor):
    LocalGovernment = apps.get_model("places", "LocalGovernment")
    Signature = apps.get_model("campaign", "Signature")
    Profile = apps.get_model("profiles", "Profile")
    db = schema_editor.connection.alias
    submitted = LocalGovernment.objects.using(db).filter(source="submitted")
    groups = (submitted.values("country", "search_key").annotate(rows=Count("id"))
              .filter(rows__gt=1))
    for group in groups:
        rows = list(submitted.filter(country=group["country"], search_key=group["search_key"])
                    .order_by("pk"))
        signatures = Signature.objects.using(db).filter(local_government__in=rows)
        active = list(signatures.filter(status__in=ACTIVE))
        keep = next((lg for lg in rows if active and lg.pk == active[0].local_government_id),
                    rows[0])
        others = [lg.pk for lg in rows if lg.pk != keep.pk]
        if len(active) > 1 or Profile.objects.using(db).filter(
                local_government__in=others).exists():
            raise RuntimeError(
                "places 0002: the local governments "
                f"{sorted(lg.pk for lg in rows)} were typed in more than once "
                f"({group['country']}, {rows[0].name!r}) and cannot be merged without a "
                "decision (several pending or published signatures, or a profile): keep one "
                "in the admin, then run the migrations again.")
        signatures.filter(local_government__in=others).update(local_government=keep)
        LocalGovernment.objects.using(db).filter(pk__in=others).delete()
    if groups and schema_editor.connection.vendor == "postgresql":
        # Check the deferred foreign keys now: ALTER TABLE refuses pending trigger events.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0001_initial'),
        ('campaign', '0006_signature_email_canonical'),
        ('profiles', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(merge_duplicate_submitted_places, migrations.RunPython.noop,
                             elidable=True),
        migrations.AddConstraint(
            model_name='localgovernment',
            constraint=models.UniqueConstraint(condition=models.Q(('source', 'submitted')), fields=('country', 'search_key'), name='one_submitted_place_per_country_and_name'),
        ),
    ]
