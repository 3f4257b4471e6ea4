"""The default ready-made posts (ja and en, the four occasions) and the first UNHCR account
to mention (X: @UNHCR_Japan). Staff edit them in the admin afterwards: a template or mention
that already exists is left as it is, and going back removes only the defaults unchanged.

The texts: warm and positive about refugees and local solidarity, Japanese in the register
local governments use in their own posts; each carries {hashtags} (#WithRefugees, and
#難民とともに in Japanese) and checks with ``social.posts.validate_body``."""

from django.db import migrations

JA = {
    "joining": (
        "{name}は、難民とともに歩む都市・地域の宣言に署名しました。"
        "難民の方々を地域の一員として温かく迎え、誰もが安心して暮らせるまちづくりを進めてまいります。\n"
        "{url}\n"
        "{mentions}\n"
        "{hashtags}"
    ),
    "world_refugee_day": (
        "6月20日は「世界難民の日」です。{name}は、故郷を追われた方々に思いを寄せ、"
        "難民の方々とともに支え合う地域づくりに取り組んでいます。\n"
        "{url}\n"
        "{mentions}\n"
        "{hashtags}"
    ),
    "event": (
        "{name}は、{event_date}に「{event_title}」を開催します。難民の方々について知り、ともに考える機会です。"
        "どなたでもぜひご参加ください。\n"
        "{url}\n"
        "{mentions}\n"
        "{hashtags}"
    ),
    "pledge": (
        "{name}は、「難民に関するグローバル・コンパクト」への貢献として「{pledge_title}」を表明しました。"
        "難民の方々とともに歩む地域づくりを進めてまいります。\n"
        "{url}\n"
        "{mentions}\n"
        "{hashtags}"
    ),
}

EN = {
    "joining": (
        "{name} has signed UNHCR's statement of cities and regions standing with refugees. "
        "We welcome refugees as neighbours and work for a community where everyone "
        "feels at home.\n"
        "{url}\n"
        "{mentions}\n"
        "{hashtags}"
    ),
    "world_refugee_day": (
        "20 June is World Refugee Day. {name} stands with people forced to flee: "
        "together with our residents, we build a community where everyone belongs.\n"
        "{url}\n"
        "{mentions}\n"
        "{hashtags}"
    ),
    "event": (
        "{name} is holding “{event_title}” on {event_date}: "
        "a chance to learn about refugees and to stand with them. Everyone is welcome!\n"
        "{url}\n"
        "{mentions}\n"
        "{hashtags}"
    ),
    "pledge": (
        "{name} has made a pledge to the Global Compact on Refugees: “{pledge_title}”. "
        "Together with refugees, we build a community where everyone belongs.\n"
        "{url}\n"
        "{mentions}\n"
        "{hashtags}"
    ),
}

MENTIONS = [("x", "@UNHCR_Japan", "UNHCR Japan", 0)]


def add_defaults(apps, schema_editor):
    PostTemplate = apps.get_model("social", "PostTemplate")
    Mention = apps.get_model("social", "Mention")
    for language, texts in (("ja", JA), ("en", EN)):
        for occasion, body in texts.items():
            PostTemplate.objects.get_or_create(occasion=occasion, language=language,
                                               defaults={"body": body})
    for network, handle, label, position in MENTIONS:
        Mention.objects.get_or_create(network=network, handle=handle,
                                      defaults={"label": label, "position": position,
                                                "included": True})


def remove_defaults(apps, schema_editor):
    PostTemplate = apps.get_model("social", "PostTemplate")
    Mention = apps.get_model("social", "Mention")
    for language, texts in (("ja", JA), ("en", EN)):
        for occasion, body in texts.items():
            PostTemplate.objects.filter(occasion=occasion, language=language,
                                        body=body).delete()
    for network, handle, label, _position in MENTIONS:
        Mention.objects.filter(network=network, handle=handle, label=label).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("social", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_defaults, remove_defaults),
    ]
