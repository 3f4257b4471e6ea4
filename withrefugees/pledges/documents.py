"""The Word (.docx) and PDF documents of a pledge, laid out like the GCR pledge template:
what the lead local government sends to the GCR mailbox (issue 10: "Export as a Word
document (.docx) laid out like the GCR pledge template, in ja or en").

Content (``document_blocks``, shared by both formats), in the GCR's vocabulary
(``shared/reference/gcr-pledge-fields.md`` §2, the 2023 form's labels where S8 gives them):
the submitting entity (name, type "local government", joint pledge partners, contact), the
pledge (summary heading, description, expected impact in one sentence, type of pledge, GCR
objectives, areas of focus, where it applies, timeframe, estimated budget, forum,
multistakeholder pledges linked, matching, GCR reference), the measurable targets (a table:
indicator, target value, unit, date) and, when there is one, the progress history (newest
first). Labels are in ``language`` (``ja``/``en``); the pledge's texts in that language,
else in the other one, marked "(in Japanese)" / "（英語）" beside them. Amounts are
formatted by Babel for the language from the exact ``Decimal`` (never a float), with the
ISO 4217 code (``$1,234,567.89 (USD)``, ``￥1,000,000 (JPY)``).

Word: python-docx. Every run and the Normal style carry an East Asian font (``w:rFonts
w:eastAsia`` ``EAST_ASIAN_FONT``, "Yu Gothic", installed with Office and on Windows since
8.1; LibreOffice substitutes a Japanese font it has) and ``w:lang w:eastAsia="ja-JP"``, so
that Word and LibreOffice set Japanese in a Japanese font, never in Chinese glyphs; Latin
text in ``LATIN_FONT``. Every character typed is kept literally (``&``, ``<``, ``>``,
quotes: python-docx escapes XML); line breaks become ``<w:br/>``. XML cannot hold control
characters (other than tab, LF, CR), surrogates, U+FFFE or U+FFFF: the services refuse
them, and ``xml_text`` strips any left (defensively). Core properties: title, language,
subject, author.

PDF: ReportLab with Noto Sans JP embedded (the TrueType files of the settings
``CARD_FONT_REGULAR``/``CARD_FONT_BOLD``, as ``social.cards``; a subset of the glyphs
used), A4, text wrapped (Japanese between characters, ``wordWrap="CJK"``; English at
spaces only), escaped for ReportLab's paragraph markup; a heading is never left at the foot
of a page without what follows it (``_keep_headings_with_next``). An empty row or cell
shows an em dash (``EMPTY``) in both formats. Characters the font lacks (emoji, scripts Noto Sans JP
does not cover) are left out of the PDF (``social.cards.drawable``), where they would be
drawn as boxes; the Word document keeps them.
"""

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from xml.sax.saxutils import escape

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from withrefugees.core.validators import without_control_characters

from .models import (
    Forum,
    GcrObjective,
    Pledge,
    PledgeKind,
    ProgressStatus,
    Scope,
)

LANGUAGES = ("ja", "en")
EAST_ASIAN_FONT = "Yu Gothic"
LATIN_FONT = "Arial"
#: ``w:lang`` of the runs: the language of the Latin text (``w:val``) by document
#: language; East Asian text is always Japanese.
LATIN_LANG = {"ja": "ja-JP", "en": "en-GB"}
AUTHOR = "Cities #WithRefugees"
BABEL_LOCALE = {"ja": "ja_JP", "en": "en"}
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}

# Characters XML 1.0 cannot carry (beyond the control characters): surrogates, U+FFFE/FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without what XML cannot hold: control characters other than tab, LF, CR
    (``core.validators.without_control_characters``), lone surrogates, U+FFFE, U+FFFF;
    CR LF and CR as LF. Every other character is kept."""
    text = without_control_characters(text or "")
    text = _NOT_XML.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- Content ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Text:
    """A value to show: ``text``, and ``other_language`` (``"ja"``/``"en"``) when it is in
    the other language than the document's (a fallback, marked)."""

    text: str
    other_language: str = ""


