"""accounts.services: officers of a local government (add, remove, leave, the last
officer), one's own account (name, deletion), and the officers in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import SignatureFactory, StaffFactory, jp
from withrefugees.accounts import services
from withrefugees.accounts.models import Invitation, Membership
from withrefugees.accounts.rules import can
from withrefugees.campaign.models import Signature
from withrefugees.core.audit import audit_history
from withrefugees.core.models import AuditEntry

from .officer_helpers import officer_of, user

pytestmark = pytest.mark.django_db
User = get_user_model()
FUCHU, CHOFU = "132063", "132080"


@pytest.fixture(autouse=True)
def _in_english():
    """Messages are asserted in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def lg():
    return jp(FUCHU)


@pytest.fixture
def other_lg():
    return jp(CHOFU)


def actions(record) -> list[str]:
    return list(audit_history(record).values_list("action", flat=True))


# --- membership_add -------------------------------------------------------------------------
def test_staff_add_an_officer_audited(lg):
    staff = StaffFactory()
    person = user("hanako@city.fuchu.tokyo.jp")
    membership = services.membership_add(user=person, local_government=lg, actor=staff)
    assert membership.added_by == staff and can(person, "workspace.view", lg)
    entry = audit_history(membership).get()
    assert entry.action == "membership.add" and entry.actor == staff
    assert entry.changes == {"user": [None, person.pk], "local_government": [None, lg.pk]}


def test_adding_twice_is_refused_without_a_second_row(lg):
    staff = StaffFactory()
    person = officer_of(lg, "hanako@city.fuchu.tokyo.jp")
    with pytest.raises(services.AlreadyOfficer) as refused:
        services.membership_add(user=person, local_government=lg, actor=staff)
    assert refused.value.code == "already_officer"
    assert Membership.objects.filter(user=person).count() == 1


def test_staff_without_a_second_factor_and_officers_of_another_city_cannot_add(lg, other_lg):
    person = user("hanako@city.fuchu.tokyo.jp")
    for actor in (StaffFactory(totp=False), officer_of(other_lg, "taro@city.chofu.lg.jp")):
        with pytest.raises(services.NotAllowed):
            services.membership_add(user=person, local_government=lg, actor=actor)
    assert not Membership.objects.filter(user=person).exists()


def test_one_person_may_be_officer_of_a_prefecture_and_a_city_in_it(lg):
    tokyo = jp("130001")
    staff = StaffFactory()
    person = user("hanako@metro.tokyo.lg.jp")
    services.membership_add(user=person, local_government=tokyo, actor=staff)
    services.membership_add(user=person, local_government=lg, actor=staff)
    assert can(person, "workspace.view", tokyo) and can(person, "workspace.view", lg)


# --- membership_remove ----------------------------------------------------------------------
def test_an_officer_removes_a_colleague(lg):
    first = officer_of(lg, "a@city.fuchu.tokyo.jp")
    second = officer_of(lg, "b@city.fuchu.tokyo.jp")
    membership = Membership.objects.get(user=second)
    services.membership_remove(membership=membership, actor=first)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get(action="membership.remove")
    assert entry.actor == first and entry.object_id == str(membership.pk)
    assert entry.changes == {"user": [second.pk, None], "local_government": [lg.pk, None]}
    assert not can(User.objects.get(pk=second.pk), "workspace.view", lg)


def test_an_officer_leaves_and_loses_access_at_once(lg):
    first = officer_of(lg, "a@city.fuchu.tokyo.jp")
    officer_of(lg, "b@city.fuchu.tokyo.jp")
    assert can(first, "workspace.view", lg)  # cached on the user object
    services.membership_remove(membership=Membership.objects.get(user=first), actor=first)
    assert not can(first, "workspace.view", lg)  # the cache was forgotten
    assert AuditEntry.objects.get(action="membership.remove").note == "left"


def test_the_last_officer_cannot_be_removed_nor_leave(lg):
    alone = officer_of(lg, "a@city.fuchu.tokyo.jp")
    membership = Membership.objects.get(user=alone)
    for actor in (alone, StaffFactory()):
        with pytest.raises(services.LastOfficer) as refused:
            services.membership_remove(membership=membership, actor=actor)
        assert refused.value.code == "last_officer"
        assert "at least one officer" in str(refused.value.message)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert not AuditEntry.objects.filter(action="membership.remove").exists()


