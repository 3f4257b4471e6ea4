"""Writes of posted links (``social.services``): who may record, remove, hide and show a
link; one audit row per change; duplicates (also once normalised, and under a race)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from withrefugees.core.audit import audit_history
from withrefugees.core.models import AuditEntry
from withrefugees.social import services
from withrefugees.social.models import PostedLink

pytestmark = pytest.mark.django_db

POST = "https://x.com/fuchu_city/status/1790000000000000001"


def add(lg, actor, url=POST):
    return services.posted_link_add(local_government=lg, url=url, actor=actor)


# --- Recording ------------------------------------------------------------------------------
def test_an_officer_records_a_post_normalised_with_one_audit_row(lg, officer):
    link = add(lg, officer, "https://twitter.com/fuchu_city/status/1790000000000000001?s=20")
    assert (link.url, link.network, link.added_by, link.hidden) == (POST, "x", officer, False)
    [entry] = audit_history(link)
    assert (entry.action, entry.actor) == ("posted_link.add", officer)
    assert entry.changes == {"url": [None, POST], "network": [None, "x"],
                             "local_government": [None, lg.pk]}


def test_staff_with_a_second_factor_may_record_for_a_local_government(lg, staff):
    assert add(lg, staff).added_by == staff


@pytest.mark.parametrize("who", ["other_officer", "staff_without_totp"])
def test_others_are_refused_and_nothing_is_written(request, lg, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        add(lg, actor)
    assert not PostedLink.objects.exists() and not AuditEntry.objects.filter(
        action__startswith="posted_link.").exists()


def test_a_refused_address_raises_its_code_and_writes_nothing(lg, officer):
    with pytest.raises(ValidationError) as refused:
        add(lg, officer, "https://x.com/fuchu_city")
    assert refused.value.code == "not_a_post"
    assert not PostedLink.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="posted_link.").exists()


@pytest.mark.parametrize("again", [
    POST,
    "https://mobile.twitter.com/fuchu_city/status/1790000000000000001?t=abc#x",
    "  x.com/fuchu_city/status/1790000000000000001/photo/1 ",
    # The same post under another name, letter case or form: one post, one row.
    "https://x.com/Fuchu_City/status/1790000000000000001",
    "https://x.com/someone_else/status/1790000000000000001",
    "https://x.com/i/web/status/1790000000000000001",
    "https://ｘ.com/fuchu_city/status/1790000000000000001",
])
def test_the_same_post_twice_is_a_duplicate(lg, officer, make_officer, again):
    add(lg, officer)
    colleague = make_officer(lg)
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            add(lg, colleague, again)
        assert "already in the list" in refused.value.messages[0]  # lazy: read in English
    assert refused.value.code == "duplicate"
    assert PostedLink.objects.count() == 1
    assert AuditEntry.objects.filter(action="posted_link.add").count() == 1


@pytest.mark.parametrize("first, again", [
    ("https://www.facebook.com/story.php?story_fbid=1&id=2",
     "https://m.facebook.com/story.php?id=2&story_fbid=1&__tn__=%2As"),
    ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/shorts/dQw4w9WgXcQ"),
    ("https://www.instagram.com/p/C7abcde/", "https://www.instagram.com/fuchu/reel/C7abcde"),
    ("https://bsky.app/profile/fuchu.bsky.social/post/3kabc",
     "https://bsky.app/profile/Fuchu.Bsky.Social/post/3kabc"),
    ("https://www.linkedin.com/posts/fuchu-activity-7200-AbCd",
     "https://www.linkedin.com/feed/update/urn:li:activity:7200"),
    ("https://mstdn.jp/@fuchu/5", "https://mstdn.jp/users/fuchu/statuses/5"),
])
def test_the_same_post_under_another_address_is_a_duplicate(lg, officer, first, again):
    link = add(lg, officer, first)
    assert link.post_key == services.recognise(again).post_key
    with pytest.raises(ValidationError) as refused:
        add(lg, officer, again)
    assert refused.value.code == "duplicate"
    assert PostedLink.objects.count() == 1


def test_one_post_per_local_government_is_a_database_constraint(lg, officer):
    from django.db import IntegrityError, transaction

    link = add(lg, officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostedLink.objects.create(local_government=lg, network="x", post_key=link.post_key,
                                  url="https://x.com/other/status/1790000000000000001")


def test_another_local_government_may_record_the_same_address(lg, other_lg, officer,
                                                              other_officer):
    add(lg, officer)
    assert add(other_lg, other_officer).local_government == other_lg


def test_a_duplicate_committed_by_a_concurrent_request_is_refused_too(lg, officer,
                                                                       monkeypatch):
    add(lg, officer)
    # The other request had not committed when this one looked.
    monkeypatch.setattr(services, "_recorded", lambda *args: None)
    with pytest.raises(ValidationError) as refused:
        add(lg, officer)
    assert refused.value.code == "duplicate"
    # The same post under another address: caught by the post_key constraint.
    with pytest.raises(ValidationError) as refused:
        add(lg, officer, "https://x.com/i/web/status/1790000000000000001")
    assert refused.value.code == "duplicate"
    assert PostedLink.objects.count() == 1
    assert AuditEntry.objects.filter(action="posted_link.add").count() == 1


# --- Removing -------------------------------------------------------------------------------
def test_an_officer_removes_a_link_with_one_audit_row(lg, officer, make_officer):
    link = add(lg, officer)
    colleague = make_officer(lg)
    services.posted_link_remove(link=link, actor=colleague)
    assert not PostedLink.objects.exists()
    entry = AuditEntry.objects.get(action="posted_link.remove")
    assert entry.actor == colleague and entry.object_id == str(link.pk)
    assert entry.changes == {"url": [POST, None], "network": ["x", None],
                             "local_government": [lg.pk, None]}


@pytest.mark.parametrize("who", ["other_officer", "staff_without_totp"])
def test_others_may_not_remove(request, lg, officer, who):
    link = add(lg, officer)
    with pytest.raises(PermissionDenied):
        services.posted_link_remove(link=link, actor=request.getfixturevalue(who))
    assert PostedLink.objects.filter(pk=link.pk).exists()


def test_removing_a_removed_link_says_so(lg, officer):
    link = add(lg, officer)
    services.posted_link_remove(link=link, actor=officer)
    with pytest.raises(PostedLink.DoesNotExist):
        services.posted_link_remove(link=link, actor=officer)
    assert AuditEntry.objects.filter(action="posted_link.remove").count() == 1


# --- Hiding and showing (staff) -------------------------------------------------------------
def test_staff_hide_with_a_reason_and_show_again(lg, officer, staff):
    link = add(lg, officer)
    hidden = services.posted_link_hide(link=link, actor=staff, reason="  Not about refugees. ")
    assert (hidden.hidden, hidden.hidden_reason) == (True, "Not about refugees.")
    entry = AuditEntry.objects.get(action="posted_link.hide")
    assert (entry.actor, entry.from_state, entry.to_state) == (staff, "shown", "hidden")
    assert entry.changes == {"hidden": [False, True],
                             "hidden_reason": ["", "Not about refugees."]}
    # The same again writes nothing; another reason is recorded.
    services.posted_link_hide(link=link, actor=staff, reason="Not about refugees.")
    assert AuditEntry.objects.filter(action="posted_link.hide").count() == 1
    services.posted_link_hide(link=link, actor=staff, reason="Off topic.")
    assert AuditEntry.objects.filter(action="posted_link.hide").count() == 2

    shown = services.posted_link_show(link=link, actor=staff)
    assert (shown.hidden, shown.hidden_reason) == (False, "")
    entry = AuditEntry.objects.get(action="posted_link.show")
    assert (entry.from_state, entry.to_state) == ("hidden", "shown")
    services.posted_link_show(link=link, actor=staff)  # not hidden: nothing to write
    assert AuditEntry.objects.filter(action="posted_link.show").count() == 1


@pytest.mark.parametrize("reason, code", [("", "reason_required"), ("   ", "reason_required"),
                                          ("x" * 501, "reason_too_long"),
                                          ("\x0b\x00 \x85", "reason_required")])
def test_hiding_needs_a_reason(lg, officer, staff, reason, code):
    link = add(lg, officer)
    with pytest.raises(ValidationError) as refused:
        services.posted_link_hide(link=link, actor=staff, reason=reason)
    assert refused.value.error_dict["hidden_reason"][0].code == code
    link.refresh_from_db()
    assert not link.hidden


def test_control_characters_are_removed_from_the_reason_but_newline_and_tab_stay(
        lg, officer, staff):
    link = add(lg, officer)
    hidden = services.posted_link_hide(link=link, actor=staff,
                                       reason="Spam\x0b.\x00\x85\nSee\tlist\x1b")
    assert hidden.hidden_reason == "Spam.\nSee\tlist"
    assert AuditEntry.objects.get(action="posted_link.hide").note == "Spam.\nSee\tlist"


@pytest.mark.parametrize("who", ["officer", "other_officer", "staff_without_totp"])
def test_only_staff_with_a_second_factor_hide_or_show(request, lg, officer, staff, who):
    link = add(lg, officer)
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.posted_link_hide(link=link, actor=actor, reason="spam")
    services.posted_link_hide(link=link, actor=staff, reason="spam")
    with pytest.raises(PermissionDenied):
        services.posted_link_show(link=link, actor=actor)
    link.refresh_from_db()
    assert link.hidden


def test_officers_may_remove_a_hidden_link(lg, officer, staff):
    link = add(lg, officer)
    services.posted_link_hide(link=link, actor=staff, reason="spam")
    services.posted_link_remove(link=link, actor=officer)
    assert AuditEntry.objects.get(action="posted_link.remove").from_state == "hidden"


# --- Filling post_key for the links recorded before it (migration 0003) ---------------------
def test_the_migration_fills_post_key_and_keeps_every_row(lg, other_lg, officer):
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    fill = importlib.import_module(
        "withrefugees.social.migrations.0003_posted_link_post_key").fill_post_key
    rows = [(lg, "https://x.com/Fuchu_City/status/5"),  # stored under the older rules
            (lg, "https://x.com/other/status/5"),  # the same post, recorded twice then
            (other_lg, "https://x.com/fuchu_city/status/5"),
            (lg, "https://social-plugins.line.me/lineit/share?url=https://evil.example")]
    made = [PostedLink.objects.create(local_government=place, url=address, network="x",
                                      post_key=f"old{i}")
            for i, (place, address) in enumerate(rows)]
    fill(apps, SimpleNamespace(connection=connection))
    keys = [PostedLink.objects.get(pk=link.pk).post_key for link in made]
    assert keys == ["x:5", f"x:5#{made[1].pk}", "x:5",
                    "url:https://social-plugins.line.me/lineit/share?url=https://evil.example"]


def test_a_hidden_post_recorded_again_says_it_is_hidden_and_why(lg, officer, staff):
    link = services.posted_link_add(local_government=lg, url=POST, actor=officer)
    services.posted_link_hide(link=link, actor=staff, reason="Not about refugees.")
    with pytest.raises(ValidationError) as refused:
        services.posted_link_add(local_government=lg, url=POST, actor=officer)
    assert refused.value.code == "duplicate"
    with translation.override("en"):
        message = refused.value.messages[0]
    assert "UNHCR hid it" in message and "Not about refugees." in message