@dataclass
class Block:
    """One piece of the document: a ``heading`` (``level`` 0 for the title, 1, 2), a
    ``fields`` table (``rows``: label, Text), a ``table`` (``header`` and ``rows`` of
    Texts) or a ``paragraph`` (``text``)."""

    kind: str
    text: Text = field(default_factory=lambda: Text(""))
    level: int = 1
    header: list[str] = field(default_factory=list)
    rows: list = field(default_factory=list)


def document_language(language: str) -> str:
    return language if language in LANGUAGES else "ja"


#: What an empty row or cell shows: an em dash, as in a formal document (never "not given").
EMPTY = "\u2014"


def _or_empty(value: Text) -> Text:
    return value if value.text.strip() else Text(EMPTY)


def _bilingual(obj, base: str, language: str) -> Text:
    text, code = obj.localised_with_language(base, language)
    return Text(text, "" if not text or code == language else code)


def _other_language_note(code: str) -> str:
    return _("(in Japanese)") if code == "ja" else _("(in English)")


def _date(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


def _number(value: Decimal, language: str) -> str:
    """``value`` as written in ``language`` (grouping), every decimal it has and no
    trailing zeros (``Decimal("30.0000")`` → ``30``, ``Decimal("0.0001")`` → ``0.0001``)."""
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    else:
        value = value.normalize()
    return format_decimal(value, locale=BABEL_LOCALE[language], decimal_quantization=False)


def budget_text(amount: Decimal | None, currency: str, language: str) -> str:
    """``$1,234,567.89 (USD)``: ``amount`` in ``currency`` as ``language`` writes it
    (Babel, CLDR), exact (no rounding), with the ISO 4217 code; "" without an amount."""
    if amount is None or not currency:
        return ""
    try:
        shown = format_currency(amount, currency, locale=BABEL_LOCALE[language],
                                decimal_quantization=False)
    except (ValueError, LookupError):  # an unknown code: the number and the code
        shown = _number(amount, language)
    return f"{shown} ({currency})" if currency not in shown else shown


def _timeframe(pledge: Pledge) -> str:
    start, end = _date(pledge.starts_on), _date(pledge.ends_on)
    if start and end:
        return f"{start} – {end}"
    if start:
        return _("from %(date)s") % {"date": start}
    if end:
        return _("until %(date)s") % {"date": end}
    return ""


def _where(pledge: Pledge, language: str) -> str:
    """The scope, then the countries named (``in named countries: Syria, Afghanistan``)."""
    text = str(Scope(pledge.scope).label) if pledge.scope else ""
    countries = ("、" if language == "ja" else ", ").join(
        c.name for c in pledge.countries.all())
    if countries:
        text = f"{text}: {countries}" if text else countries
    return text


def _co_pledgers(pledge: Pledge) -> str:
    return "\n".join(co.local_government.label if co.local_government_id
                     else co.organisation_name for co in pledge.co_pledgers.all())


def _matching(pledge: Pledge, language: str) -> str:
    lines = []
    if pledge.matches_id:
        lines.append(pledge.matches.localised("title", language))
    if pledge.matches_gcr_reference:
        lines.append(pledge.matches_gcr_reference)
    return "\n".join(lines)


def _lines(items: Iterable) -> str:
    return "\n".join(str(item) for item in items)


def document_title(pledge: Pledge, language: str) -> str:
    return pledge.localised("title", language) or _("Pledge %(id)s") % {"id": pledge.pk}


def document_blocks(pledge: Pledge, *, language: str) -> list[Block]:
    """The content of the documents of ``pledge`` in ``language`` (see the module
    docstring). Call within ``translation.override(language)``."""
    lg = pledge.local_government
    contact = "\n".join(filter(None, [pledge.contact_name, pledge.contact_email]))
    blocks = [
        Block("heading", Text(_("Pledge to the Global Compact on Refugees")), level=0),
        Block("heading", _bilingual(pledge, "title", language), level=1),
        Block("heading", Text(_("Submitting entity")), level=2),
        Block("fields", rows=[
            (_("Name of entity submitting"), Text(lg.label)),
            (_("Type of entity"), Text(_("Local government"))),
            (_("Joint pledge: other pledging entities"), Text(_co_pledgers(pledge))),
            (_("Contact person"), Text(contact)),
        ]),
        Block("heading", Text(_("The pledge")), level=2),
        Block("fields", rows=[
            (_("Summary heading for this pledge"), _bilingual(pledge, "title", language)),
            (_("Pledge description"), _bilingual(pledge, "description", language)),
            (_("Expected impact of the pledge in one sentence"),
             _bilingual(pledge, "expected_impact", language)),
            (_("Type of pledge"), Text(_lines(PledgeKind(k).label for k in pledge.kinds))),
            (_("GCR objectives"),
             Text(_lines(GcrObjective(o).label for o in pledge.objectives))),
            (_("Areas of focus"),
             Text(_lines(a.localised("name", language) for a in pledge.areas.all()))),
            (_("Where the pledge applies"), Text(_where(pledge, language))),
            (_("Timeframe"), Text(_timeframe(pledge))),
            (_("Estimated budget"),
             Text(budget_text(pledge.budget_amount, pledge.budget_currency, language))),
            (_("Forum"), Text(str(Forum(pledge.forum).label) if pledge.forum else "")),
            (_("Linked to the multistakeholder pledge"),
             Text(_lines(m.localised("name", language)
                         for m in pledge.multistakeholder_pledges.all()))),
            (_("Matching pledge"), Text(_matching(pledge, language))),
            (_("GCR reference"),
             Text("\n".join(filter(None, [pledge.gcr_reference, pledge.gcr_url])))),
        ]),
        Block("heading", Text(_("Measurable targets")), level=2),
    ]
    targets = list(pledge.targets.all())
    if targets:
        blocks.append(Block(
            "table", header=[_("Indicator"), _("Target value"), _("Unit"), _("Target date")],
            rows=[[Text(t.indicator), Text(_number(t.target_value, language)),
                   Text(t.unit), Text(_date(t.target_date))] for t in targets]))
    else:
        blocks.append(Block("paragraph", Text(_("No measurable target yet."))))
    reports = list(pledge.progress_reports.all())
    if reports:
        blocks.append(Block("heading", Text(_("Progress")), level=2))
        for report in reports:
            blocks.append(Block("heading", Text(_("%(date)s: %(stage)s") % {
                "date": _date(report.reported_on),
                "stage": ProgressStatus(report.status).label}), level=3))
            if report.narrative:
                blocks.append(Block("paragraph", Text(report.narrative)))
            values = list(report.values.all())
            if values:
                blocks.append(Block(
                    "table", header=[_("Indicator"), _("Value reached"), _("Unit")],
                    rows=[[Text(v.target.indicator),
                           Text(_number(v.value_reached, language)),
                           Text(v.target.unit)] for v in values]))
    return blocks


def _with_parts(pledge: Pledge) -> Pledge:
    """``pledge`` again with what the documents read, in a fixed number of queries."""
    from django.db.models import Prefetch

    from .models import CoPledger, PledgeTarget, ProgressReport, TargetProgress

    return (Pledge.objects.select_related("local_government__region",
                                          "local_government__country", "matches")
            .prefetch_related(
                "areas", "countries", "multistakeholder_pledges",
                Prefetch("co_pledgers", CoPledger.objects.select_related(
                    "local_government__region", "local_government__country")),
                Prefetch("targets", PledgeTarget.objects.order_by("position", "pk")),
                Prefetch("progress_reports", ProgressReport.objects.prefetch_related(
                    Prefetch("values", TargetProgress.objects.select_related("target")
                             .order_by("target__position", "target__pk")))))
            .get(pk=pledge.pk))


def document_filename(pledge: Pledge, *, language: str, extension: str) -> str:
    """``pledge-12-ja.docx``: ASCII only, whatever the title."""
    language = document_language(language)
    extension = re.sub(r"[^a-z0-9]", "", extension.lower()) or "bin"
    return f"pledge-{int(pledge.pk)}-{language}.{extension}"


# --- Word ---------------------------------------------------------------------------------
def _east_asian(element, language: str) -> None:
    """Set the East Asian font and language on ``element``'s run properties (a run's
    ``w:rPr`` or a style's)."""
    from docx.oxml.ns import qn

    fonts = element.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the names
    lang = element.find(qn("w:lang"))
    if lang is None:  # in the schema's order (Word refuses another)
        from docx.oxml import OxmlElement

        lang = OxmlElement("w:lang")
        element.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish",
                                      "w:oMath")
    lang.set(qn("w:val"), LATIN_LANG[language])
    lang.set(qn("w:eastAsia"), "ja-JP")


