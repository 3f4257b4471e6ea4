"""Ready-made posts (issue 8, §1): placeholders filled in per local government and language,
the campaign's hashtags always there, mentions in order, templates checked, and the
services that change templates and mentions audited and kept to staff with a second
factor."""

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from withrefugees.core.audit import audit_history
from withrefugees.social import posts
from withrefugees.social.models import Mention, PostTemplate
from withrefugees.social.services_posts import mention_delete, mention_save, post_template_save

URL_JA = "http://testserver/ja/signatories/7/"


def codes(exc: ValidationError) -> set[str]:
    errors = exc.error_dict.get("body", []) if hasattr(exc, "error_dict") else exc.error_list
    return {e.code for e in errors}


# --- Rendering -----------------------------------------------------------------------------
def test_render_fills_in_every_placeholder():
    text = posts.render("{name}は参加しました。\n{url}\n{mentions}\n{hashtags}", language="ja",
                        name="府中市", url=URL_JA, mentions=["@UNHCR_Japan", "@unhcr.bsky.social"])
    assert text == ("府中市は参加しました。\n" + URL_JA
                    + "\n@UNHCR_Japan @unhcr.bsky.social\n#WithRefugees #難民とともに")


def test_english_posts_carry_one_hashtag():
    text = posts.render("{name} stands with refugees. {url} {hashtags}", language="en",
                        name="Fuchu City", url="http://testserver/en/signatories/7/")
    assert text == ("Fuchu City stands with refugees. http://testserver/en/signatories/7/ "
                    "#WithRefugees")
    assert "#難民とともに" not in text


def test_no_mention_leaves_no_empty_line_nor_double_space():
    assert posts.render("{name}\n{mentions}\n{hashtags}", language="en", name="A",
                        url="u") == "A\n#WithRefugees"
    assert posts.render("{name} {mentions} {hashtags}", language="en", name="A",
                        url="u") == "A #WithRefugees"


def test_hashtags_are_added_when_a_template_lost_them():
    text = posts.render("{name}は参加しました。", language="ja", name="府中市", url=URL_JA)
    assert text == "府中市は参加しました。\n#WithRefugees #難民とともに"
    # Written out (any case) counts; a longer tag does not.
    assert posts.render("#withrefugees #難民とともに {name}", language="ja", name="A",
                        url="u") == "#withrefugees #難民とともに A"
    assert posts.render("#WithRefugeesJapan", language="en", name="A",
                        url="u").endswith("\n#WithRefugees")


@pytest.mark.parametrize(("body", "added"), [
    ("{name}は参加しました。{url}#WithRefugees #難民とともに", "#WithRefugees"),  # in the link
    ("{name} abc#WithRefugees x#難民とともに", "#WithRefugees #難民とともに"),  # glued
    ("{url}{hashtags}", "#WithRefugees"),
    ("{name}{hashtags}", "#WithRefugees"),
    ("{mentions}{hashtags} {url}", "#WithRefugees"),
    ("#WithRefugees_Japan #難民とともに2026 {name}", "#WithRefugees #難民とともに"),
])
def test_hashtags_x_would_not_read_are_added_on_a_last_line(body, added):
    url = "https://withrefugees.example.jp/ja/signatories/7/"  # X sees no link in testserver
    text = posts.render(body, language="ja", name="府中市", url=url, mentions=["@UNHCR_Japan"])
    assert text.endswith("\n" + added) and text.count("\n") == body.count("\n") + 1
    assert {"WithRefugees", "難民とともに"} <= set(posts.x_hashtags(text))
    # Read where they are: nothing added.
    good = posts.render("{name}\n{url}\n{hashtags}", language="ja", name="府中市", url=URL_JA)
    assert good.count("#WithRefugees") == 1


def test_values_are_not_read_as_placeholders_and_unknown_ones_stay():
    text = posts.render("{name} {event_title} {hashtags}", language="en", name="{url}",
                        url="U")
    assert text == "{url} {event_title} #WithRefugees"
    text = posts.render("{event_title} ({event_date}) {hashtags}", language="en", name="A",
                        url="u", extra={"event_title": "Blue light-up", "event_date": "20 June"})
    assert text == "Blue light-up (20 June) #WithRefugees"


