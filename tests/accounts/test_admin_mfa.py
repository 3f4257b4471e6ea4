"""Staff need a second factor (issue 7, §2): without an authenticator app (TOTP) no admin
page opens (index, lists, change pages, actions); they are sent to set one up, get recovery
codes, and from then on sign-in asks for the app's code (also after an emailed code). One
sign-in for everyone: the admin's login page is a redirect to the accounts sign-in."""

import logging
import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import SignatureFactory, give_totp, totp_code
from withrefugees.campaign.models import RejectionReason

from .signin_helpers import (
    confirm_code,
    emailed_code,
    request_code,
    second_factor,
    sign_in_with_password,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a long and unusual passphrase"
SETUP = "/ja/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A cheap hasher: these tests check many passwords (the real one takes ~0.5 s each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

@pytest.fixture
def staff():
    return User.objects.create_user(email="hanako@unhcr.example", password=PASSWORD,
                                    is_staff=True)


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="taro@unhcr.example", password=PASSWORD)


def admin_urls() -> list[str]:
    signature = SignatureFactory()
    return ["/ja/admin/", "/en/admin/", "/ja/admin/campaign/signature/",
            f"/ja/admin/campaign/signature/{signature.pk}/change/",
            "/ja/admin/core/outboundemail/", "/ja/admin/password_change/",
            "/ja/admin/login/"]


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_staff_without_totp_cannot_open_any_admin_page(who, request):
    user = request.getfixturevalue(who)
    client = Client()
    client.force_login(user)
    for url in admin_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == SETUP.replace("/ja/", url[:4]), url


def test_staff_without_totp_cannot_run_an_admin_action(superuser):
    reason = RejectionReason.objects.first()
    client = Client()
    client.force_login(superuser)
    response = client.post("/ja/admin/campaign/rejectionreason/", {
        "action": "delete_selected", "_selected_action": [reason.pk], "post": "yes"})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert RejectionReason.objects.filter(pk=reason.pk).exists()


def test_the_admin_site_itself_refuses_staff_without_totp(rf, superuser):
    """Without the middleware too (an admin URL it would not recognise)."""
    from django.contrib import admin

    request = rf.get("/ja/admin/")
    request.user = superuser
    assert admin.site.has_permission(request) is False
    give_totp(superuser)
    assert admin.site.has_permission(request) is True


def test_admin_login_sends_to_the_accounts_sign_in_keeping_next(client):
    response = client.get("/ja/admin/login/", {"next": "/ja/admin/campaign/signature/"})
    assert response.status_code == 302
    assert response["Location"] == "/ja/accounts/login/?next=%2Fja%2Fadmin%2Fcampaign%2Fsignature%2F"
    response = client.get("/ja/admin/campaign/signature/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/ja/accounts/login/?next=")
    evil = client.get("/ja/admin/login/", {"next": "https://evil.example/"})
    assert evil["Location"] == "/ja/accounts/login/?next=%2Fja%2Fadmin%2F"


def test_an_officer_gets_403_from_the_admin(client):
    officer = User.objects.create_user(email="soumu@city.example.jp")
    client.force_login(officer)
    response = client.get("/ja/admin/", follow=True)
    assert response.status_code == 403


