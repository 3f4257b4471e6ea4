"""Sessions (issue 7, §2): they end after inactivity (staff sooner than officers), and "sign
out everywhere" (allauth.usersessions) ends one's other sessions."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.factories import give_totp

from .signin_helpers import sign_in_with_password, signed_in_user_id

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a long and unusual passphrase"
PAGE = "/ja/accounts/sessions/"  # signed-in only


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A cheap hasher: these tests check many passwords (the real one takes ~0.5 s each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

@pytest.fixture
def officer():
    return User.objects.create_user(email="soumu@city.example.jp", password=PASSWORD)


@pytest.fixture
def staff():
    user = User.objects.create_user(email="hanako@unhcr.example", password=PASSWORD,
                                    is_staff=True)
    give_totp(user)
    return user


def later(seconds: int):
    """The clock moved ``seconds`` ahead (``django.utils.timezone.now``)."""
    return mock.patch("django.utils.timezone.now",
                      return_value=timezone.now() + timedelta(seconds=seconds))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(PAGE).status_code == 200  # activity now
    return client


def test_officer_session_ends_after_the_officer_idle_timeout(officer, settings):
    settings.SESSION_IDLE_TIMEOUT_OFFICER = 8 * 3600
    client = signed_in(officer)
    with later(8 * 3600 - 120):
        assert client.get(PAGE).status_code == 200  # still signed in (and active again)
    client = signed_in(officer)
    with later(8 * 3600 + 60):
        response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/ja/accounts/login/")
    assert signed_in_user_id(client) is None


def test_staff_sessions_end_sooner(staff, officer, settings):
    settings.SESSION_IDLE_TIMEOUT_STAFF = 30 * 60
    settings.SESSION_IDLE_TIMEOUT_OFFICER = 8 * 3600
    staff_client, officer_client = signed_in(staff), signed_in(officer)
    with later(31 * 60):
        assert staff_client.get(PAGE).status_code == 302
        assert officer_client.get(PAGE).status_code == 200


def test_activity_keeps_the_session(officer, settings):
    settings.SESSION_IDLE_TIMEOUT_OFFICER = 3600
    client = signed_in(officer)
    with later(50 * 60):
        assert client.get(PAGE).status_code == 200
    with later(100 * 60):  # 50 minutes after the last request
        assert client.get(PAGE).status_code == 200
    with later(200 * 60):
        assert client.get(PAGE).status_code == 302


def test_the_idle_check_does_not_rely_on_the_session_store(officer, settings):
    """A session store that keeps sessions longer than asked (here the cache, whose own
    expiry runs on the real clock, not on the moved one) is cut too. (Signed cookies
    would do as well, but their keys do not fit allauth's session records on
    PostgreSQL.)"""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.SESSION_IDLE_TIMEOUT_OFFICER = 600
    client = signed_in(officer)
    with later(3600):
        assert client.get(PAGE).status_code == 302


def test_sign_out_other_sessions(officer):
    here, elsewhere = Client(), Client()
    assert sign_in_with_password(here, officer.email, PASSWORD).status_code == 302
    assert sign_in_with_password(elsewhere, officer.email, PASSWORD,
                                 ip="198.51.100.7").status_code == 302
    page = here.get(PAGE)
    body = page.content.decode()
    main = body[body.index("<main"):body.index("</main>")]
    assert page.context["session_count"] == 2
    assert main.count("<h1") == 1 and "198.51.100.7" in main
    assert 'aria-label="' in main and f'href="{PAGE}" aria-current="page"' in main
    response = here.post(PAGE)
    assert response.status_code == 302
    assert elsewhere.get(PAGE).status_code == 302  # signed out there
    assert signed_in_user_id(elsewhere) is None
    assert here.get(PAGE).status_code == 200  # still signed in here