def test_language_codes():
    assert posts.language_of("ja-JP") == "ja" and posts.language_of("en") == "en"
    assert posts.language_of("fr") == "ja" and posts.language_of("") == "ja"
    assert posts.hashtags("ja") == "#WithRefugees #難民とともに"


# --- The default posts (migration 0002) and the kit's reads --------------------------------
@pytest.mark.django_db
def test_default_templates_are_valid_and_complete():
    found = {(t.occasion, t.language): t.body for t in PostTemplate.objects.all()}
    assert set(found) == {(o, lg) for o in ("joining", "world_refugee_day", "event", "pledge")
                          for lg in ("ja", "en")}
    for (occasion, language), body in found.items():
        posts.validate_body(body, occasion=occasion, language=language)
        assert "{hashtags}" in body and "{name}" in body and "{url}" in body
    assert list(Mention.objects.values_list("network", "handle", "included")) == [
        ("x", "@UNHCR_Japan", True)]


@pytest.mark.django_db
def test_ready_posts_in_both_languages_with_mentions_in_order():
    Mention.objects.all().delete()
    Mention.objects.create(network="bluesky", handle="@second.example", position=2)
    Mention.objects.create(network="x", handle="@third", position=3)
    Mention.objects.create(network="x", handle="@first", position=1)
    Mention.objects.create(network="x", handle="@excluded", position=0, included=False)
    ja = posts.ready_posts(language="ja", name="府中市", url=URL_JA)
    assert [p.key for p in ja] == ["joining", "world_refugee_day"]
    for post in ja:
        assert post.language == "ja" and post.text.startswith(("府中市", "6月20日"))
        assert URL_JA in post.text and "#WithRefugees #難民とともに" in post.text
        # {mentions}: the X accounts only (a Bluesky handle does not belong in an X post).
        assert "@first @third" in post.text and "@excluded" not in post.text
        assert "@second.example" not in post.text
    assert posts.mentions_by_network() == {"x": "@first @third", "bluesky": "@second.example"}
    en = posts.ready_posts(language="en", name="Fuchu City",
                           url="http://testserver/en/signatories/7/")
    assert "Fuchu City" in en[0].text and "#難民とともに" not in en[0].text


@pytest.mark.django_db
def test_ready_posts_without_mentions_or_templates():
    Mention.objects.all().delete()
    PostTemplate.objects.filter(occasion="joining", language="en").delete()
    post = posts.ready_posts(language="en", name="Fuchu City", url="http://x.test/")[0]
    assert post.text == "Fuchu City\nhttp://x.test/\n#WithRefugees"  # the fallback


@pytest.mark.django_db
def test_extra_occasions_are_a_hook_for_events_and_pledges():
    extra = posts.ExtraOccasion(key="event-12", occasion="event", title="Blue light-up",
                                values={"event_title": "Blue light-up",
                                        "event_date": "20 June"})
    found = posts.ready_posts(language="en", name="Fuchu City", url="http://x.test/",
                              extra_occasions=[extra])
    assert [p.key for p in found] == ["joining", "world_refugee_day", "event-12"]
    assert "“Blue light-up” on 20 June" in found[2].text


@pytest.mark.django_db
def test_ready_posts_take_two_queries(django_assert_num_queries):
    for i in range(5):
        Mention.objects.create(network="mastodon", handle=f"@u{i}@example.org", position=i)
    with django_assert_num_queries(2):
        posts.ready_posts(language="ja", name="府中市", url=URL_JA)


# --- Checking a template -------------------------------------------------------------------
def test_a_good_template_passes():
    posts.validate_body("{name} {url} {mentions} {hashtags}", occasion="joining",
                        language="ja")
    posts.validate_body("{event_title} {event_date} {hashtags}", occasion="event",
                        language="en")
    # The hashtags written out instead of {hashtags}.
    posts.validate_body("{name} #WithRefugees #難民とともに", occasion="joining", language="ja")


