"""Post lengths per network (withrefugees/social/counting.py) against the reference
implementations: npm ``twitter-text`` for X and ``Intl.Segmenter`` for Bluesky's grapheme
clusters, both run by ``node`` (tests/social/counting_reference.js), on a corpus, on every
emoji twemoji-parser's pattern holds (the browser's) and on random mixtures; hand-checked
values for the other networks; the emoji pattern's translation and system check
(``social.E002``)."""

import json
import random
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import regex
import twitter_text
from twitter_text import parse_tweet
from twitter_text.regexp.extract_url import extract_url

from withrefugees.social import counting
from withrefugees.social.checks import emoji_pattern_check
from withrefugees.social.counting import (
    MAX_TEXT,
    RULES,
    EmojiPatternError,
    TooLong,
    count,
    counts,
    js_regex_to_python,
    normalise_newlines,
)

REFERENCE = Path(__file__).with_name("counting_reference.js")
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"

TWEMOJI_REGEX = NODE_MODULES / "twemoji-parser" / "dist" / "lib" / "regex.js"

FAMILY = "👨‍👩‍👧‍👦"
SCOTLAND = "🏴󠁧󠁢󠁳󠁣󠁴󠁿"
HOLDING_HANDS = "🧑🏻‍🤝‍🧑🏿"  # Emoji 12.1: twemoji-parser 12.1.3 has it, the port's list not

