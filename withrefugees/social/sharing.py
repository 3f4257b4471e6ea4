"""Share links: addresses that open a network's "new post" page with the text filled in.

``share_links(text, page_url=..., mentions_shown=..., mentions=...)`` gives one ``ShareLink``
per ``TARGETS``, with each network's own UNHCR accounts in place of the X accounts the text
mentions (``localise_mentions``). The text goes into the address as ``encodeURIComponent``
encodes it (``encode``), so that the kit's script
(``static/js/post-kit.js``), which builds the same addresses from ``base`` as the officer
types, gives exactly the server's; line breaks are ``\\n`` (``%0A``) as the text box holds
them. Facebook's sharer takes only an address (``page_url``), never a text.

The addresses (each network's web "intent" or share page):

- X: ``https://x.com/intent/post?text=`` (X Developer Platform, "Web Intents");
- Bluesky: ``https://bsky.app/intent/compose?text=`` (Bluesky docs, "Action Intent Links");
- LINE: ``https://line.me/R/share?text=`` (LINE Developers, "Using LINE URL scheme": share
  a text message);
- Threads: ``https://www.threads.com/intent/post?text=`` (Meta, Threads "Web Intents");
- LinkedIn: ``https://www.linkedin.com/feed/?shareActive=true&text=`` (the feed's composer
  opened with the text; not a documented API, so it may change);
- Facebook: ``https://www.facebook.com/sharer/sharer.php?u=`` (Meta, "Sharing on the
  web": the ``u`` parameter only; Meta's Platform Terms forbid prefilling what a person
  posts).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from .counting import normalise_newlines

#: Characters ``encodeURIComponent`` leaves as they are besides letters, digits and
#: ``-_.~`` (which ``quote`` always keeps).
_JS_SAFE = "!'()*"


@dataclass(frozen=True)
class ShareTarget:
    """A network's share address: ``key`` (a ``Network`` value), ``label`` and ``base``,
    to which the encoded text (``takes_text``) or page address is appended."""

    key: str
    label: str
    base: str
    takes_text: bool = True


TARGETS: tuple[ShareTarget, ...] = (
    ShareTarget("x", "X", "https://x.com/intent/post?text="),
    ShareTarget("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u=",
                takes_text=False),
    ShareTarget("linkedin", "LinkedIn", "https://www.linkedin.com/feed/?shareActive=true&text="),
    ShareTarget("bluesky", "Bluesky", "https://bsky.app/intent/compose?text="),
    ShareTarget("line", "LINE", "https://line.me/R/share?text="),
    ShareTarget("threads", "Threads", "https://www.threads.com/intent/post?text="),
)


@dataclass(frozen=True)
class ShareLink:
    """One link of the kit: the ``target``, the whole ``url`` and the ``mentions`` its text
    has in place of the X accounts (``"@a @b"``, or "")."""

    target: ShareTarget
    url: str
    mentions: str = ""

    @property
    def key(self) -> str:
        return self.target.key

    @property
    def label(self) -> str:
        return self.target.label

    @property
    def takes_text(self) -> bool:
        return self.target.takes_text


def encode(text: str) -> str:
    """``text`` (line breaks as ``\\n``) percent-encoded as UTF-8 exactly as JavaScript's
    ``encodeURIComponent`` does."""
    return quote(normalise_newlines(text), safe=_JS_SAFE)


def share_url(target: ShareTarget, *, text: str, page_url: str) -> str:
    """The share address of ``target`` for ``text`` (or ``page_url`` when the network takes
    only an address)."""
    return target.base + encode(text if target.takes_text else page_url)


def localise_mentions(text: str, *, shown: str, handles: str) -> str:
    """``text`` with every ``shown`` (the mention string of the text: the X accounts, e.g.
    ``"@UNHCR_Japan"``, as ``posts`` renders ``{mentions}``) replaced by ``handles`` (one
    network's accounts, ``"@a @b"``). With no ``handles`` the string is removed with the
    spaces around it (one space stays between two words it separated) and a line left
    blank by that is dropped. ``shown`` empty or absent (the officer removed it): ``text``
    as it is. ``static/js/post-kit.js`` (``localiseMentions``) does exactly the same."""
    if not shown or shown == handles or shown not in text:
        return text
    if handles:
        return text.replace(shown, handles)
    lines = []
    for line in text.split("\n"):
        if shown not in line:
            lines.append(line)
            continue
        tidy = _tidy_removed(line.replace(shown, "\0"))
        if tidy.strip(" "):
            lines.append(tidy)
    return "\n".join(lines)


#: A removed mention (marked with NUL, which a post never holds) with the spaces around it.
_MENTION_SPACES = re.compile(" *(?:\0 *)+")


def _tidy_removed(marked: str) -> str:
    """``marked`` without its removed mentions: one space between two words, none at an
    end of the line."""
    return _MENTION_SPACES.sub(
        lambda m: " " if 0 < m.start() and m.end() < len(marked) else "", marked)


def share_links(text: str, *, page_url: str, mentions_shown: str = "",
                mentions: Mapping[str, str] | None = None) -> list[ShareLink]:
    """One ``ShareLink`` per ``TARGETS``, in that order, for ``text`` (the post) and
    ``page_url`` (the absolute address of the public profile, for Facebook). Each link's
    text has ``mentions_shown`` (the X accounts the text mentions) replaced by the accounts
    of its own network, ``mentions[key]`` (``"@a @b"``; none: removed), by
    ``localise_mentions``."""
    mentions = mentions or {}
    return [ShareLink(target=t, mentions=mentions.get(t.key, ""), url=share_url(
                t, page_url=page_url,
                text=localise_mentions(text, shown=mentions_shown,
                                       handles=mentions.get(t.key, ""))))
            for t in TARGETS]
