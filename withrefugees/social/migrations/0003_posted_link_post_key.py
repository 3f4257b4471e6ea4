"""PostedLink.post_key: the identity of the post (``links.Recognised.post_key``), the same
for every address of one post, unique per local government. Filled for the links that exist
(``links.post_key_lenient``: an address the current rules refuse gets ``url:<address>``);
when two links of one local government turn out to be the same post, the later ones get
``<key>#<pk>`` so that none is lost (staff may remove them). Reversing drops the column."""

from django.db import migrations, models

from withrefugees.social.links import post_key_lenient


def fill_post_key(apps, schema_editor):
    PostedLink = apps.get_model("social", "PostedLink")
    db = schema_editor.connection.alias
    seen = set()
    changed = []
    for link in (PostedLink.objects.using(db).only("pk", "local_government_id", "url")
                 .order_by("created_at", "pk").iterator(chunk_size=500)):
        key = post_key_lenient(link.url)
        if (link.local_government_id, key) in seen:
            key = f"{key}#{link.pk}"
        seen.add((link.local_government_id, key))
        link.post_key = key
        changed.append(link)
    PostedLink.objects.using(db).bulk_update(changed, ["post_key"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("social", "0002_default_posts"),
    ]

    operations = [
        migrations.AddField(
            model_name="postedlink",
            name="post_key",
            field=models.CharField(default="", editable=False, max_length=550,
                                   verbose_name="identity of the post"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_post_key, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="postedlink",
            constraint=models.UniqueConstraint(fields=("local_government", "post_key"),
                                               name="posted_link_one_per_post"),
        ),
    ]
