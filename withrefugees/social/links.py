"""Recognise the address (URL) of a post on a social network: ``recognise(text)`` checks what
an officer typed or pasted, says which network it is on, gives the one normalised address
that is stored, and the post's identity (``post_key``), which is the same for every address
of the same post (another account name or letter case, the mobile site, tracking
parameters, parameters in another order ...), so that a post is recorded once.

Refused, each with its own ``ValidationError`` code and a translated message that says why
and what to do (``MESSAGES``):

- ``empty``: nothing typed (after removing spaces around it);
- ``too_long``: more than ``MAX_LENGTH`` (500) characters, the size of ``PostedLink.url``
  (whatever the length: one message);
- ``malformed``: spaces or control characters inside, no host, a host with characters no
  host has, a port that is not a number;
- ``scheme``: another scheme than http or https (``javascript:``, ``data:``, ``ftp:``,
  ``mailto:``, ``file:`` ...). Without a scheme, ``https://`` is put in front, so that
  ``x.com/…/status/1`` is accepted but ``example.org/…`` is refused as an unknown site;
- ``credentials``: a user name or password in the address (``https://me:pw@x.com/…``);
- ``ip_address``: a numeric host (``https://203.0.113.5/…``);
- ``port``: a port other than the default one (``https://x.com:8443/…``);
- ``lookalike_host``: a host that looks like a network's without being it
  (``x.com.evil.example``, ``facebook.com-login.example``, ``myfacebook.com``, any host with
  non-ASCII characters or a ``xn--`` label once mapped: homographs such as ``fаcebook.com``
  with a Cyrillic ``а``);
- ``unknown_host``: any other host (the networks' domains ``NETWORK_HOSTS``, Mastodon
  servers of ``MASTODON_HOSTS`` and ``settings.SOCIAL_MASTODON_HOSTS``);
- ``not_a_post``: anything else than the address of one post. Each network has an
  allow-list of what its posts' addresses look like (``RULES``, below); any other address
  on its domain is refused, saying what it is where that is clear: an account's page, a
  feed, search or hashtag, an add-friend link, a link that leads to another site, a short
  link, or a page for signing in, sharing or another service (``login.php``,
  ``sharer.php``, ``access.line.me``, any subdomain that is not one of ``KNOWN_HOSTS``);
  also a network's short link on a domain of its own (X's ``t.co``: ``SHORT_LINK_HOSTS``,
  message ``SHORT_LINK``).

Hosts are mapped as browsers map them (UTS #46, ``map_host``): full-width letters and the
ideographic full stop an input method gives (``ｘ.com``, ``x。com``) are ``x.com``; letters
of other scripts stay and are refused as look-alikes.

Posts (the allow-list; ids are ASCII digits or letters only, never other scripts' digits)
and their identity (``post_key``, after ``<network>:``):

- X: ``/<name>/status/<id>`` (with ``/photo/<n>``, ``/video/<n>`` ...), ``/i/web/status/<id>``,
  ``/i/status/<id>``; never under a name X keeps for itself (``/settings/status/1``,
  ``_X_RESERVED``; a name is 1–15 of ``[A-Za-z0-9_]``); stored as
  ``https://x.com/<name lower-case>/status/<id>``; identity ``<id>``
  (the name does not matter: X opens the post under any name);
- Bluesky: ``/profile/<handle or DID>/post/<record key>``; identity the record key only
  (a TID, unique in practice: the same post under its handle and under its DID is one post);
- YouTube: ``/watch?v=<id>``, ``youtu.be/<id>``, ``/embed/``, ``/live/``, ``/v/<id>`` (stored as
  ``/watch?v=<id>``), ``/shorts/<id>``; community posts ``/post/<id>``, ``…/community?lb=<id>``;
  identity ``video:<id>`` (a short is a video) or ``post:<id>``;
- Facebook: ``/<page>/posts/<id>``, ``/groups/<group>/posts|permalink/<id>``,
  ``permalink.php`` and ``story.php`` with ``story_fbid`` and ``id`` (sorted), ``/photo?fbid=``,
  ``/<page>/photos/…/<id>``, ``/watch?v=``, ``/<page>/videos/…/<id>``, ``/reel/<id>``,
  ``/share/p|v|r/<code>``, ``/events/<id>``, ``fb.watch/<code>``; identity ``post:<id>``
  (``story_fbid`` is the post's id), ``photo:``, ``video:``, ``share:``, ``event:``;
- Instagram: ``/p/<code>/``, ``/reel/<code>/``, ``/tv/<code>/`` (also under the account's
  name), ``/stories/<name>/<id>/``; identity the code;
- Threads: ``/@<name>/post/<code>``, ``/t/<code>``; identity the code;
- LinkedIn: ``/posts/<…>-activity|share|ugcPost-<id>-<…>``,
  ``/feed/update/urn:li:activity|share|ugcPost:<id>``, ``/pulse/<article>`` (not one of
  LinkedIn's own words, ``_LINKEDIN_PULSE_RESERVED``: ``/pulse/login``); identity kind and id;
- LINE: ``linevoom.line.me/post/<id>``, ``line.me/R/home/public/post?id=…&postId=<id>``;
  identity ``post:<id>``;
- Mastodon: ``/@<name>/<id>``, ``/@<name>@<server>/<id>``, ``/web/@<name>/<id>``,
  ``/users/<name>/statuses/<id>`` (stored as ``/@<name>/<id>``); identity server and id.

Normalisation (what is stored): scheme ``https``; one host per network (``KNOWN_HOSTS``:
``twitter.com``, ``mobile.twitter.com`` → ``x.com``; ``m.facebook.com`` → ``www.facebook.com``
...); the path of the post as above, non-ASCII characters percent-encoded; the query only
the parameters that identify the post, sorted; no fragment.

The address forms are those the networks show in their "copy link" or share menus and in
the browser's address bar (checked on each network's site, 2025).
"""

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Network