def test_staff_set_up_totp_see_recovery_codes_then_the_admin_opens(client, staff, caplog):
    # Sign-in sends staff without an authenticator app to set it up, whatever "next".
    response = sign_in_with_password(client, staff.email, PASSWORD, next_url="/ja/admin/")
    assert response.status_code == 302 and response["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200
    body = page.content.decode()
    main = body[body.index("<main"):body.index("</main>")]
    assert main.count("<h1") == 1 and 'class="notice"' in main
    assert re.search(r'<img class="totp-qr" src="data:image/svg\+xml;base64,[^"]+" alt="[^"]+"',
                     main)
    assert '<label for="id_code">' in main and '<label for="authenticator_secret">' in main
    secret = page.context["form"].secret
    wrong = client.post(SETUP, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and 'aria-invalid="true"' in wrong.content.decode()
    response = client.post(SETUP, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/ja/accounts/2fa/recovery-codes/"
    codes_page = client.get(response["Location"])
    assert codes_page.status_code == 200
    codes = codes_page.context["unused_codes"]
    assert len(codes) == 10 and codes[0] in codes_page.content.decode()
    assert 'href="/ja/accounts/2fa/recovery-codes/download/"' in codes_page.content.decode()
    # what to do with them, and the way on to the admin (found by the new-user trial)
    assert "スマートフォン以外の場所に保管" in codes_page.content.decode()
    assert 'class="button button-primary" href="/ja/admin/"' in codes_page.content.decode()
    download = client.get("/ja/accounts/2fa/recovery-codes/download/")
    assert download.status_code == 200 and codes[0] in download.content.decode()
    assert Authenticator.objects.filter(user=staff, type="totp").exists()
    from withrefugees.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="user.second_factor_add",
                                     object_id=str(staff.pk)).exists()
    assert client.get("/ja/admin/").status_code == 200

    # Next sign-in: the app's code is asked after the password; a wrong one is logged.
    client.post("/ja/accounts/logout/")
    caplog.set_level(logging.WARNING, logger="withrefugees.accounts.security")
    response = sign_in_with_password(client, staff.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/ja/accounts/2fa/authenticate/"
    assert signed_in_user_id(client) is None
    assert client.get("/ja/admin/").status_code == 302
    bad = "000000" if totp_code(secret) != "000000" else "111111"
    assert second_factor(client, bad).status_code == 200
    assert any(r.getMessage().startswith("second factor rejected") and bad not in r.getMessage()
               for r in caplog.records)
    response = second_factor(client, totp_code(secret))
    assert response.status_code == 302 and response["Location"] == "/ja/admin/"
    assert client.get("/ja/admin/").status_code == 200


def test_a_sign_in_by_emailed_code_also_asks_for_the_second_factor(client, superuser):
    give_totp(superuser)
    asked = request_code(client, superuser.email, next_url="/ja/admin/campaign/signature/")
    response = confirm_code(client, emailed_code(), url=asked["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/ja/accounts/2fa/authenticate/")
    assert signed_in_user_id(client) is None
    page = client.get("/ja/accounts/2fa/authenticate/")
    body = page.content.decode()
    assert body[body.index("<main"):].count("<h1") == 1 and "2段階認証" in body  # one term for it on every page
    response = second_factor(client, totp_code())
    assert response.status_code == 302
    assert response["Location"] == "/ja/admin/campaign/signature/"
    assert client.get("/ja/admin/campaign/signature/").status_code == 200


def test_an_officer_is_not_asked_for_a_second_factor(client):
    officer = User.objects.create_user(email="soumu@city.example.jp")
    request_code(client, officer.email)
    response = confirm_code(client, emailed_code())
    assert response["Location"] == "/ja/workspace/"
    assert signed_in_user_id(client) == str(officer.pk)


@pytest.mark.parametrize("query", ["status__regex=(", "email__iregex=[",
                                   "local_government__name__regex=*",
                                   "created_at__year=999999999999",
                                   "start_date__year=2027&start_date__month=13",
                                   "start_date__year=２０２７", "created_at__day=-1"])
def test_regular_expressions_in_an_admin_list_address_are_refused_not_a_500(superuser, query):
    """A malformed regular expression reached the database as is (500 on SQLite and
    PostgreSQL): every admin page refuses ``__regex``/``__iregex`` lookups, as Django's
    changelist refuses lookups it cannot apply (``?e=1``)."""
    give_totp(superuser)
    client = Client()
    client.force_login(superuser)
    for path in ["/ja/admin/campaign/signature/", "/ja/admin/events/event/",
                 "/ja/admin/events/event/export/csv/"]:
        response = client.get(f"{path}?{query}")
        assert response.status_code == 302, path
        # (the export of a list goes back to the list)
        assert response["Location"] == f"{path.removesuffix('export/csv/')}?e=1"