@pytest.mark.parametrize(("body", "occasion", "language", "code"), [
    ("{name} {nmae} {hashtags}", "joining", "ja", "post_template_unknown_placeholder"),
    ("{ name } {hashtags}", "joining", "en", "post_template_unknown_placeholder"),
    ("{event_title} {hashtags}", "joining", "en", "post_template_unknown_placeholder"),
    ("{pledge_title} {hashtags}", "event", "en", "post_template_unknown_placeholder"),
    ("{name} { {hashtags}", "joining", "en", "post_template_stray_brace"),
    ("{name}} {hashtags}", "joining", "en", "post_template_stray_brace"),
    ("{{name}} {hashtags}", "joining", "en", "post_template_stray_brace"),
    ("{name} {url}", "joining", "en", "post_template_hashtags_missing"),
    ("{name} #WithRefugees", "joining", "ja", "post_template_hashtags_missing"),
])
def test_bad_templates_are_refused_with_a_reason(body, occasion, language, code):
    with pytest.raises(ValidationError) as caught:
        posts.validate_body(body, occasion=occasion, language=language)
    assert code in codes(caught.value)


@pytest.mark.parametrize(("body", "language", "unread"), [
    # Reported: twitter-text takes ".../669/#WithRefugees" as the link's fragment.
    ("{url}{hashtags} {name}", "ja", ["#WithRefugees"]),
    ("{url}{hashtags} {name}", "en", ["#WithRefugees"]),
    # Reported: written out, glued to letters before them.
    ("abc#WithRefugees x#難民とともに {name} {url}", "ja", ["#WithRefugees", "#難民とともに"]),
    ("{name}{hashtags}", "ja", ["#WithRefugees"]),  # glued to the name
    ("{name} {mentions}{hashtags}", "en", ["#WithRefugees"]),  # glued to a mention
    ("{name} {url}#WithRefugees #難民とともに", "ja", ["#WithRefugees"]),
    ("{name} 1#WithRefugees", "en", ["#WithRefugees"]),
    ("{name} _#WithRefugees", "en", ["#WithRefugees"]),
    ("{name} &#WithRefugees", "en", ["#WithRefugees"]),
    ("{name} {hashtags}Japan", "ja", ["#難民とともに"]),  # glued to a letter after
    ("{name} #WithRefugees_2026 #難民とともに", "ja", ["#WithRefugees"]),
    ("{name} {hashtags}://", "en", ["#WithRefugees"]),
    ("{name} {event_title}{hashtags}", "ja", ["#WithRefugees"]),
])
def test_hashtags_must_be_read_as_hashtags(body, language, unread):
    occasion = "event" if "{event_" in body else "joining"
    with pytest.raises(ValidationError) as caught:
        posts.validate_body(body, occasion=occasion, language=language)
    errors = caught.value.error_list
    assert [e.code for e in errors] == ["post_template_hashtag_not_read"] * len(unread)
    assert [e.params["tag"] for e in errors] == unread
    with translation.override("en"):
        assert f"{unread[0]} would not be read as a hashtag" in caught.value.messages[0]


@pytest.mark.parametrize("body", [
    "{url} {hashtags}", "{url}\n{hashtags}", "{name}、{hashtags}", "{name}（{hashtags}）",
    "{url}\n#WithRefugees、#難民とともに。", "{name}🌸#WithRefugees #難民とともに",
    "{name} {mentions} {hashtags}", "{mentions}\n{hashtags}\n{url}", "＃WithRefugees #難民とともに",
    "#withrefugees #難民とともに {name}", "{name}: #WithRefugees/#難民とともに!",
])
def test_hashtags_read_as_hashtags_pass(body):
    posts.validate_body(body, occasion="joining", language="ja")