try:  # installed with email-validator (a dependency in pyproject.toml)
    import idna
except ImportError:  # pragma: no cover - the subset below is used instead
    idna = None

#: Longest address accepted, in characters (``PostedLink.url``'s ``max_length``).
MAX_LENGTH = 500

#: The domains of each network: an address on one of them, or on one of their subdomains,
#: is the network's (and is a post only on one of ``KNOWN_HOSTS``).
NETWORK_HOSTS: dict[str, Network] = {
    "x.com": Network.X, "twitter.com": Network.X,
    "facebook.com": Network.FACEBOOK, "fb.com": Network.FACEBOOK,
    "fb.watch": Network.FACEBOOK,
    "instagram.com": Network.INSTAGRAM,
    "youtube.com": Network.YOUTUBE, "youtu.be": Network.YOUTUBE,
    "line.me": Network.LINE, "lin.ee": Network.LINE,
    "bsky.app": Network.BLUESKY,
    "threads.net": Network.THREADS, "threads.com": Network.THREADS,
    "linkedin.com": Network.LINKEDIN,
}

#: Well-known Mastodon servers (exact hosts, or with ``www.``: a server's subdomains are not
#: the server). More can be added with ``settings.SOCIAL_MASTODON_HOSTS`` (a list of hosts).
MASTODON_HOSTS = frozenset({
    "mastodon.social", "mastodon.online", "mastodon.cloud", "mastodon.world",
    "mastodon.xyz", "mstdn.social", "mstdn.jp", "mstdn.io", "mas.to", "fedibird.com",
    "pawoo.net", "mastodon-japan.net", "mastodon.jp", "best-friends.chat", "fosstodon.org",
    "hachyderm.io", "infosec.exchange", "mastodon.art", "social.vivaldi.net",
    "mastodon.uno", "troet.cafe", "chaos.social", "mastodon.nu", "techhub.social",
    "toot.community", "mastodon.green", "mastodon.ie", "mastodon.scot", "c.im",
    "universeodon.com", "mastodonapp.uk", "mstdn.ca", "mastodon.au", "aus.social",
})

#: The hosts of the networks that show posts, each with the one host stored for it (the
#: network serves the same post under all of them). LinkedIn's country hosts
#: (``jp.linkedin.com``) and Mastodon servers (``www.`` removed) are added by ``known_host``.
KNOWN_HOSTS = {
    "x.com": "x.com", "www.x.com": "x.com", "mobile.x.com": "x.com", "m.x.com": "x.com",
    "twitter.com": "x.com", "www.twitter.com": "x.com", "mobile.twitter.com": "x.com",
    "m.twitter.com": "x.com",
    "www.facebook.com": "www.facebook.com", "facebook.com": "www.facebook.com",
    "m.facebook.com": "www.facebook.com", "web.facebook.com": "www.facebook.com",
    "mbasic.facebook.com": "www.facebook.com", "touch.facebook.com": "www.facebook.com",
    "fb.com": "www.facebook.com", "www.fb.com": "www.facebook.com",
    "m.fb.com": "www.facebook.com", "fb.watch": "fb.watch", "www.fb.watch": "fb.watch",
    "www.instagram.com": "www.instagram.com", "instagram.com": "www.instagram.com",
    "m.instagram.com": "www.instagram.com",
    "www.youtube.com": "www.youtube.com", "youtube.com": "www.youtube.com",
    "m.youtube.com": "www.youtube.com", "youtu.be": "youtu.be", "www.youtu.be": "youtu.be",
    "linevoom.line.me": "linevoom.line.me", "line.me": "line.me", "www.line.me": "line.me",
    "bsky.app": "bsky.app", "www.bsky.app": "bsky.app",
    # Threads moved to threads.com (2025) and sends threads.net there.
    "www.threads.com": "www.threads.com", "threads.com": "www.threads.com",
    "threads.net": "www.threads.com", "www.threads.net": "www.threads.com",
    "www.linkedin.com": "www.linkedin.com", "linkedin.com": "www.linkedin.com",
    "m.linkedin.com": "www.linkedin.com",
}
_LINKEDIN_COUNTRY = re.compile(r"[a-z]{2}\.linkedin\.com", re.ASCII)

