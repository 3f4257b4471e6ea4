"""The pictures of step 2 (``social.cards``): the card image (size, type, Japanese glyphs
really drawn, long names fitted inside the margins, the logo), the QR code (read back by a
small reader written from the standard), the A4 poster (one page, Noto Sans JP embedded) and
the font check ``social.E001``."""

import io
import re
import time
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from unittest import mock

import pytest
from PIL import Image, ImageChops

from withrefugees.social import cards
from withrefugees.social.checks import card_fonts_check

BLUE, WHITE = cards.BLUE, cards.WHITE
PUA = "\ue000\ue001\ue002"  # Private Use characters: no glyph in any font (a box: "tofu")


def image(png: bytes) -> Image.Image:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    return picture


def card(name_ja: str = "", name_en: str = "", **kwargs) -> Image.Image:
    return image(cards.render_card(name_ja=name_ja, name_en=name_en, **kwargs)).convert("RGB")


@contextmanager
def every_character_drawn():
    """Names drawn as given, without ``cards.drawable_name`` dropping what the fonts lack:
    what a card would look like without that rule (missing-glyph boxes)."""
    with mock.patch.object(cards, "drawable_name",
                           lambda text, pdf=False: " ".join(text.split())):
        yield


def tofu_card(name_ja: str = "", name_en: str = "", **kwargs) -> Image.Image:
    with every_character_drawn():
        return card(name_ja, name_en, **kwargs)


def names_zone(picture: Image.Image) -> Image.Image:
    return picture.crop((0, cards.NAMES_TOP, cards.WIDTH, cards.NAMES_BOTTOM))


