"""The client IP that rate limits count by, directly and behind trusted reverse proxies."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from withrefugees.core.net import client_ip, parse_address, parse_networks

PROXY = "10.0.0.5"


def request(remote="198.51.100.7", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_trusted_proxies_the_socket_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request()) == "198.51.100.7"
    assert client_ip(request(forwarded="203.0.113.1")) == "198.51.100.7"
    assert client_ip(request(remote=PROXY, forwarded="203.0.113.1")) == PROXY


def test_a_spoofed_header_from_an_untrusted_client_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request(forwarded="203.0.113.1")) == "198.51.100.7"
    assert client_ip(request(forwarded="10.0.0.9")) == "198.51.100.7"


def test_through_a_trusted_proxy_the_real_client_is_used(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request(remote=PROXY, forwarded="203.0.113.1")) == "203.0.113.1"
    # what the client wrote itself is left of the address the proxy appended
    assert client_ip(request(remote=PROXY, forwarded="1.1.1.1, 203.0.113.1")) == "203.0.113.1"


@pytest.mark.parametrize("forwarded,expected", [
    ("203.0.113.1, 10.0.0.7, 10.1.2.3", "203.0.113.1"),       # two trusted hops
    ("8.8.8.8, 203.0.113.1, 10.0.0.7", "203.0.113.1"),         # spoof left of the client
    ("203.0.113.1,10.0.0.7", "203.0.113.1"),                   # no spaces
    ("10.0.0.8, 10.0.0.7", "10.0.0.8"),                        # all trusted: left-most hop
    ("", PROXY),                                               # proxy's own request
    ("   ", PROXY),
])
def test_chains_of_proxies(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request(remote=PROXY, forwarded=forwarded)) == expected


def test_no_forwarded_header_through_a_trusted_proxy_gives_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request(remote=PROXY)) == PROXY


@pytest.mark.parametrize("forwarded,expected", [
    ("garbage", PROXY),
    ("203.0.113.1, garbage", PROXY),                 # left of garbage is never believed
    ("8.8.8.8, unknown, 10.0.0.7", "10.0.0.7"),      # nearest trusted hop
    ("203.0.113.1, , 10.0.0.7", "10.0.0.7"),
    ("<script>, 203.0.113.1", "203.0.113.1"),         # right-most untrusted still wins
    ("999.1.1.1", PROXY),
    ("203.0.113.1/24", PROXY),
    ("\x00, 🙂", PROXY),
    ("1.2.3.4" * 2000, PROXY),
])
def test_garbage_is_skipped_safely(settings, forwarded, expected):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request(remote=PROXY, forwarded=forwarded)) == expected


def test_ipv6_ports_and_mapped_addresses(settings):
    settings.TRUSTED_PROXIES = ["2001:db8:1::/48", "192.0.2.10"]
    proxy6 = "2001:db8:1::2"
    assert client_ip(request(remote=proxy6, forwarded="2001:db8:9::1")) == "2001:db8:9::1"
    assert client_ip(request(remote=proxy6, forwarded="[2001:db8:9::1]:443")) == "2001:db8:9::1"
    assert client_ip(request(remote=proxy6, forwarded="203.0.113.1:5000")) == "203.0.113.1"
    assert client_ip(request(remote="::ffff:192.0.2.10", forwarded="203.0.113.1")) == "203.0.113.1"
    assert client_ip(request(remote=proxy6, forwarded="203.0.113.1, 192.0.2.10")) == "203.0.113.1"
    assert client_ip(request(remote="2001:db8:2::1", forwarded="203.0.113.1")) == "2001:db8:2::1"


def test_a_socket_without_an_address_is_a_configuration_error(settings):
    with pytest.raises(ImproperlyConfigured, match="TCP"):
        client_ip(request(remote=""))


def test_settings_are_read_on_each_call(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request(remote=PROXY, forwarded="203.0.113.1")) == PROXY
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(request(remote=PROXY, forwarded="203.0.113.1")) == "203.0.113.1"


def test_parsers():
    assert [str(n) for n in parse_networks(["10.0.0.1/8", " ::1 "])] == ["10.0.0.0/8", "::1/128"]
    with pytest.raises(ValueError, match="proxy.example"):
        parse_networks(["10.0.0.0/8", "proxy.example"])
    assert str(parse_address("[::1]")) == "::1" and str(parse_address("[::1]:80")) == "::1"
    assert str(parse_address(" 1.2.3.4:8080 ")) == "1.2.3.4"
    for bad in ("1.2.3.4:x", "1.2.3.4:", "[::1]x", "[::1]:", "[::1]:８０", "[1.2.3.4", "", ":"):
        assert parse_address(bad) is None, bad


@pytest.fixture
def ratelimits(settings, tmp_path):
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {**settings.CACHES, "ratelimit": {
        "BACKEND": "diskcache.DjangoCache", "LOCATION": str(tmp_path / "ratelimit")}}
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert settings.RATELIMIT_IP_META_KEY == "withrefugees.core.net.client_ip"

    def limited(**kwargs) -> bool:
        return is_ratelimited(request(**kwargs), group="test", key="ip", rate="2/h",
                              increment=True)
    return limited


def test_rate_limits_count_the_socket_address_of_a_spoofing_client(ratelimits):
    results = [ratelimits(forwarded=f"203.0.113.{n}") for n in range(3)]
    assert results == [False, False, True]


def test_rate_limits_count_each_client_behind_the_proxy(ratelimits):
    assert [ratelimits(remote=PROXY, forwarded=f"203.0.113.{n}") for n in range(5)] == [False] * 5
    results = [ratelimits(remote=PROXY, forwarded="8.8.8.8, 203.0.113.1") for _ in range(2)]
    assert results == [False, True]  # third request of 203.0.113.1, whatever it wrote
