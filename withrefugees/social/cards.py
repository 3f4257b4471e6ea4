"""The pictures of step 2, rendered from plain values (no models, no storage): the card image
a shared profile link shows (PNG), the QR code of the profile's address (SVG, PNG) and the
printable A4 poster (PDF).

Fonts: Noto Sans JP (regular and bold TrueType files from the npm package
``@expo-google-fonts/noto-sans-jp``, installed by ``npm ci``; paths in the settings
``CARD_FONT_REGULAR`` and ``CARD_FONT_BOLD``, checked at start-up by ``social.E001`` in
``checks.py``). It covers kana, the JIS X 0208/0213 kanji (髙, 𠮷) and Latin letters with
accents. A missing file raises ``OSError``.

The card (``render_card``): 1200 × 630 pixels (the size Facebook, X, LinkedIn and LINE show
as a large preview: aspect 1.91:1), UNHCR blue (#0072BC) with white type: the credit line
``CREDIT`` (the campaign's name, small; no UNHCR logo) at the top; the statement in both
languages with the name as its subject (the name large, then 「は難民とともに歩みます」, then
"<English name> stands #WithRefugees": ``STATEMENT_JA``, ``STATEMENT_EN``); the local
government's logo in a white box on the right when there is one; a white band with the
hashtags ``HASHTAGS``. A long name is set smaller, then on two or three lines (Japanese may
break between two characters, except before closing punctuation and small kana, after an
opening bracket and inside brackets such as 「（ふちゅうし）」; other scripts only at
spaces): never cut, never outside its zone (rows ``NAMES_TOP``–``NAMES_BOTTOM``, ``MARGIN``
pixels from the left edge and from the right edge or the logo's box). A word is broken in
the middle only when keeping it whole would need type smaller than ``READABLE_MIN`` pixels
(a name of one 60-letter "word").

Names are drawn without what the fonts cannot draw (``drawable``): emoji, flags, and the
scripts Noto Sans JP lacks (Arabic, Hebrew, Thai, Devanagari...) would otherwise be drawn as
missing-glyph boxes. ``readable`` says whether anything worth showing is left; callers that
know a better name use it in place (``profiles.cards.card_content``: the reference name).
"""

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import regex
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
#: No text or logo pixel is drawn closer than this to the left or right edge (pixels).
MARGIN = 60
BLUE = (0, 114, 188)  # UNHCR blue, #0072BC (white on it: contrast 5.1:1)
WHITE = (255, 255, 255)
#: The white band at the bottom of the card (from this row down), with the hashtags.
BAND_TOP = 500
#: Where the statement goes: between the credit line and the band (rows), left of the logo.
NAMES_TOP, NAMES_BOTTOM = 112, 472
#: The logo's white box (its side, pixels; the logo fits inside with ``LOGO_PADDING``).
LOGO_BOX = 300
LOGO_PADDING = 24
LOGO_GAP = 44  # between the names and the logo box
BRAND = "Cities #WithRefugees"
#: The credit line: the campaign's name (UNHCR's campaign; its logo is not drawn).
CREDIT = "UNHCR Cities #WithRefugees"
#: The campaign's wording, in both languages. Not translated: the card always shows both,
#: whatever the reader's language (the sentence and hashtags are the campaign's own).
#: ``STATEMENT_JA`` follows the name (「府中市」「は難民とともに歩みます」);
#: ``STATEMENT_EN`` has the name in ``{name}``.
STATEMENT_JA = "は難民とともに歩みます"
STATEMENT_EN = "{name} stands #WithRefugees"
HASHTAGS = "#WithRefugees #難民とともに"
#: The smallest type (pixels on the card; points on the poster: 3/4 of it) at which a word
#: is kept whole; below it, a word wider than the line is broken between characters.
READABLE_MIN = 20

