"""The length of a post as each network counts it, and its limit there.

``count(text, key)`` gives a ``Count``; ``counts(text)`` one per rule of ``RULES``. The
browser counts with the same rules (``assets/post-counter.js``, bundled with npm's
``twitter-text`` by ``make``); ``tests/social/test_counting.py`` checks the server against
npm ``twitter-text`` and ``Intl.Segmenter``, ``tests/social/test_counting_browser.py`` the
browser against the server.

Line endings are counted as the browser's text box holds them: a form sends ``\\r\\n`` for
each line break (HTML's form submission), the text box's ``value`` has ``\\n``, and X counts
what the officer sees; so ``\\r\\n`` and ``\\r`` become ``\\n`` before any count.

The rules and their sources:

- **X**: weighted length, limit 280: what npm ``twitter-text`` 3.1.0 ``parseTweet`` gives,
  which is what the browser runs (twitter-text 3 config: the text is NFC normalised; code
  points in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F, U+2032–U+2037 weigh 1, all others 2;
  an emoji that its ``twemoji-parser`` finds weighs 2 however many code points it has; any
  URL weighs 23). The emoji are those of twemoji-parser's own pattern, the one the browser's
  bundle holds (12.1.3, package.json ``overrides``): its ``dist/lib/regex.js`` in
  ``node_modules``, translated to Python (``emoji_pattern``; ``social.E002`` when it cannot
  be). The URL patterns and weights are those of ``twitter-text-parser`` (PyPI, a port of
  twitter-text), except that a URL's domain is valid as twitter-text's ``lib/idna.js`` says
  (each ``.``-separated label 1–63 characters once punycoded, ``punycode.toASCII`` also
  splitting at 。．｡), not as Python's IDNA 2003 codec says (its nameprep refuses Arabic or
  Hebrew glued to Latin letters and tag characters, and it splits at 。 first).
  ``tests/social/test_counting.py`` checks every emoji of the pattern and a corpus against
  npm.
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

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import regex
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from twitter_text.config import config as twitter_config
from twitter_text.get_character_weight import get_character_weight
from twitter_text.regexp.extract_url import extract_url
from twitter_text.regexp.invalid_url_without_protocol_preceding_chars import (
    invalid_url_without_protocol_preceding_chars,
)
from twitter_text.regexp.valid_ascii_domain import valid_ascii_domain
from twitter_text.regexp.valid_cctld import valid_cctld
from twitter_text.regexp.valid_domain_chars import valid_domain_chars
from twitter_text.regexp.valid_gtld import valid_gtld
from twitter_text.regexp.valid_punycode import valid_punycode
from twitter_text.regexp.valid_tco_url import valid_tco_url

from .models import Network

#: A text longer than this (code points) is not counted at all: ``TooLong``. A post of the
#: kit is a few hundred characters; only Facebook takes more than 5,000 (63,206), and no
#: campaign post comes near that. The bound keeps a count cheap: twitter-text's URL pattern
#: is quadratic on some texts (e.g. a URL path of repeated ``(a)``: about 1.6 s at 10,000
#: characters on the server, 0.3 s in the browser, measured; 80 s at 70,000).
MAX_TEXT = 10_000

_GRAPHEME = regex.compile(r"\X")
_EMOJI_CLUSTER = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3")
_REMOTE_MENTION = regex.compile(r"(?<![\w@])@(\w+(?:[.-]\w+)*)@[\w.-]+\w", regex.ASCII)
_NEWLINES = regex.compile(r"\r\n?")


class TooLong(ValueError):
    """The text is longer than ``MAX_TEXT`` code points."""


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` as ``\\n`` (what the text box holds)."""
    return _NEWLINES.sub("\n", text)


# X: twitter-text 3 (weights, 280, a URL 23, an emoji 2; weights in hundredths: ``scale``).
_X = twitter_config["defaults"]
_ASTRAL = regex.compile("[\U00010000-\U0010ffff]")