#: (name, text): the texts every count is checked on, here and in the browser.
CORPUS = [
    ("empty", ""),
    ("english", "Our city stands #WithRefugees. Join us on World Refugee Day!"),
    ("japanese", "府中市は難民とともに歩みます。世界難民の日に、あなたも参加しませんか。"),
    ("mixed", "府中市 stands #WithRefugees 難民とともに 2025年6月20日 World Refugee Day"),
    ("half-width kana", "ｱｲｳｴｵ ﾊﾟﾋﾟﾌﾟ ｶﾞｷﾞ"),
    ("full-width latin", "ＡＢＣ ａｂｃ １２３ ＃ＷｉｔｈＲｅｆｕｇｅｅｓ"),
    ("full-width kana", "アイウエオ パピプ"),
    ("outside the BMP", "𠮷野家の𠮷 𩸽 𠀋"),
    ("hashtags", "#WithRefugees #難民とともに #世界難民の日 #WithRefugees2025"),
    ("mentions", "@UNHCR_Japan @unhcr_japan さんと一緒に @user@mastodon.social"),
    ("family ZWJ", f"家族 {FAMILY} 👩‍❤️‍👨 🧑‍🤝‍🧑"),
    ("skin tones", "👍🏻👍🏼👍🏽👍🏾👍🏿 🙋🏽‍♀️ 🤝🏽"),
    ("flags", "🇯🇵 🇺🇳 🇺🇦🇸🇾🇦🇫 🏳️‍🌈"),
    ("subdivision flag", f"{SCOTLAND} 🏴󠁧󠁢󠁥󠁮󠁧󠁿 🏴󠁧󠁢󠁷󠁬󠁳󠁿"),
    ("keycaps", "1️⃣ 2️⃣ #️⃣ *️⃣ 🔟 1⃣"),
    ("VS15 VS16", "☺︎ ☺️ ☺ ❤︎ ❤️ ❤"),
    ("text-style emoji", "© ® ™ ©️ ®️ ™️ ♟ ♟️ ‼ ‼️"),
    ("minimally-qualified", "👱‍♂ 🏳‍🌈 🕵‍♀ 👁‍🗨 ⛹‍♂"),
    ("twemoji gaps", "👁️‍🗨️ ♾️ ♾"),
    ("emoji 12.1", f"{HOLDING_HANDS} #WithRefugees 🧑‍💻 🧑‍⚕️ 🧑‍🦰 🏳️‍⚧️"),
    ("emoji 13 and later", "🐻‍❄️ ❤️‍🔥 😮‍💨 🫠 🫱🏻‍🫲🏼"),
    ("lone variation selector", "\ufe0f a\ufe0f 日\ufe0e ☺\ufe0e\ufe0f"),
    ("combining marks", "cafe\u0301 か\u3099 は\u309a e\u0301\u0302 क्षत्रिय"),
    ("precomposed", "café が ぱ"),
    ("variation selectors", "葛\U000e0100城市 辻\U000e0101 禰\ufe00 ✌︎ ✌️"),
    ("url scheme", "詳しくは https://withrefugees.example/ja/profiles/fuchu/ をご覧ください"),
    ("url no scheme", "詳しくは withrefugees.example/ja/ をご覧ください"),
    ("url glued to japanese", "詳しくはhttps://example.jp/aへ。またはexample.jpへ"),
    ("url glued after long japanese",
     "難民とともに歩む自治体のキャンペーン。詳しい情報はこちらのページをご覧ください。ぜひexample.jp"),
    ("url t.co", "https://t.co/AbCdEf123 http://t.co/xyz?x=1"),
    ("url punctuation", "(https://example.com/a), https://example.com/b. https://example.com/c!"),
    ("url IDN", "https://例え.jp/パス http://xn--r8jz45g.jp https://日本語.みんな/"),
    ("url query", "https://example.com/path?q=%E9%9B%A3%E6%B0%91&lang=ja#top"),
    ("url glued to arabic", "مرحباexample.com and مرحبا example.com"),
    ("url after flag", f"{SCOTLAND}example.jp {SCOTLAND} https://example.jp"),
    ("url long label", "https://" + "a" * 64 + ".com https://" + "b" * 63 + ".com"),
    ("url with port", "http://localhost:8000/ https://example.com:8443/x"),
    ("emails", "info@example.jp にご連絡ください"),
    ("newlines", "一行目\n二行目\n\n四行目"),
    ("crlf", "一行目\r\n二行目\r\n\r\nfour\rfive"),
    ("angle brackets", "<b>Refugees</b> 難民 > 0"),
    ("near 280 english", "a" * 279),
    ("exactly 280 english", "a" * 280),
    ("over 280 english", "a" * 281),
    ("near 280 japanese", "難" * 139 + "a"),
    ("exactly 280 japanese", "難" * 140),
    ("over 280 japanese", "難" * 141),
    ("over 280 emoji", "👍🏽" * 141),
    ("long with urls", ("世界難民の日 https://example.com/ja/ " * 30).strip()),
    ("general punctuation", "“quotes” ‘single’ — dash – en … ‥ ′ ″ ※"),
    ("spaces", "全角\u3000スペース\u00a0nbsp\u2009thin"),
    ("zero width", "a\u200bb\u200cc\u200dd\ufeffe"),
    ("rtl", "اللاجئون Refugees פליטים"),
]
TEXTS = [text for _, text in CORPUS]
IDS = [name for name, _ in CORPUS]