# Characters that do not start a line (Japanese line-breaking rules, JIS X 4051 "kinsoku")
# and those that do not end one.
_NO_LINE_START = set("、。，．・：；？！）］｝〕〉》」』】〙〗ゝゞヽヾーぁぃぅぇぉっゃゅょゎゕゖ"
                     "ァィゥェォッャュョヮヵヶ々〻‐゠–〜～?!),.:;]}")
_NO_LINE_END = set("（［｛〔〈《「『【〘〖([{")
#: Brackets whose content is kept on one line when it can be (a reading: 府中市（ふちゅうし）).
_BRACKETS = {"（": "）", "(": ")", "［": "］", "[": "]", "「": "」", "『": "』", "【": "】",
             "〔": "〕"}
_GRAPHEME = regex.compile(r"\X")
#: Characters a renderer shows as nothing (variation selectors, ZWJ, ZWNJ, zero width space,
#: tag characters...: Unicode's Default_Ignorable_Code_Point): a font need not have them.
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
_LETTER_OR_DIGIT = regex.compile(r"[\p{L}\p{N}]")


# --- Fonts and text fitting (shared by the card and the poster) ---------------------------
def font_paths() -> tuple[str, str]:
    """``(regular, bold)``: the TrueType files of the settings."""
    return str(settings.CARD_FONT_REGULAR), str(settings.CARD_FONT_BOLD)


