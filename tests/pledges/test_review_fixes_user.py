"""Fixes from a new-user trial of step 4: the documents (an em dash for an empty row, no
heading stranded at the foot of a PDF page, English labels wrapped at spaces only), the
public search through the co-pledgers' names, the dashboard of a co-pledging local
government, and the English expected impact on the checklist."""

import datetime
import io
import re

import docx
import mammoth
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from tests.factories import PledgeFactory, PledgeTargetFactory, jp
from tests.pledges.test_public_pages import co_pledge, published, sent
from tests.workspace.test_dashboard import page, step_row
from withrefugees.pledges import documents, selectors
from withrefugees.pledges.checklist import missing

pytestmark = pytest.mark.django_db
MITAKA = "132047"  # 三鷹市 (東京都)


# --- 1a. An empty row shows an em dash ------------------------------------------------------
@pytest.fixture
def sparse(lg):
    """A draft without co-pledgers, budget, matching pledge, GCR reference, nor target unit
    or date."""
    pledge = PledgeFactory(local_government=lg, budget_amount=None, budget_currency="")
    PledgeTargetFactory(pledge=pledge, indicator="教室の数", unit="", target_date=None)
    return pledge


@pytest.mark.parametrize("language", ["ja", "en"])
def test_docx_shows_an_em_dash_for_an_empty_row(sparse, language):
    content = documents.pledge_docx(sparse, language=language)
    text = mammoth.extract_raw_text(io.BytesIO(content)).value
    assert "未入力" not in text and "not given" not in text
    document = docx.Document(io.BytesIO(content))
    fields = {row.cells[0].text: row.cells[1].text for row in document.tables[1].rows}
    with translation.override(language):
        assert fields[translation.gettext("Estimated budget")] == "\u2014"
        assert fields[translation.gettext("GCR reference")] == "\u2014"
        assert fields[translation.gettext("Matching pledge")] == "\u2014"
    partners = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert "\u2014" in partners.values()  # no joint pledge partner
    targets = document.tables[2].rows[1].cells
    assert [c.text for c in targets][0] == "教室の数" and targets[2].text == "\u2014"
    assert targets[3].text == "\u2014"
    # Not in italics like a remark: a plain dash.
    dash_runs = [r for p in document.tables[1].rows[-1].cells[1].paragraphs for r in p.runs]
    assert [r.text for r in dash_runs] == ["\u2014"] and not dash_runs[0].italic


def story(pledge, language: str) -> list:
    with translation.override(language):
        return documents.pdf_story(documents._with_parts(pledge), language=language)


def flat(flowables) -> list:
    out = []
    for f in flowables:
        out += flat(f._content) if isinstance(f, KeepTogether) else [f]
    return out


def test_pdf_shows_an_em_dash_for_an_empty_row(sparse):
    for language in ("ja", "en"):
        texts = [cell[0].text if isinstance(cell, (list, tuple)) else cell.text
                 for f in flat(story(sparse, language)) if isinstance(f, Table)
                 for row in f._cellvalues for cell in row]
        assert "\u2014" in texts and "未入力" not in texts and "not given" not in texts