def reference(texts: list[str]) -> list[dict]:
    """The reference values of ``texts`` (see counting_reference.js), one dict per text."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the reference values come from npm twitter-text")
    if not (NODE_MODULES / "twitter-text").is_dir():
        pytest.skip("node_modules/twitter-text is missing: run `make node_modules/.installed`")
    return list(_reference(tuple(texts)))


@cache
def _reference(texts: tuple[str, ...]) -> tuple[dict, ...]:
    result = subprocess.run(
        ["node", str(REFERENCE)], input=json.dumps(list(texts)), capture_output=True,
        text=True, check=True, timeout=120,
    )
    return tuple(json.loads(result.stdout))


EMOJI_TEST = Path(twitter_text.__file__).parent / "regexp" / "emoji-test.txt"
EMOJI_LINE = re.compile(r"^([0-9A-F]+(?: [0-9A-F]+)*)\s*;\s*([a-z-]+)")


@cache
def emoji_test_lines() -> list[tuple[str, str, str]]:
    """(code points, status, text) of every line of the port's emoji-test.txt (Unicode
    Emoji 12.0; all statuses: fully-, minimally-qualified, unqualified, component)."""
    lines = []
    for line in EMOJI_TEST.read_text(encoding="utf-8").splitlines():
        if match := EMOJI_LINE.match(line):
            codepoints, status = match.groups()
            lines.append((codepoints, status,
                          "".join(chr(int(c, 16)) for c in codepoints.split())))
    return lines


# X and Bluesky against the reference implementations ---------------------------------------


def corpus_reference(text: str) -> dict:
    """The reference values of a corpus text as the text box holds it (one node run)."""
    texts = [normalise_newlines(t) for t in TEXTS]
    return dict(zip(texts, reference(texts), strict=True))[normalise_newlines(text)]


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_x_count_is_npm_twitter_texts(text):
    assert count(text, "x").length == corpus_reference(text)["x"]


@pytest.mark.parametrize("text", TEXTS, ids=IDS)
def test_bluesky_count_is_intl_segmenters_graphemes(text):
    assert count(text, "bluesky").length == corpus_reference(text)["graphemes"]


def test_corpus_has_the_cases_it_names():
    # The corpus holds what it says: decomposed marks, an IVS, a subdivision flag, CR LF.
    assert not unicodedata.is_normalized("NFC", dict(CORPUS)["combining marks"])
    assert "\U000e0100" in dict(CORPUS)["variation selectors"]
    assert "\U000e007f" in SCOTLAND and "\r\n" in dict(CORPUS)["crlf"]
    assert len(emoji_test_lines()) == 3836


def test_every_emoji_of_unicode_12_counts_as_npm_twitter_text_and_intl_segmenter():
    lines = emoji_test_lines()
    refs = reference([text for _, _, text in lines])
    wrong_x = [(cp, counting.x_length(text), ref["x"])
               for (cp, _, text), ref in zip(lines, refs, strict=True)
               if counting.x_length(text) != ref["x"]]
    wrong_graphemes = [(cp, counting.graphemes(text), ref["graphemes"])
                       for (cp, _, text), ref in zip(lines, refs, strict=True)
                       if counting.graphemes(text) != ref["graphemes"]]
    assert wrong_x == [] and wrong_graphemes == []


def test_where_npm_twitter_text_departs_from_the_unicode_emoji_list():
    # twemoji-parser 12.1.3 lacks two fully-qualified emoji of Unicode 12.0: they count as
    # their parts, on the server as in npm (its pattern is npm's own).
    lines = emoji_test_lines()
    full = [(cp, text) for cp, status, text in lines if status == "fully-qualified"]
    refs = reference([text for _, text in full])
    not_one_emoji = {cp: ref["x"] for (cp, _), ref in zip(full, refs, strict=True)
                     if ref["x"] != 2}
    assert not_one_emoji == {"1F441 FE0F 200D 1F5E8 FE0F": 5, "267E FE0F": 4}
    assert {cp: counting.x_length(text) for cp, text in full
            if cp in not_one_emoji} == not_one_emoji


def test_emoji_newer_than_the_ports_list_count_as_in_the_browser():
    # The reported divergence (server 22, 8, 5, 7; browser 16, 2, 2, 2): npm's values, pinned.
    expected = {
        f"{HOLDING_HANDS} #WithRefugees": 16, HOLDING_HANDS: 2, "🧑‍💻": 2, "🧑‍⚕️": 2,
        "🧑‍🦰": 2, "🏳️‍⚧️": 2,
        "🐻‍❄️": 5, "❤️‍🔥": 5, "😮‍💨": 5,  # Emoji 13.x: twemoji-parser 12.1.3 sees two emoji
        "🫠": 2, "🫱🏻‍🫲🏼": 9,  # Emoji 14: 🫠 weighs 2 as any such code point; 🏻 and 🏼 alone
    }
    texts = list(expected)
    assert [ref["x"] for ref in reference(texts)] == list(expected.values())
    assert {text: counting.x_length(text) for text in texts} == expected


def test_minimally_qualified_sequences_count_their_parts_as_npm_does():
    # The PyPI port takes 👱‍♂ (no U+FE0F) as one emoji (2); npm, and so the browser, as
    # 👱 + ZWJ + ♂ (2 + 1 + 2). The server counts as npm does; © without U+FE0F weighs 1.
    text = "👱\u200d♂"
    assert parse_tweet(text).weightedLength == 2
    assert reference([text])[0]["x"] == counting.x_length(text) == 5
    assert counting.x_length("©") == 1 and counting.x_length("©️") == 2
    assert counting.x_length("1⃣") == 2  # a keycap without U+FE0F is one emoji to twemoji


def random_texts(seed: int, n: int) -> list[str]:
    """Texts made of the pieces where counting goes wrong (emoji parts, URL parts, dots)."""
    pieces = [
        "\u200d", "\ufe0f", "\ufe0e", "\u20e3", "1", "#", "*", "a", " ", "日", "ｱ", "\n",
        "\U0001f3fb", "\U0001f1ef", "\U0001f1f5", "\U0001f3f4", "\U000e0067", "\U000e007f",
        "♂", "♀", "©", "☺", "👨", "👩", "👦", "👁", "🗨", "♾", "❤", "🔥", "\u3099", "\u0301",
        "か", "\U000e0100", "葛", "https://example.com", "example.jp", "。", "مرحبا", "/path",
        "?q=1", ".", "http://t.co/abc", "@a@b.jp", "-", "_", "(", ")", "みんな", "コム",
        "🧑", "🤝", "🦰", "⚕", "⚧", "🏳", "🐻", "❄", "🫱", "🫲", "\U0001f3ff", "\ue50a",
    ]
    rng = random.Random(seed)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(n)]
    emoji = [text for _, _, text in emoji_test_lines()]
    texts += ["".join(rng.choice(emoji) for _ in range(rng.randint(2, 4))) for _ in range(n)]
    return texts


def test_x_and_bluesky_on_random_mixtures_are_the_references():
    texts = random_texts(8, 2000)
    refs = reference(texts)
    wrong = [(text, counting.x_length(text), ref["x"])
             for text, ref in zip(texts, refs, strict=True)
             if counting.x_length(text) != ref["x"]
             or counting.graphemes(text) != ref["graphemes"]]
    assert wrong == []


def test_urls_are_those_npm_twitter_text_finds():
    texts = [normalise_newlines(text) for text in TEXTS] + random_texts(9, 500)
    refs = reference(texts)
    found = [[counting._from_utf16(url) for _, _, url in counting._urls(counting._utf16(t))]
             for t in texts]
    assert found == [ref["urls"] for ref in refs]


def test_url_search_skips_only_where_the_pattern_cannot_match():
    # counting._url_matches tries twitter-text's pattern only where it can match (for
    # speed); it must find what trying everywhere finds.
    for text in TEXTS + random_texts(10, 1000):
        units = counting._utf16(text)
        everywhere = [(m.span(), m.groups()) for m in extract_url.finditer(units)]
        assert [(m.span(), m.groups()) for m in counting._url_matches(units)] == everywhere


# Every emoji of twemoji-parser's pattern ---------------------------------------------------


def expand_js_regex(source: str) -> list[str]:
    """Every string (as UTF-16 code units) the JavaScript pattern ``source`` can match, a
    look-ahead taken as matching nothing more: twemoji-parser's pattern has alternatives,
    groups, classes and ``?`` only, so the list is finite. Written apart from
    ``counting.js_regex_to_python`` (a second reading of the same source)."""
    assert all(ord(c) < 0x10000 for c in source)
    pos = 0

    def unit() -> str:
        nonlocal pos
        if source.startswith("\\u", pos):
            pos += 6
            return chr(int(source[pos - 4:pos], 16))
        pos += 2 if source[pos] == "\\" else 1
        return source[pos - 1]

    def alternatives() -> list[str]:
        nonlocal pos
        found = sequence()
        while source[pos:pos + 1] == "|":
            pos += 1
            found += sequence()
        return found

    def sequence() -> list[str]:
        nonlocal pos
        found = [""]
        while pos < len(source) and source[pos] not in "|)":
            atom = single()
            assert source[pos:pos + 1] not in ("*", "+", "{"), source[pos:]
            if source[pos:pos + 1] == "?":
                pos += 1
                atom = ["", *atom]
            found = [a + b for a in found for b in atom]
        return found

    def single() -> list[str]:
        nonlocal pos
        if source[pos] == "(":
            look = source.startswith(("(?!", "(?="), pos)
            pos += 3 if source.startswith("(?", pos) else 1
            inner = alternatives()
            assert source[pos] == ")"
            pos += 1
            return [""] if look else inner
        if source[pos] == "[":
            pos += 1
            assert source[pos] != "^"
            units = []
            while source[pos] != "]":
                first = unit()
                if source[pos] == "-" and source[pos + 1] != "]":
                    pos += 1
                    last = unit()
                    units += [chr(c) for c in range(ord(first), ord(last) + 1)]
                else:
                    units.append(first)
            pos += 1
            return units
        return [unit()]

    found = alternatives()
    assert pos == len(source)
    return list(dict.fromkeys(found))


@cache
def twemoji_sequences() -> list[str]:
    """Every emoji twemoji-parser's pattern (node_modules) holds, as Python text."""
    if not TWEMOJI_REGEX.is_file():
        pytest.skip("node_modules/twemoji-parser is missing: run `make node_modules/.installed`")
    literal = re.search(r"^exports\.default = /(.+)/g;$", TWEMOJI_REGEX.read_text("utf-8"),
                        re.MULTILINE)
    return [units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
            for units in expand_js_regex(literal.group(1))]


