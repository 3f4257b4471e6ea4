"""Recognise the address (URL) of a post on a social network: ``recognise(text)`` checks what
an officer typed or pasted, says which network it is on, and gives the one normalised form
that is stored (so the same post recorded twice, with other tracking parameters or from the
mobile site, is found to be the same).

Refused, each with its own ``ValidationError`` code and a translated message that says why
and what to do (``MESSAGES``):

- ``empty``: nothing typed (after removing spaces around it);
- ``too_long``: more than ``MAX_LENGTH`` (500) characters, the size of ``PostedLink.url``;
- ``malformed``: spaces or control characters inside, no host, a port that is not a number;
- ``scheme``: another scheme than http or https (``javascript:``, ``data:``, ``ftp:``,
  ``mailto:``, ``file:`` ...). Without a scheme, ``https://`` is put in front, so that
  ``x.com/…/status/1`` is accepted but ``example.org/…`` is refused as an unknown site;
- ``credentials``: a user name or password in the address (``https://me:pw@x.com/…``);
- ``ip_address``: a numeric host (``https://203.0.113.5/…``);
- ``port``: a port other than the default one (``https://x.com:8443/…``);
- ``lookalike_host``: a host that looks like a network's without being it
  (``x.com.evil.example``, ``facebook.com-login.example``, ``myfacebook.com``, any host with
  non-ASCII characters or a ``xn--`` label: homographs such as ``fаcebook.com`` with a
  Cyrillic ``а``);
- ``unknown_host``: any other host (``NETWORK_HOSTS`` and their subdomains, Mastodon
  servers of ``MASTODON_HOSTS`` and ``settings.SOCIAL_MASTODON_HOSTS``);
- ``not_a_post``: the page of an account, a hashtag or a search rather than one post, where
  the network's addresses make that clear (``x.com/<name>`` without ``/status/<id>``,
  ``bsky.app/profile/<handle>`` without ``/post/<id>``, ``instagram.com/<name>/``,
  ``youtube.com/@<name>``, ``facebook.com/<page>``, ``linkedin.com/company/<name>``, a LINE
  add-friend link ...).

Normalisation (what is stored): scheme ``https``; host lower-case, trailing dot and default
port removed, and one host per network where the network serves the same page under
several (``twitter.com``, ``mobile.twitter.com`` → ``x.com``; ``m.facebook.com`` →
``www.facebook.com``; ``youtu.be/<id>``, ``/embed/<id>``, ``/live/<id>`` →
``www.youtube.com/watch?v=<id>``); the fragment dropped; the query reduced to what
identifies the post (YouTube ``v``, Facebook ``story_fbid``/``id``/``fbid``/``v``/``set``,
nothing for X, Instagram, Bluesky, Threads, Mastodon and LinkedIn) and, for the others,
tracking parameters removed (``TRACKING_PARAMETERS``, ``utm_*``); the path of X, Bluesky,
Threads, Instagram and Mastodon posts reduced to the post itself (``/<name>/status/<id>``
without ``/photo/1``); other paths keep their text, non-ASCII characters percent-encoded,
one trailing slash removed.

The address forms are those the networks show in their "copy link" or share menus and in
the browser's address bar (checked on each network's site, 2025).
"""

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Network

#: Longest address accepted, in characters (``PostedLink.url``'s ``max_length``).
MAX_LENGTH = 500

#: The sites of each network: the host and any of its subdomains (``mobile.twitter.com``,
#: ``linevoom.line.me``) are recognised.
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

#: Well-known Mastodon servers (exact hosts: a server's subdomains are not the server).
#: More can be added with ``settings.SOCIAL_MASTODON_HOSTS`` (a list of hosts).
MASTODON_HOSTS = frozenset({
    "mastodon.social", "mastodon.online", "mastodon.cloud", "mastodon.world",
    "mastodon.xyz", "mstdn.social", "mstdn.jp", "mstdn.io", "mas.to", "fedibird.com",
    "pawoo.net", "mastodon-japan.net", "mastodon.jp", "best-friends.chat", "fosstodon.org",
    "hachyderm.io", "infosec.exchange", "mastodon.art", "social.vivaldi.net",
    "mastodon.uno", "troet.cafe", "chaos.social", "mastodon.nu", "techhub.social",
    "toot.community", "mastodon.green", "mastodon.ie", "mastodon.scot", "c.im",
    "universeodon.com", "mastodonapp.uk", "mstdn.ca", "mastodon.au", "aus.social",
})