def _utf16(text: str) -> str:
    """``text`` as JavaScript holds it: one character per UTF-16 code unit (a surrogate pair
    for a code point past U+FFFF), so that twitter-text's patterns and indices work on it as
    they do in the browser."""

    def pair(match: regex.Match) -> str:
        offset = ord(match.group()) - 0x10000
        return chr(0xD800 + (offset >> 10)) + chr(0xDC00 + (offset & 0x3FF))

    return _ASTRAL.sub(pair, text)


def _from_utf16(units: str) -> str:
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class EmojiPatternError(RuntimeError):
    """twemoji-parser's pattern (``emoji_pattern_path``) is missing or cannot be translated
    (``social.E002``)."""


def emoji_pattern_path() -> Path:
    """twemoji-parser's ``dist/lib/regex.js`` as twitter-text resolves it (and so as the
    browser's bundle holds it): in twitter-text's own ``node_modules`` if npm put one there,
    else at the top of ``node_modules`` (``settings.BASE_DIR``)."""
    modules = settings.BASE_DIR / "node_modules"
    nested = modules / "twitter-text" / "node_modules" / "twemoji-parser"
    package = nested if nested.is_dir() else modules / "twemoji-parser"
    return package / "dist" / "lib" / "regex.js"


_JS_EXPORT = re.compile(r"^exports\.default = /(.+)/([a-z]*);\s*$", re.MULTILINE)
_JS_ESCAPES = {"t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r"}
_JS_SYNTAX = "^$\\.*+?()[]{}|/-"
# \d, \w, \s as JavaScript has them (ASCII digits and word characters; WhiteSpace and
# LineTerminator), as bodies of a character class.
_JS_SHORTHANDS = {
    "d": "0-9", "w": "0-9A-Za-z_",
    "s": "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff",
}
_JS_QUANTIFIER = re.compile(r"(?:[?*+]|\{[0-9]+(?:,[0-9]*)?\})\??")
_JS_HEX = re.compile(r"u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})")


def _js_atom(source: str, i: int) -> tuple[str, str, int]:
    """The character or escape at ``source[i]``: ``("unit", pattern, next)`` for one code
    unit, ``("class", body, next)`` for ``\\d``, ``\\w``, ``\\s`` (negated: ``"not"``)."""
    if source[i] != "\\":
        return "unit", f"\\u{ord(source[i]):04x}", i + 1
    escape = source[i + 1:i + 2]
    if hexadecimal := _JS_HEX.match(source, i + 1):
        return "unit", f"\\u{int(hexadecimal.group(1) or hexadecimal.group(2), 16):04x}", \
            hexadecimal.end()
    if escape and (escape in _JS_ESCAPES or escape in _JS_SYNTAX):
        return "unit", f"\\u{ord(_JS_ESCAPES.get(escape, escape)):04x}", i + 2
    if escape == "0" and not source[i + 2:i + 3].isdigit():
        return "unit", "\\u0000", i + 2
    if escape.lower() in _JS_SHORTHANDS:
        return ("class" if escape.islower() else "not"), _JS_SHORTHANDS[escape.lower()], i + 2
    raise EmojiPatternError(f"unknown escape \\{escape} at {i}")


def _js_class(source: str, i: int) -> tuple[str, int]:
    """The character class opening at ``source[i]`` (``[``) as a Python one, and where it
    ends."""
    negated = source.startswith("^", i + 1)
    j, body = i + 1 + negated, []
    while j < len(source) and source[j] != "]":
        kind, atom, j = _js_atom(source, j)
        if kind == "not":
            raise EmojiPatternError(f"negated shorthand in a class at {j - 2}")
        if kind == "unit" and source[j:j + 1] == "-" and source[j + 1:j + 2] not in ("]", ""):
            kind, last, j = _js_atom(source, j + 1)
            if kind != "unit":
                raise EmojiPatternError(f"class range ending in a shorthand at {j - 2}")
            atom = f"{atom}-{last}"
        body.append(atom)
    if j >= len(source) or not body:
        raise EmojiPatternError(f"unclosed or empty class at {i}")
    return ("[^" if negated else "[") + "".join(body) + "]", j + 1


