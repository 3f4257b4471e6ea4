"""Staff edit the ready-made posts and the UNHCR accounts to mention in the admin (issue 8,
§1): saves go through ``services_posts`` (audited), a bad template comes back with the
reason and changes nothing."""

import pytest
from django.utils import translation

import withrefugees.social.admin_posts  # noqa: F401 (registers the admin; social/admin.py imports it)
from withrefugees.core.audit import audit_history
from withrefugees.social.models import Mention, PostTemplate

pytestmark = pytest.mark.django_db


def change_url(template: PostTemplate) -> str:
    return f"/en/admin/social/posttemplate/{template.pk}/change/"


def test_staff_see_the_placeholders(admin_client):
    template = PostTemplate.objects.get(occasion="event", language="ja")
    body = admin_client.get(change_url(template)).content.decode()
    assert "<code>{event_title}</code>" in body and "<code>{event_date}</code>" in body
    assert "<code>{pledge_title}</code>" not in body


def test_a_bad_template_is_refused_with_the_reason(admin_client):
    template = PostTemplate.objects.get(occasion="joining", language="ja")
    before = template.body
    with translation.override("en"):
        response = admin_client.post(change_url(template), {"body": "{name} {nmae} }"})
    assert response.status_code == 200  # the form again
    page = response.content.decode()
    assert "Unknown placeholder: {nmae}" in page
    assert "is not part of a placeholder" in page
    assert "must carry the campaign’s hashtags" in page
    template.refresh_from_db()
    assert template.body == before and not audit_history(template).exists()


@pytest.mark.parametrize(("body", "unread"), [
    ("{url}{hashtags} {name}", ["#WithRefugees"]),  # the link's fragment on X
    ("{name} {url} abc#WithRefugees x#難民とともに", ["#WithRefugees", "#難民とともに"]),
])
def test_a_template_whose_hashtags_x_would_not_read_is_refused(admin_client, body, unread):
    template = PostTemplate.objects.get(occasion="joining", language="ja")
    before = template.body
    with translation.override("en"):
        response = admin_client.post(change_url(template), {"body": body})
    assert response.status_code == 200
    page = response.content.decode()
    for tag in unread:
        assert f"{tag} would not be read as a hashtag" in page
    template.refresh_from_db()
    assert template.body == before and not audit_history(template).exists()


def test_a_good_template_is_saved_through_the_service(admin_client, admin_user):
    template = PostTemplate.objects.get(occasion="joining", language="en")
    before = template.body
    response = admin_client.post(change_url(template),
                                 {"body": "{name} has joined!\r\n{url}\r\n{hashtags}"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "{name} has joined!\n{url}\n{hashtags}"
    entry = audit_history(template).get()
    assert entry.action == "posttemplate.update" and entry.actor == admin_user
    assert entry.changes == {"body": [before, "{name} has joined!\n{url}\n{hashtags}"]}
    # Its history page reads the audit trail.
    history = admin_client.get(f"/en/admin/social/posttemplate/{template.pk}/history/")
    assert "posttemplate.update" in history.content.decode()


def test_templates_are_not_deleted(admin_client):
    template = PostTemplate.objects.get(occasion="joining", language="en")
    response = admin_client.post(f"/en/admin/social/posttemplate/{template.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 403
    assert PostTemplate.objects.filter(pk=template.pk).exists()


def test_mentions_added_changed_and_deleted_are_audited(admin_client):
    response = admin_client.post("/en/admin/social/mention/add/", {
        "network": "bluesky", "handle": "@unhcr.bsky.social", "label": "UNHCR",
        "included": "on", "position": "2"})
    assert response.status_code == 302
    mention = Mention.objects.get(handle="@unhcr.bsky.social")
    response = admin_client.post(f"/en/admin/social/mention/{mention.pk}/change/", {
        "network": "bluesky", "handle": "@unhcr.bsky.social", "label": "UNHCR",
        "position": "2"})  # "included" unticked
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.included is False
    # A bad handle comes back with the reason.
    with translation.override("en"):
        response = admin_client.post(f"/en/admin/social/mention/{mention.pk}/change/", {
            "network": "bluesky", "handle": "unhcr", "position": "2"})
    assert response.status_code == 200 and "“@” then the name" in response.content.decode()
    response = admin_client.post(f"/en/admin/social/mention/{mention.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302 and not Mention.objects.filter(pk=mention.pk).exists()
    actions = list(audit_history(mention).values_list("action", flat=True))
    assert actions == ["mention.create", "mention.update", "mention.delete"]


def test_staff_without_the_rule_or_permission_cannot_edit(client, staff, staff_without_totp,
                                                         officer):
    template = PostTemplate.objects.get(occasion="joining", language="en")
    staff.groups.clear()  # staff with a second factor, but no role (no permission on posts)
    client.force_login(staff)
    assert client.get(change_url(template)).status_code == 403
    for user in (staff_without_totp, officer):
        client.force_login(user)
        response = client.post(change_url(template), {"body": "{hashtags} hacked"})
        assert response.status_code in (302, 403)
    template.refresh_from_db()
    assert "hacked" not in template.body


def test_a_mention_change_records_the_changed_fields(admin_client):
    mention = Mention.objects.get(handle="@UNHCR_Japan")
    response = admin_client.post(f"/en/admin/social/mention/{mention.pk}/change/", {
        "network": "x", "handle": "@UNHCR_JP", "label": mention.label, "included": "on",
        "position": "3"})
    assert response.status_code == 302
    entry = audit_history(mention).get()
    assert entry.action == "mention.update"
    assert entry.changes == {"handle": ["@UNHCR_Japan", "@UNHCR_JP"], "position": [0, 3]}


def test_the_help_text_names_where_accounts_are_chosen(admin_client):
    template = PostTemplate.objects.get(occasion="joining", language="en")
    with translation.override("en"):
        body = admin_client.get(change_url(template)).content.decode()
    assert "chosen in “UNHCR accounts to mention”" in body and "ticked below" not in body
