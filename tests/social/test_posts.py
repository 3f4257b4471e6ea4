"""Ready-made posts (issue 8, §1): placeholders filled in per local government and language,
the campaign's hashtags always there, mentions in order, templates checked, and the
services that change templates and mentions audited and kept to staff with a second
factor."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

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
    Mention.objects.create(network="x", handle="@first", position=1)
    Mention.objects.create(network="x", handle="@excluded", position=0, included=False)
    ja = posts.ready_posts(language="ja", name="府中市", url=URL_JA)
    assert [p.key for p in ja] == ["joining", "world_refugee_day"]
    for post in ja:
        assert post.language == "ja" and post.text.startswith(("府中市", "6月20日"))
        assert URL_JA in post.text and "#WithRefugees #難民とともに" in post.text
        assert "@first @second.example" in post.text and "@excluded" not in post.text
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
