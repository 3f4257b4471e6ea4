"""The length of a post as each network counts it, and its limit there.

``count(text, network)`` gives a ``Count``; ``counts(text)`` one per network of
``NETWORKS``. The browser counts with the same rules (``assets/post-counter.js``, bundled
with npm's ``twitter-text`` by ``make``); ``tests/social/test_counting.py`` checks both
against npm ``twitter-text`` and against each other.

Line endings are counted as the browser's text box holds them: a form sends ``\\r\\n`` for
each line break (HTML's form submission), the text box's ``value`` has ``\\n``, and X counts
what the officer sees; so ``\\r\\n`` and ``\\r`` become ``\\n`` before any count.

The rules and their sources:

- **X**: weighted length, limit 280 (twitter-text 3 ``parseTweet``: code points in the
  ranges U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F, U+2032–U+2037 weigh 1, all others 2;
  an emoji, however many code points, weighs 2; any URL weighs 23; the text is NFC
  normalised first). Counted by ``twitter-text-parser`` (PyPI), a port of X's
  ``twitter-text``; its emoji list is Unicode Emoji 12.0, the browser bundle's twemoji-parser
  is pinned to 12.1 (package.json ``overrides``) so that both know the same emoji.
- **Bluesky**: 300 grapheme clusters (Unicode UAX #29 extended grapheme clusters: what
  Bluesky's app and ``@atproto/api`` ``RichText.graphemeLength`` count); URLs count in full.
- **Threads**: 500 characters, an emoji counting its UTF-8 bytes (Meta, Threads API, "Posts":
  "Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8
  bytes."). A grapheme cluster holding an emoji (Extended_Pictographic, a regional indicator
  or a keycap) counts its UTF-8 bytes; other text one per code point.
- **Mastodon**: 500 grapheme clusters, any URL with ``http://``/``https://`` counting 23 and
  a remote mention ``@user@server`` counting as ``@user`` (Mastodon's
  ``StatusLengthValidator``); servers may raise the limit.
- **Facebook**: 63,206 characters; **Instagram**: 2,200 (caption); **LinkedIn**: 3,000
  (post commentary): code points.
- **YouTube**: the description, 5,000 UTF-8 bytes (YouTube Data API, ``videos``
  ``snippet.description``: "maximum length of 5000 bytes"); the title is the post's first
  line, 100 characters (``snippet.title``). Neither may contain ``<`` or ``>``.
- **LINE**: a text message, 5,000 UTF-16 code units (LINE Messaging API, "Character counting
  in a text": an emoji such as 🍎 counts 2).
"""

from collections.abc import Callable
from dataclasses import dataclass

import regex
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from twitter_text import extract_urls_with_indices, parse_tweet

from .models import Network

#: A text longer than this (code points) is not counted at all (no network takes it):
#: ``TooLong``. Keeps a request from making the server count megabytes.
MAX_TEXT = 70_000

_GRAPHEME = regex.compile(r"\X")
_EMOJI_CLUSTER = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3")
_REMOTE_MENTION = regex.compile(r"(?<![\w@])@(\w+(?:[.-]\w+)*)@[\w.-]+\w", regex.ASCII)
_NEWLINES = regex.compile(r"\r\n?")


class TooLong(ValueError):
    """The text is longer than ``MAX_TEXT`` code points."""


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` as ``\\n`` (what the text box holds)."""
    return _NEWLINES.sub("\n", text)


def x_length(text: str) -> int:
    """X's weighted length (twitter-text ``parseTweet(text).weightedLength``)."""
    return parse_tweet(text).weightedLength


def graphemes(text: str) -> int:
    """Extended grapheme clusters (UAX #29)."""
    return len(_GRAPHEME.findall(text))


def threads_length(text: str) -> int:
    """Code points, except that a grapheme cluster holding an emoji counts its UTF-8 bytes."""
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI_CLUSTER.search(cluster):
            total += len(cluster.encode("utf-8"))
        else:
            total += len(cluster)
    return total


def mastodon_length(text: str) -> int:
    """Grapheme clusters once each ``http(s)://`` URL is 23 characters and each
    ``@user@server`` is ``@user``."""
    pieces, last = [], 0
    for entity in extract_urls_with_indices(text):
        start, end = entity["indices"]
        if not entity["url"].lower().startswith(("http://", "https://")):
            continue
        pieces.append(text[last:start])
        pieces.append("x" * 23)
        last = end
    pieces.append(text[last:])
    flat = "".join(pieces)
    flat = _REMOTE_MENTION.sub(lambda m: "@" + m.group(1), flat)
    return graphemes(flat)


def code_points(text: str) -> int:
    return len(text)


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def first_line(text: str) -> str:
    return text.split("\n", 1)[0]


@dataclass(frozen=True)
class Rule:
    """How one network (or one field of it) counts: ``key`` (a ``Network`` value, or
    ``youtube_title``), ``label``, ``limit``, ``unit`` (what is counted, in words) and
    ``length`` (text -> int)."""

    key: str
    label: str | Promise
    limit: int
    unit: str | Promise
    length: Callable[[str], int]
    forbidden: str = ""  # characters the network refuses (YouTube: < and >)


RULES: tuple[Rule, ...] = (
    Rule("x", "X", 280, _("weighted characters"), x_length),
    Rule("bluesky", "Bluesky", 300, _("characters (grapheme clusters)"), graphemes),
    Rule("threads", "Threads", 500, _("characters (an emoji counts its bytes)"),
         threads_length),
    Rule("mastodon", "Mastodon", 500, _("characters (a URL counts 23)"), mastodon_length),
    Rule("facebook", "Facebook", 63_206, _("characters"), code_points),
    Rule("instagram", "Instagram", 2_200, _("characters"), code_points),
    Rule("linkedin", "LinkedIn", 3_000, _("characters"), code_points),
    Rule("youtube", _("YouTube description"), 5_000, _("bytes (UTF-8)"), utf8_bytes,
         forbidden="<>"),
    Rule("youtube_title", _("YouTube title (first line)"), 100, _("characters"),
         lambda text: code_points(first_line(text)), forbidden="<>"),
    Rule("line", "LINE", 5_000, _("characters (UTF-16 code units)"), utf16_units),
)
RULES_BY_KEY = {rule.key: rule for rule in RULES}
assert {r.key for r in RULES} >= {n.value for n in Network}


@dataclass(frozen=True)
class Count:
    """``length`` of a text on the network of ``rule``; ``over``: how much to cut (0 when it
    fits); ``forbidden``: the refused characters it holds (e.g. ``"<>"``)."""

    rule: Rule
    length: int
    forbidden: str = ""

    @property
    def over(self) -> int:
        return max(0, self.length - self.rule.limit)

    @property
    def fits(self) -> bool:
        return self.over == 0 and not self.forbidden


def count(text: str, key: str) -> Count:
    """The ``Count`` of ``text`` on the network ``key`` (``RULES_BY_KEY``; ``KeyError`` for
    another). Raises ``TooLong`` past ``MAX_TEXT`` code points."""
    if len(text) > MAX_TEXT:
        raise TooLong(len(text))
    rule = RULES_BY_KEY[key]
    text = normalise_newlines(text)
    measured = first_line(text) if key == "youtube_title" else text
    forbidden = "".join(c for c in rule.forbidden if c in measured)
    return Count(rule=rule, length=rule.length(text), forbidden=forbidden)


def counts(text: str) -> list[Count]:
    """One ``Count`` per rule of ``RULES``, in that order. Raises ``TooLong``."""
    return [count(text, rule.key) for rule in RULES]