#: Texts for ``x_hashtags`` against npm twitter-text ``extractHashtags``.
HASHTAG_TEXTS = [
    "https://example.org/ja/signatories/669/#WithRefugees x", "abc#WithRefugees x#難民とともに",
    "a #b、#c x#d https://e.jp/#f", "#a#b", "##a", "&#a", "_#a", "1#a", "🌸#a", "\ufe0f#a",
    "#a://", "#WithRefugees_", "#難民とともに・東京", "(#a)", "＃a", "#123", "#1a", "e.jp#a",
    "府中市.jp #a", "@UNHCR_Japan#a", "x.com/#a #b", "#\u20e3a #\ufe0fa", "#éa #e\u0301a",
    "#𠮷野 𠮷#a", "カ#a ー#b ・#c 。#d", "http://x.test/a?b=#c #d", "#a.jp #b", "a #b\n#c",
    "https://cities-withrefugees.example.jp/ja/signatories/12345/\n#WithRefugees #難民とともに",
    "#WithRefugees、#難民とともに。#Ｗｉｔｈ", "#ab#cd #ef", "#a_b_ #_ #٣a", "#WithRefugees/#b",
]


def node_hashtags(texts: list[str]) -> list[list[str]]:
    modules = Path(__file__).resolve().parents[2] / "node_modules"
    if shutil.which("node") is None or not (modules / "twitter-text").is_dir():
        pytest.skip("node and node_modules/twitter-text give the reference")
    script = (f"const tt = require({json.dumps(str(modules / 'twitter-text'))});"
              "let s = ''; process.stdin.on('data', d => s += d); process.stdin.on('end', () =>"
              " process.stdout.write(JSON.stringify(JSON.parse(s).map("
              "t => tt.extractHashtags(t.normalize('NFC'))))));")
    result = subprocess.run(["node", "-e", script], input=json.dumps(texts),
                            capture_output=True, text=True, check=True, timeout=60)
    return json.loads(result.stdout)


def test_x_hashtags_are_those_of_twitter_text():
    rng = random.Random(8)
    pieces = ["#", "＃", "a", "難民", "_", "&", " ", "\n", "、", "🌸", "1", "x.jp", "https://",
              "/", ":", ".", "\ufe0f", "・"]
    texts = HASHTAG_TEXTS + ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
                             for _ in range(400)]
    expected = node_hashtags(texts)
    assert ["a"] in expected and [] in expected  # the reference answers
    for text, tags in zip(texts, expected, strict=True):
        assert posts.x_hashtags(text) == tags, text


def test_the_messages_name_the_problem():
    with pytest.raises(ValidationError) as caught:
        posts.validate_body("{nmae} {", occasion="joining", language="en")
    messages = " ".join(caught.value.messages)
    assert "{nmae}" in messages and "{name}, {url}, {hashtags}, {mentions}" in messages
    assert "#WithRefugees" in messages  # what {hashtags} becomes


# --- Services ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_post_template_save_is_audited(staff):
    template = PostTemplate.objects.get(occasion="joining", language="en")
    old = template.body
    saved = post_template_save(occasion="joining", language="en",
                               body="{name} joins!\r\n{url}\r\n{hashtags}\n", actor=staff)
    assert saved.pk == template.pk and saved.body == "{name} joins!\n{url}\n{hashtags}"
    entry = audit_history(saved).get()
    assert entry.action == "posttemplate.update" and entry.actor == staff
    assert entry.changes == {"body": [old, saved.body]}
    # The same text again: no row.
    post_template_save(occasion="joining", language="en", body=saved.body, actor=staff)
    assert audit_history(saved).count() == 1


@pytest.mark.django_db
def test_post_template_save_creates_and_refuses(staff, officer, staff_without_totp):
    PostTemplate.objects.filter(occasion="pledge", language="en").delete()
    created = post_template_save(occasion="pledge", language="en",
                                 body="{pledge_title} {hashtags}", actor=staff)
    assert audit_history(created).get().action == "posttemplate.create"
    with pytest.raises(ValidationError) as caught:
        post_template_save(occasion="pledge", language="en", body="{oops}", actor=staff)
    assert "post_template_unknown_placeholder" in codes(caught.value)
    assert "post_template_hashtags_missing" in codes(caught.value)
    for actor in (officer, staff_without_totp):
        with pytest.raises(PermissionDenied):
            post_template_save(occasion="pledge", language="en", body="{hashtags}",
                               actor=actor)
    created.refresh_from_db()
    assert created.body == "{pledge_title} {hashtags}"
    assert audit_history(created).count() == 1