def twemoji_walk_texts() -> list[str]:
    """Each emoji of the pattern alone, followed by U+FE0E (a text presentation: some then
    are not emoji), and shuffled runs of six with nothing between them."""
    sequences = twemoji_sequences()
    shuffled = random.Random(12).sample(sequences, len(sequences))
    return (sequences + [s + "\ufe0e" for s in sequences]
            + ["".join(shuffled[i:i + 6]) for i in range(0, len(shuffled), 6)])


def test_every_emoji_of_twemoji_parsers_pattern_counts_as_npm_twitter_text():
    sequences = twemoji_sequences()
    assert len(sequences) > 3000 and HOLDING_HANDS in sequences and "🏳️‍⚧️" in sequences
    texts = twemoji_walk_texts()
    refs = reference(texts)
    # The walk is of real emoji: npm finds one in each text of the pattern alone.
    assert all(ref["emoji"] for ref in refs[:len(sequences)])
    found = [[counting._from_utf16(units[a:b]) for a, b in counting._emoji_starts(units).items()]
             for units in map(counting._utf16, texts)]
    wrong_emoji = [(t, got, ref["emoji"]) for t, got, ref in zip(texts, found, refs, strict=True)
                   if got != ref["emoji"]]
    wrong_x = [(t, counting.x_length(t), ref["x"]) for t, ref in zip(texts, refs, strict=True)
               if counting.x_length(t) != ref["x"]]
    assert wrong_emoji == [] and wrong_x == []