def test_two_officers_cannot_remove_each_other_down_to_none(lg):
    first = officer_of(lg, "a@city.fuchu.tokyo.jp")
    second = officer_of(lg, "b@city.fuchu.tokyo.jp")
    services.membership_remove(membership=Membership.objects.get(user=second), actor=first)
    with pytest.raises(services.NotAllowed):  # no longer an officer: the rule refuses
        services.membership_remove(membership=Membership.objects.get(user=first),
                                   actor=User.objects.get(pk=second.pk))
    with pytest.raises(services.LastOfficer):
        services.membership_remove(membership=Membership.objects.get(user=first),
                                   actor=first)
    assert Membership.objects.filter(local_government=lg).count() == 1


def test_an_officer_of_another_city_cannot_remove(lg, other_lg):
    officer_of(lg, "a@city.fuchu.tokyo.jp")
    target = officer_of(lg, "b@city.fuchu.tokyo.jp")
    outsider = officer_of(other_lg, "taro@city.chofu.lg.jp")
    with pytest.raises(services.NotAllowed) as refused:
        services.membership_remove(membership=Membership.objects.get(user=target),
                                   actor=outsider)
    assert refused.value.code == "not_allowed"
    assert Membership.objects.filter(user=target).exists()


def test_removing_a_membership_removed_meanwhile_says_so(lg):
    first = officer_of(lg, "a@city.fuchu.tokyo.jp")
    officer_of(lg, "b@city.fuchu.tokyo.jp")
    second = officer_of(lg, "c@city.fuchu.tokyo.jp")
    membership = Membership.objects.get(user=second)
    Membership.objects.filter(pk=membership.pk).delete()
    with pytest.raises(Membership.DoesNotExist):
        services.membership_remove(membership=membership, actor=first)


# --- account_update_name --------------------------------------------------------------------
def test_a_person_changes_their_name_audited(lg):
    person = officer_of(lg, "a@city.fuchu.tokyo.jp", full_name="府中花子")
    assert services.account_update_name(user=person, full_name=" 府中 花子 ", actor=person)
    person.refresh_from_db()
    assert person.full_name == "府中 花子"
    entry = audit_history(person).get(action="user.update_name")
    assert entry.changes == {"full_name": ["府中花子", "府中 花子"]} and entry.actor == person
    assert not services.account_update_name(user=person, full_name="府中 花子", actor=person)
    assert audit_history(person).filter(action="user.update_name").count() == 1


def test_nobody_else_changes_a_name_except_staff(lg):
    person = officer_of(lg, "a@city.fuchu.tokyo.jp")
    colleague = officer_of(lg, "b@city.fuchu.tokyo.jp")
    with pytest.raises(services.NotAllowed):
        services.account_update_name(user=person, full_name="x", actor=colleague)
    assert services.account_update_name(user=person, full_name="y", actor=StaffFactory())


# --- account_delete -------------------------------------------------------------------------
def test_deleting_an_account_keeps_the_local_governments_records(lg):
    signature = SignatureFactory(status=Signature.Status.PENDING, local_government=lg)
    leaving = officer_of(lg, "a@city.fuchu.tokyo.jp", full_name="府中花子")
    staying = officer_of(lg, "b@city.fuchu.tokyo.jp")
    # something the officer did, in the local government's trail
    services.invitation_create(local_government=lg, email="c@city.fuchu.tokyo.jp",
                               language="ja", invited_by=leaving)
    invited = Invitation.objects.get(email="c@city.fuchu.tokyo.jp")
    pk = leaving.pk
    services.account_delete(user=leaving, actor=leaving)
    assert not User.objects.filter(pk=pk).exists()
    assert Membership.objects.filter(local_government=lg).get().user == staying
    signature.refresh_from_db()  # the signature stays
    invited.refresh_from_db()  # and the invitation they sent, withdrawn, without its sender
    assert invited.status == "revoked" and invited.invited_by is None
    created = audit_history(invited).get(action="invitation.create")
    assert created.actor is None and created.actor_pk == pk
    assert created.actor_label == f"a former officer (#{pk})"
    removed = AuditEntry.objects.get(action="membership.remove")
    assert removed.note == "account deleted" and removed.actor_pk == pk
    deleted = AuditEntry.objects.get(action="account.delete")
    assert deleted.object_id == str(pk) and deleted.changes == {
        "email": ["a•@city.fuchu.tokyo.jp", None]}
    assert deleted.actor is None and deleted.actor_label == f"a former officer (#{pk})"
    # The address leaves with the account: no audit row or invitation keeps it whole.
    import json

    for entry in AuditEntry.objects.all():
        assert "a@city.fuchu.tokyo.jp" not in entry.object_repr + json.dumps(entry.changes)
    assert not Invitation.objects.filter(email__iexact="a@city.fuchu.tokyo.jp").exists()