def _add_text(paragraph, text: str, language: str, *, bold: bool = False,
              italic: bool = False):
    run = paragraph.add_run(xml_text(text))
    run.bold = bold or None
    run.italic = italic or None
    _east_asian(run._element.get_or_add_rPr(), language)
    return run


def _add_value(paragraph, value: Text, language: str, *, add_paragraph=None) -> None:
    """``value`` into ``paragraph``; each further line of it in a paragraph of its own
    (``add_paragraph()``: of the same cell or document), the fallback's mark after it."""
    lines = xml_text(value.text).split("\n")
    if add_paragraph is None:
        lines = [" ".join(lines)] if len(lines) > 1 else lines
    _add_text(paragraph, lines[0], language)
    for line in lines[1:]:
        paragraph = add_paragraph()
        _add_text(paragraph, line, language)
    if value.other_language:
        _add_text(paragraph, " " + _other_language_note(value.other_language), language,
                  italic=True)


def pledge_docx(pledge: Pledge, *, language: str) -> bytes:
    """The Word document of ``pledge`` in ``language`` (see the module docstring)."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt

    language = document_language(language)
    pledge = _with_parts(pledge)
    with translation.override(language):
        blocks = document_blocks(pledge, language=language)
        title = xml_text(document_title(pledge, language))
        document = docx.Document()
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
            _east_asian(document.styles[name].element.get_or_add_rPr(), language)
        document.styles["Normal"].font.size = Pt(10.5)
        section = document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.0))
        properties = document.core_properties
        properties.title = title
        properties.language = LATIN_LANG[language]
        properties.subject = _("Pledge to the Global Compact on Refugees")
        properties.author = AUTHOR
        properties.last_modified_by = AUTHOR
        properties.comments = ""
        properties.keywords = "GCR, #WithRefugees"
        now = timezone.now().replace(microsecond=0)
        properties.created = properties.modified = now
        properties.revision = 1

        for block in blocks:
            if block.kind == "heading":
                paragraph = document.add_heading("", level=block.level)
                _add_value(paragraph, block.text, language)
            elif block.kind == "paragraph":
                _add_value(document.add_paragraph(), block.text, language,
                           add_paragraph=document.add_paragraph)
            elif block.kind == "fields":
                table = document.add_table(rows=0, cols=2)
                table.style = "Table Grid"
                table.alignment = WD_TABLE_ALIGNMENT.CENTER
                for label, value in block.rows:
                    cells = table.add_row().cells
                    cells[0].width, cells[1].width = Cm(5.5), Cm(11.5)
                    _add_text(cells[0].paragraphs[0], label, language, bold=True)
                    _add_value(cells[1].paragraphs[0], _or_empty(value), language,
                               add_paragraph=cells[1].add_paragraph)
            elif block.kind == "table":
                table = document.add_table(rows=1, cols=len(block.header))
                table.style = "Table Grid"
                for cell, label in zip(table.rows[0].cells, block.header, strict=True):
                    _add_text(cell.paragraphs[0], label, language, bold=True)
                for row in block.rows:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row, strict=True):
                        _add_value(cell.paragraphs[0], _or_empty(value), language,
                                   add_paragraph=cell.add_paragraph)
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------
@lru_cache(maxsize=4)
def _pdf_fonts(regular_path: str, bold_path: str) -> tuple[str, str]:
    """Register Noto Sans JP (regular, bold) with ReportLab once, as a family (``<b>``
    works); their registered names. Raises ``OSError`` when a file is missing."""
    import hashlib

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    suffix = hashlib.sha256(f"{regular_path}|{bold_path}".encode()).hexdigest()[:8]
    regular, bold = f"NotoSansJP-Pledge-{suffix}", f"NotoSansJP-Pledge-Bold-{suffix}"
    pdfmetrics.registerFont(TTFont(regular, regular_path))
    pdfmetrics.registerFont(TTFont(bold, bold_path))
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=bold, italic=regular,
                                  boldItalic=bold)
    return regular, bold


def pdf_markup(text: str) -> str:
    """``text`` for a ReportLab ``Paragraph``: what the font cannot draw left out (line by
    line, ``social.cards.drawable``), XML-escaped (``&``, ``<``, ``>`` and quotes kept as
    typed), line breaks as ``<br/>``."""
    from withrefugees.social.cards import drawable

    lines = [drawable(line, pdf=True) for line in xml_text(text).split("\n")]
    return "<br/>".join(escape(line, {'"': "&quot;", "'": "&#39;"}) for line in lines)


#: How much room a heading needs below it on the page, with the start of a long block (a
#: table taller than ``KEEP_WHOLE`` of a page): less, and the heading starts a new page.
MIN_ROOM_MM = 45
#: A block at most this share of a page is kept whole on the page of its heading.
KEEP_WHOLE = 1 / 3


def _pdf_styles(language: str, regular: str, bold: str) -> dict:
    """The paragraph styles of the PDF. Japanese breaks between characters (``CJK``);
    English only at spaces (a word longer than its line is still split, ReportLab's
    ``splitLongWords``), so that a label never breaks mid-word ("multistakehold/er").
    ``"<name>_ja"``: the same style for Japanese text in an English document (a
    fallback)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    wrap = "CJK" if language == "ja" else None
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=15,
                          wordWrap=wrap, splitLongWords=1, alignment=TA_LEFT)
    styles = {
        "body": base,
        "label": ParagraphStyle("label", parent=base, fontName=bold),
        "note": ParagraphStyle("note", parent=base, textColor=colors.HexColor("#555555")),
        0: ParagraphStyle("h0", parent=base, fontName=bold, fontSize=12, leading=17,
                          textColor=colors.HexColor("#0072BC"), spaceAfter=4),
        1: ParagraphStyle("h1", parent=base, fontName=bold, fontSize=17, leading=24,
                          spaceAfter=8),
        2: ParagraphStyle("h2", parent=base, fontName=bold, fontSize=13, leading=19,
                          spaceBefore=10, spaceAfter=5),
        3: ParagraphStyle("h3", parent=base, fontName=bold, fontSize=11, leading=16,
                          spaceBefore=6, spaceAfter=3),
    }
    for name, style in list(styles.items()):
        styles[f"{name}_ja"] = ParagraphStyle(f"{style.name}_ja", parent=style,
                                              wordWrap="CJK")
    return styles