# The emoji pattern's translation -------------------------------------------------------------

#: (JavaScript pattern, text): what the translation must match as JavaScript does.
JS_PATTERNS = [
    (r"\ud83d[\ude00-\ude4f]|\u2764\ufe0f?|[#*0-9]\ufe0f?\u20e3", "😀❤❤️ 1⃣ #️⃣ 🙏"),
    (r"[©®\u2122](?:\ufe0f|(?!\ufe0e))", "© ©\ufe0e ®\ufe0f ™"),
    (r"(a|ab)(c|bcd)(d*)", "abcd abc"),
    (r"\d+\s\w{2,3}?", "12 abc ４５ x 3\u3000xy"),
    (r"[^a-c\d]+", "abcxyz123日本"),
    (r"^a.|b$|\.\*", "a\nab.*b"),
    (r"[😀]", "😀"),  # no u flag: a class of two code units
    (r"\x41\/\-\t", "A/-\t"),
]


def javascript_matches(cases: list[tuple[str, str]]) -> list[list[str]]:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    script = ("const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(cases.map("
              "([p, t]) => Array.from(t.matchAll(new RegExp(p, 'g')), (m) => m[0]))));")
    result = subprocess.run(["node", "-e", script], input=json.dumps(cases),
                            capture_output=True, text=True, check=True, timeout=60)
    return json.loads(result.stdout)