def same(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.difference(a, b).getbbox() is None


def one_colour(picture: Image.Image, box) -> tuple | None:
    """The only colour of ``box`` in ``picture``, or None when it holds several."""
    colours = picture.crop(box).getcolors(1)
    return colours[0][1] if colours else None


def logo_png(size=(400, 200), colour=(200, 30, 30, 255)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


# --- The card -------------------------------------------------------------------------------
def test_card_is_a_1200_by_630_rgb_png():
    picture = image(cards.render_card(name_ja="府中市", name_en="Fuchu City"))
    assert picture.size == (1200, 630) and picture.mode == "RGB"
    # The campaign's look: blue above the band, white band below.
    assert picture.getpixel((5, 5)) == BLUE and picture.getpixel((5, 625)) == WHITE


def test_missing_glyphs_all_look_alike_so_the_comparison_can_fail():
    """Characters without a glyph are drawn as the same box: two different strings of them
    give the same picture. This is what a name drawn in a font without Japanese looks like."""
    assert same(tofu_card(PUA), tofu_card("\ue010\ue011\ue012"))
    assert not same(tofu_card(PUA), card(""))  # the boxes are drawn


@pytest.mark.parametrize("name", ["府中市", "ふちゅうし", "フチュウシ", "髙山市", "𠮷野町",
                                  "葛󠄀飾区"])  # 葛 + variation selector (IVS)
def test_japanese_names_are_drawn_with_real_glyphs(name):
    blank = names_zone(card(""))
    tofu = names_zone(tofu_card(PUA[0] * len(name.replace("\U000e0100", ""))))
    drawn = names_zone(card(name))
    assert not same(drawn, blank)
    assert not same(drawn, tofu)
    # Each character on its own: never the missing-glyph box.
    for character in name.replace("\U000e0100", ""):
        assert not same(names_zone(card(character)), names_zone(tofu_card(PUA[0]))), character


# What the fonts lack (issue 8 test round: "府中市🌸", "Fuchu City 🇯🇵" drawn with boxes).
@pytest.mark.parametrize(("name_ja", "name_en"), [
    ("府中市🌸", "Fuchu City 🇯🇵"),
    ("🌸 府中市 🌸", "🇯🇵Fuchu City"),
    ("府中市👩‍👩‍👧", "Fuchu City 1️⃣"),  # a ZWJ sequence, a keycap
    ("府中市 مدينة", "Fuchu City עיר เมือง"),  # Arabic, Hebrew, Thai: not in Noto Sans JP
    ("府中市\ue000", "Fuchu\u00a0City"),  # a private-use character; a no-break space
])
def test_what_the_fonts_lack_is_not_drawn(name_ja, name_en):
    expected = cards.render_card(name_ja="府中市", name_en="Fuchu City")
    assert cards.render_card(name_ja=name_ja, name_en=name_en) == expected
    # Without the rule the same names give boxes: the comparison can fail.
    with every_character_drawn():
        assert cards.render_card(name_ja=name_ja, name_en=name_en) != expected


def test_a_name_of_emoji_only_is_left_out():
    assert same(card("🌸🌸", "Fuchu City"), card("", "Fuchu City"))
    assert same(card("府中市", "🇯🇵 · 🌸"), card("府中市"))  # only punctuation left
    assert not same(tofu_card("🌸🌸", "Fuchu City"), card("", "Fuchu City"))


@pytest.mark.parametrize(("text", "drawn"), [
    ("府中市🌸", "府中市"), ("Fuchu City 🇯🇵", "Fuchu City"), ("🌸", ""), ("🌸 · 🌸", "·"),
    ("府中🌸市", "府中市"), ("東京  都\u3000庁", "東京 都 庁"), ("1️⃣ Genève", "Genève"),
    ("♡府中市♡ ©2026", "♡府中市♡ ©2026"),  # symbols the font has stay
    ("Zürich", "Zürich"), ("e\u0301", "e\u0301"), ("髙山市", "髙山市"), ("𠮷野町", "𠮷野町"),
])
def test_drawable(text, drawn):
    assert cards.drawable(text) == drawn
    assert cards.drawable(text, pdf=True) == drawn
    assert cards.drawable_name(text) == (drawn if drawn not in ("", "·") else "")


def test_variation_sequences_are_kept_for_the_card_only():
    """葛󠄀 (葛 + U+E0100, an IVS the font has): Pillow with Raqm draws the font's own glyph;
    ReportLab would draw a box, so the poster gets 葛."""
    assert cards.drawable("葛\U000e0100飾区", pdf=True) == "葛飾区"
    assert cards.drawable("府中\u200d市", pdf=True) == "府中市"
    if not cards._shaped():
        pytest.skip("Pillow without Raqm: the basic layout drops the IVS too")
    assert cards.drawable("葛\U000e0100飾区") == "葛\U000e0100飾区"
    assert not same(card("葛\U000e0100飾区"), card("葛飾区"))
    assert same(card("府中\u200d市"), card("府中市"))  # a stray ZWJ: nothing drawn


def test_a_font_that_cannot_be_read_leaves_names_as_they_are(settings, tmp_path):
    settings.CARD_FONT_BOLD = str(tmp_path / "missing.ttf")
    assert cards.drawable("府中市🌸  x") == "府中市🌸 x"


def test_the_campaign_line_carries_both_hashtags_on_one_line():
    assert cards.HASHTAGS == "#WithRefugees #難民とともに"
    _regular, bold = cards.font_paths()
    block = cards._block(cards.HASHTAGS, bold, cards.WIDTH - 2 * cards.MARGIN, 56, 44)
    assert block.lines == [cards.HASHTAGS] and block.size == 44  # the largest size


@contextmanager
def drawn_texts():
    """The texts ``render_card`` sets (the first argument of each ``_block``)."""
    texts: list[str] = []
    original = cards._block

    def spy(text, *args, **kwargs):
        texts.append(text)
        return original(text, *args, **kwargs)

    with mock.patch.object(cards, "_block", spy):
        yield texts


# New-user review of step 2: the card said "stands #WithRefugees" with no subject, no
# Japanese sentence and no campaign name.
@pytest.mark.parametrize(("name_ja", "name_en", "expected"), [
    ("府中市", "Fuchu City", ["府中市", "は難民とともに歩みます", "Fuchu City stands #WithRefugees"]),
    ("府中市", "", ["府中市", "は難民とともに歩みます", "府中市 stands #WithRefugees"]),
    ("", "Genève", ["Genève", "は難民とともに歩みます", "Genève stands #WithRefugees"]),
])
def test_the_card_says_the_statement_in_both_languages_with_the_name_as_subject(
        name_ja, name_en, expected):
    with drawn_texts() as texts:
        cards.render_card(name_ja=name_ja, name_en=name_en)
    assert texts == ["UNHCR Cities #WithRefugees", *expected, "#WithRefugees #難民とともに"]
    with drawn_texts() as texts:
        cards.render_card(name_ja="", name_en="🌸")
    assert texts == ["UNHCR Cities #WithRefugees", "#WithRefugees #難民とともに"]  # no subject


def test_words_are_never_broken_in_the_middle_on_the_card():
    _regular, bold = cards.font_paths()
    name = "Tokyo Metropolitan Government Ogasawara Village Office International Section"
    for width in (1080, 736, 400):
        block = cards._block(f"{name} stands #WithRefugees", bold, width, 112, 44)
        assert " ".join(block.lines) == f"{name} stands #WithRefugees", width
        assert len(block.lines) > 1 and block.size >= cards.READABLE_MIN
    # The reading in brackets stays together when the line allows it.
    block = cards._block("東京都小笠原村（おがさわらむら）", bold, 736, 164, 100)
    assert any(line.startswith("（おがさわらむら）") for line in block.lines), block.lines


def test_rare_kanji_have_their_own_glyphs():
    """𠮷 (U+20BB7, outside the BMP) is not drawn as 吉, nor 髙 as 高."""
    assert not same(card("𠮷"), card("吉"))
    assert not same(card("髙"), card("高"))


def test_the_names_and_lines_are_drawn():
    plain = card("府中市")
    both = card("府中市", "Fuchu City")
    assert not same(names_zone(plain), names_zone(both))
    # The English name is not drawn twice when it equals the Japanese one (places abroad).
    assert same(card("Genève", "Genève"), card("Genève"))
    # The band carries the campaign's lines in blue on white.
    band = card("府中市").crop((0, cards.BAND_TOP, cards.WIDTH, cards.HEIGHT))
    assert BLUE in {colour for _count, colour in band.getcolors(1_000_000)}
    assert not same(card("府中市", hashtags="#難民とともに"), card("府中市"))


def assert_inside_the_margins(picture: Image.Image, *, text_right: int) -> None:
    margin, width, height = cards.MARGIN, cards.WIDTH, cards.HEIGHT
    for top, bottom, colour in ((0, cards.BAND_TOP, BLUE), (cards.BAND_TOP, height, WHITE)):
        assert one_colour(picture, (0, top, margin, bottom)) == colour
        assert one_colour(picture, (width - margin, top, width, bottom)) == colour
    assert one_colour(picture, (0, 0, width, 40)) == BLUE
    assert one_colour(picture, (0, height - 12, width, height)) == WHITE
    # Nothing between the names and the band, nor right of the names (before the logo).
    assert one_colour(picture, (0, cards.NAMES_BOTTOM, width, cards.BAND_TOP)) == BLUE
    if text_right < width - margin:
        assert one_colour(picture, (text_right, cards.NAMES_TOP,
                                    width - margin - cards.LOGO_BOX, cards.NAMES_BOTTOM)) == BLUE
    assert one_colour(picture, (0, 90, width, cards.NAMES_TOP)) == BLUE


@pytest.mark.parametrize("with_logo", [False, True])
def test_a_very_long_name_shrinks_to_fit_and_never_leaves_the_margins(with_logo):
    logo = logo_png() if with_logo else None
    right = cards.WIDTH - cards.MARGIN - (cards.LOGO_BOX + cards.LOGO_GAP if with_logo else 0)
    cases = [("東京都小笠原村" * 28 + "役場", "Word " * 40),  # 200 characters: the model's max
             ("府中市", "Supercalifragilisticexpialidocious" * 5),  # one word wider than a line
             ("（株式会社）、。" * 20, ""), ("", "W" * 200)]
    for name_ja, name_en in cases:
        picture = card(name_ja, name_en, logo=logo)
        assert_inside_the_margins(picture, text_right=right)
        assert not same(names_zone(picture), names_zone(card("", logo=logo)))  # drawn


def test_long_names_are_wrapped_not_cut():
    def measure(text):
        return len(text) * 10.0

    text = "東京都小笠原村（おがさわらむら）、役場です。"
    lines = cards.wrap(text, 60, measure, break_words=True)
    assert "".join(lines) == text  # every character is kept
    assert all(measure(line) <= 60 for line in lines)
    # Closing punctuation and small kana never start a line; an opening bracket never
    # ends one.
    assert not any(line[0] in "、。）ゃゅょっ" for line in lines[1:])
    assert not any(line[-1] == "（" for line in lines)
    english = cards.wrap("Tokyo Metropolitan Government", 130, measure)
    assert english == ["Tokyo", "Metropolitan", "Government"]
    # Words whole: a word wider than the line gets a line of its own (the caller sets
    # smaller type), or is broken between letters when asked (an address).
    assert cards.wrap("Supercalifragilistic City", 50, measure) == ["Supercalifragilistic",
                                                                    "City"]
    assert cards.wrap("Supercalifragilistic", 50, measure, break_words=True) == [
        "Super", "calif", "ragil", "istic"]
    # A reading in brackets is one unit; Japanese breaks between other characters.
    assert cards.wrap("府中市（ふちゅうし）は難民", 70, measure) == ["府中市", "（ふちゅうし）",
                                                                  "は難民"]
    assert cards.wrap("  ", 50, measure) == []


def test_the_logo_is_drawn_in_its_box_keeping_its_proportions():
    with_logo = card("府中市", "Fuchu City", logo=logo_png())
    without = card("府中市", "Fuchu City")
    left = cards.WIDTH - cards.MARGIN - cards.LOGO_BOX
    top = cards.NAMES_TOP + (cards.NAMES_BOTTOM - cards.NAMES_TOP - cards.LOGO_BOX) // 2
    box = with_logo.crop((left, top, left + cards.LOGO_BOX, top + cards.LOGO_BOX))
    red = [(x, y) for x in range(box.width) for y in range(box.height)
           if box.getpixel((x, y)) == (200, 30, 30)]
    assert red, "the logo is drawn"
    xs, ys = [x for x, _y in red], [y for _x, y in red]
    width, height = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
    assert width == cards.LOGO_BOX - 2 * cards.LOGO_PADDING  # scaled to fit the box
    assert abs(width / height - 2) < 0.02  # 400 × 200 keeps its 2:1 shape
    assert (200, 30, 30) not in {c for _n, c in without.getcolors(1_000_000)}
    # Transparent parts show the white box; a tiny logo is enlarged to fit.
    transparent = card("府中市", logo=logo_png((10, 10), (0, 0, 0, 0)))
    assert one_colour(transparent, (left + 30, top + 30, left + 270, top + 270)) == WHITE


def test_unreadable_logo_bytes_give_a_card_without_logo():
    assert same(card("府中市", logo=b"not an image"), card("府中市"))


def test_a_missing_font_raises_oserror(settings):
    settings.CARD_FONT_BOLD = "/nonexistent/NotoSansJP_700Bold.ttf"
    with pytest.raises(OSError):
        cards.render_card(name_ja="府中市", name_en="Fuchu City")


# --- QR code --------------------------------------------------------------------------------
# A small QR code reader (versions 1–6, byte mode, undamaged symbols), written from
# ISO/IEC 18004 as Project Nayuki's reference encoder lays a symbol out; independent of the
# encoder used (segno).
ECC_PER_BLOCK = {"L": (7, 10, 15, 20, 26, 18), "M": (10, 16, 26, 18, 24, 16),
                 "Q": (13, 22, 18, 26, 18, 24), "H": (17, 28, 22, 16, 22, 28)}
BLOCKS = {"L": (1, 1, 1, 1, 1, 2), "M": (1, 1, 1, 2, 2, 4), "Q": (1, 1, 2, 2, 4, 4),
          "H": (1, 1, 2, 4, 4, 4)}
LEVELS = {1: "L", 0: "M", 3: "Q", 2: "H"}
MASKS = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)


def _format_code(data: int) -> int:
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    return ((data << 10) | remainder) ^ 0x5412


def _function_modules(size: int, version: int) -> list[list[bool]]:
    function = [[False] * size for _ in range(size)]

    def mark(x0, y0, w, h):
        for y in range(y0, y0 + h):
            for x in range(x0, x0 + w):
                function[y][x] = True

    mark(0, 0, 9, 9)  # finder patterns, separators, format information
    mark(size - 8, 0, 8, 9)
    mark(0, size - 8, 9, 8)
    mark(6, 0, 1, size)  # timing patterns
    mark(0, 6, size, 1)
    if version >= 2:
        mark(size - 9, size - 9, 5, 5)  # the one alignment pattern of versions 2–6
    return function


def read_qr(matrix) -> tuple[str, str]:
    """``(text, error correction level)`` of ``matrix`` (rows of dark = truthy modules,
    without quiet zone). Raises ``ValueError`` when it cannot be read."""
    size = len(matrix)
    version = (size - 17) // 4
    if not 1 <= version <= 6 or size != 17 + 4 * version:
        raise ValueError(f"size {size}: not a version 1–6 symbol")
    m = [[1 if module else 0 for module in row] for row in matrix]
    bits = [m[i][8] for i in range(6)] + [m[7][8], m[8][8], m[8][7]] \
        + [m[8][14 - i] for i in range(9, 15)]
    read = sum(bit << i for i, bit in enumerate(bits))
    found = [data for data in range(32) if _format_code(data) == read]
    if not found:
        raise ValueError("unreadable format information")
    level, mask = LEVELS[found[0] >> 3], MASKS[found[0] & 7]
    function = _function_modules(size, version)
    stream = []
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        for vertical in range(size):
            for j in range(2):
                x = right - j
                y = size - 1 - vertical if ((right + 1) & 2) == 0 else vertical
                if not function[y][x]:
                    stream.append(m[y][x] ^ (1 if mask(x, y) else 0))
        right -= 2
    raw = [int("".join(map(str, stream[i:i + 8])), 2)
           for i in range(0, len(stream) // 8 * 8, 8)]
    blocks, ecc = BLOCKS[level][version - 1], ECC_PER_BLOCK[level][version - 1]
    short_blocks = blocks - len(raw) % blocks
    lengths = [len(raw) // blocks - ecc + (0 if b < short_blocks else 1) for b in range(blocks)]
    data_blocks: list[list[int]] = [[] for _ in range(blocks)]
    position = 0
    for i in range(max(lengths)):
        for b in range(blocks):
            if i < lengths[b]:
                data_blocks[b].append(raw[position])
                position += 1
    data = "".join(f"{byte:08b}" for block in data_blocks for byte in block)
    if data[:4] != "0100":
        raise ValueError(f"mode {data[:4]}, not byte mode")
    count = int(data[4:12], 2)
    return bytes(int(data[12 + 8 * i:20 + 8 * i], 2) for i in range(count)).decode(), level


URLS = ["http://testserver/ja/signatories/42/", "https://cities.example.org/en/signatories/1741/",
        "https://例え.jp/ja/signatories/9/"]


@pytest.mark.parametrize("url", URLS)
def test_the_qr_matrix_reads_back_as_the_url(url):
    assert read_qr(cards.qr_matrix(url)) == (url, "M")


def test_the_reader_can_fail():
    matrix = [list(row) for row in cards.qr_matrix(URLS[0])]
    matrix[8][0] ^= 1  # damage the format information
    with pytest.raises(ValueError):
        read_qr(matrix)
    assert read_qr(cards.qr_matrix(URLS[1]))[0] != URLS[0]


@pytest.mark.parametrize("url", URLS)
def test_the_qr_png_reads_back_as_the_url(url):
    picture = image(cards.render_qr_png(url)).convert("L")
    modules = len(cards.qr_matrix(url))
    scale = picture.width // (modules + 8)
    assert picture.size == ((modules + 8) * scale,) * 2  # a whole number of px per module
    assert 1000 <= picture.width < 1000 + modules + 8  # printable from a word processor
    assert {c for _n, c in picture.getcolors()} == {0, 255}  # sharp: no grey (smoothing)
    assert one_colour(picture, (0, 0, picture.width, 4 * scale)) == 255  # quiet zone
    matrix = [[picture.getpixel(((4 + x) * scale + scale // 2, (4 + y) * scale + scale // 2))
               < 128 for x in range(modules)] for y in range(modules)]
    assert read_qr(matrix) == (url, "M")


def _svg_modules(svg: bytes) -> tuple[ET.Element, list[list[bool]]]:
    """The root element of ``svg`` and the modules its path draws (segno's path: ``M``/``m``
    moves and ``h`` runs, one module high, in module units inside ``scale(8)``)."""
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    group = root.find(f"{ns}g")
    assert group is not None and group.get("transform") == "scale(8)"
    dark = [p for p in group.findall(f"{ns}path") if p.get("stroke") == "#000"]
    assert len(dark) == 1
    size = int(root.get("viewBox").split()[2]) // 8
    grid = [[False] * size for _ in range(size)]
    x = y = 0.0
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", dark[0].get("d")):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                grid[int(y)][column] = True
            x += float(a)
    return root, grid


@pytest.mark.parametrize("url", URLS)
def test_the_qr_svg_is_valid_xml_with_its_view_box_and_reads_back(url):
    svg = cards.render_qr_svg(url)
    assert svg.startswith(b"<?xml")
    root, grid = _svg_modules(svg)
    modules = len(cards.qr_matrix(url))
    side = (modules + 8) * 8
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == f"0 0 {side} {side}"
    assert root.get("width") == f"{side}px" and root.get("height") == f"{side}px"
    assert url in root.find("{http://www.w3.org/2000/svg}title").text
    assert all(not any(row) for row in grid[:4])  # quiet zone
    assert read_qr([row[4:4 + modules] for row in grid[4:4 + modules]]) == (url, "M")


# --- Poster ---------------------------------------------------------------------------------
def poster(language: str = "ja", **kwargs) -> bytes:
    values = {"name_ja": "府中市", "name_en": "Fuchu City",
              "card_png": cards.render_card(name_ja="府中市", name_en="Fuchu City"),
              "url": "http://testserver/ja/signatories/42/", "language": language, **kwargs}
    return cards.render_poster(**values)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_poster_is_one_a4_page_with_noto_sans_jp_embedded(language):
    pdf = poster(language)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page[^s]", pdf)) == 1
    # A4: 210 × 297 mm = 595.28 × 841.89 points.
    box = [float(v) for v in re.search(rb"/MediaBox \[([^\]]*)\]", pdf).group(1).split()]
    assert box[:2] == [0, 0] and abs(box[2] - 595.28) < 0.1 and abs(box[3] - 841.89) < 0.1
    fonts = set(re.findall(rb"/BaseFont /([\w+-]+)", pdf))
    assert any(re.fullmatch(rb"[A-Z]{6}\+NotoSansJP-Bold", f) for f in fonts)
    assert any(re.fullmatch(rb"[A-Z]{6}\+NotoSansJP-Regular", f) for f in fonts)
    assert pdf.count(b"/FontFile2") >= 2  # the TrueType glyphs themselves, embedded
    assert f"/Lang ({language})".encode() in pdf
    assert b"/Subtype /Image" in pdf  # the card


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_poster_leaves_out_what_the_font_lacks(language):
    emoji = {"name_ja": "府中市🌸", "name_en": "Fuchu City 🇯🇵"}
    assert poster(language, **emoji) == poster(language)
    assert poster(language, name_ja="🌸🌸") == poster(language, name_ja="")
    with every_character_drawn():  # the comparison can fail
        assert poster(language, **emoji) != poster(language)


def test_the_poster_changes_with_its_language_name_and_address():
    base = poster("ja")
    assert base == poster("ja")  # the same input, the same bytes (cached as is)
    assert base != poster("en")
    assert base != poster("ja", name_ja="調布市")
    assert base != poster("ja", url="http://testserver/ja/signatories/43/")


def poster_texts(language: str = "ja", **kwargs) -> list[str]:
    """The texts drawn on the poster (outside the card image), in order."""
    from reportlab.pdfgen.canvas import Canvas

    texts: list[str] = []
    draw_string, draw_centred = Canvas.drawString, Canvas.drawCentredString

    def spy(original):
        def call(self, x, y, text, *args, **kw):
            texts.append(text)
            return original(self, x, y, text, *args, **kw)
        return call

    with mock.patch.object(Canvas, "drawString", spy(draw_string)), \
            mock.patch.object(Canvas, "drawCentredString", spy(draw_centred)):
        poster(language, **kwargs)
    return texts


# New-user review of step 2: the name twice, the campaign's name three times, the hashtags
# twice, 「当自治体のページ」, an empty bottom third.
def test_the_poster_says_each_thing_once():
    from django.utils import translation

    with translation.override("ja"):  # ja: 「QRコードを読み取ると、府中市の取り組みを…」
        line = translation.gettext("Scan the QR code to see what %(name)s is doing with "
                                   "refugees.") % {"name": "府中市"}
    assert poster_texts("ja", url=URLS[1]) == [
        "府中市は難民とともに歩みます", cards.CREDIT, line, URLS[1]]
    with translation.override("en"):
        assert poster_texts("en", url=URLS[1]) == [
            "Fuchu City stands #WithRefugees", cards.CREDIT,
            "Scan the QR code to see what Fuchu City is doing with refugees.", URLS[1]]


def test_the_poster_fills_the_page():
    """The QR code is large (≥ 60 mm) and sits low enough that the page has no empty third."""
    from reportlab.pdfgen.canvas import Canvas

    squares = []
    original = Canvas.rect

    def spy(self, x, y, width, height, *args, **kwargs):
        squares.append((x, y, width, height))
        return original(self, x, y, width, height, *args, **kwargs)

    with mock.patch.object(Canvas, "rect", spy):
        poster("ja")
    # The QR code's white square: the largest square drawn.
    x, y, side, _height = max((r for r in squares if abs(r[2] - r[3]) < 0.01 and r[1] > 0),
                              key=lambda r: r[2])
    assert side >= 60 / 25.4 * 72
    assert y < 841.89 / 3  # its bottom edge in the lower third of the page


def test_rendering_times(capsys):
    """Measured, not asserted (machines differ): card < 1 s, poster < 2 s expected."""
    start = time.perf_counter()
    png = cards.render_card(name_ja="東京都小笠原村", name_en="Ogasawara Village",
                            logo=logo_png())
    card_seconds = time.perf_counter() - start
    start = time.perf_counter()
    cards.render_poster(name_ja="東京都小笠原村", name_en="Ogasawara Village", card_png=png,
                        url=URLS[1], language="ja")
    poster_seconds = time.perf_counter() - start
    with capsys.disabled():
        print(f"\ncard: {card_seconds:.3f} s, poster: {poster_seconds:.3f} s")


# --- The font check -------------------------------------------------------------------------
def test_font_check_passes_with_the_installed_fonts():
    assert card_fonts_check() == []


def test_font_check_reports_missing_or_broken_fonts(settings, tmp_path):
    settings.CARD_FONT_REGULAR = str(tmp_path / "missing.ttf")
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("not a font")
    settings.CARD_FONT_BOLD = str(not_a_font)
    errors = card_fonts_check()
    assert [e.id for e in errors] == ["social.E001", "social.E001"]
    assert "CARD_FONT_REGULAR" in errors[0].msg and "CARD_FONT_BOLD" in errors[1].msg
    settings.CARD_FONT_BOLD = ""
    assert "is not set" in card_fonts_check()[1].msg


def test_font_check_is_registered():
    from django.core.checks import registry

    assert card_fonts_check in registry.registry.get_checks()
