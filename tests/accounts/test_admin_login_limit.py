"""Sign-in limits and logging (issue 6 §8, issue 7 §2). The admin's login page is the
accounts sign-in (django-allauth); on its password form, failures are limited per account
and per client network by ``accounts.signin`` (refused without checking the password while
limited, HTTP 429), on top of allauth's own limits (``ACCOUNT_RATE_LIMITS``: code requests
per address and per IP, failed passwords per IP); every failure and refusal is logged
without the password or code."""

import logging

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client

from tests.factories import SuperuserFactory
from withrefugees.accounts.signin import account_label

from .signin_helpers import request_code

pytestmark = pytest.mark.django_db
LOGIN = "/ja/accounts/login/"
MFA = "/ja/accounts/2fa/authenticate/"
PASSWORD = "a long and unusual passphrase"
WRONG = "wrong-passphrase-1234"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """A cheap hasher: these tests check many passwords (the real one takes ~0.5 s each)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {**settings.CACHES, "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "signin"}}
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def only_our_limits(settings):
    """allauth's limits off: what is tested is ``accounts.signin``'s."""
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture
def staff():
    user = SuperuserFactory(email="hanako@unhcr.example")  # with an authenticator app
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password, ip="203.0.113.5"):
    return client.post(LOGIN, {"login": username, "password": password,
                               "next": "/ja/admin/"}, REMOTE_ADDR=ip)


def passed_password(response) -> bool:
    """The password was accepted: on to the second factor."""
    return response.status_code == 302 and response["Location"].startswith(MFA)


def test_admin_login_is_the_accounts_sign_in(client):
    response = client.get("/ja/admin/login/", {"next": "/ja/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/ja/accounts/login/?next=%2Fja%2Fadmin%2F"


def test_right_password_signs_in_when_not_limited(client, staff):
    assert passed_password(sign_in(client, "hanako@unhcr.example", PASSWORD))


def test_sixty_wrong_then_right_is_refused(client, staff, only_our_limits):
    statuses = [sign_in(client, "hanako@unhcr.example", WRONG).status_code
                for _ in range(60)]
    assert statuses[:5] == [200] * 5  # the form again, "wrong password"
    assert set(statuses[5:]) == {429}
    response = sign_in(client, "hanako@unhcr.example", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    errors = response.context["form"].non_field_errors().as_data()
    assert errors[0].code == "too_many_attempts"


def test_account_limit_counts_every_spelling_of_the_mailbox(client, staff, only_our_limits):
    spellings = ["hanako@unhcr.example", "Hanako@UNHCR.example", "hanako+x@unhcr.example",
                 "ＨＡＮＡＫＯ@unhcr.example", "hanako@Unhcr.Example"]
    for spelling in spellings:
        assert sign_in(client, spelling, WRONG, ip="198.51.100.7").status_code == 200
    response = sign_in(client, "hanako@unhcr.example", PASSWORD, ip="198.51.100.7")
    assert response.status_code == 429


def test_failures_elsewhere_do_not_lock_the_owner_out(client, staff):
    """Five wrong passwords from five other addresses (an adversarial review locked a
    reviewer out this way, for good): the owner still signs in from her own (allauth's
    limits on too)."""
    for number in range(5):
        sign_in(client, "HANAKO+x@unhcr.example", WRONG, ip=f"198.51.100.{number}")
        sign_in(client, "hanako@unhcr.example", WRONG, ip=f"198.51.100.{number}")
    assert passed_password(sign_in(client, "hanako@unhcr.example", PASSWORD, ip="192.0.2.99"))


def test_a_guessing_attack_over_many_networks_is_stopped_per_account(client, staff,
                                                                      only_our_limits):
    for number in range(100):
        sign_in(client, "hanako@unhcr.example", WRONG, ip=f"198.51.{number}.1")
    response = sign_in(client, "hanako@unhcr.example", PASSWORD, ip="192.0.2.99")
    assert response.status_code == 429


def test_ipv6_addresses_of_one_48_are_one_network(client, staff, only_our_limits):
    """A /48 holds thousands of /64s (a tunnel broker hands one out for free): counted by
    /64, they let one attacker spray passwords and lock staff out (re-check review)."""
    for number in range(1, 21):
        sign_in(client, f"someone{number}@unhcr.example", WRONG,
                ip=f"2001:db8:7:{number:x}::1")
    assert sign_in(client, "hanako@unhcr.example", PASSWORD,
                   ip="2001:db8:7:ffff::1").status_code == 429
    assert passed_password(sign_in(client, "hanako@unhcr.example", PASSWORD,
                                   ip="2001:db8:8::1"))


def test_one_48_cannot_lock_a_staff_account(client, staff, only_our_limits):
    for number in range(20):
        sign_in(client, "hanako@unhcr.example", WRONG, ip=f"2001:db8:7:{number:x}::1")
    assert passed_password(sign_in(client, "hanako@unhcr.example", PASSWORD, ip="192.0.2.10"))


def test_limit_per_address_covers_other_accounts(client, staff, only_our_limits):
    for number in range(20):
        assert sign_in(client, f"someone{number}@unhcr.example", WRONG).status_code == 200
    # hanako has no failure of her own, but this address is limited
    assert sign_in(client, "hanako@unhcr.example", PASSWORD).status_code == 429
    # from another address she signs in
    assert passed_password(sign_in(client, "hanako@unhcr.example", PASSWORD, ip="192.0.2.1"))


def test_limit_per_address_follows_trusted_proxy(client, staff, settings, only_our_limits):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for number in range(20):
        client.post(LOGIN, {"login": f"x{number}@unhcr.example", "password": WRONG},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8")
    limited = client.post(LOGIN, {"login": "hanako@unhcr.example", "password": PASSWORD},
                          REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8")
    other = client.post(LOGIN, {"login": "hanako@unhcr.example", "password": PASSWORD},
                        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert limited.status_code == 429 and passed_password(other)


def test_limited_page_is_translated(client, staff):
    for _ in range(5):
        sign_in(client, "hanako@unhcr.example", WRONG)
    response = client.post("/en/accounts/login/", {"login": "hanako@unhcr.example",
                                                   "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_failures_and_refusals_are_logged_without_the_password(client, staff, caplog):
    caplog.set_level(logging.WARNING, logger="withrefugees.accounts.security")
    for _ in range(6):
        sign_in(client, "Hanako@unhcr.example", WRONG)
    records = [r for r in caplog.records if r.name == "withrefugees.accounts.security"]
    assert len(records) == 6
    failed, refused = records[0].getMessage(), records[-1].getMessage()
    assert failed.startswith("sign-in failed") and "reason=email_password_mismatch" in failed
    assert "ip=203.0.113.5" in failed
    assert "h***@unhcr.example #" in failed and "hanako@unhcr.example" not in failed.lower()
    assert refused.startswith("sign-in refused") and "limit=account" in refused
    for record in records:
        assert WRONG not in record.getMessage() and PASSWORD not in record.getMessage()
        assert WRONG not in str(record.args)


def test_unknown_account_failure_is_counted_and_logged(client, caplog, only_our_limits):
    caplog.set_level(logging.WARNING, logger="withrefugees.accounts.security")
    for _ in range(5):
        assert sign_in(client, "nobody@unhcr.example", WRONG).status_code == 200
    assert sign_in(client, "nobody@unhcr.example", WRONG).status_code == 429
    assert sum("sign-in failed" in r.getMessage() for r in caplog.records) == 5


def test_empty_form_is_not_counted(client, staff):
    for _ in range(10):
        assert sign_in(client, "hanako@unhcr.example", "").status_code == 200
    assert passed_password(sign_in(client, "hanako@unhcr.example", PASSWORD))


def test_account_label_is_stable_across_spellings_and_hides_the_address():
    one, two = account_label("Hanako+1@UNHCR.example"), account_label("hanako@unhcr.example")
    assert one == two and one.startswith("h***@unhcr.example #") and len(one.split("#")[1]) == 12
    assert account_label("") == "(empty)"


# --- allauth's own limits (ACCOUNT_RATE_LIMITS) --------------------------------------------
# (a fresh browser for each code request: one with a code pending is sent back to it)
def browser(capture):
    """A new browser whose requests run their after-commit callbacks (emails)."""
    client = Client()
    original = client.request

    def request(**kwargs):
        with capture(execute=True):
            return original(**kwargs)

    client.request = request
    return client


def test_code_requests_are_limited_per_mailbox(staff, caplog,
                                               django_capture_on_commit_callbacks):
    caplog.set_level(logging.WARNING, logger="withrefugees.accounts.security")
    new = lambda: browser(django_capture_on_commit_callbacks)  # noqa: E731
    spellings = ["hanako@unhcr.example", "Hanako@UNHCR.example", "hanako+1@unhcr.example"]
    for number, spelling in enumerate(spellings):
        assert request_code(new(), spelling, ip=f"198.51.100.{number}").status_code == 302
    assert len(mail.outbox) == 3
    refused = request_code(new(), "hanako@unhcr.example", ip="192.0.2.44")
    assert refused.status_code == 429 and len(mail.outbox) == 3
    assert refused.context["form"].errors.as_data()["email"][0].code == \
        "too_many_login_attempts"
    assert 'value="hanako@unhcr.example"' in refused.content.decode()  # kept
    logged = [r.getMessage() for r in caplog.records if "sign-in refused" in r.getMessage()]
    assert logged and "limit=request_login_code" in logged[-1]
    assert "hanako@unhcr.example" not in logged[-1]
    # another mailbox is not affected
    assert request_code(new(), "taro@unhcr.example", ip="192.0.2.44").status_code == 302


def test_code_requests_are_limited_per_ip():
    for number in range(10):
        assert request_code(Client(), f"someone{number}@city.example.jp").status_code == 302
    assert request_code(Client(), "someone-else@city.example.jp").status_code == 429
    assert request_code(Client(), "someone-else@city.example.jp",
                        ip="192.0.2.45").status_code == 302


def test_failed_passwords_are_limited_per_ip_by_allauth_too(client, staff):
    for number in range(10):
        assert sign_in(client, f"someone{number}@unhcr.example", WRONG).status_code == 200
    response = sign_in(client, "hanako@unhcr.example", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_allauths_page_limit_answers_429_and_is_logged(client, caplog):
    caplog.set_level(logging.WARNING, logger="withrefugees.accounts.security")
    statuses = [client.post(LOGIN, {"login": "", "password": ""},
                            REMOTE_ADDR="203.0.113.9").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
    assert any("limit=account_login" in r.getMessage() for r in caplog.records)
