"""The admin's sign-in page: failures limited per account and per client IP, refused
without checking the password while limited, every failure logged without the password
(issue 6, section 8)."""

import logging

import pytest
from django.core.cache import caches

from tests.factories import SuperuserFactory
from withrefugees.accounts.signin import account_label

pytestmark = pytest.mark.django_db
LOGIN = "/ja/admin/login/"
PASSWORD = "a long and unusual passphrase"
WRONG = "wrong-passphrase-1234"


@pytest.fixture(autouse=True)
def _limits_on(settings):
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {**settings.CACHES, "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "signin"}}
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def staff():
    user = SuperuserFactory(email="hanako@unhcr.example")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password, ip="203.0.113.5"):
    return client.post(LOGIN, {"username": username, "password": password,
                               "next": "/ja/admin/"}, REMOTE_ADDR=ip)


def test_right_password_signs_in_when_not_limited(client, staff):
    response = sign_in(client, "hanako@unhcr.example", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/ja/admin/"


def test_sixty_wrong_then_right_is_refused(client, staff):
    statuses = [sign_in(client, "hanako@unhcr.example", WRONG).status_code
                for _ in range(60)]
    assert statuses[:5] == [200] * 5  # the form again, "wrong password"
    assert set(statuses[5:]) == {429}
    response = sign_in(client, "hanako@unhcr.example", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    errors = response.context["form"].non_field_errors().as_data()
    assert errors[0].code == "too_many_attempts"


def test_account_limit_counts_every_spelling_of_the_mailbox(client, staff):
    spellings = ["hanako@unhcr.example", "Hanako@UNHCR.example", "hanako+x@unhcr.example",
                 "ＨＡＮＡＫＯ@unhcr.example", "hanako@Unhcr.Example"]
    for spelling in spellings:
        assert sign_in(client, spelling, WRONG, ip="198.51.100.7").status_code == 200
    response = sign_in(client, "hanako@unhcr.example", PASSWORD, ip="198.51.100.7")
    assert response.status_code == 429


def test_failures_elsewhere_do_not_lock_the_owner_out(client, staff):
    """Five wrong passwords from five other addresses (an adversarial review locked a
    reviewer out this way, for good): the owner still signs in from her own."""
    for number in range(5):
        sign_in(client, "HANAKO+x@unhcr.example", WRONG, ip=f"198.51.100.{number}")
        sign_in(client, "hanako@unhcr.example", WRONG, ip=f"198.51.100.{number}")
    response = sign_in(client, "hanako@unhcr.example", PASSWORD, ip="192.0.2.99")
    assert response.status_code == 302


def test_a_guessing_attack_over_many_networks_is_stopped_per_account(client, staff):
    for number in range(100):
        sign_in(client, "hanako@unhcr.example", WRONG, ip=f"198.51.{number}.1")
    response = sign_in(client, "hanako@unhcr.example", PASSWORD, ip="192.0.2.99")
    assert response.status_code == 429


def test_ipv6_addresses_of_one_48_are_one_network(client, staff):
    """A /48 holds thousands of /64s (a tunnel broker hands one out for free): counted by
    /64, they let one attacker spray passwords and lock staff out (re-check review)."""
    for number in range(1, 21):
        sign_in(client, f"someone{number}@unhcr.example", WRONG,
                ip=f"2001:db8:7:{number:x}::1")
    assert sign_in(client, "hanako@unhcr.example", PASSWORD,
                   ip="2001:db8:7:ffff::1").status_code == 429
    assert sign_in(client, "hanako@unhcr.example", PASSWORD,
                   ip="2001:db8:8::1").status_code == 302


def test_one_48_cannot_lock_a_staff_account(client, staff):
    for number in range(20):
        sign_in(client, "hanako@unhcr.example", WRONG, ip=f"2001:db8:7:{number:x}::1")
    assert sign_in(client, "hanako@unhcr.example", PASSWORD,
                   ip="192.0.2.10").status_code == 302


def test_limit_per_address_covers_other_accounts(client, staff):
    for number in range(20):
        assert sign_in(client, f"someone{number}@unhcr.example", WRONG).status_code == 200
    # hanako has no failure of her own, but this address is limited
    assert sign_in(client, "hanako@unhcr.example", PASSWORD).status_code == 429
    # from another address she signs in
    assert sign_in(client, "hanako@unhcr.example", PASSWORD, ip="192.0.2.1").status_code == 302


def test_limit_per_address_follows_trusted_proxy(client, staff, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for number in range(20):
        client.post(LOGIN, {"username": f"x{number}@unhcr.example", "password": WRONG},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8")
    limited = client.post(LOGIN, {"username": "hanako@unhcr.example", "password": PASSWORD},
                          REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8")
    other = client.post(LOGIN, {"username": "hanako@unhcr.example", "password": PASSWORD},
                        REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert limited.status_code == 429 and other.status_code == 302


def test_limited_page_is_translated(client, staff):
    for _ in range(5):
        sign_in(client, "hanako@unhcr.example", WRONG)
    response = client.post("/en/admin/login/", {"username": "hanako@unhcr.example",
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
    assert failed.startswith("sign-in failed") and "reason=invalid_login" in failed
    assert "ip=203.0.113.5" in failed
    assert "h***@unhcr.example #" in failed and "hanako@unhcr.example" not in failed.lower()
    assert refused.startswith("sign-in refused") and "limit=account" in refused
    for record in records:
        assert WRONG not in record.getMessage() and PASSWORD not in record.getMessage()
        assert WRONG not in str(record.args)


def test_staff_flag_failure_is_counted_and_logged(client, caplog):
    caplog.set_level(logging.WARNING, logger="withrefugees.accounts.security")
    user = SuperuserFactory(email="taro@unhcr.example", is_staff=False, is_superuser=False)
    user.set_password(PASSWORD)
    user.save()
    assert sign_in(client, "taro@unhcr.example", PASSWORD).status_code == 200
    assert any("sign-in failed" in r.getMessage() for r in caplog.records)


def test_empty_form_is_not_counted(client, staff):
    for _ in range(10):
        assert sign_in(client, "hanako@unhcr.example", "").status_code == 200
    assert sign_in(client, "hanako@unhcr.example", PASSWORD).status_code == 302


def test_account_label_is_stable_across_spellings_and_hides_the_address():
    one, two = account_label("Hanako+1@UNHCR.example"), account_label("hanako@unhcr.example")
    assert one == two and one.startswith("h***@unhcr.example #") and len(one.split("#")[1]) == 12
    assert account_label("") == "(empty)"