@lru_cache(maxsize=256)
def _font(path: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


@lru_cache(maxsize=4)
def _code_points(path: str) -> frozenset[int]:
    """The code points the TrueType file ``path`` has a glyph for (its ``cmap`` table, read
    by ReportLab's parser; about 0.1 s, once per file and process). Raises ``OSError`` when
    the file is missing."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(TTFontFile(path).charToGlyph)


def _has_glyph(char: str) -> bool:
    """Whether both fonts of ``font_paths`` have a glyph for ``char`` (printable ASCII: yes,
    without reading the fonts)."""
    if " " <= char <= "~":
        return True
    return all(ord(char) in _code_points(path) for path in font_paths())


@lru_cache(maxsize=1)
def _shaped() -> bool:
    """Whether Pillow lays text out with Raqm (HarfBuzz): it then draws a variation sequence
    such as 葛󠄀 (葛 + U+E0100) with the font's own glyph for it (cmap format 14) and other
    default-ignorable characters as nothing; its basic layout draws them as boxes."""
    from PIL import features

    return bool(features.check_feature("raqm"))


def drawable(text: str, *, pdf: bool = False) -> str:
    """``text`` without what the card's fonts cannot draw, spaces collapsed and trimmed.
    Works on grapheme clusters (UAX #29): a cluster with a character the fonts lack is
    dropped whole (🌸, 🇯🇵, 👩‍👩‍👧, 1️⃣, an Arabic letter with its vowel marks), except for
    the default-ignorable characters the fonts lack (variation selectors such as the IVS of
    葛󠄀, ZWJ, zero width space): those are kept for the card when Pillow shapes text
    (``_shaped``), and removed otherwise and for the PDF (``pdf``: ReportLab draws any
    character the font lacks as a box). E.g. ``"府中市🌸"`` → ``"府中市"``,
    ``"Fuchu City 🇯🇵"`` → ``"Fuchu City"``. When a font file cannot be read
    (``social.E001`` says so at start-up), the text is only collapsed: drawing then fails
    anyway, and the pages that merely name the card keep working."""
    from reportlab.pdfbase.ttfonts import TTFError

    text = " ".join(text.split())
    try:
        for path in font_paths():
            _code_points(path)
    except (OSError, TTFError):
        logger.warning("card: a font cannot be read; text left as it is", exc_info=True)
        return text
    keep_ignorable = not pdf and _shaped()
    kept = []
    for grapheme in _GRAPHEME.findall(text):
        missing = [char for char in grapheme if not _has_glyph(char)]
        if not missing:
            kept.append(grapheme)
        elif all(_IGNORABLE.match(char) for char in missing):
            kept.append(grapheme if keep_ignorable
                        else "".join(char for char in grapheme if _has_glyph(char)))
    return " ".join("".join(kept).split())


def readable(text: str) -> bool:
    """Whether ``text`` has a letter or a digit (Unicode categories L and N): a name left
    with only punctuation or nothing once ``drawable`` dropped its emoji is not."""
    return bool(_LETTER_OR_DIGIT.search(text))


def drawable_name(text: str, *, pdf: bool = False) -> str:
    """``drawable(text, pdf=pdf)`` if it is ``readable``, else ""."""
    text = drawable(text, pdf=pdf)
    return text if readable(text) else ""


def _is_wide(grapheme: str) -> bool:
    """A grapheme after which a line may break (CJK ideographs, kana, full-width forms)."""
    import unicodedata

    return unicodedata.east_asian_width(grapheme[0]) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """``text`` cut where a line may break: words of alphabetic scripts, each wide character
    (with the closing punctuation or small kana after it, the opening bracket before it), a
    bracketed group without spaces whole (「（ふちゅうし）」), and single spaces between them."""
    units: list[str] = []
    glue_next = False  # the previous unit ends with an opening bracket
    closing: list[str] = []  # the brackets open in the current unit
    for grapheme in _GRAPHEME.findall(text):
        if grapheme.isspace():
            if units and units[-1] != " ":
                units.append(" ")
            glue_next = False
            closing = []
            continue
        joins = bool(units) and units[-1] != " " and (
            glue_next or bool(closing) or grapheme in _NO_LINE_START
            or not (_is_wide(grapheme) or _is_wide(units[-1][-1])))
        if joins:
            units[-1] += grapheme
        else:
            units.append(grapheme)
        if closing and grapheme == closing[-1]:
            closing.pop()
        elif grapheme in _BRACKETS:
            closing.append(_BRACKETS[grapheme])
        glue_next = grapheme in _NO_LINE_END
    while units and units[-1] == " ":
        units.pop()
    return units


def wrap(text: str, width: float, measure: Callable[[str], float], *,
         break_words: bool = False) -> list[str]:
    """``text`` in lines of at most ``width`` (as ``measure`` gives a string's width), broken
    where ``_tokens`` allows. A word wider than a whole line gets a line of its own, wider
    than ``width`` (the caller sets smaller type), or, with ``break_words``, is broken
    between graphemes. Spaces at a line's ends are dropped."""
    lines: list[str] = []
    line = ""
    for token in _tokens(" ".join(text.split())):
        if token == " ":
            if line:
                line += " "
            continue
        if measure(line + token) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        if measure(token) <= width or not break_words:
            line = token
            continue
        for grapheme in _GRAPHEME.findall(token):  # a word wider than the line
            if line and measure(line + grapheme) > width:
                lines.append(line)
                line = ""
            line += grapheme
    if line.strip():
        lines.append(line.rstrip())
    return lines


#: (most lines, smallest size as a share of the largest): one line first while the type
#: stays large, then two, then three at whatever size fits.
_TIERS = ((1, 0.6), (2, 0.4), (3, 0.0))


def fit(text: str, max_size: int, fits: Callable[[int, list[str]], bool],
        lines_at: Callable[[int], list[str]], *, min_size: int = 4) -> tuple[int, list[str]]:
    """The largest type size (from ``max_size`` down to ``min_size``) at which ``text``
    fits, and its lines: ``lines_at(size)`` wraps the text at a size, ``fits(size, lines)``
    says whether the block fits its box. Tries one line, then two, then three (``_TIERS``),
    by bisection in each tier. At ``min_size`` the lines are given even if they do not fit
    (a name of hundreds of characters; the models allow 200)."""
    for most_lines, share in _TIERS:
        low = max(min_size, int(max_size * share))
        best = None
        lo, hi = low, max_size
        while lo <= hi:
            size = (lo + hi) // 2
            lines = lines_at(size)
            if len(lines) <= most_lines and fits(size, lines):
                best = (size, lines)
                lo = size + 1
            else:
                hi = size - 1
        if best:
            return best
    return min_size, lines_at(min_size)


@dataclass(frozen=True)
class _Block:
    """Lines of text set in one font: ``size`` (pixels), the ``pitch`` between baselines,
    ``top``/``bottom``: the ink above the first baseline and below the last (pixels)."""

    path: str
    size: int
    lines: list[str]
    pitch: float
    top: int
    bottom: int

    @property
    def height(self) -> float:
        return self.top + self.pitch * (len(self.lines) - 1) + self.bottom if self.lines else 0

    def draw(self, draw, x: int, y: float, colour, *, right: int | None = None) -> None:
        """Draw with the ink's top at ``y``, lines starting at ``x`` (or ending at ``right``)."""
        font = _font(self.path, self.size)
        for i, line in enumerate(self.lines):
            left, _top, end, _bottom = font.getbbox(line, anchor="ls")
            start = x - min(left, 0) if right is None else right - end
            draw.text((start, y + self.top + i * self.pitch), line, font=font, fill=colour,
                      anchor="ls")


def _block(text: str, path: str, width: int, height: int, max_size: int, *,
           leading: float = 1.2) -> _Block:
    """``text`` fitted into ``width`` × ``height`` pixels (see ``fit``), ink measured. Words
    are kept whole unless that needs type smaller than ``READABLE_MIN``."""
    break_words = False

    def ink(size: int, lines: list[str]) -> tuple[int, int, int]:
        font = _font(path, size)
        boxes = [font.getbbox(line, anchor="ls") for line in lines]
        widest = max((box[2] - min(box[0], 0) for box in boxes), default=0)
        return widest, -min((b[1] for b in boxes[:1]), default=0), \
            max((b[3] for b in boxes[-1:]), default=0)

    def lines_at(size: int) -> list[str]:
        return wrap(text, width, _font(path, size).getlength, break_words=break_words)

    def fits(size: int, lines: list[str]) -> bool:
        widest, top, bottom = ink(size, lines)
        return widest <= width and top + leading * size * (len(lines) - 1) + bottom <= height

    size, lines = fit(text, max_size, fits, lines_at)
    if size < min(READABLE_MIN, max_size) or not fits(size, lines):
        break_words = True
        size, lines = fit(text, max_size, fits, lines_at)
    _widest, top, bottom = ink(size, lines)
    return _Block(path=path, size=size, lines=lines, pitch=leading * size, top=top,
                  bottom=bottom)


# --- The card -------------------------------------------------------------------------------
def _logo_image(logo: bytes):
    """The logo as an RGBA image, or None when its bytes cannot be read (logged: the card
    is then drawn without it)."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(logo), formats=["PNG", "JPEG", "WEBP", "GIF"])
        if image.width * image.height > 16_000_000:
            raise ValueError(f"logo of {image.width} × {image.height} pixels")
        image.load()
        return image.convert("RGBA")
    except Exception:  # a stored logo is re-encoded on upload; a damaged file: no logo
        logger.warning("card: the logo cannot be read; the card is drawn without it",
                       exc_info=True)
        return None


def _draw_logo(canvas, logo) -> None:
    from PIL import Image, ImageDraw

    left = WIDTH - MARGIN - LOGO_BOX
    top = NAMES_TOP + (NAMES_BOTTOM - NAMES_TOP - LOGO_BOX) // 2
    ImageDraw.Draw(canvas).rounded_rectangle(
        (left, top, left + LOGO_BOX - 1, top + LOGO_BOX - 1), radius=24, fill=WHITE)
    inner = LOGO_BOX - 2 * LOGO_PADDING
    scale = min(inner / logo.width, inner / logo.height)
    size = (max(1, round(logo.width * scale)), max(1, round(logo.height * scale)))
    logo = logo.resize(size, Image.Resampling.LANCZOS)
    canvas.paste(logo, (left + (LOGO_BOX - size[0]) // 2, top + (LOGO_BOX - size[1]) // 2),
                 logo)


def render_card(*, name_ja: str, name_en: str, logo: bytes | None = None,
                hashtags: str = HASHTAGS) -> bytes:
    """The card image of a signatory: PNG bytes, 1200 × 630 pixels, RGB (layout in the
    module's docstring). ``name_ja``/``name_en``: its names (either may be empty: the other
    stands in for it in both sentences; drawn as ``drawable_name`` gives them: a name of
    emoji only is left out; with no name at all, no statement is drawn); ``logo``: the
    bytes of a PNG, JPEG, WebP or GIF image, scaled to fit a ``LOGO_BOX`` square keeping its
    proportions (bytes that cannot be read: no logo); ``hashtags``: the band's line. About
    0.1–0.3 s. Raises ``OSError`` when a font file is missing."""
    from PIL import Image, ImageDraw

    regular, bold = font_paths()
    name_ja, name_en = drawable_name(name_ja), drawable_name(name_en)
    canvas = Image.new("RGB", (WIDTH, HEIGHT), BLUE)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, BAND_TOP, WIDTH, HEIGHT), fill=WHITE)

    _block(CREDIT, bold, 600, 40, 28).draw(draw, MARGIN, 44, WHITE)

    logo_image = _logo_image(logo) if logo else None
    right = WIDTH - MARGIN - (LOGO_BOX + LOGO_GAP if logo_image else 0)
    width, zone = right - MARGIN, NAMES_BOTTOM - NAMES_TOP
    gap = 14
    blocks = []
    if name_ja or name_en:
        name_height, predicate_height = 164, 60
        blocks = [
            (_block(name_ja or name_en, bold, width, name_height, 100), 12),
            (_block(STATEMENT_JA, bold, width, predicate_height, 52), gap + 4),
            (_block(STATEMENT_EN.format(name=name_en or name_ja), regular, width,
                    zone - name_height - predicate_height - 2 * gap - 10, 44), 0)]
    total = sum(block.height + after for block, after in blocks)
    y = NAMES_TOP + (zone - total) / 2
    for block, after in blocks:
        block.draw(draw, MARGIN, y, WHITE)
        y += block.height + after
    if logo_image is not None:
        _draw_logo(canvas, logo_image)

    line = _block(hashtags, bold, WIDTH - 2 * MARGIN, 56, 44)
    line.draw(draw, MARGIN, BAND_TOP + (HEIGHT - BAND_TOP - line.height) / 2, BLUE)

    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


# --- QR code --------------------------------------------------------------------------------
def _qr(url: str):
    import segno

    # Level M (15 % of the code may be damaged or covered and it still reads): the usual
    # choice for printed links; never a Micro QR (phones do not all read them). Byte mode in
    # UTF-8, which phones assume (segno would pick Shift_JIS for kanji in an address).
    return segno.make(url, error="m", micro=False, boost_error=False, mode="byte",
                      encoding="utf-8")


def render_qr_svg(url: str) -> bytes:
    """The QR code of ``url`` as an SVG document (UTF-8 bytes): black modules on white with
    the quiet zone of 4 modules the standard asks (ISO/IEC 18004), 8 px per module,
    ``viewBox="0 0 N N"`` where N = (modules + 8) × 8, a ``<title>`` naming the address."""
    qr = _qr(url)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=8, border=4, unit="px", dark="#000", light="#fff",
            title=_("QR code of %(url)s") % {"url": url}, svgclass=None, lineclass=None)
    return buffer.getvalue()


#: The QR code PNG is at least this wide (pixels): sharp when printed from a word processor
#: (1000 px over 8 cm is about 300 dpi).
QR_PNG_MIN_WIDTH = 1000


def render_qr_png(url: str, *, min_width: int = QR_PNG_MIN_WIDTH) -> bytes:
    """The QR code of ``url`` as a PNG (black on white, 1 bit per pixel, quiet zone of 4
    modules) at least ``min_width`` pixels wide: a whole number of pixels per module (the
    smallest that reaches ``min_width``), without smoothing, so every module stays a sharp
    square (e.g. 33 + 8 modules × 25 px = 1025 px)."""
    qr = _qr(url)
    modules = qr.symbol_size(scale=1, border=4)[0]
    scale = max(1, -(-min_width // modules))
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return buffer.getvalue()


def qr_matrix(url: str) -> tuple[tuple[int, ...], ...]:
    """The modules of the QR code of ``url`` (rows of 0/1, 1 = dark), without quiet zone."""
    return tuple(tuple(1 if module else 0 for module in row) for row in _qr(url).matrix)


# --- The poster -----------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _pdf_font(path: str) -> str:
    """Register the TrueType file ``path`` with ReportLab once; its registered name.
    ReportLab embeds the glyphs a document uses (a subset)."""
    import hashlib

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "NotoSansJP-" + hashlib.sha256(path.encode()).hexdigest()[:8]
    pdfmetrics.registerFont(TTFont(name, path))
    return name


def _pdf_lines(text: str, font: str, width: float, max_size: float, max_height: float,
               *, leading: float = 1.3, break_words: bool = False) -> tuple[int, list[str]]:
    """``text`` fitted into ``width`` × ``max_height`` points: ``(size, lines)``. Words kept
    whole unless that needs type under 3/4 of ``READABLE_MIN`` points (or ``break_words``:
    an address)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    breaking = [break_words]

    def lines_at(size: int) -> list[str]:
        return wrap(text, width, lambda s: stringWidth(s, font, size), break_words=breaking[0])

    def fits(size: int, lines: list[str]) -> bool:
        return (all(stringWidth(line, font, size) <= width for line in lines)
                and size * (1 + leading * (len(lines) - 1)) <= max_height)

    size, lines = fit(text, int(max_size), fits, lines_at)
    if not breaking[0] and (size < min(READABLE_MIN * 3 // 4, max_size)
                            or not fits(size, lines)):
        breaking[0] = True
        size, lines = fit(text, int(max_size), fits, lines_at)
    return size, lines


def statement(name: str, language: str) -> str:
    """The campaign's sentence with ``name`` as its subject: ``"府中市は難民とともに歩みます"``
    (``language`` ``"ja"``), ``"Fuchu City stands #WithRefugees"`` (``"en"``)."""
    return STATEMENT_EN.format(name=name) if language == "en" else name + STATEMENT_JA


def render_poster(*, name_ja: str, name_en: str, card_png: bytes, url: str,
                  language: str) -> bytes:
    """The A4 poster of a signatory, for town halls and event venues: PDF bytes, one
    portrait A4 page (210 × 297 mm), from the top: the card image (``card_png``, as
    ``render_card`` made it) across the page; the campaign's sentence in ``language``
    (``statement``: 「府中市は難民とともに歩みます」); the QR code of ``url`` (vector squares:
    sharp at any print size; as large as the space left allows, 60–95 mm) with one line
    saying what it opens and ``url`` printed under it; the campaign's name (``CREDIT``) in
    a blue band at the foot. Texts in ``language`` (``"ja"`` or ``"en"``; the name in that
    language, else the other one); Noto Sans JP embedded (the glyphs used). Names as
    ``drawable_name(pdf=True)`` gives them (what the font lacks left out, as on the card).
    About 0.3–0.6 s. Raises ``OSError`` when a font file is missing."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    regular, bold = (_pdf_font(path) for path in font_paths())
    language = "en" if language == "en" else "ja"
    name_ja, name_en = drawable_name(name_ja, pdf=True), drawable_name(name_en, pdf=True)
    name = (name_en or name_ja) if language == "en" else (name_ja or name_en)
    sentence = statement(name, language) if name else ""
    with translation.override(language):
        if name:
            qr_line = _("Scan the QR code to see what %(name)s is doing with refugees.") % {
                "name": name}
        else:
            qr_line = _("Scan the QR code to see this page on the Cities #WithRefugees site.")

    page_width, page_height = A4
    margin = 42.0  # points (about 15 mm)
    width = page_width - 2 * margin
    blue = (0 / 255, 114 / 255, 188 / 255)
    dark = (0.1, 0.1, 0.1)
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    pdf.setTitle(f"{sentence or BRAND} | {CREDIT}")
    pdf.setAuthor(CREDIT)
    pdf.setSubject(url)
    catalog = getattr(pdf._doc, "Catalog", None)  # the document's language (PDF/UA, readers)
    if catalog is not None:
        from reportlab.pdfbase.pdfdoc import PDFString

        catalog.Lang = PDFString(language)

    def text_lines(lines: list[str], font: str, size: float, top: float, colour, *,
                   centred: bool = True, leading: float = 1.3) -> float:
        """Draw ``lines`` from ``top`` down (centred on the page); the bottom of the last."""
        pdf.setFillColorRGB(*colour)
        pdf.setFont(font, size)
        y = top
        for i, line in enumerate(lines):
            y -= size if i == 0 else size * leading
            if centred:
                pdf.drawCentredString(page_width / 2, y, line)
            else:
                pdf.drawString(margin, y, line)
        return y - size * 0.25

    # The card, across the page.
    card_height = width * HEIGHT / WIDTH
    y = page_height - margin - card_height
    pdf.drawImage(ImageReader(io.BytesIO(card_png)), margin, y, width=width,
                  height=card_height)
    pdf.setStrokeColorRGB(0.75, 0.75, 0.75)  # the card's white band against the page
    pdf.setLineWidth(0.5)
    pdf.rect(margin, y, width, card_height, stroke=1, fill=0)

    # The sentence.
    if sentence:
        size, lines = _pdf_lines(sentence, bold, width, 30, 84)
        y = text_lines(lines, bold, size, y - 30, dark)

    # The foot: the campaign's name once.
    foot = 40.0
    pdf.setFillColorRGB(*blue)
    pdf.rect(0, 0, page_width, foot, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont(bold, 14)
    pdf.drawCentredString(page_width / 2, foot / 2 - 5, CREDIT)

    # The QR code with its line and the address, centred in the space left.
    line_size, line_lines = _pdf_lines(qr_line, bold, width, 17, 48)
    url_size, url_lines = _pdf_lines(url, regular, width, 13, 36, break_words=True)
    line_height = line_size * (1 + 1.3 * (len(line_lines) - 1))
    url_height = url_size * (1 + 1.3 * (len(url_lines) - 1))
    space = y - 24 - foot - 24  # between the sentence and the foot, with room around
    side = max(170.0, min(270.0, space - line_height - url_height - 18 - 10 - 24))
    block = side + 18 + line_height + 10 + url_height
    qr_top = foot + 24 + (space + block) / 2
    qr_left = (page_width - side) / 2
    matrix = qr_matrix(url)
    module = side / (len(matrix) + 8)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(qr_left, qr_top - side, side, side, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    for row, modules in enumerate(matrix):
        column = 0
        while column < len(modules):
            if not modules[column]:
                column += 1
                continue
            run = column
            while run < len(modules) and modules[run]:
                run += 1
            pdf.rect(qr_left + (4 + column) * module, qr_top - (5 + row) * module,
                     (run - column) * module, module, stroke=0, fill=1)
            column = run
    y = text_lines(line_lines, bold, line_size, qr_top - side - 18 + line_size * 0.2, dark)
    text_lines(url_lines, regular, url_size, y - 10, blue)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