def test_a_translated_pattern_matches_as_javascript_does():
    python = [[counting._from_utf16(m.group())
               for m in regex.finditer(js_regex_to_python(p), counting._utf16(t))]
              for p, t in JS_PATTERNS]
    assert python == javascript_matches(JS_PATTERNS)


@pytest.mark.parametrize("source", [
    r"(?<=a)b", r"(?<name>a)", r"(a)\1", r"\bword", r"\p{L}", r"a{", r"[]", r"[a", r"a/b",
])
def test_what_the_translation_does_not_know_is_refused(source):
    with pytest.raises(EmojiPatternError):
        regex.compile(js_regex_to_python(source))


@pytest.fixture
def fresh_pattern():
    """``counting.emoji_pattern`` compiled anew in the test, and again after it."""
    counting.emoji_pattern.cache_clear()
    yield
    counting.emoji_pattern.cache_clear()


def twemoji_at(base: Path, text: str, *, nested: bool = False) -> Path:
    package = base / "node_modules" / ("twitter-text/node_modules/" if nested else "")
    path = package / "twemoji-parser" / "dist" / "lib" / "regex.js"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_emoji_pattern_check_passes_with_npms_pattern(fresh_pattern):
    from django.core.checks import registry

    assert counting.emoji_pattern_path() == TWEMOJI_REGEX
    assert emoji_pattern_check() == []
    assert emoji_pattern_check in registry.registry.get_checks()


@pytest.mark.parametrize(("content", "problem"), [
    (None, "cannot be read"),
    ("module.exports = 1;\n", "holds no exports.default"),
    ("exports.default = /\\ud83d[\\ude00-\\ude4f]/gu;\n", "flags 'gu'"),
    ("exports.default = /(?<=a)\\ud83d[\\ude00-\\ude4f]/g;\n", "cannot be translated"),
    ("exports.default = /a|\\ud83d[\\ude00-\\ude4f]/g;\n", "does not find"),
])
def test_the_emoji_pattern_check_fails_clearly(settings, tmp_path, fresh_pattern, content,
                                               problem):
    settings.BASE_DIR = tmp_path
    if content is not None:
        twemoji_at(tmp_path, content)
    errors = emoji_pattern_check()
    assert [e.id for e in errors] == ["social.E002"] and problem in errors[0].msg
    assert "regex.js" in errors[0].msg and "npm ci" in errors[0].hint
    with pytest.raises(EmojiPatternError):
        counting.x_length("👍")


def test_the_pattern_is_the_one_twitter_text_resolves(settings, tmp_path, fresh_pattern):
    # npm may put a twemoji-parser of twitter-text's own in node_modules/twitter-text; the
    # browser's bundle (esbuild, as Node resolves) then holds that one.
    settings.BASE_DIR = tmp_path
    twemoji_at(tmp_path, "exports.default = /\\ud83d[\\ude00-\\ude4f]/g;\n")
    nested = twemoji_at(tmp_path, "exports.default = /\\ud83d[\\udc4d]/g;\n", nested=True)
    assert counting.emoji_pattern_path() == nested
    assert counting.x_length("👍😀") == 2 + 2 and counting._emoji_starts(
        counting._utf16("👍😀")) == {0: 2}


# The other networks, by hand ---------------------------------------------------------------


def lengths(text: str) -> dict[str, int]:
    return {c.rule.key: c.length for c in counts(text)}