@pytest.mark.django_db
def test_mention_services_are_audited(staff, officer):
    mention = mention_save(network="bluesky", handle=" @unhcr.bsky.social ", label="UNHCR",
                           position=3, actor=staff)
    assert mention.handle == "@unhcr.bsky.social"
    assert audit_history(mention).get().action == "mention.create"
    mention_save(mention=mention, network="bluesky", handle="@unhcr.bsky.social",
                 label="UNHCR", position=3, included=False, actor=staff)
    mention.refresh_from_db()
    assert mention.included is False
    update = audit_history(mention).last()
    assert update.action == "mention.update" and update.changes == {"included": [True, False]}
    # Unchanged: no row; a bad handle or a duplicate: refused.
    mention_save(mention=mention, network="bluesky", handle="@unhcr.bsky.social",
                 label="UNHCR", position=3, included=False, actor=staff)
    assert audit_history(mention).count() == 2
    for handle in ("UNHCR_Japan", "@", "@two words", "@{name}"):
        with pytest.raises(ValidationError) as caught:
            mention_save(network="x", handle=handle, actor=staff)
        assert "handle" in caught.value.error_dict
    with pytest.raises(ValidationError):
        mention_save(network="x", handle="@UNHCR_Japan", actor=staff)  # exists already
    with pytest.raises(PermissionDenied):
        mention_save(network="x", handle="@someone", actor=officer)
    with pytest.raises(PermissionDenied):
        mention_delete(mention=mention, actor=officer)
    pk = mention.pk
    mention_delete(mention=mention, actor=staff)
    assert not Mention.objects.filter(pk=pk).exists()
    mention.pk = pk
    last = audit_history(mention).last()
    assert last.action == "mention.delete" and last.changes["handle"] == [
        "@unhcr.bsky.social", None]


# --- Wording of the default texts (migration 0004) -----------------------------------------
def _migration(name: str):
    import importlib

    return importlib.import_module(f"withrefugees.social.migrations.{name}")


@pytest.mark.django_db
def test_default_japanese_texts_say_the_sites_word_for_the_statement():
    old = _migration("0002_default_posts").JA["joining"]
    wording = _migration("0004_post_texts_wording")
    assert wording.OLD_JOINING == old  # 0004 matches exactly the text 0002 wrote
    body = PostTemplate.objects.get(occasion="joining", language="ja").body
    assert "賛同表明文に署名" in body and "宣言" not in body
    for template in PostTemplate.objects.filter(language="ja"):
        assert "宣言" not in template.body
        posts.validate_body(template.body, occasion=template.occasion, language="ja")


@pytest.mark.django_db
def test_wording_migration_changes_only_the_untouched_default():
    from django.apps import apps
    from django.db import connection

    wording = _migration("0004_post_texts_wording")
    template = PostTemplate.objects.get(occasion="joining", language="ja")
    template.body = wording.OLD_JOINING
    template.save()
    wording.forwards(apps, connection.schema_editor())
    template.refresh_from_db()
    assert template.body == wording.NEW_JOINING
    edited = wording.OLD_JOINING.replace("{name}は、", "{name}は本日、")
    template.body = edited
    template.save()
    wording.forwards(apps, connection.schema_editor())
    template.refresh_from_db()
    assert template.body == edited  # a staff edit is never overwritten
    wording.backwards(apps, connection.schema_editor())
    template.refresh_from_db()
    assert template.body == edited


@pytest.mark.parametrize("control", ["\v", "\f", "\x85", "\x00", "\x1b"])
def test_a_template_with_control_characters_is_refused(control):
    from withrefugees.social.posts import validate_body

    with pytest.raises(ValidationError) as refused:
        validate_body(f"{{name}}{control}{{url}}\n{{hashtags}}", occasion="joining",
                      language="ja")
    assert "control_characters" in [e.code for e in refused.value.error_list]
    validate_body("{name}\t{url}\n{hashtags}", occasion="joining", language="ja")  # kept
