"""The client's IP address, as seen through the reverse proxies this site trusts.

``client_ip(request)`` is what rate limits count by (django-ratelimit's
``RATELIMIT_IP_META_KEY`` names it). The rule is the one of MDN's "X-Forwarded-For:
Selecting an IP address" (right-most untrusted address) and of Werkzeug's ``ProxyFix``:

- ``settings.TRUSTED_PROXIES`` lists the proxies as IP networks (``"10.0.0.0/8"``,
  ``"203.0.113.7"``, ``"2001:db8::/32"``; a plain address is a /32 or /128). Empty
  (the default): ``REMOTE_ADDR``, the socket's peer, is the client and
  ``X-Forwarded-For`` is ignored, since any client can send that header.
- When ``REMOTE_ADDR`` is a trusted proxy, ``X-Forwarded-For`` is read from the right
  (each proxy appends the address it received the request from): trusted proxies are
  skipped and the first address that is not one of them is the client. Addresses to its
  left were written by the client itself and are never used.
- An entry that is not an IP address (``unknown``, garbage, empty) ends the walk: it was
  not written by a trusted proxy, so nothing to its left can be believed; the last trusted
  hop to its right is then used. When every hop is trusted (a request from a proxy
  itself, e.g. a health check), the left-most one is used.
- Entries may carry a port (``203.0.113.9:443``, ``[2001:db8::1]:443``); IPv4 addresses
  mapped into IPv6 (``::ffff:203.0.113.9``) are read as IPv4.

Settings are read on each call, never at import.
"""

import ipaddress
import re
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_PORT = re.compile(r":[0-9]{1,5}")


def parse_networks(values) -> tuple[IPNetwork, ...]:
    """IP networks from strings such as ``"10.0.0.0/8"`` or ``"::1"``.

    Host bits are allowed (``"10.0.0.1/8"`` means ``10.0.0.0/8``); raises ``ValueError``
    naming the first entry that is not an address or network.
    """
    networks = []
    for value in values:
        text = str(value).strip()
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError as exc:
            raise ValueError(f"not an IP address or network: {text!r}") from exc
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(values: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(values)


def parse_address(text: str) -> IPAddress | None:
    """The IP address in one ``REMOTE_ADDR`` or ``X-Forwarded-For`` entry, or ``None``.

    Accepts ``1.2.3.4``, ``1.2.3.4:80``, ``2001:db8::1``, ``[2001:db8::1]`` and
    ``[2001:db8::1]:80``; an IPv4-mapped IPv6 address is returned as IPv4.
    """
    text = text.strip()
    if text.startswith("["):
        text, bracket, port = text[1:].partition("]")
        if not bracket or (port and not _PORT.fullmatch(port)):
            return None
    elif text.count(":") == 1:  # IPv4 with a port; IPv6 has at least two colons
        text, _, port = text.partition(":")
        if not _PORT.fullmatch(":" + port):
            return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest) -> str:
    """The client's IP address as a string (see the module docstring for the rule).

    Raises ``ImproperlyConfigured`` when ``REMOTE_ADDR`` is not an IP address (e.g. a
    proxy connecting over a Unix socket): connect the proxy to the app server over TCP.
    """
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        raise ImproperlyConfigured(
            "REMOTE_ADDR is not an IP address; connect the reverse proxy to the app server "
            "over TCP (e.g. 127.0.0.1:8000), not a Unix socket."
        )
    trusted = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not trusted or not _is_trusted(remote, trusted):
        return str(remote)
    hop = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded.strip():
        for entry in reversed(forwarded.split(",")):
            address = parse_address(entry)
            if address is None:
                break
            if not _is_trusted(address, trusted):
                return str(address)
            hop = address
    return str(hop)


def _is_trusted(address: IPAddress, trusted: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in trusted)
