"""The Japanese default posts say 賛同表明文 (the site's word for the statement) instead of
宣言. Only a template whose text is still the old default is changed: a text staff edited
is left as it is. Going back restores the old default where the new one is unchanged."""

from django.db import migrations

OLD_JOINING = (
    "{name}は、難民とともに歩む都市・地域の宣言に署名しました。"
    "難民の方々を地域の一員として温かく迎え、誰もが安心して暮らせるまちづくりを進めてまいります。\n"
    "{url}\n"
    "{mentions}\n"
    "{hashtags}"
)
NEW_JOINING = (
    "{name}は、難民とともに歩む都市・地域の賛同表明文に署名しました。"
    "難民の方々を地域の一員として温かく迎え、誰もが安心して暮らせるまちづくりを進めてまいります。\n"
    "{url}\n"
    "{mentions}\n"
    "{hashtags}"
)
#: (occasion, language, old text, new text)
CHANGES = [("joining", "ja", OLD_JOINING, NEW_JOINING)]


def _replace(apps, schema_editor, *, backwards: bool) -> None:
    PostTemplate = apps.get_model("social", "PostTemplate")
    db = schema_editor.connection.alias
    for occasion, language, old, new in CHANGES:
        if backwards:
            old, new = new, old
        PostTemplate.objects.using(db).filter(occasion=occasion, language=language,
                                              body=old).update(body=new)


def forwards(apps, schema_editor):
    _replace(apps, schema_editor, backwards=False)


def backwards(apps, schema_editor):
    _replace(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):

    dependencies = [
        ("social", "0003_posted_link_post_key"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