#: What each refusal says (why, and what to do). ``%(...)s`` are filled in by ``recognise``.
MESSAGES: dict[str, str | Promise] = {
    "empty": _("Enter the address (URL) of the post."),
    "too_long": _("This address is %(length)d characters long; at most %(max)d are accepted. "
                  "Copy the address (URL) of the post again with the network's \"Copy "
                  "link\" button: it gives a shorter one."),
    "malformed": _("This is not a complete web address (%(problem)s). Open the post, copy "
                   "the address (URL) of the post from the browser's address bar or the "
                   "network's \"Copy link\" button, and paste it here."),
    "scheme": _("Only web addresses starting with https:// (or http://) can be recorded; "
                "this one starts with “%(scheme)s:”. Open the post in your browser and "
                "copy the address (URL) of the post."),
    "credentials": _("This address contains a user name or password (the part before “@”). "
                     "Never share those: copy the address (URL) of the post again, without "
                     "them."),
    "ip_address": _("This address names a computer by its number (%(host)s), not a social "
                    "network. Copy the address (URL) of the post on the network's site."),
    "port": _("This address names a port (:%(port)s), which the networks' addresses never "
              "do. Copy the address (URL) of the post again from the network."),
    "lookalike_host": _("“%(host)s” is not a site of %(network)s, though it looks like one. "
                        "Check where this address came from, and copy the address (URL) of "
                        "the post on %(network)s itself."),
    "unknown_host": _("“%(host)s” is not one of the social networks this list records (X, "
                      "Facebook, Instagram, YouTube, LINE, Bluesky, Threads, LinkedIn and "
                      "well-known Mastodon servers). Record the address (URL) of a post on "
                      "one of them; for another Mastodon server, ask UNHCR to add it."),
    # Neutral how-to: every network's post has a "Copy link" in its share or "…" menu (X's
    # and Facebook's "click the date" does not apply to LINE VOOM, Instagram or YouTube).
    "not_a_post": _("This is the address of %(what)s on %(network)s, not of one post. Open "
                    "the post itself on %(network)s, choose “Copy link” in its “Share” or "
                    "“…” menu (or copy the browser's address bar while the post is open), "
                    "and paste that address (URL) of the post here."),
}

#: A short link of a network on a domain of its own (``t.co`` is X's: it leads to a post,
#: but does not show which, and is refused as ``not_a_post`` with ``SHORT_LINK``). Only
#: consulted where ``unknown_host`` would be raised, so no other address changes outcome.
SHORT_LINK_HOSTS: dict[str, Network] = {"t.co": Network.X}

SHORT_LINK = _("“%(host)s” is a short link of %(network)s: it does not show which post it "
               "leads to. Open the post itself on %(network)s (follow the short link, or "
               "find the post on your account), choose “Copy link” in its “Share” menu, and "
               "paste that address (URL) of the post here.")

#: What a ``not_a_post`` address shows instead of a post.
AN_ACCOUNT = _("an account's page")
A_LISTING = _("a page of several posts (a search, hashtag, feed or list)")
AN_ADD_FRIEND_LINK = _("an add-friend link")
A_REDIRECT = _("a link that leads on to another site")
A_SHORT_LINK = _("a short link (it does not show which post it leads to)")
A_SITE_PAGE = _("a page for signing in, sharing or another service")

#: Hosts of a network's domain that never show a post, with what they show.
OTHER_HOSTS: dict[str, str | Promise] = {
    "l.facebook.com": A_REDIRECT, "lm.facebook.com": A_REDIRECT,
    "page.line.me": AN_ACCOUNT, "lin.ee": A_SHORT_LINK, "www.lin.ee": A_SHORT_LINK,
}

#: A problem of a ``malformed`` address.
PROBLEMS = {
    "space": _("it contains a space"),
    "control": _("it contains an invisible control character"),
    "host": _("no site name was found"),
    "host_characters": _("the site name contains characters no site name has"),
    "port": _("the port is not a number"),
    "parse": _("it cannot be read as a web address"),
}


@dataclass(frozen=True)
class Recognised:
    """An accepted address: ``url`` as stored (normalised, see the module's docstring),
    ``network`` (a ``Network`` value) and ``post_key``, the post's identity
    (``<network>:<what identifies the post>``, e.g. ``x:1790000000000000001``; at most
    ``POST_KEY_MAX_LENGTH`` characters): equal for every address of the same post."""

    url: str
    network: str
    post_key: str


#: Longest ``post_key`` (``PostedLink.post_key``'s ``max_length``): never longer than the
#: stored address plus a prefix.
POST_KEY_MAX_LENGTH = MAX_LENGTH + 50