def _keep_headings_with_next(items: list, width: float, frame_height: float) -> list:
    """``items`` (``(flowable, is_heading)``) as a story in which no heading is left at
    the foot of a page without what follows it: headings and a following block of at
    most ``KEEP_WHOLE`` of a page in one ``KeepTogether``; before a longer block, a
    ``CondPageBreak`` (the headings and ``MIN_ROOM_MM`` of the block on the same page)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether

    story, headings = [], []
    for flowable, is_heading in items:
        if is_heading:
            headings.append(flowable)
            continue
        if not headings:
            story.append(flowable)
            continue
        _, height = flowable.wrap(width, frame_height)
        if height <= frame_height * KEEP_WHOLE:
            story.append(KeepTogether([*headings, flowable]))
        else:
            needed = sum(h.wrap(width, frame_height)[1] + h.getSpaceBefore()
                         + h.getSpaceAfter() for h in headings)
            story += [CondPageBreak(needed + MIN_ROOM_MM * mm), *headings, flowable]
        headings = []
    return story + headings


def pdf_story(pledge: Pledge, *, language: str) -> list:
    """The ReportLab flowables of the PDF of ``pledge`` (``_with_parts`` already applied)
    in ``language``, A4 with 20 mm margins. Call within ``translation.override``."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    regular, bold = _pdf_fonts(str(settings.CARD_FONT_REGULAR), str(settings.CARD_FONT_BOLD))
    styles = _pdf_styles(language, regular, bold)

    def value(text: Text, style="body") -> Paragraph:
        markup = pdf_markup(text.text)
        if text.other_language:
            markup += " " + pdf_markup(_other_language_note(text.other_language))
            if text.other_language == "ja":
                style = f"{style}_ja"
        return Paragraph(markup, styles[style])

    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), 4),
                       ("RIGHTPADDING", (0, 0), (-1, -1), 4)])
    width = A4[0] - 40 * mm
    frame_height = A4[1] - 40 * mm
    items = []  # (flowable, is_heading)
    for block in document_blocks(pledge, language=language):
        if block.kind == "heading":
            items.append((value(block.text, block.level), True))
            continue
        if block.kind == "paragraph":
            flowable = value(block.text)
        elif block.kind == "fields":
            rows = [[Paragraph(pdf_markup(label), styles["label"]),
                     value(_or_empty(text))] for label, text in block.rows]
            flowable = Table(rows, colWidths=[width * 0.32, width * 0.68], splitInRow=1)
            flowable.setStyle(grid)
        elif block.kind == "table":
            columns = len(block.header)
            widths = ([width * 0.46, width * 0.18, width * 0.14, width * 0.22]
                      if columns == 4 else [width * 0.6, width * 0.22, width * 0.18])
            rows = [[Paragraph(pdf_markup(h), styles["label"]) for h in block.header]]
            rows += [[value(_or_empty(text)) for text in row] for row in block.rows]
            flowable = Table(rows, colWidths=widths, repeatRows=1, splitInRow=1)
            flowable.setStyle(grid)
        else:  # pragma: no cover
            continue
        items.append((flowable, False))
        items.append((Spacer(1, 3 * mm), False))
    return _keep_headings_with_next(items, width, frame_height)


def pledge_pdf(pledge: Pledge, *, language: str) -> bytes:
    """The PDF of ``pledge`` in ``language``: the same content as ``pledge_docx`` (see the
    module docstring). Raises ``OSError`` when a font file is missing."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    language = document_language(language)
    pledge = _with_parts(pledge)
    buffer = io.BytesIO()
    with translation.override(language):
        story = pdf_story(pledge, language=language)
        title = document_title(pledge, language)

        def set_language(canvas, _doc) -> None:
            catalog = getattr(canvas._doc, "Catalog", None)  # PDF/UA, screen readers
            if catalog is not None:
                from reportlab.pdfbase.pdfdoc import PDFString

                catalog.Lang = PDFString(LATIN_LANG[language])

        document = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
            topMargin=20 * mm, bottomMargin=20 * mm, title=xml_text(title), author=AUTHOR,
            subject=_("Pledge to the Global Compact on Refugees"), creator=AUTHOR,
            invariant=True)
        document.build(story, onFirstPage=set_language, onLaterPages=set_language)
    return buffer.getvalue()