# --- 1b. A heading is never stranded at the foot of a page ----------------------------------
class Recorder(SimpleDocTemplate):
    """Records the page each flowable is drawn on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.drawn = []

    def afterFlowable(self, flowable):
        self.drawn.append((self.page, flowable))


def pages_of(pledge, language: str, filler_mm: float) -> tuple[int, int]:
    """The pages of the heading "Measurable targets" and of the first part of its table,
    with ``filler_mm`` of empty space before the document."""
    doc = Recorder(io.BytesIO(), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                   topMargin=20 * mm, bottomMargin=20 * mm)
    heading = "測定可能な目標" if language == "ja" else "Measurable targets"
    with translation.override(language):
        doc.build([Spacer(1, filler_mm * mm), *story(pledge, language)])
    index = next(i for i, (_, f) in enumerate(doc.drawn)
                 if isinstance(f, Paragraph) and f.getPlainText() == heading)
    table = next(page for page, f in doc.drawn[index + 1:] if isinstance(f, Table))
    return doc.drawn[index][0], table


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_targets_heading_stays_on_the_page_of_its_table(lg, language):
    pledge = PledgeFactory(local_government=lg)
    for i in range(3):
        PledgeTargetFactory(pledge=pledge, indicator=f"指標{i}", position=i)
    # Wherever the heading falls on the page (the filler shifts it down by 8 mm steps,
    # across a whole page), its table starts on the same page.
    first_page = A4[1] / mm - 40 - 10  # the margins, the frame's padding
    seen = set()
    for filler in range(0, int(first_page), 8):
        heading_page, table_page = pages_of(pledge, language, filler)
        seen.add(heading_page)
        assert heading_page == table_page, filler
    assert len(seen) >= 2  # the heading did move across a page break


def test_headings_are_kept_with_what_follows_in_the_story(lg):
    pledge = PledgeFactory(local_government=lg)
    PledgeTargetFactory(pledge=pledge)
    items = story(pledge, "ja")
    together = [f for f in items if isinstance(f, KeepTogether)]
    groups = [[type(c).__name__ for c in k._content] for k in together]
    texts = [k._content[0].getPlainText() for k in together]
    assert "測定可能な目標" in texts
    assert groups[texts.index("測定可能な目標")] == ["Paragraph", "Table"]
    # A long table (the pledge's fields) is not moved whole: a conditional page break
    # before its heading.
    long = PledgeFactory(local_government=lg, description_ja="難民" * 2500)
    names = [type(f).__name__ for f in story(long, "ja")]
    assert "CondPageBreak" in names
    assert names[names.index("CondPageBreak") + 1:][:2] == ["Paragraph", "Table"]


# --- 1c. English labels wrap at spaces only -------------------------------------------------
def line_texts(paragraph: Paragraph, width: float) -> list[str]:
    paragraph.wrap(width, 10_000)
    lines = []
    for line in paragraph.blPara.lines:
        if isinstance(line, tuple):
            lines.append(" ".join(line[1]))
        else:
            lines.append("".join(getattr(w, "text", "") for w in line.words).strip())
    return lines


def test_english_labels_break_between_words(lg):
    pledge = PledgeFactory(local_government=lg)
    fields = [f for f in flat(story(pledge, "en")) if isinstance(f, Table)][1]
    width = fields._colWidths[0] - 8  # the padding
    labels = [row[0][0] if isinstance(row[0], (list, tuple)) else row[0]
              for row in fields._cellvalues]
    broken = False
    for label in labels:
        words = label.getPlainText().split()
        lines = line_texts(label, width)
        broken |= len(lines) > 1
        assert [w for line in lines for w in line.split()] == words, lines
    assert broken  # some label is long enough to wrap at all
    multistakeholder = next(x for x in labels if "multistakeholder" in x.getPlainText())
    assert any(line.startswith("multistakeholder") or " multistakeholder" in line
               for line in line_texts(multistakeholder, width))
    assert documents._pdf_styles("ja", "Helvetica", "Helvetica-Bold")["label"].wordWrap == (
        "CJK")  # Japanese still breaks between characters


def test_a_japanese_fallback_in_an_english_pdf_wraps_as_japanese(lg):
    pledge = PledgeFactory(local_government=lg, title_en="", description_en="",
                           description_ja="難民" * 400)
    paragraphs = [f for f in flat(story(pledge, "en")) if isinstance(f, Paragraph)]
    title = next(p for p in paragraphs if "(in Japanese)" in p.getPlainText())
    assert title.style.wordWrap == "CJK"
    assert documents.pledge_pdf(pledge, language="en").startswith(b"%PDF")


# --- 2. The public search finds joint pledges by their co-pledgers --------------------------
def test_search_finds_a_joint_pledge_by_a_co_pledging_local_government(lg, other_lg):
    mitaka = jp(MITAKA)
    joint = published(local_government=lg, title_en="Joint classes", title_ja="共同教室")
    co_pledge(joint, mitaka)
    co_pledge(joint, other_lg)
    co_pledge(joint, organisation="難民支援協会")
    published(local_government=other_lg, title_en="Other", title_ja="別")
    for q in ("三鷹", "三鷹市", "Mitaka", "mitaka", "難民支援", "三鷹 共同"):
        found = list(selectors.browser_pledges(selectors.browser_query({"q": q})))
        assert found == [joint], q  # once, though two co-pledgers match "市"
    both = list(selectors.browser_pledges(selectors.browser_query({"q": "市"})))
    assert len(both) == len(set(both)) == 2
    assert not list(selectors.browser_pledges(selectors.browser_query({"q": "三鷹 別"})))


def test_search_through_co_pledgers_keeps_the_browser_queries(client, lg, other_lg):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/en/pledges/?q=三鷹")
            assert response.status_code == 200
        return len(captured)

    joint = published(local_government=lg)
    co_pledge(joint, jp(MITAKA))
    one = count()
    for i in range(6):
        pledge = published(local_government=[lg, other_lg][i % 2])
        co_pledge(pledge, jp(MITAKA))
        co_pledge(pledge, organisation=f"三鷹 NGO {i}")
    assert count() == one


# --- 3. The dashboard of a co-pledging local government -------------------------------------
def test_co_pledging_a_public_pledge_is_step_4_done(client, other_officer, lg, other_lg):
    joint = published(local_government=lg)
    co_pledge(joint, other_lg)
    row = step_row(page(client, other_officer, other_lg), "pledge")
    assert row.startswith(" 4. Pledge done Co-pledges 1 public pledge led by another "
                          "local government.")
    assert "approved by UNHCR and submitted" not in row  # its lead submitted it


def test_co_pledging_a_draft_is_step_4_in_progress(client, other_officer, lg, other_lg):
    joint = PledgeFactory(status="draft", local_government=lg)
    co_pledge(joint, other_lg)
    co_pledge(PledgeFactory(status="submitted", local_government=lg), other_lg)
    html = page(client, other_officer, other_lg)
    row = step_row(html, "pledge")
    assert row.startswith(" 4. Pledge in progress Co-pledges 2 pledges led by other local "
                          "governments, not yet approved by UNHCR")
    assert "No pledge drafted yet" not in row and "How this step works" not in row
    assert "Joint pledges you join, led by others, not public yet 2" in row
    assert f'href="/en/workspace/{other_lg.pk}/pledges/"' in html


def test_own_and_co_pledged_public_pledges_are_both_said(client, officer, lg, other_lg):
    sent(local_government=lg)
    co_pledge(published(local_government=other_lg), lg)
    co_pledge(published(local_government=other_lg), lg)
    row = step_row(page(client, officer, lg), "pledge")
    assert ("done 1 pledge approved by UNHCR and submitted to the GCR. Co-pledges 2 public "
            "pledges led by other local governments.") in row


def test_the_co_pledgers_step_in_japanese(client, other_officer, lg, other_lg):
    co_pledge(published(local_government=lg), other_lg)
    row = step_row(page(client, other_officer, other_lg, "ja"), "pledge")
    assert "他の自治体が主導する公開中のプレッジ1件に共同で参加しています。" in row


def test_counts_of_co_pledged_pledges(lg, other_lg):
    co_pledge(PledgeFactory(status="returned", local_government=lg), other_lg)
    co_pledge(sent(local_government=lg), other_lg)
    PledgeFactory(status="draft", local_government=lg)  # not joined
    counts = selectors.pledge_counts(other_lg, today=timezone.localdate())
    assert (counts.co_pledged, counts.co_pledged_open, counts.total) == (1, 1, 0)
    mine = selectors.pledge_counts(lg, today=timezone.localdate())
    assert (mine.co_pledged, mine.co_pledged_open, mine.total) == (0, 0, 3)


# --- 4. The English expected impact is asked for --------------------------------------------
def test_submission_needs_the_english_expected_impact(lg):
    pledge = PledgeFactory(local_government=lg, expected_impact_en="",
                           starts_on=datetime.date(2026, 4, 1))
    PledgeTargetFactory(pledge=pledge)
    assert [item.key for item in missing(pledge)] == ["expected_impact_en"]
    text = mammoth.extract_raw_text(io.BytesIO(
        documents.pledge_docx(pledge, language="en"))).value
    assert re.search(r"\(in Japanese\)", text)  # why it is asked: the fallback