def test_the_only_officer_cannot_delete_their_account(lg, other_lg):
    alone = officer_of(lg, "a@city.fuchu.tokyo.jp")
    Membership.objects.create(user=alone, local_government=other_lg)
    officer_of(other_lg, "taro@city.chofu.lg.jp")  # Chofu has another officer
    with pytest.raises(services.AccountIsLastOfficer) as refused:
        services.account_delete(user=alone, actor=alone)
    assert refused.value.code == "last_officer"
    assert [p.pk for p in refused.value.local_governments] == [lg.pk]
    assert "Fuchu" in str(refused.value.message) and "Chofu" not in str(refused.value.message)
    assert User.objects.filter(pk=alone.pk).exists()
    assert Membership.objects.filter(user=alone).count() == 2
    assert not AuditEntry.objects.filter(action__in=["account.delete", "membership.remove"])


def test_deleting_an_account_withdraws_invitations_to_it(lg, other_lg):
    person = officer_of(lg, "a@city.fuchu.tokyo.jp")
    officer_of(lg, "b@city.fuchu.tokyo.jp")
    services.invitation_create(local_government=other_lg, email="A@city.fuchu.tokyo.jp",
                               language="en", invited_by=None)
    services.account_delete(user=person, actor=person)
    invitation = Invitation.objects.get(local_government=other_lg)
    assert invitation.status == "revoked"
    assert services.account_for_invited_address(email="a@city.fuchu.tokyo.jp") is None


def test_staff_delete_their_own_account_and_nobody_else_deletes_one(lg):
    staff = StaffFactory(totp=False)
    person = officer_of(lg, "a@city.fuchu.tokyo.jp")
    colleague = officer_of(lg, "b@city.fuchu.tokyo.jp")
    with pytest.raises(services.NotAllowed):
        services.account_delete(user=person, actor=colleague)
    with pytest.raises(services.NotAllowed):  # staff need a second factor for others
        services.account_delete(user=person, actor=staff)
    services.account_delete(user=staff, actor=staff)
    assert not User.objects.filter(pk=staff.pk).exists()
    services.account_delete(user=person, actor=StaffFactory())
    assert AuditEntry.objects.filter(action="account.delete").count() == 2


# --- admin ----------------------------------------------------------------------------------
@pytest.fixture
def admin_client(client):
    root = get_user_model().objects.create_superuser(email="root@unhcr.example",
                                                     password="correct horse battery")
    from tests.factories import give_totp

    give_totp(root)
    client.force_login(root)
    client.root = root
    return client