#: One host per network where the network serves the same page under several.
CANONICAL_HOSTS = {
    "twitter.com": "x.com", "www.twitter.com": "x.com", "mobile.twitter.com": "x.com",
    "m.twitter.com": "x.com", "www.x.com": "x.com", "mobile.x.com": "x.com",
    "facebook.com": "www.facebook.com", "m.facebook.com": "www.facebook.com",
    "web.facebook.com": "www.facebook.com", "mbasic.facebook.com": "www.facebook.com",
    "touch.facebook.com": "www.facebook.com", "fb.com": "www.facebook.com",
    "www.fb.com": "www.facebook.com", "m.fb.com": "www.facebook.com",
    "instagram.com": "www.instagram.com", "m.instagram.com": "www.instagram.com",
    "youtube.com": "www.youtube.com", "m.youtube.com": "www.youtube.com",
    "www.youtu.be": "youtu.be",
    "www.bsky.app": "bsky.app",
    # Threads moved to threads.com (2025) and sends threads.net there.
    "threads.net": "www.threads.com", "www.threads.net": "www.threads.com",
    "threads.com": "www.threads.com",
    "linkedin.com": "www.linkedin.com", "m.linkedin.com": "www.linkedin.com",
    "jp.linkedin.com": "www.linkedin.com",
}

#: Query parameters that only say where a link was shared from (dropped where the query is
#: kept). ``utm_*`` and ``__cft__*`` too.
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "dclid", "yclid", "msclkid", "igsh", "igshid", "si", "s", "t",
    "mibextid", "ref", "ref_src", "ref_url", "rdid", "share_url", "sfnsn", "__tn__",
    "xmt", "slof", "trk", "rcm", "lipi", "feature", "pp", "mc_cid", "mc_eid", "_ga",
    "_gl", "app", "sh", "wtsid", "from", "source",
})

#: What each refusal says (why, and what to do). ``%(...)s`` are filled in by ``recognise``.
MESSAGES: dict[str, str | Promise] = {
    "empty": _("Enter the address (URL) of the post."),
    "too_long": _("This address is %(length)d characters long; at most %(max)d are accepted. "
                  "Copy the post's address again with the network's \"Copy link\" "
                  "button: it gives a shorter one."),
    "malformed": _("This is not a complete web address (%(problem)s). Open the post, copy "
                   "its address from the browser's address bar or the network's \"Copy "
                   "link\" button, and paste it here."),
    "scheme": _("Only web addresses starting with https:// (or http://) can be recorded; "
                "this one starts with “%(scheme)s:”. Open the post in your browser and "
                "copy its address."),
    "credentials": _("This address contains a user name or password (the part before “@”). "
                     "Never share those: copy the post's address again, without them."),
    "ip_address": _("This address names a computer by its number (%(host)s), not a social "
                    "network. Copy the address of the post on the network's site."),
    "port": _("This address names a port (:%(port)s), which the networks' addresses never "
              "do. Copy the post's address again from the network."),
    "lookalike_host": _("“%(host)s” is not a site of %(network)s, though it looks like one. "
                        "Check where this address came from, and copy the post's address "
                        "on %(network)s itself."),
    "unknown_host": _("“%(host)s” is not one of the social networks this list records (X, "
                      "Facebook, Instagram, YouTube, LINE, Bluesky, Threads, LinkedIn and "
                      "well-known Mastodon servers). Record the address of a post on one of "
                      "them; for another Mastodon server, ask UNHCR to add it."),
    "not_a_post": _("This is the address of %(what)s on %(network)s, not of one post. Open "
                    "the post itself (click its date or its “Share” button) and copy its "
                    "address."),
}