def js_regex_to_python(source: str) -> str:
    """A Python ``regex`` pattern that matches, in text held as UTF-16 code units
    (``_utf16``), what the JavaScript regular expression ``source`` (without the ``u`` flag)
    matches in a JavaScript string. Knows groups (captures become non-capturing),
    look-aheads, alternatives, classes, quantifiers, ``.``, ``^``, ``$``, ``\\d``,
    ``\\w``, ``\\s`` and character escapes; raises ``EmojiPatternError`` on anything else
    (look-behinds, named groups, back-references, ``\\b``...)."""
    source = _utf16(source)  # a literal astral character is two units in JavaScript
    out, i = [], 0
    while i < len(source):
        c = source[i]
        if c == "[":
            part, i = _js_class(source, i)
        elif c == "(":
            opener = source[i:i + 3]
            if opener in ("(?:", "(?=", "(?!"):
                part, i = opener, i + 3
            elif opener.startswith("(?"):
                raise EmojiPatternError(f"unknown group {opener!r} at {i}")
            else:
                part, i = "(?:", i + 1
        elif c in ")|":
            part, i = c, i + 1
        elif quantifier := _JS_QUANTIFIER.match(source, i):
            part, i = quantifier.group(), quantifier.end()
        elif c in ".^$":
            part, i = {".": "[^\\n\\r\\u2028\\u2029]", "^": "\\A", "$": "\\Z"}[c], i + 1
        elif c in "{}]/":
            raise EmojiPatternError(f"unexpected {c!r} at {i}")
        else:
            kind, atom, i = _js_atom(source, i)
            part = {"unit": atom, "class": f"[{atom}]", "not": f"[^{atom}]"}[kind]
        out.append(part)
    return "".join(out)