def test_x_by_hand():
    assert lengths("a" * 280)["x"] == 280
    assert lengths("難" * 140)["x"] == 280  # CJK weighs 2
    assert lengths("ｱ")["x"] == 2 and lengths("“”")["x"] == 2  # half-width kana 2, quotes 1
    assert lengths("https://example.com/" + "x" * 100)["x"] == 23
    assert lengths(FAMILY)["x"] == 2 and lengths(SCOTLAND)["x"] == 2
    assert lengths("e\u0301")["x"] == 1  # NFC: é


def test_bluesky_by_hand():
    assert lengths(FAMILY)["bluesky"] == 1
    assert lengths("か\u3099")["bluesky"] == 1
    assert lengths("🇯🇵🇺🇳")["bluesky"] == 2
    assert lengths("https://example.com/")["bluesky"] == 20  # URLs in full


def test_threads_counts_an_emojis_utf8_bytes():
    assert lengths("あ")["threads"] == 1
    assert lengths("👍")["threads"] == 4
    assert lengths("a👍🏽")["threads"] == 1 + 8
    assert lengths(FAMILY)["threads"] == 25
    assert lengths("1️⃣")["threads"] == 7  # a keycap is an emoji
    assert lengths("e\u0301")["threads"] == 2  # code points, not bytes, for other text


def test_mastodon_counts_a_url_23_and_a_remote_mention_as_local():
    assert lengths("見て https://example.com/" + "x" * 100)["mastodon"] == 3 + 23
    assert lengths("http://t.co/x")["mastodon"] == 23
    assert lengths("example.com")["mastodon"] == 11  # no scheme: counted in full
    assert lengths("@unhcr@mastodon.social")["mastodon"] == len("@unhcr")
    assert lengths("info@example.jp")["mastodon"] == 15  # not a mention
    assert lengths(FAMILY)["mastodon"] == 1


def test_line_counts_utf16_units_and_facebook_code_points():
    assert lengths("🍎")["line"] == 2 and lengths("あ")["line"] == 1
    assert lengths("𠮷")["line"] == 2 and lengths("𠮷")["facebook"] == 1
    assert lengths(FAMILY)["facebook"] == lengths(FAMILY)["instagram"] == 7


def test_youtube_counts_bytes_and_refuses_angle_brackets():
    assert lengths("あ")["youtube"] == 3
    assert lengths("Title line\n本文")["youtube_title"] == 10
    described = count("Title\n<b>", "youtube")
    assert described.forbidden == "<>" and not described.fits
    titled = count("Title\n<b>", "youtube_title")  # only the first line is the title
    assert titled.forbidden == "" and titled.fits


def test_crlf_counts_as_the_text_box_holds_it():
    assert lengths("a\r\nb") == lengths("a\nb") == lengths("a\rb")
    assert lengths("a\r\nb")["x"] == 3 and lengths("a\r\nb")["line"] == 3


def test_empty_text():
    assert all(n == 0 for n in lengths("").values())


# Over, fits and too long -------------------------------------------------------------------


def test_over_is_how_much_to_cut():
    assert count("a" * 280, "x").over == 0 and count("a" * 280, "x").fits
    assert count("a" * 281, "x").over == 1
    assert count("難" * 141, "x").over == 2
    assert count("👍🏽" * 301, "bluesky").over == 1
    assert count("t" * 101 + "\nbody", "youtube_title").over == 1


def test_every_rule_has_a_limit_and_a_label():
    assert [r.limit for r in RULES if r.key in {"x", "bluesky", "threads", "mastodon"}] == [
        280, 300, 500, 500]
    assert all(r.limit > 0 and str(r.label) and str(r.unit) for r in RULES)


def test_past_max_text_is_refused_not_counted():
    count("a" * MAX_TEXT, "x")
    with pytest.raises(TooLong):
        count("a" * (MAX_TEXT + 1), "x")
    with pytest.raises(TooLong):
        counts("a" * (MAX_TEXT + 1))