#: What a ``not_a_post`` address shows instead of a post.
AN_ACCOUNT = _("an account's page")
A_LISTING = _("a page of several posts (a search, hashtag, feed or list)")
AN_ADD_FRIEND_LINK = _("an add-friend link")
A_REDIRECT = _("a link that leads on to another site")

#: A problem of a ``malformed`` address.
PROBLEMS = {
    "space": _("it contains a space"),
    "control": _("it contains an invisible control character"),
    "host": _("no site name was found"),
    "port": _("the port is not a number"),
    "parse": _("it cannot be read as a web address"),
}


@dataclass(frozen=True)
class Recognised:
    """An accepted address: ``url`` as stored (normalised, see the module's docstring) and
    ``network`` (a ``Network`` value)."""

    url: str
    network: str


def _refuse(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


# --- Hosts --------------------------------------------------------------------------------
def mastodon_hosts() -> frozenset[str]:
    """``MASTODON_HOSTS`` and ``settings.SOCIAL_MASTODON_HOSTS`` (lower-cased; read at
    each call, never at import)."""
    extra = getattr(settings, "SOCIAL_MASTODON_HOSTS", ()) or ()
    return MASTODON_HOSTS | {h.strip().lower().rstrip(".") for h in extra if h.strip()}


def network_of_host(host: str) -> str | None:
    """The network (``Network`` value) whose site ``host`` (lower-case ASCII) is, or None."""
    labels = host.split(".")
    for i in range(len(labels) - 1):
        found = NETWORK_HOSTS.get(".".join(labels[i:]))
        if found is not None:
            return found.value
    if host in mastodon_hosts() or host.removeprefix("www.") in mastodon_hosts():
        return Network.MASTODON.value
    return None


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
_X_RESERVED = {"i", "home", "explore", "search", "hashtag", "notifications", "messages",
               "settings", "intent", "share", "compose"}


@dataclass(frozen=True)
class _Post:
    """What a network's rule found: the path (and query) to keep, or why it is no post."""

    path: str = ""
    query: list[tuple[str, str]] | None = None  # None: keep the cleaned query
    host: str = ""  # another host to use (youtu.be → www.youtube.com)
    not_a_post: str | Promise = ""


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _x(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    # /<name>/status/<id>[/photo/1], /i/web/status/<id>, /i/status/<id>
    for i in range(len(s) - 1):
        if s[i] in ("status", "statuses") and s[i + 1].isdigit():
            name = "i/web" if i == 0 or s[0] == "i" else s[i - 1]
            return _Post(path=f"/{name}/status/{s[i + 1]}", query=[])
    if len(s) <= 2 and s and s[0].lower() not in _X_RESERVED:
        return _Post(not_a_post=AN_ACCOUNT)  # /<name>, /<name>/with_replies
    return _Post(not_a_post=A_LISTING)


def _bluesky(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    if len(s) >= 4 and s[0] == "profile" and s[2] == "post":
        return _Post(path=f"/profile/{s[1]}/post/{s[3]}", query=[])
    if len(s) >= 2 and s[0] == "profile":
        return _Post(not_a_post=AN_ACCOUNT)
    return _Post(not_a_post=A_LISTING)


def _threads(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    if len(s) >= 3 and s[0].startswith("@") and s[1] == "post":
        return _Post(path=f"/{s[0]}/post/{s[2]}", query=[])
    if len(s) >= 2 and s[0] == "t":
        return _Post(path=f"/t/{s[1]}", query=[])
    if s and s[0].startswith("@"):
        return _Post(not_a_post=AN_ACCOUNT)
    return _Post(not_a_post=A_LISTING)


def _instagram(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    kinds = {"p": "p", "reel": "reel", "reels": "reel", "tv": "tv"}
    for i, part in enumerate(s[:2]):  # /p/<code>/ or /<name>/p/<code>/
        if part in kinds and len(s) > i + 1:
            return _Post(path=f"/{kinds[part]}/{s[i + 1]}/", query=[])
    if len(s) >= 3 and s[0] == "stories":
        return _Post(path=f"/stories/{s[1]}/{s[2]}/", query=[])
    if len(s) == 1 or (len(s) == 2 and s[1] in ("reels", "tagged", "guides")):
        return _Post(not_a_post=AN_ACCOUNT)
    return _Post(not_a_post=A_LISTING)


_YOUTUBE_VIDEO = re.compile(r"[A-Za-z0-9_-]{6,20}")


def _youtube(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    params = dict(query)

    def watch(video: str) -> _Post:
        return _Post(path="/watch", query=[("v", video)], host="www.youtube.com")

    if host == "youtu.be":
        if len(s) == 1 and _YOUTUBE_VIDEO.fullmatch(s[0]):
            return watch(s[0])
        return _Post(not_a_post=A_LISTING)
    if s == ["watch"] and _YOUTUBE_VIDEO.fullmatch(params.get("v", "")):
        return watch(params["v"])
    if len(s) == 2 and s[0] in ("embed", "live", "v") and _YOUTUBE_VIDEO.fullmatch(s[1]):
        return watch(s[1])
    if len(s) == 2 and s[0] == "shorts" and _YOUTUBE_VIDEO.fullmatch(s[1]):
        return _Post(path=f"/shorts/{s[1]}", query=[])
    if len(s) == 2 and s[0] == "post":  # a community post
        return _Post(path=f"/post/{s[1]}", query=[])
    if params.get("lb") and s and s[-1] == "community":
        return _Post(path="/post/" + params["lb"], query=[])
    if s and (s[0].startswith("@") or s[0] in ("channel", "c", "user")):
        return _Post(not_a_post=AN_ACCOUNT)
    return _Post(not_a_post=A_LISTING)


def _mastodon(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    if s[:1] == ["web"]:  # the older web interface: /web/@name/<id>
        s = s[1:]
    if len(s) >= 2 and s[0].startswith("@") and s[1].isdigit():
        return _Post(path=f"/{s[0]}/{s[1]}", query=[])
    if len(s) >= 4 and s[0] == "users" and s[2] == "statuses" and s[3].isdigit():
        return _Post(path=f"/users/{s[1]}/statuses/{s[3]}", query=[])
    if s and (s[0].startswith("@") or s[0] == "users"):
        return _Post(not_a_post=AN_ACCOUNT)
    return _Post(not_a_post=A_LISTING)


_FACEBOOK_KEEP = ("story_fbid", "id", "fbid", "v", "set")
_FACEBOOK_NOT_PAGES = {"watch", "reel", "share", "story.php", "permalink.php", "photo.php",
                       "photo", "video.php", "events", "groups", "posts", "videos",
                       "photos"}


def _facebook(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    kept = [(k, v) for k, v in query if k in _FACEBOOK_KEEP]
    if host == "fb.watch":
        return _Post(query=[]) if s else _Post(not_a_post=A_LISTING)
    if host in ("l.facebook.com", "lm.facebook.com") or s[:1] == ["l.php"]:
        return _Post(not_a_post=A_REDIRECT)  # l.facebook.com/l.php?u=<another site>
    if not s or s[0] in ("hashtag", "search", "marketplace", "gaming"):
        return _Post(not_a_post=A_LISTING)
    if s[0] == "groups" and len(s) <= 2:
        return _Post(not_a_post=A_LISTING)  # a group's page
    if s == ["profile.php"] and not any(k != "id" for k, _v in kept):
        return _Post(not_a_post=AN_ACCOUNT)  # profile.php?id=<page>
    if len(s) == 1 and s[0] not in _FACEBOOK_NOT_PAGES and not s[0].endswith(".php"):
        return _Post(not_a_post=AN_ACCOUNT)  # /<page>
    if len(s) == 2 and s[0] == "pages":
        return _Post(not_a_post=AN_ACCOUNT)
    if len(s) == 2 and s[1] in ("about", "photos", "videos", "posts", "reels", "events",
                                "community", "mentions"):
        return _Post(not_a_post=AN_ACCOUNT)  # /<page>/photos: the page's tab
    return _Post(query=kept)


def _line(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    lowered = [part.lower() for part in s]
    if host == "page.line.me" or (host == "linevoom.line.me" and lowered[:1] == ["user"]):
        return _Post(not_a_post=AN_ACCOUNT)
    if "ti" in lowered[:2] and "p" in lowered[:3]:  # line.me/R/ti/p/@id: add as a friend
        return _Post(not_a_post=AN_ADD_FRIEND_LINK)
    if not s:
        return _Post(not_a_post=A_LISTING)
    return _Post()


def _linkedin(host: str, path: str, query: list) -> _Post:
    s = _segments(path)
    if s and s[0] in ("company", "in", "school", "showcase"):
        return _Post(not_a_post=AN_ACCOUNT)
    if s and s[0] in ("redir", "safety"):
        return _Post(not_a_post=A_REDIRECT)  # /redir/redirect?url=<another site>
    if not s or s[0] in ("feed", "search", "jobs", "groups") and len(s) == 1:
        return _Post(not_a_post=A_LISTING)
    return _Post(query=[])


RULES: dict[str, Callable[[str, str, list], _Post]] = {
    Network.X: _x, Network.BLUESKY: _bluesky, Network.THREADS: _threads,
    Network.INSTAGRAM: _instagram, Network.YOUTUBE: _youtube, Network.MASTODON: _mastodon,
    Network.FACEBOOK: _facebook, Network.LINE: _line, Network.LINKEDIN: _linkedin,
}


# --- The whole address --------------------------------------------------------------------
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_INVISIBLE_EDGES = "\u200b\u200c\u200d\u2060\ufeff"
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_NUMERIC_HOST = re.compile(r"[0-9.]+|0x[0-9a-f]+(\.[0-9a-fx.]*)?|\[.*\]")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return (lowered in TRACKING_PARAMETERS or lowered.startswith("utm_")
            or lowered.startswith("__cft__"))


def recognise(text: str) -> Recognised:
    """Check ``text`` (what was typed or pasted) and return the ``Recognised`` address and
    network. Raises ``ValidationError`` with one of the codes of ``MESSAGES`` (see the
    module's docstring for each and for the normalisation)."""
    text = (text or "").strip().strip(_INVISIBLE_EDGES).strip()
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
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _refuse("malformed", problem=PROBLEMS["host"])
    if _NUMERIC_HOST.fullmatch(host) or ":" in host or _is_ip(host):
        raise _refuse("ip_address", host=host)
    default_port = 443 if parts.scheme.lower() == "https" else 80
    if port is not None and port != default_port:
        raise _refuse("port", port=port)
    imitated = _lookalike(host)
    if imitated is not None:
        raise _refuse("lookalike_host", host=host, network=imitated)
    network = network_of_host(host)
    if network is None:
        raise _refuse("unknown_host", host=host)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k)]
    post = RULES[network](host, parts.path, query)
    if post.not_a_post:
        raise _refuse("not_a_post", what=post.not_a_post, network=Network(network).label)
    host = post.host or CANONICAL_HOSTS.get(host, host)
    path = post.path or _clean_path(parts.path)
    query = query if post.query is None else post.query
    url = urlunsplit(("https", host, quote(path, safe=_PATH_SAFE), urlencode(query), ""))
    if len(url) > MAX_LENGTH:
        raise _refuse("too_long", length=len(url), max=MAX_LENGTH)
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError as exc:
        raise _refuse("malformed", problem=PROBLEMS["parse"]) from exc
    return Recognised(url=url, network=network)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _clean_path(path: str) -> str:
    """``path`` without empty segments' doubled slashes and without one trailing slash."""
    path = re.sub(r"/{2,}", "/", path or "/")
    return path[:-1] if len(path) > 1 and path.endswith("/") else path