def _refuse(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


# --- Hosts --------------------------------------------------------------------------------
_FULL_STOPS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def map_host(host: str) -> str:
    """``host`` as a browser reads it (UTS #46 mapping, as in the URL Standard's "domain to
    ASCII"): lower-case, full-width and other compatibility forms as ASCII (``ｘ.com``),
    the ideographic full stops U+3002, U+FF0E and U+FF61 as ``.`` (``x。com``), soft
    hyphens removed. Letters of other scripts stay (``х.com`` with a Cyrillic ``х``). Uses
    the ``idna`` package's ``uts46_remap``; without it (or for a code point it refuses),
    the subset NFKC + full stops, which covers what a Japanese input method produces."""
    if host.isascii():
        return host.lower()
    if idna is not None:
        try:
            return idna.uts46_remap(host, std3_rules=False, transitional=False).lower()
        except (idna.IDNAError, ValueError):
            pass
    return uts46_subset(host)


def uts46_subset(host: str) -> str:
    """The part of UTS #46 ``map_host`` needs without the ``idna`` package: NFKC, the
    ideographic full stops as ``.``, soft hyphens removed, lower-case."""
    mapped = unicodedata.normalize("NFKC", host).translate(_FULL_STOPS)
    return mapped.replace("\u00ad", "").lower()


def mastodon_hosts() -> frozenset[str]:
    """``MASTODON_HOSTS`` and ``settings.SOCIAL_MASTODON_HOSTS`` (lower-cased; read at
    each call, never at import)."""
    extra = getattr(settings, "SOCIAL_MASTODON_HOSTS", ()) or ()
    return MASTODON_HOSTS | {h.strip().lower().rstrip(".") for h in extra if h.strip()}


def network_of_host(host: str) -> str | None:
    """The network (``Network`` value) whose domain ``host`` (mapped, lower-case ASCII) is
    on, or None."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        found = NETWORK_HOSTS.get(".".join(labels[i:]))
        if found is not None:
            return found.value
    if host in mastodon_hosts() or host.removeprefix("www.") in mastodon_hosts():
        return Network.MASTODON.value
    return None


def known_host(host: str, network: str) -> str | None:
    """The host stored for ``host`` of ``network`` (``KNOWN_HOSTS``, LinkedIn's country
    hosts, a Mastodon server without ``www.``), or None: a host of the network's domain
    that shows no posts (``api.x.com``, ``access.line.me``, ``evil.x.com``)."""
    if network == Network.MASTODON:
        return host.removeprefix("www.")
    if network == Network.LINKEDIN and _LINKEDIN_COUNTRY.fullmatch(host):
        return "www.linkedin.com"
    return KNOWN_HOSTS.get(host)


def _lookalike(host: str) -> str | None:
    """The label of the network ``host`` imitates (see ``lookalike_host``), or None."""
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        # A homograph: name the network it resembles once decoded, if one is recognisable.
        shown = _skeleton(unicodedata.normalize("NFKC", _decoded(host)).lower())
        labels = shown.split(".")
        for domain, network in NETWORK_HOSTS.items():
            name = domain.split(".")[0]
            if domain in shown or name in labels or (len(name) >= 4 and name in shown):
                return network.label
        return str(_("a social network"))
    for domain, network in NETWORK_HOSTS.items():
        at = host.find(domain)
        if at == -1:
            continue
        before, after = host[:at], host[at + len(domain):]
        if after[:1] in (".", "-"):  # x.com.evil.example, facebook.com-login.example
            return network.label
        if not after and before and not before.endswith(".") \
                and len(domain.split(".")[0]) >= 4:
            return network.label  # myfacebook.com (but not box.com for x.com)
    return None


def _decoded(host: str) -> str:
    """``host`` with its ``xn--`` labels decoded (as typed when they cannot be)."""
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label.startswith("xn--")
                          else label)
        except (UnicodeError, ValueError):
            labels.append(label)
    return ".".join(labels)


#: Latin letters that other scripts draw alike (enough to name the imitated network).
_CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
    "ԁ": "d", "ѕ": "s", "ԛ": "q", "ѡ": "w", "ɡ": "g", "ո": "n", "κ": "k", "ο": "o",
    "α": "a", "ν": "v", "τ": "t", "ı": "i", "ⅼ": "l", "ӏ": "l",
})


def _skeleton(host: str) -> str:
    """``host`` with accents removed and look-alike letters of other scripts as Latin."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", host)
                   if not unicodedata.combining(c))
    return bare.translate(_CONFUSABLES)


