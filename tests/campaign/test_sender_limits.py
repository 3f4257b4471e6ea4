"""Limits slow the sender, not the mailbox's owner (issue 6, section 8): five submissions
naming someone else's address used to block that address for 24 hours. Now the count per
mailbox is per sender network (``services.sender_of``), with a higher cap per mailbox from
all senders, and the sign form limits each sender per IP address and per browser."""

from types import SimpleNamespace

import django_ratelimit.core
import pytest
from django.core.cache import caches

from tests.factories import jp
from withrefugees.campaign import services, views
from withrefugees.campaign.models import Signature
from withrefugees.campaign.selectors import statement_text_current

from .test_signing import form_data

pytestmark = pytest.mark.django_db
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"
VICTIM = "soumu@city.fuchu.hiroshima.jp"
# Hokkaido municipalities that have not signed; 府中市（広島県） is the owner's.
PLACES = ["011002", "012025", "012033", "012041", "012050", "012068", "012076", "012084"]


def sign_from(client, ip: str, code: str, email: str = VICTIM, **extra):
    lg = jp(code)
    data = form_data(place_query=lg.name, local_government=str(lg.pk), email=email,
                     statement_hash=statement_text_current("ja").content_hash)
    return client.post("/ja/sign/", data, REMOTE_ADDR=ip, **extra)


def test_an_attacker_cannot_lock_the_owner_out(client, mailoutbox):
    codes = [sign_from(client, ATTACKER, code).status_code for code in PLACES[:6]]
    assert codes == [302] * 5 + [400]  # the attacker is slowed down...
    client.cookies.clear()
    owner = sign_from(client, OWNER, "342084")
    assert owner.status_code == 302  # ...the owner signs
    signature = Signature.objects.get(local_government__jis_code="342084")
    assert mailoutbox[-1].to == [VICTIM] and len(mailoutbox) == 6
    assert signature.sender == services.sender_of(OWNER) != services.sender_of(ATTACKER)


def test_new_sessions_and_other_spellings_do_not_reset_the_attackers_count(client,
                                                                           mailoutbox):
    spellings = [VICTIM, VICTIM.upper(), "soumu+1@city.fuchu.hiroshima.jp",
                 "ｓｏｕｍｕ@city.fuchu.hiroshima.jp", "soumu@CITY.fuchu.hiroshima.jp",
                 "soumu+x@city.fuchu.hiroshima.jp"]
    codes = []
    for code, email in zip(PLACES, spellings, strict=False):
        client.cookies.clear()  # a new session each time
        codes.append(sign_from(client, ATTACKER, code, email=email).status_code)
    assert codes == [302] * 5 + [400]


def test_one_ipv6_network_is_one_sender(client, mailoutbox):
    codes = [sign_from(client, f"2001:db8:1:2::{n + 1:x}", code).status_code
             for n, code in enumerate(PLACES[:6])]
    assert codes == [302] * 5 + [400]
    assert sign_from(client, "2001:db8:1:3::1", PLACES[6]).status_code == 400  # same /48
    assert sign_from(client, "2001:db8:2::1", PLACES[6]).status_code == 302


def test_many_64s_of_one_subscriber_cannot_lock_the_owner_out(client, mailoutbox):
    """Five submissions from each of four /64s of one /56 (found by an adversarial review):
    one sender, stopped at five; the owner signs from her own network."""
    codes = [sign_from(client, f"2001:db8:0:{n % 4}::{n + 1:x}", code).status_code
             for n, code in enumerate(PLACES[:7])]
    assert codes == [302] * 5 + [400] * 2
    client.cookies.clear()
    assert sign_from(client, "192.0.2.50", PLACES[7]).status_code == 302


def test_the_cap_per_mailbox_stops_flooding_from_many_networks(monkeypatch, client,
                                                               mailoutbox):
    monkeypatch.setattr(services, "MAILBOX_MAX_PER_DAY", 7)
    codes = [sign_from(client, f"203.0.113.{n}", code).status_code
             for n, code in enumerate(PLACES, start=1)]
    assert codes == [302] * 7 + [400]
    assert len(mailoutbox) == 7


def test_the_limits_and_the_cap_are_documented_where_they_are_enforced():
    doc = services.signature_submit.__doc__
    assert f"``MAILBOX_MAX_PER_SENDER`` ({services.MAILBOX_MAX_PER_SENDER})" in doc
    assert f"``MAILBOX_MAX_PER_DAY`` ({services.MAILBOX_MAX_PER_DAY})" in doc
    assert services.MAILBOX_MAX_PER_SENDER < services.MAILBOX_MAX_PER_DAY


@pytest.mark.parametrize("a,b,same", [
    ("203.0.113.1", "203.0.113.1", True),
    ("203.0.113.1", "203.0.113.2", False),
    ("2001:db8::1", "2001:db8::ffff:1", True),  # one /64
    ("2001:db8::1", "2001:db8:0:ff::1", True),  # one /48 (a subscriber's /56 or /48)
    ("2001:db8::1", "2001:db8:1::1", False),
])
def test_sender_of_names_a_network_without_storing_it(a, b, same):
    assert (services.sender_of(a) == services.sender_of(b)) is same
    assert len(services.sender_of(a)) == 32 and a not in services.sender_of(a)
    assert services.sender_of("") == services.sender_of("not an ip") == ""


@pytest.fixture
def limits_on(settings, monkeypatch):
    settings.RATELIMIT_ENABLE = True
    # One moment: django-ratelimit's hourly windows start at a different second for each
    # key, and a test must not cross one.
    monkeypatch.setattr(django_ratelimit.core, "time",
                        SimpleNamespace(time=lambda: 1_800_000_000.0))
    settings.CACHES = {**settings.CACHES, "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sign"}}
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def invalid_post(client, ip: str, cookie: str):
    client.cookies["csrftoken"] = cookie
    return client.post("/en/sign/", form_data(place_query="", local_government=""),
                       REMOTE_ADDR=ip)


def test_one_browser_is_slowed_down_before_its_network(client, limits_on):
    limit = int(views.SIGN_RATE_BROWSER.split("/")[0])
    codes = [invalid_post(client, OWNER, "a" * 32).status_code for _ in range(limit)]
    assert set(codes) == {400}
    over = invalid_post(client, OWNER, "a" * 32).content.decode()
    assert "Too many forms have been sent from this browser" in over
    other = invalid_post(client, OWNER, "b" * 32).content.decode()  # a colleague
    assert "Too many forms" not in other


def test_the_network_limit_suits_a_shared_gateway(client, limits_on):
    """Many offices behind one gateway: each browser within its own limit, the address
    allows ``SIGN_RATE_IP`` POSTs an hour in all."""
    limit = int(views.SIGN_RATE_IP.split("/")[0])
    assert limit >= 100
    browser = int(views.SIGN_RATE_BROWSER.split("/")[0])
    codes = [invalid_post(client, ATTACKER, f"{n // browser:032d}").status_code
             for n in range(limit)]
    assert set(codes) == {400}
    over = invalid_post(client, ATTACKER, "c" * 32).content.decode()
    assert "Too many forms have been sent from your network" in over