@cache
def emoji_pattern() -> regex.Pattern:
    """twemoji-parser's emoji pattern (``emoji_pattern_path``, the one the browser's
    twitter-text uses) as a Python ``regex`` on UTF-16 code units, compiled once. Raises
    ``EmojiPatternError`` when the file is missing, holds no ``exports.default = /.../g``,
    or its pattern cannot be translated or finds no emoji in 👍."""
    path = emoji_pattern_path()
    try:
        literal = _JS_EXPORT.search(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EmojiPatternError(f"{path} cannot be read ({exc})") from exc
    if not literal:
        raise EmojiPatternError(f"{path} holds no exports.default = /.../g")
    source, flags = literal.groups()
    if flags != "g":
        raise EmojiPatternError(f"{path}: flags {flags!r}, not 'g'")
    try:
        pattern = regex.compile(js_regex_to_python(source))
    except (EmojiPatternError, regex.error) as exc:
        raise EmojiPatternError(f"{path} cannot be translated: {exc}") from exc
    if not pattern.fullmatch(_utf16("\U0001f44d")) or pattern.search("a"):
        raise EmojiPatternError(f"{path}: the translated pattern does not find 👍 alone")
    return pattern


def _emoji_starts(units: str) -> dict[int, int]:
    """{start: end} of the emoji twemoji-parser ``parse`` finds in ``units`` (UTF-16)."""
    return {m.start(): m.end() for m in emoji_pattern().finditer(units) if m.end() > m.start()}


_PUNYCODE_SEPARATORS = regex.compile("[.\u3002\uff0e\uff61]")
_PUNYCODE_ENCODED = regex.compile("[^\x20-\x7e]")  # punycode.js 1.4.1, what esbuild bundles


def _punycoded_length(label: str) -> int:
    """``punycode.toASCII(label).length`` (punycode.js; ``label`` in UTF-16 code units)."""
    parts = _PUNYCODE_SEPARATORS.split(label)
    return len(parts) - 1 + sum(
        4 + len(_from_utf16(part).encode("punycode")) if _PUNYCODE_ENCODED.search(part)
        else len(part)
        for part in parts
    )


def _valid_url(url: str, protocol: str, domain: str) -> bool:
    """twitter-text ``isValidUrl`` with its ``lib/idna.js`` ``toAscii``."""
    if domain.startswith("xn--") and not valid_ascii_domain.search(domain):
        return False
    if not all(1 <= _punycoded_length(label) <= 63 for label in domain.split(".")):
        return False
    return len(protocol) + len(url) <= 4096


# Where a URL's domain can lie: a run of domain characters, "-", "_" and "."; and where a
# top-level domain can start (after a "." of such a run), as twitter-text's pattern says.
_DOMAIN_RUN = re.compile(f"(?:{valid_domain_chars.pattern}|[-_.])+", re.IGNORECASE)
_TLD = re.compile(f"(?:{valid_gtld.pattern}|{valid_cctld.pattern}|{valid_punycode.pattern})",
                  re.IGNORECASE)
# The top-level domains of those two lists ("(?:(?:com|net|...)(?=...))"), lower case: an
# ASCII one must be the whole run of letters and digits after its "." (the pattern's
# look-ahead), which rules out most places before trying the pattern.
_TLDS = frozenset(
    name.lower() for tlds in (valid_gtld, valid_cctld)
    for name in tlds.pattern.split("(?:(?:", 1)[1].split(")(?=", 1)[0].split("|")
)
_ALNUM_RUN = re.compile("[0-9a-z]*", re.IGNORECASE)


def _tld_at(units: str, i: int) -> bool:
    """Whether twitter-text's top-level domain pattern matches at ``units[i]``."""
    if i < len(units) and units[i].isascii() and units[i:i + 4].lower() != "xn--":
        if _ALNUM_RUN.match(units, i).group().lower() not in _TLDS:
            return False
    return _TLD.match(units, i) is not None


def _url_starts(units: str) -> list[tuple[int, int]]:
    """The ranges ``[a, b)``, by ``a``, outside which twitter-text's URL pattern cannot start
    a match. Its domain lies in one run of ``_DOMAIN_RUN``, between full stops with a domain
    character on both sides (labels start and end with one), and ends with a top-level domain
    after a label with no ``_`` (or after the last ``_`` of that label); the pattern starts at
    most 9 characters (a preceding character and ``https://``) before the domain. Trying
    the pattern everywhere costs time growing with the square of a run of dotted text (e.g.
    Japanese with ASCII full stops); here it is tried where it either matches or fails at
    once."""
    ranges = []

    def inner(i: int, run: re.Match) -> bool:
        return run.start() <= i < run.end() and units[i] not in "-_."

    for run in _DOMAIN_RUN.finditer(units):
        part, last, piece = run.start(), -1, run.start()  # part: no unusable "." in it
        dot = units.find(".", run.start(), run.end())
        while dot != -1:
            if inner(dot - 1, run) and _tld_at(units, dot + 1):
                underscore = units.rfind("_", piece, dot)
                if underscore == -1:
                    last = dot + 1
                else:
                    ranges.append((max(0, underscore + 1 - 9), dot + 1))
            if not (inner(dot - 1, run) and inner(dot + 1, run)):
                if last != -1:
                    ranges.append((max(0, part - 9), last))
                part, last = dot + 1, -1
            piece = dot + 1
            dot = units.find(".", dot + 1, run.end())
        if last != -1:
            ranges.append((max(0, part - 9), last))
    return sorted(ranges)


def _url_matches(units: str):
    """``extract_url.finditer(units)``, trying only where a match can start."""
    pos = 0
    for start, stop in _url_starts(units):
        at = max(start, pos)
        while at < stop:
            match = extract_url.match(units, at)
            if match:
                yield match
                at = pos = match.end()
            else:
                at += 1


def _urls(units: str) -> list[tuple[int, int, str]]:
    """The URLs X finds in ``units`` (UTF-16, see ``_utf16``): ``(start, end, url)``
    (twitter-text ``extractUrlsWithIndices``: with or without a scheme; a t.co URL without
    more path). ``end - start`` can differ from ``len(url)`` as in twitter-text."""
    if "." not in units:
        return []
    urls = []
    for match in _url_matches(units):
        _, before, url, protocol, domain, _, path, _ = match.groups()
        end = match.end()
        start = end - len(url)
        if not _valid_url(url, protocol or "https://", domain):
            continue
        if protocol is None:
            if invalid_url_without_protocol_preceding_chars.match(before):
                continue
            found, ascii_end = [], 0
            for ascii_domain in valid_ascii_domain.finditer(domain):
                ascii_start = domain.find(ascii_domain.group(), ascii_end)  # as indexOf
                ascii_end = ascii_start + len(ascii_domain.group())
                found.append((start + ascii_start, start + ascii_end, ascii_domain.group()))
            if not found:
                continue
            if path:  # the path and query go with the last ASCII domain
                last_start, _, last_url = found[-1]
                found[-1] = (last_start, end, url.replace(domain, last_url, 1))
            urls.extend(found)
        else:
            tco = valid_tco_url.search(url)
            if tco:
                if tco.group(1) and len(tco.group(1)) > 40:
                    continue
                url = tco.group(0)
                end = start + len(url)
            urls.append((start, end, url))
    return urls


def x_length(text: str) -> int:
    """X's weighted length (npm twitter-text ``parseTweet(text).weightedLength``)."""
    units = _utf16(unicodedata.normalize("NFC", text))
    # What starts where: {index: (next index, weight)}; a URL before an emoji.
    spans = {start: (end, _X["default_weight"]) for start, end in _emoji_starts(units).items()}
    url_weight = _X["transformed_url_length"] * _X["scale"]
    spans.update((start, (start + len(url), url_weight)) for start, _, url in _urls(units))
    total = i = 0
    while i < len(units):
        if i in spans:
            i, weight = spans[i]
            total += weight
            continue
        if "\ud800" <= units[i] <= "\udbff" and "\udc00" <= units[i + 1:i + 2] <= "\udfff":
            i += 1  # a surrogate pair weighs as its second half
        total += get_character_weight(units[i], _X)
        i += 1
    return total // _X["scale"]


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
    units = _utf16(text)
    pieces, last = [], 0
    for start, end, url in _urls(units):
        if not url.lower().startswith(("http://", "https://")):
            continue
        pieces.append(units[last:start])
        pieces.append("x" * 23)
        last = end
    pieces.append(units[last:])
    flat = _from_utf16("".join(pieces))
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
    Rule("x", "X", 280, _("points (Japanese characters and emoji count 2, a link 23)"),
         x_length),
    Rule("bluesky", "Bluesky", 300, _("characters"), graphemes),
    Rule("threads", "Threads", 500, _("characters (emoji count more)"),
         threads_length),
    Rule("mastodon", "Mastodon", 500, _("characters (a link counts 23)"), mastodon_length),
    Rule("facebook", "Facebook", 63_206, _("characters"), code_points),
    Rule("instagram", "Instagram", 2_200, _("characters"), code_points),
    Rule("linkedin", "LinkedIn", 3_000, _("characters"), code_points),
    Rule("youtube", _("YouTube description"), 5_000, _("bytes (a Japanese character is 3)"),
         utf8_bytes, forbidden="<>"),
    Rule("youtube_title", _("YouTube title (first line)"), 100, _("characters"),
         lambda text: code_points(first_line(text)), forbidden="<>"),
    Rule("line", "LINE", 5_000, _("characters (emoji count more)"), utf16_units),
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


def url_spans(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` of the URLs X finds in ``text``, in code points (this module's
    port of twitter-text ``extractUrlsWithIndices``, which counts in UTF-16 code units and
    is checked against npm; twitter-text-parser's own ``extract_urls_with_indices`` takes
    a minute on 6,000 characters of dotted text)."""
    units = _utf16(text)
    if len(units) == len(text):  # no character past U+FFFF: the same indices
        return [(start, end) for start, end, _url in _urls(units)]
    position = []  # code point index of each UTF-16 code unit
    for index, char in enumerate(text):
        position += [index] * (2 if ord(char) > 0xFFFF else 1)
    position.append(len(text))
    return [(position[start], position[min(end, len(units))])
            for start, end, _url in _urls(units)]
