"""The user admin (email-based accounts) and ``createsuperuser`` (what ``make superuser``
runs)."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from tests.factories import StaffFactory, SuperuserFactory
from withrefugees.accounts.models import User

pytestmark = pytest.mark.django_db
USERS = "/ja/admin/accounts/user/"
PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def admin_client(client):
    client.force_login(SuperuserFactory())
    return client


def test_changelist_lists_and_searches_by_email(admin_client):
    StaffFactory(email="hanako@unhcr.example")
    StaffFactory(email="taro@unhcr.example")
    body = admin_client.get(USERS, {"q": "HANAKO"}).content.decode()
    assert "hanako@unhcr.example" in body and "taro@unhcr.example" not in body


def test_add_form_creates_an_account_with_email_and_password_twice(admin_client):
    response = admin_client.post(f"{USERS}add/", {
        "email": "Reviewer@ＵＮＨＣＲ.example", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email_canonical="reviewer@unhcr.example")
    assert user.email == "Reviewer@unhcr.example" and not user.is_staff
    assert authenticate(username="reviewer@unhcr.example", password=PASSWORD) == user


@pytest.mark.parametrize("email,code", [("Hanako+admin@UNHCR.example", "email_taken"),
                                        ("not an address", "invalid")])
def test_add_form_refuses_a_taken_mailbox_or_invalid_address(admin_client, email, code):
    StaffFactory(email="hanako@unhcr.example")
    response = admin_client.post(f"{USERS}add/", {
        "email": email, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()["email"]
    assert errors[0].code == code
    assert User.objects.count() == 2  # the superuser and hanako


def test_add_form_refuses_passwords_that_differ(admin_client):
    response = admin_client.post(f"{USERS}add/", {
        "email": "new@unhcr.example", "password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "password2" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="new@unhcr.example").exists()


def test_change_form_gives_roles_and_permissions(admin_client):
    staff = StaffFactory(roles=[])
    page = admin_client.get(f"{USERS}{staff.pk}/change/")
    form = page.context["adminform"].form
    assert {"email", "groups", "user_permissions", "is_staff", "is_superuser"} <= set(form.fields)
    assert "username" not in form.fields


def test_change_form_refuses_another_accounts_mailbox(admin_client):
    StaffFactory(email="hanako@unhcr.example")
    staff = StaffFactory(email="taro@unhcr.example")
    response = admin_client.post(f"{USERS}{staff.pk}/change/", {
        "email": "HANAKO@unhcr.example", "is_active": "on", "is_staff": "on",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.email == "taro@unhcr.example"


def test_staff_reviewer_cannot_manage_users(client):
    client.force_login(StaffFactory())
    assert client.get(USERS).status_code == 403


def test_createsuperuser_asks_for_the_email(monkeypatch):
    """``make superuser`` runs ``createsuperuser``: it prompts for the email address."""
    prompts = []

    def fake_input(prompt=""):
        prompts.append(prompt)
        return "Chief@UNHCR.example"

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    with translation.override("en"):
        call_command("createsuperuser", interactive=True, stdin=None, verbosity=0)
    assert prompts[0].startswith("Email address")
    user = User.objects.get()
    assert user.is_superuser and user.is_staff and user.email == "Chief@unhcr.example"
    assert authenticate(username="chief@unhcr.example", password=PASSWORD) == user


def test_createsuperuser_refuses_a_taken_mailbox(monkeypatch):
    SuperuserFactory(email="chief@unhcr.example")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", interactive=False, email="Chief@UNHCR.example",
                     verbosity=0)
