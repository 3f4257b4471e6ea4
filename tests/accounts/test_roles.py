"""Staff roles: the reviewer group has exactly the review's permissions, and staff without
them are refused by the review queue, the review page and the bulk actions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import SignatureFactory, StaffFactory, SuperuserFactory
from withrefugees.accounts.roles import REVIEWERS, ROLES
from withrefugees.accounts.services import RolePermissionsMissing, roles_sync
from withrefugees.campaign.models import Signature

pytestmark = pytest.mark.django_db
S = Signature.Status
QUEUE = "/ja/admin/campaign/signatureawaitingreview/"
CHANGELIST = "/ja/admin/campaign/signature/"


def perms(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")}


def review_url(signature) -> str:
    return reverse("admin:campaign_signature_review", args=[signature.pk])


def test_roles_sync_creates_the_reviewer_group_with_exactly_its_permissions():
    assert roles_sync() == {REVIEWERS: 56}
    assert perms(Group.objects.get(name=REVIEWERS)) == ROLES[REVIEWERS] == {
        "campaign.view_signature", "campaign.view_signatureawaitingreview",
        "campaign.review_signature", "campaign.view_rejectionreason",
        "campaign.view_statementversion", "campaign.view_statementtext",
        "core.view_auditentry", "core.view_outboundemail",
        "core.retry_outboundemail", "profiles.view_profile", "profiles.change_profile",
        "profiles.view_socialaccount", "places.view_localgovernment",
        "social.view_posttemplate", "social.change_posttemplate", "social.view_mention",
        "social.add_mention", "social.change_mention", "social.delete_mention",
        "social.view_postedlink", "social.change_postedlink",
        "events.view_event", "events.view_eventawaitingreview", "events.change_event", "events.view_eventpartner",
        "events.view_eventphoto", "events.view_landmark", "events.add_landmark",
        "events.change_landmark", "events.view_supportrequest",
        "events.change_supportrequest", "events.view_supportitem", "events.view_supportreply",
        "events.view_reminderschedule", "events.add_reminderschedule",
        "events.change_reminderschedule", "events.view_remindersent",
        "events.view_reportedtotal",
        # Step 4: review pledges, stale ones, areas of focus and multistakeholder pledges,
        # the reminder period, what was reminded.
        "pledges.view_pledge", "pledges.change_pledge", "pledges.view_pledgeawaitingreview",
        "pledges.view_stalepledge", "pledges.view_copledger", "pledges.view_pledgetarget",
        "pledges.view_progressreport", "pledges.view_targetprogress",
        "pledges.view_areaoffocus", "pledges.add_areaoffocus", "pledges.change_areaoffocus",
        "pledges.view_multistakeholderpledge", "pledges.add_multistakeholderpledge",
        "pledges.change_multistakeholderpledge", "pledges.view_pledgeremindersettings",
        "pledges.add_pledgeremindersettings", "pledges.change_pledgeremindersettings",
        "pledges.view_pledgeremindersent"}


def test_roles_sync_is_idempotent_and_undoes_edits_of_the_role():
    roles_sync()
    group = Group.objects.get(name=REVIEWERS)
    member = StaffFactory()
    group.permissions.add(Permission.objects.get(codename="change_signature"))
    group.permissions.remove(Permission.objects.get(codename="review_signature"))
    roles_sync()
    roles_sync()
    assert Group.objects.filter(name=REVIEWERS).count() == 1
    assert perms(group) == ROLES[REVIEWERS]
    assert list(group.user_set.all()) == [member]  # members are kept


def test_roles_sync_refuses_an_unknown_permission_and_changes_nothing():
    with pytest.raises(RolePermissionsMissing) as caught:
        roles_sync(roles={"Other": frozenset({"campaign.view_signature"}),
                          "Broken": frozenset({"campaign.fly_signature"})})
    assert caught.value.missing == ["campaign.fly_signature"]
    assert not Group.objects.filter(name__in=["Other", "Broken"]).exists()


def test_staff_factory_is_a_reviewer_not_a_superuser():
    staff = StaffFactory()
    assert staff.is_staff and not staff.is_superuser
    assert staff.get_all_permissions() == ROLES[REVIEWERS]
    assert StaffFactory(roles=[]).get_all_permissions() == set()


def test_staff_without_the_review_permissions_is_refused(client):
    signature = SignatureFactory(status=S.PENDING)
    client.force_login(StaffFactory(roles=[]))
    assert client.get(QUEUE).status_code == 403
    assert client.get(review_url(signature)).status_code == 403
    assert client.post(review_url(signature), {"decision": "publish"}).status_code == 403
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [signature.pk]})
    signature.refresh_from_db()
    assert signature.status == S.PENDING


def test_staff_who_may_only_read_cannot_publish(client):
    """``view_*`` alone shows the queue but not the review: publishing needs
    ``campaign.review_signature``."""
    signature = SignatureFactory(status=S.PENDING)
    reader = StaffFactory(roles=[])
    reader.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_signature", "view_signatureawaitingreview"]))
    client.force_login(reader)
    assert client.get(QUEUE).status_code == 200
    assert client.get(review_url(signature)).status_code == 403
    assert client.post(review_url(signature), {"decision": "publish"}).status_code == 403
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [signature.pk]})
    signature.refresh_from_db()
    assert signature.status == S.PENDING


@pytest.mark.parametrize("factory", [StaffFactory, SuperuserFactory])
def test_a_reviewer_sees_the_queue_and_publishes(client, factory):
    signature = SignatureFactory(status=S.PENDING)
    client.force_login(factory())
    assert client.get(QUEUE).status_code == 200
    assert client.get(review_url(signature)).status_code == 200
    response = client.post(review_url(signature), {"decision": "publish"})
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.status == S.PUBLISHED


def test_a_reviewer_publishes_with_the_bulk_action(client):
    signature = SignatureFactory(status=S.PENDING)
    client.force_login(StaffFactory())
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [signature.pk]})
    signature.refresh_from_db()
    assert signature.status == S.PUBLISHED


def test_reviewers_read_the_statement_texts_they_review_against(client):
    """Found by review: without view_statementtext the version's page showed no text."""
    from withrefugees.campaign.models import StatementVersion

    client.force_login(StaffFactory())
    version = StatementVersion.objects.get(is_current=True)
    page = client.get(f"/ja/admin/campaign/statementversion/{version.pk}/change/")
    assert page.status_code == 200 and "私たちは、一都市、一地域として" in page.content.decode()


def test_a_release_that_undoes_an_edit_of_the_role_leaves_an_audit_row():
    """Found by review: roles_sync changed a group's permissions without a trace."""
    from withrefugees.core.audit import audit_history

    roles_sync()
    group = Group.objects.get(name=REVIEWERS)
    extra = Permission.objects.get(codename="view_user")
    group.permissions.add(extra)  # as if edited in the admin
    before = audit_history(group).count()
    roles_sync()
    row = audit_history(group).last()
    assert audit_history(group).count() == before + 1 and row.action == "group.update"
    old, new = row.changes["permissions"]
    assert extra.pk in old and extra.pk not in new and row.actor is None
    roles_sync()  # nothing to undo: no row
    assert audit_history(group).count() == before + 1