# --- Posts per network --------------------------------------------------------------------
@dataclass(frozen=True)
class _Post:
    """What a network's rule found: the post's path (segments, not percent-encoded), the
    query parameters that identify it, its identity (without the network), and another
    host to store (youtu.be → www.youtube.com); or why it is no post."""

    path: tuple[str, ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    key: str = ""
    host: str = ""
    not_a_post: str | Promise = ""
    trailing_slash: bool = False


def _not(what: str | Promise) -> _Post:
    return _Post(not_a_post=what)


def _match(pattern: str) -> Callable[[str], re.Match | None]:
    """A full match of ``pattern`` (ASCII: ``[0-9]`` never matches other scripts' digits)."""
    return re.compile(pattern, re.ASCII).fullmatch


_DIGITS = _match(r"[0-9]{1,25}")
_NUMBER = _match(r"[1-9][0-9]{0,24}")  # an id without leading zeros
_CODE = _match(r"[A-Za-z0-9_-]{5,64}")  # Instagram's and Threads' post codes

_X_NAME = _match(r"[A-Za-z0-9_]{1,15}")
_X_SUFFIXES = {(), ("analytics",), ("quotes",), ("retweets",), ("likes",), ("history",)} | {
    (kind, str(n)) for kind in ("photo", "video") for n in range(1, 5)}
_X_LISTINGS = {"home", "explore", "search", "hashtag", "notifications", "messages", "i",
               "lists", "communities"}
_X_SITE = {"settings", "intent", "share", "compose", "login", "logout", "signup", "tos",
           "privacy", "account", "oauth", "download", "jobs", "en", "ja"}
#: First segments X keeps for its own pages: never an account's name, so never a post's.
_X_RESERVED = _X_LISTINGS | _X_SITE | {
    "about", "help", "bookmarks", "topics", "premium", "verified", "who_to_follow",
    "flow", "logout", "signin", "sessions", "welcome", "connect", "follower_requests",
    "display", "keyboard_shortcuts", "mentions", "notification", "status", "statuses",
    "personalization", "your_twitter_data", "twitter_blue", "places", "hashtags"}
#: Why an address that has a post's shape is refused: a part of it is not written in the
#: characters the network uses (``x.com/Ｃｉｔｙ/status/1``, ``/status/١٢٣``). Refused as
#: ``not_a_post`` with the ``malformed`` message (no message of its own yet).
_UNREADABLE = "unreadable"


def _x(host: str, s: list[str], query: dict[str, str]) -> _Post:
    lowered = [part.lower() for part in s[:3]]
    if len(s) >= 3 and s[1] in ("status", "statuses") and _X_NAME(s[0]) \
            and lowered[0] not in _X_RESERVED:
        name, rest = lowered[0], s[2:]
    elif lowered == ["i", "web", "status"]:
        name, rest = "i/web", s[3:]
    elif lowered[:2] == ["i", "status"]:
        name, rest = "i/web", s[2:]
    else:
        name, rest = "", []
    if rest and _NUMBER(rest[0]) and tuple(rest[1:]) in _X_SUFFIXES:
        return _Post(path=(*name.split("/"), "status", rest[0]), key=rest[0])
    if any(part.lower() in ("status", "statuses") for part in s[1:3]) \
            and not all(part.isascii() for part in s):
        return _not(_UNREADABLE)  # /Ｃｉｔｙ/status/1, /city/status/١٢٣
    if not s or s[0].lower() in _X_LISTINGS:
        return _not(A_LISTING)
    if len(s) <= 2 and _X_NAME(s[0]) and s[0].lower() not in _X_SITE:
        return _not(AN_ACCOUNT)  # /<name>, /<name>/with_replies
    return _not(A_SITE_PAGE)


_BSKY_HANDLE = _match(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                      r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_DID = _match(r"did:[a-z]{1,20}:[A-Za-z0-9._:-]{1,200}")
_BSKY_RKEY = _match(r"(?!\.{1,2}$)[A-Za-z0-9._~:-]{1,100}")  # atproto record key syntax


def _bluesky(host: str, s: list[str], query: dict[str, str]) -> _Post:
    if len(s) >= 4 and s[0] == "profile" and s[2] == "post" and _BSKY_RKEY(s[3]) \
            and (s[4:] == [] or s[4:] in (["liked-by"], ["reposted-by"], ["quotes"])):
        author = s[1].lower() if _BSKY_HANDLE(s[1]) else s[1] if _DID(s[1]) else ""
        if author:
            return _Post(path=("profile", author, "post", s[3]), key=s[3])
    if len(s) in (2, 3) and s[0] == "profile":
        return _not(AN_ACCOUNT)
    if not s or s[0] in ("search", "hashtag", "feeds", "lists") or "feed" in s[2:3]:
        return _not(A_LISTING)
    return _not(A_SITE_PAGE)


_THREADS_NAME = _match(r"@[A-Za-z0-9._]{1,30}")


def _threads(host: str, s: list[str], query: dict[str, str]) -> _Post:
    if len(s) in (3, 4) and _THREADS_NAME(s[0]) and s[1] == "post" and _CODE(s[2]) \
            and s[3:] in ([], ["media"]):
        return _Post(path=(s[0].lower(), "post", s[2]), key=s[2])
    if len(s) == 2 and s[0] == "t" and _CODE(s[1]):
        return _Post(path=("t", s[1]), key=s[1])
    if s and _THREADS_NAME(s[0]):
        return _not(AN_ACCOUNT)
    if not s or s[0] in ("search", "feeds", "following"):
        return _not(A_LISTING)
    return _not(A_SITE_PAGE)


_INSTAGRAM_NAME = _match(r"[A-Za-z0-9._]{1,30}")
_INSTAGRAM_KINDS = {"p": "p", "reel": "reel", "reels": "reel", "tv": "tv"}
_INSTAGRAM_SITE = {"accounts", "explore", "direct", "about", "legal", "developer", "web",
                   "challenge", "emails", "session", "api", "oauth", "graphql"}


def _instagram(host: str, s: list[str], query: dict[str, str]) -> _Post:
    if len(s) == 3 and _INSTAGRAM_NAME(s[0]) and s[0] not in _INSTAGRAM_KINDS:
        post = s[1:]  # /<name>/p/<code>/
    else:
        post = s
    if len(post) == 2 and post[0] in _INSTAGRAM_KINDS and _CODE(post[1]):
        return _Post(path=(_INSTAGRAM_KINDS[post[0]], post[1]), key=post[1],
                     trailing_slash=True)
    if len(s) == 3 and s[0] == "stories" and _INSTAGRAM_NAME(s[1]) and _NUMBER(s[2]):
        return _Post(path=("stories", s[1].lower(), s[2]), key=f"story:{s[2]}",
                     trailing_slash=True)
    if not s or s[0] == "explore":
        return _not(A_LISTING)
    if s[0] in _INSTAGRAM_SITE or not _INSTAGRAM_NAME(s[0]):
        return _not(A_SITE_PAGE)
    if len(s) == 1 or (len(s) == 2 and s[1] in ("reels", "tagged", "guides", "saved")):
        return _not(AN_ACCOUNT)
    return _not(A_SITE_PAGE)


_YOUTUBE_VIDEO = _match(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_POST = _match(r"[A-Za-z0-9_-]{10,64}")


def _youtube(host: str, s: list[str], query: dict[str, str]) -> _Post:
    def watch(video: str) -> _Post:
        return _Post(path=("watch",), query=(("v", video),), host="www.youtube.com",
                     key=f"video:{video}")

    if host == "youtu.be":
        return watch(s[0]) if len(s) == 1 and _YOUTUBE_VIDEO(s[0]) else _not(A_SITE_PAGE)
    if s == ["watch"] and _YOUTUBE_VIDEO(query.get("v", "")):
        return watch(query["v"])
    if len(s) == 2 and s[0] in ("embed", "live", "v") and _YOUTUBE_VIDEO(s[1]):
        return watch(s[1])
    if len(s) == 2 and s[0] == "shorts" and _YOUTUBE_VIDEO(s[1]):
        return _Post(path=("shorts", s[1]), key=f"video:{s[1]}")
    if len(s) == 2 and s[0] == "post" and _YOUTUBE_POST(s[1]):  # a community post
        return _Post(path=("post", s[1]), key=f"post:{s[1]}")
    if s and s[-1] == "community" and _YOUTUBE_POST(query.get("lb", "")):
        return _Post(path=("post", query["lb"]), key=f"post:{query['lb']}")
    if s and (s[0].startswith("@") or s[0] in ("channel", "c", "user")):
        return _not(AN_ACCOUNT)
    if not s or s[0] in ("watch", "results", "feed", "playlist", "hashtag", "shorts",
                         "live", "gaming"):
        return _not(A_LISTING)
    if s[0] == "redirect":
        return _not(A_REDIRECT)
    return _not(A_SITE_PAGE)


_MASTODON_NAME = _match(r"@[A-Za-z0-9_]{1,30}(?:@[A-Za-z0-9.-]{1,253})?")
_MASTODON_USER = _match(r"[A-Za-z0-9_]{1,30}")


def _mastodon(host: str, s: list[str], query: dict[str, str]) -> _Post:
    if s[:1] == ["web"]:  # the older web interface: /web/@name/<id>
        s = s[1:]
    if len(s) == 2 and _MASTODON_NAME(s[0]) and _NUMBER(s[1]):
        return _Post(path=(s[0].lower(), s[1]), key=f"{host}:{s[1]}")
    if len(s) == 4 and s[0] == "users" and _MASTODON_USER(s[1]) and s[2] == "statuses" \
            and _NUMBER(s[3]):
        return _Post(path=("@" + s[1].lower(), s[3]), key=f"{host}:{s[3]}")
    if s and (s[0].startswith("@") or s[0] == "users"):
        return _not(AN_ACCOUNT)
    if not s or s[0] in ("tags", "explore", "public", "search", "home", "lists"):
        return _not(A_LISTING)
    return _not(A_SITE_PAGE)


_FB_POST = _match(r"pfbid[0-9A-Za-z]{1,200}|[0-9]{1,25}")
_FB_SHARE = _match(r"[A-Za-z0-9]{1,40}")
_FB_WATCH = _match(r"[A-Za-z0-9_-]{1,40}")
#: First segments of Facebook's own pages (never a page's name).
_FB_SITE = {"login", "login.php", "logout.php", "sharer", "sharer.php", "share.php",
            "dialog", "plugins", "help", "settings", "privacy", "policies", "policy.php",
            "legal", "terms", "recover", "checkpoint", "r.php", "reg", "signup", "business",
            "ads", "notifications", "messages", "friends", "bookmarks", "saved", "stories",
            "profile.php", "people", "pages", "photo", "photo.php", "permalink.php",
            "story.php", "video.php", "watch", "reel", "reels", "share", "events",
            "groups", "hashtag", "search", "marketplace", "gaming", "feeds", "home.php",
            "l.php", "flx", "media", "live", "fundraisers", "places"}
_FB_TABS = {"about", "photos", "videos", "posts", "reels", "events", "community",
            "mentions", "reviews", "followers", "friends", "live_videos", "photos_by"}


def _fb_page(name: str) -> bool:
    return bool(name) and name.lower() not in _FB_SITE and not name.endswith(".php")


def _facebook(host: str, s: list[str], query: dict[str, str]) -> _Post:
    post = _facebook_post(host, s, query)
    if post is not None:
        return post
    if host == "fb.watch":
        return _not(A_SITE_PAGE)
    first = s[0].lower() if s else ""
    if first in ("l.php", "flx"):
        return _not(A_REDIRECT)  # l.php?u=<another site>, flx/warn?u=<another site>
    if not s or first in ("hashtag", "search", "marketplace", "gaming", "watch", "reel",
                          "reels", "feeds", "home.php") or (first == "groups" and len(s) <= 2):
        return _not(A_LISTING)
    if first in ("profile.php", "people", "pages"):
        return _not(AN_ACCOUNT)
    if _fb_page(s[0]) and (len(s) == 1 or (len(s) == 2 and s[1] in _FB_TABS)):
        return _not(AN_ACCOUNT)  # /<page>, /<page>/photos: the page or its tab
    return _not(A_SITE_PAGE)


def _facebook_post(host: str, s: list[str], query: dict[str, str]) -> _Post | None:
    """A Facebook post's ``_Post``, or None (see ``_facebook``)."""
    if host == "fb.watch":
        return _Post(path=(s[0],), key=f"watch:{s[0]}") if len(s) == 1 and _FB_WATCH(s[0]) \
            else None
    if len(s) == 3 and _fb_page(s[0]) and s[1] == "posts" and _FB_POST(s[2]):
        return _Post(path=tuple(s), key=f"post:{s[2]}")
    if len(s) == 4 and s[0] == "groups" and s[2] in ("posts", "permalink") and _FB_POST(s[3]):
        return _Post(path=tuple(s), key=f"post:{s[3]}")
    if s in (["permalink.php"], ["story.php"]) and _FB_POST(query.get("story_fbid", "")) \
            and _DIGITS(query.get("id", "")):
        kept = (("id", query["id"]), ("story_fbid", query["story_fbid"]))  # sorted
        return _Post(path=tuple(s), query=kept, key=f"post:{query['story_fbid']}")
    if s in (["photo"], ["photo.php"]) and _DIGITS(query.get("fbid", "")):
        return _Post(path=("photo",), query=(("fbid", query["fbid"]),),
                     key=f"photo:{query['fbid']}")
    if len(s) in (3, 4) and _fb_page(s[0]) and s[1] == "photos" and _DIGITS(s[-1]):
        return _Post(path=tuple(s), key=f"photo:{s[-1]}")  # /<page>/photos/a.<album>/<id>
    if s in (["watch"], ["video.php"]) and _DIGITS(query.get("v", "")):
        return _Post(path=("watch",), query=(("v", query["v"]),), key=f"video:{query['v']}")
    if len(s) in (3, 4) and _fb_page(s[0]) and s[1] == "videos" and _DIGITS(s[-1]):
        return _Post(path=(s[0], "videos", s[-1]), key=f"video:{s[-1]}")
    if len(s) == 2 and s[0] in ("reel", "reels") and _DIGITS(s[1]):
        return _Post(path=("reel", s[1]), key=f"video:{s[1]}")
    if len(s) == 3 and s[0] == "share" and s[1] in ("p", "v", "r") and _FB_SHARE(s[2]):
        return _Post(path=tuple(s), key=f"share:{s[1]}:{s[2]}")
    if len(s) == 2 and s[0] == "share" and _FB_SHARE(s[1]):
        return _Post(path=tuple(s), key=f"share:{s[1]}")
    if len(s) == 2 and s[0] == "events" and _DIGITS(s[1]):
        return _Post(path=tuple(s), key=f"event:{s[1]}")
    return None


_LINE_ACCOUNT_ID = _match(r"@?[A-Za-z0-9._-]{1,40}")


def _line(host: str, s: list[str], query: dict[str, str]) -> _Post:
    lowered = [part.lower() for part in s]
    if host == "linevoom.line.me":
        if len(s) == 2 and s[0] == "post" and _DIGITS(s[1]):
            return _Post(path=tuple(s), key=f"post:{s[1]}")
        return _not(AN_ACCOUNT if lowered[:1] == ["user"] else A_SITE_PAGE)
    if lowered == ["r", "home", "public", "post"] and _DIGITS(query.get("postId", "")) \
            and _LINE_ACCOUNT_ID(query.get("id", "")):
        kept = (("id", query["id"]), ("postId", query["postId"]))  # sorted
        return _Post(path=("R", "home", "public", "post"), query=kept,
                     key=f"post:{query['postId']}")
    if "ti" in lowered[:2] and "p" in lowered[:3]:  # line.me/R/ti/p/@id: add as a friend
        return _not(AN_ADD_FRIEND_LINK)
    if lowered[:3] == ["r", "home", "public"]:
        return _not(AN_ACCOUNT)
    return _not(A_SITE_PAGE)


_LINKEDIN_SLUG = _match(r"[^/]{0,400}?-(activity|share|ugcPost)-([0-9]{1,25})"
                        r"(?:-[A-Za-z0-9_-]{1,20})?")
_LINKEDIN_URN = _match(r"urn:li:(activity|share|ugcPost):([0-9]{1,25})")
_LINKEDIN_ARTICLE = _match(r"[^/]{1,300}")
#: Words LinkedIn uses where an article's slug would be (its own pages, never an article).
_LINKEDIN_PULSE_RESERVED = {
    "login", "signup", "authwall", "share", "sharearticle", "topics", "discover", "edit",
    "new", "feed", "search", "help", "settings", "trending", "me", "home", "article",
    "articles", "redir", "uas", "checkpoint", "logout", "embed", "api"}


def _linkedin(host: str, s: list[str], query: dict[str, str]) -> _Post:
    if len(s) == 2 and s[0] == "posts" and (found := _LINKEDIN_SLUG(s[1])):
        return _Post(path=tuple(s), key=f"{found[1].lower()}:{found[2]}")
    urn = s[2:] if s[:2] == ["feed", "update"] else s[3:] \
        if s[:3] == ["embed", "feed", "update"] else []
    if len(urn) == 1 and (found := _LINKEDIN_URN(urn[0])):
        return _Post(path=("feed", "update", urn[0]), key=f"{found[1].lower()}:{found[2]}")
    if len(s) == 2 and s[0] == "pulse" and _LINKEDIN_ARTICLE(s[1]) \
            and s[1].lower() not in _LINKEDIN_PULSE_RESERVED:
        return _Post(path=tuple(s), key=f"pulse:{s[1].lower()}")
    if s and s[0] in ("company", "in", "school", "showcase"):
        return _not(AN_ACCOUNT)
    if s and s[0] in ("redir", "safety"):
        return _not(A_REDIRECT)  # /redir/redirect?url=<another site>
    if not s or (s[0] in ("feed", "search", "groups", "hashtag") and len(s) <= 2):
        return _not(A_LISTING)
    return _not(A_SITE_PAGE)  # /login, /authwall, /shareArticle, /jobs/view/1 ...


RULES: dict[str, Callable[[str, list[str], dict[str, str]], _Post]] = {
    Network.X: _x, Network.BLUESKY: _bluesky, Network.THREADS: _threads,
    Network.INSTAGRAM: _instagram, Network.YOUTUBE: _youtube, Network.MASTODON: _mastodon,
    Network.FACEBOOK: _facebook, Network.LINE: _line, Network.LINKEDIN: _linkedin,
}


# --- The whole address --------------------------------------------------------------------
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_INVISIBLE_EDGES = "\u200b\u200c\u200d\u2060\ufeff"
_SEGMENT_SAFE = ":@!$&'()*+,;=-._~"
_NUMERIC_HOST = re.compile(r"[0-9.]+|0x[0-9a-f]+(\.[0-9a-fx.]*)?|\[.*\]")
_HOST_CHARACTERS = re.compile(r"[\w.-]+")


def recognise(text: str) -> Recognised:
    """Check ``text`` (what was typed or pasted) and return the ``Recognised`` address,
    network and post identity. Raises ``ValidationError`` with one of the codes of
    ``MESSAGES`` (see the module's docstring for each, for the posts recognised and for the
    normalisation)."""
    text = (text or "").strip().strip(_INVISIBLE_EDGES).strip()
    typed_length = len(text)  # quoted in ``too_long``: what the person typed, not encoded
    if not text:
        raise _refuse("empty")
    if len(text) > MAX_LENGTH:
        raise _refuse("too_long", length=len(text), max=MAX_LENGTH)
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise _refuse("malformed", problem=PROBLEMS["control"])
    if any(c.isspace() for c in text):
        raise _refuse("malformed", problem=PROBLEMS["space"])
    if text.startswith("//"):
        text = "https:" + text
    scheme = _SCHEME.match(text)
    if scheme and "." not in scheme.group(1) and not text[scheme.end():][:1].isdigit():
        if scheme.group(1).lower() not in ("http", "https"):
            raise _refuse("scheme", scheme=scheme.group(1)[:20])
        if not text[scheme.end():].startswith("//"):
            raise _refuse("malformed", problem=PROBLEMS["host"])
    else:
        text = "https://" + text  # x.com/name/status/1: the known host decides below
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise _refuse("malformed", problem=PROBLEMS["port"] if "port" in str(exc).lower()
                      else PROBLEMS["parse"]) from exc
    if "@" in parts.netloc:
        raise _refuse("credentials")
    host = map_host(parts.hostname or "").rstrip(".")
    if not host:
        raise _refuse("malformed", problem=PROBLEMS["host"])
    if _NUMERIC_HOST.fullmatch(host) or _is_ip(host) or (":" in host and "[" in parts.netloc):
        raise _refuse("ip_address", host=host)
    if not _HOST_CHARACTERS.fullmatch(host):
        raise _refuse("malformed", problem=PROBLEMS["host_characters"])
    default_port = 443 if parts.scheme.lower() == "https" else 80
    if port is not None and port != default_port:
        raise _refuse("port", port=port)
    imitated = _lookalike(host)
    if imitated is not None:
        raise _refuse("lookalike_host", host=host, network=imitated)
    network = network_of_host(host)
    if network is None:
        if host in SHORT_LINK_HOSTS:
            raise ValidationError(SHORT_LINK, code="not_a_post", params={
                "host": host, "network": SHORT_LINK_HOSTS[host].label})
        raise _refuse("unknown_host", host=host)
    label = Network(network).label
    stored_host = known_host(host, network)
    if stored_host is None:
        raise _refuse("not_a_post", what=OTHER_HOSTS.get(host, A_SITE_PAGE), network=label)
    segments = [unquote(part) for part in parts.path.split("/") if part]
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(name, value)  # the first of repeated parameters
    post = RULES[network](stored_host, segments, query)
    if post.not_a_post is _UNREADABLE:
        raise ValidationError(MESSAGES["malformed"], code="not_a_post",
                              params={"problem": PROBLEMS["parse"]})
    if post.not_a_post:
        raise _refuse("not_a_post", what=post.not_a_post, network=label)
    path = "/" + "/".join(quote(part, safe=_SEGMENT_SAFE) for part in post.path)
    url = urlunsplit(("https", post.host or stored_host,
                      path + ("/" if post.trailing_slash else ""),
                      urlencode(post.query), ""))
    if len(url) > MAX_LENGTH:
        raise _refuse("too_long", length=typed_length, max=MAX_LENGTH)
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError as exc:
        raise _refuse("malformed", problem=PROBLEMS["parse"]) from exc
    return Recognised(url=url, network=network, post_key=f"{network}:{post.key}")


def post_key_lenient(url: str) -> str:
    """The ``post_key`` of a stored ``url`` (``recognise``), or ``url:<url>`` for an address
    these rules no longer accept (recorded under older ones; used by the migration that
    fills ``PostedLink.post_key``)."""
    try:
        return recognise(url).post_key
    except ValidationError:
        return f"url:{url}"[:POST_KEY_MAX_LENGTH]


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
