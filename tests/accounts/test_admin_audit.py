"""Staff edits of accounts and roles leave audit rows (never the password itself)."""

import pytest
from django.contrib.auth.models import Group

from tests.factories import SuperuserFactory
from withrefugees.accounts.models import User
from withrefugees.accounts.roles import REVIEWERS
from withrefugees.core.audit import audit_history
from withrefugees.core.services import REDACTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = SuperuserFactory()
    client.force_login(admin)
    client.admin = admin
    return client


def change_data(user: User, **overrides) -> dict:
    data = {"email": user.email, "full_name": user.full_name, "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_granting_staff_and_a_role_is_audited_with_the_actor(admin_client):
    user = User.objects.create_user("officer@city.example.jp", "x" * 16)
    group = Group.objects.get(name=REVIEWERS)
    response = admin_client.post(f"/en/admin/accounts/user/{user.pk}/change/",
                                 change_data(user, is_staff="on", groups=[group.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = list(audit_history(user))
    changes = {name: pair for row in rows for name, pair in row.changes.items()}
    assert changes["is_staff"] == [False, True]
    assert changes["groups"] == [[], [group.pk]]
    assert {row.actor for row in rows} == {admin_client.admin}
    history = admin_client.get(f"/en/admin/accounts/user/{user.pk}/history/").content.decode()
    assert REVIEWERS in history


def test_password_set_by_staff_is_audited_but_never_stored(admin_client):
    user = User.objects.create_user("officer@city.example.jp", "x" * 16)
    old_hash = user.password
    response = admin_client.post(f"/en/admin/accounts/user/{user.pk}/password/", {
        "password1": "a new long passphrase 42", "password2": "a new long passphrase 42",
        "usable_password": "true"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long passphrase 42")
    row = audit_history(user).get(changes__has_key="password")
    assert row.changes["password"] == [REDACTED, REDACTED]
    assert old_hash not in str(row.changes) and user.password not in str(row.changes)
    history = admin_client.get(f"/en/admin/accounts/user/{user.pk}/history/").content.decode()
    assert "Password: (not shown) → (not shown)" in " ".join(
        history.replace("<strong>", "").replace("</strong>", "").split())


def test_role_permissions_edit_is_audited(admin_client):
    group = Group.objects.get(name=REVIEWERS)
    kept = list(group.permissions.values_list("pk", flat=True))
    response = admin_client.post(f"/en/admin/auth/group/{group.pk}/change/",
                                 {"name": group.name, "permissions": kept[:1]})
    assert response.status_code == 302
    row = audit_history(group).get(actor=admin_client.admin)
    assert row.changes["permissions"] == [sorted(kept), sorted(kept[:1])]


def test_changing_ones_own_password_in_the_admin_is_audited(client):
    """Found by review: the admin's own password page wrote no audit row."""
    from tests.factories import StaffFactory

    staff = StaffFactory()
    client.force_login(staff)
    response = client.post("/en/admin/password_change/", {
        "old_password": "correct horse battery", "new_password1": "another long passphrase 7",
        "new_password2": "another long passphrase 7"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("another long passphrase 7")
    row = audit_history(staff).get(changes__has_key="password")
    assert row.actor == staff and row.changes["password"] == [REDACTED, REDACTED]
    wrong = client.post("/en/admin/password_change/", {
        "old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20})
    assert wrong.status_code == 200 and audit_history(staff).count() == 1
