"""Share links: addresses that open a network's "new post" page with the text filled in.

``share_links(text, page_url=...)`` gives one ``ShareLink`` per ``TARGETS``. The text goes
into the address as ``encodeURIComponent`` encodes it (``encode``), so that the kit's script
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
    """One link of the kit: the ``target`` and the whole ``url``."""

    target: ShareTarget
    url: str

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


def share_links(text: str, *, page_url: str) -> list[ShareLink]:
    """One ``ShareLink`` per ``TARGETS``, in that order, for ``text`` (the post) and
    ``page_url`` (the absolute address of the public profile, for Facebook)."""
    return [ShareLink(target=t, url=share_url(t, text=text, page_url=page_url))
            for t in TARGETS]