def test_admin_adds_an_officer_through_the_service(admin_client, lg):
    person = user("hanako@city.fuchu.tokyo.jp")
    url = reverse("admin:accounts_membership_add")
    response = admin_client.post(url, {"user_email": "Hanako+x@City.Fuchu.Tokyo.jp",
                                       "local_government": lg.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user=person)
    assert membership.added_by == admin_client.root
    assert actions(membership) == ["membership.add"]
    again = admin_client.post(url, {"user_email": "hanako@city.fuchu.tokyo.jp",
                                    "local_government": lg.pk})
    assert again.status_code == 200 and "already an officer" in again.content.decode()
    assert Membership.objects.filter(user=person).count() == 1
    nobody = admin_client.post(url, {"user_email": "nobody@city.fuchu.tokyo.jp",
                                     "local_government": lg.pk})
    assert nobody.status_code == 200 and "Send an invitation instead" in \
        nobody.content.decode()
    assert Membership.objects.count() == 1


def test_admin_autocomplete_finds_local_governments(admin_client, lg):
    response = admin_client.get("/en/admin/autocomplete/", {
        "term": "府中", "app_label": "accounts", "model_name": "membership",
        "field_name": "local_government"})
    assert response.status_code == 200
    assert str(lg.pk) in [r["id"] for r in response.json()["results"]]


def test_staff_with_a_second_factor_use_the_officer_pages_others_do_not(client, lg):
    officer_of(lg, "a@city.fuchu.tokyo.jp")
    url = reverse("admin:accounts_membership_changelist")
    client.force_login(StaffFactory())  # a reviewer, with TOTP
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:accounts_invitation_changelist")).status_code == 200
    client.force_login(StaffFactory(totp=False))
    assert client.get(url).status_code != 200


def test_admin_removes_an_officer_but_not_the_last(admin_client, lg):
    first = officer_of(lg, "a@city.fuchu.tokyo.jp")
    second = officer_of(lg, "b@city.fuchu.tokyo.jp")
    m2 = Membership.objects.get(user=second)
    url = reverse("admin:accounts_membership_delete", args=[m2.pk])
    assert admin_client.get(url).status_code == 200  # Django's confirmation page
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=m2.pk).exists()
    assert AuditEntry.objects.get(action="membership.remove").actor == admin_client.root
    m1 = Membership.objects.get(user=first)
    response = admin_client.post(reverse("admin:accounts_membership_delete", args=[m1.pk]),
                                 {"post": "yes"}, follow=True)
    assert Membership.objects.filter(pk=m1.pk).exists()
    assert "at least one officer" in response.content.decode()


def test_admin_remove_action_keeps_the_last_officer(admin_client, lg):
    first = officer_of(lg, "a@city.fuchu.tokyo.jp")
    second = officer_of(lg, "b@city.fuchu.tokyo.jp")
    ids = list(Membership.objects.filter(user__in=[first, second]).values_list("pk", flat=True))
    response = admin_client.post(reverse("admin:accounts_membership_changelist"),
                                 {"action": "remove_officers", "_selected_action": ids},
                                 follow=True)
    assert response.status_code == 200
    assert Membership.objects.filter(local_government=lg).count() == 1
    assert "at least one officer" in response.content.decode()
    assert "delete_selected" not in response.content.decode()


def test_admin_lists_without_a_query_per_row(admin_client, lg, other_lg,
                                             django_assert_max_num_queries):
    for n in range(5):
        officer_of(lg if n % 2 else other_lg, f"o{n}@city.example.jp")
        services.invitation_create(local_government=lg, email=f"i{n}@city.example.jp",
                                   language="ja", invited_by=admin_client.root)
    admin_client.get(reverse("admin:accounts_membership_changelist"))  # warm caches
    admin_client.get(reverse("admin:accounts_invitation_changelist"))
    with django_assert_max_num_queries(20):
        assert admin_client.get(reverse("admin:accounts_membership_changelist")
                                ).status_code == 200
    with django_assert_max_num_queries(20):
        response = admin_client.get(reverse("admin:accounts_invitation_changelist"))
    assert response.status_code == 200 and "i4@city.example.jp" in response.content.decode()


def test_staff_deleting_an_account_in_the_admin_keeps_the_last_officer_rule(client, lg):
    from django.urls import reverse

    alone = officer_of(lg, "a@city.fuchu.tokyo.jp")
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:accounts_user_delete", args=[alone.pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302 and User.objects.filter(pk=alone.pk).exists()
    colleague = officer_of(lg, "b@city.fuchu.tokyo.jp")
    response = client.post(reverse("admin:accounts_user_delete", args=[colleague.pk]),
                           {"post": "yes"})
    assert response.status_code == 302 and not User.objects.filter(pk=colleague.pk).exists()
    assert AuditEntry.objects.filter(action="account.delete", actor_pk=admin.pk).count() == 1


def test_deleting_an_account_withdraws_the_invitations_it_sent(lg):
    """Found by the re-check: once the inviter's account was gone, its pending invitation
    read as one from UNHCR."""
    person = officer_of(lg, "a@city.fuchu.tokyo.jp")
    officer_of(lg, "b@city.fuchu.tokyo.jp")
    sent = services.invitation_create(local_government=lg, email="c@city.fuchu.tokyo.jp",
                                      language="ja", invited_by=person)
    services.account_delete(user=person, actor=person)
    sent.refresh_from_db()
    assert sent.status == "revoked"
