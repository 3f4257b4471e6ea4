"""The Word and PDF documents of a pledge (``pledges.documents``) and their workspace views:
the .docx read back by an independent reader (mammoth) with the pledge's Japanese text,
characters kept literally, East Asian fonts on every run, English labels in English; the
PDF with Noto Sans JP embedded; who may download them."""

import datetime
import io
import re
from decimal import Decimal

import docx
import mammoth
import pytest
from django.urls import reverse

from tests.factories import PledgeFactory, PledgeTargetFactory, ProgressReportFactory
from withrefugees.accounts.models import Membership
from withrefugees.pledges import documents
from withrefugees.pledges.models import CoPledger, TargetProgress

pytestmark = pytest.mark.django_db

LITERAL = "A&B <b>bold</b> \"quoted\" 'single' ＆ 髙﨑①"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(content: bytes) -> str:
    return mammoth.extract_raw_text(io.BytesIO(content)).value


@pytest.fixture
def pledge(lg, other_lg):
    pledge = PledgeFactory(
        local_government=lg, title_ja="難民の子どもの日本語教室", title_en="",
        description_ja=f"市内の小中学校で日本語教室を開きます。\n{LITERAL}",
        description_en="Japanese classes in our schools.",
        budget_amount=Decimal("1234567.89"), budget_currency="USD",
        areas=["education", "jobs_livelihoods"])
    PledgeTargetFactory(pledge=pledge, indicator="日本語教室に通う難民の子ども",
                        target_value=Decimal("30.0000"), unit="人",
                        target_date=datetime.date(2030, 3, 31))
    CoPledger.objects.create(pledge=pledge, local_government=other_lg)
    CoPledger.objects.create(pledge=pledge, organisation_name="NPO法人 難民支援＆協会",
                             position=1)
    return pledge


def test_docx_in_japanese_read_by_mammoth(pledge):
    content = documents.pledge_docx(pledge, language="ja")
    assert content[:2] == b"PK"
    text = docx_text(content)
    assert "難民の子どもの日本語教室" in text
    assert "市内の小中学校で日本語教室を開きます。" in text
    assert "日本語教室に通う難民の子ども" in text and "30" in text and "人" in text
    assert LITERAL in text  # & < > and quotes as typed, not escaped twice nor dropped
    assert "NPO法人 難民支援＆協会" in text
    assert "調布市（東京都）" in text  # the co-pledging local government
    assert "$1,234,567.89 (USD)" in text
    assert "2030年3月31日" in text
    assert "府中 花子" in text  # the contact goes to the GCR with the pledge


def test_every_run_has_an_east_asian_font(pledge):
    document = docx.Document(io.BytesIO(documents.pledge_docx(pledge, language="ja")))
    runs = document.element.body.iter(f"{W}r")
    count = 0
    for run in runs:
        count += 1
        fonts = run.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}eastAsia") == "Yu Gothic"
        assert fonts.get(f"{W}ascii") == "Arial"
        assert run.find(f"{W}rPr/{W}lang").get(f"{W}eastAsia") == "ja-JP"
    assert count > 40
    normal = document.styles["Normal"].element.rPr
    assert normal.rFonts.get(f"{W}eastAsia") == "Yu Gothic"
    assert normal.find(f"{W}lang").get(f"{W}eastAsia") == "ja-JP"
    assert document.core_properties.title == "難民の子どもの日本語教室"
    assert document.core_properties.language == "ja-JP"


def test_docx_in_english_has_english_labels_and_marks_the_fallback(pledge):
    from withrefugees.places.models import Country

    pledge.scope = "countries"
    pledge.save(update_fields=["scope"])
    pledge.countries.set(Country.objects.filter(code__in=["SY"]))
    content = documents.pledge_docx(pledge, language="en")
    text = docx_text(content)
    assert "Pledge to the Global Compact on Refugees" in text
    assert "Summary heading for this pledge" in text
    assert "Expected impact of the pledge in one sentence" in text
    assert "Measurable targets" in text and "Target value" in text
    assert "Fuchu City (Tokyo)" in text and "Local government" in text
    assert "Education" in text and "Jobs and livelihoods" in text
    # No English title: the Japanese one, marked as such.
    assert "難民の子どもの日本語教室 (in Japanese)" in text
    assert "Japanese classes in our schools." in text
    assert "市内の小中学校" not in text
    assert "March 31, 2030" in text
    assert "in named countries: Syria" in text
    document = docx.Document(io.BytesIO(content))
    assert document.core_properties.language == "en-GB"
    assert "担当者" not in text and "自治体" not in text  # no Japanese label


def test_progress_history_and_jpy_budget(lg):
    pledge = PledgeFactory(local_government=lg, status="published", gcr_reference="GRF-1",
                           budget_amount=Decimal("1000000"), budget_currency="JPY",
                           progress_status="fulfilled",
                           progress_reported_on=datetime.date(2029, 4, 1))
    target = PledgeTargetFactory(pledge=pledge, target_value=Decimal("12.5"), unit="校")
    old = ProgressReportFactory(pledge=pledge, status="planning", narrative="準備中です。",
                                reported_on=datetime.date(2028, 4, 1))
    new = ProgressReportFactory(pledge=pledge, status="fulfilled", narrative="達成しました！",
                                reported_on=datetime.date(2029, 4, 1))
    TargetProgress.objects.create(report=new, target=target, value_reached=Decimal("12.5"))
    TargetProgress.objects.create(report=old, target=target, value_reached=Decimal("0.0001"))
    text = docx_text(documents.pledge_docx(pledge, language="ja"))
    assert "￥1,000,000 (JPY)" in text
    assert text.index("達成しました！") < text.index("準備中です。")  # newest first
    assert "0.0001" in text and "12.5" in text  # exact values, never rounded
    assert "GRF-1" in text
    en = docx_text(documents.pledge_docx(pledge, language="en"))
    assert "April 1, 2029: fulfilled" in en and "in the planning stage" in en


def test_control_characters_are_stripped_defensively(lg):
    # (PostgreSQL cannot store NUL: xml_text is checked on it below.)
    pledge = PledgeFactory(local_government=lg, title_ja="教室\x0b\x1f\x7f計画",
                           description_ja="一行目\r\n二行目\x0c\ufffe\t終わり")
    content = documents.pledge_docx(pledge, language="ja")
    text = docx_text(content)
    assert "教室計画" in text
    assert "一行目\n\n二行目" in text and "\t終わり" in text  # each line a paragraph
    assert documents.pledge_pdf(pledge, language="ja").startswith(b"%PDF")
    assert documents.xml_text("a\x00b\x7fc\ud800d") == "abcd"


def test_pdf_embeds_noto_sans_jp(pledge):
    content = documents.pledge_pdf(pledge, language="ja")
    assert content.startswith(b"%PDF")
    assert b"NotoSansJP" in content  # the embedded (subset) font's name
    assert b"/ToUnicode" in content  # text can be copied and searched
    assert b"/FontFile2" in content  # a TrueType font program is embedded
    assert re.search(rb"/Lang \(ja-JP\)", content)
    en = documents.pledge_pdf(pledge, language="en")
    assert en.startswith(b"%PDF") and en != content


def test_pdf_markup_is_escaped():
    assert documents.pdf_markup("A&B <b>x</b>\n\"q\" 'y'") == (
        "A&amp;B &lt;b&gt;x&lt;/b&gt;<br/>&quot;q&quot; &#39;y&#39;")
    assert documents.pdf_markup("府中😀市") == "府中市"  # the font has no emoji


def test_long_text_wraps_onto_several_pages(lg):
    pledge = PledgeFactory(local_government=lg, description_ja="難民" * 2500,
                           description_en="word " * 1000)
    for language in ("ja", "en"):
        content = documents.pledge_pdf(pledge, language=language)
        assert len(re.findall(rb"/Type /Page[^s]", content)) >= 2


def test_filename_is_ascii(pledge):
    assert documents.document_filename(pledge, language="ja", extension="docx") == (
        f"pledge-{pledge.pk}-ja.docx")
    assert documents.document_filename(pledge, language="xx", extension="PDF") == (
        f"pledge-{pledge.pk}-ja.pdf")


# --- the views ----------------------------------------------------------------------------
def url(lg, pledge, language="ja", kind="docx"):
    return reverse(f"workspace:pledge_{kind}", kwargs={
        "lg_pk": lg.pk, "pledge_pk": pledge.pk, "language": language})


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_lead_officer_downloads(client, officer, lg, pledge, kind):
    client.force_login(officer)
    response = client.get(url(lg, pledge, "en", kind))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.MEDIA_TYPES[kind]
    assert response["Content-Disposition"] == (
        f'attachment; filename="pledge-{pledge.pk}-en.{kind}"')
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    if kind == "docx":
        assert "Summary heading for this pledge" in docx_text(response.content)
    else:
        assert response.content.startswith(b"%PDF")


def test_co_pledger_officer_reads_the_draft(client, other_officer, other_lg, pledge):
    client.force_login(other_officer)
    response = client.get(url(other_lg, pledge))
    assert response.status_code == 200
    assert "難民の子どもの日本語教室" in docx_text(response.content)


def test_another_city_officer_gets_404(client, make_officer, lg, pledge):
    from tests.factories import jp

    third = jp("131016")  # 千代田区: neither lead nor co-pledger
    stranger = make_officer(third)
    client.force_login(stranger)
    assert client.get(url(third, pledge)).status_code == 404
    assert client.get(url(third, pledge, kind="pdf")).status_code == 404
    # The lead's workspace is not theirs (the workspace's gate).
    assert client.get(url(lg, pledge)).status_code == 403


def test_a_former_co_pledger_loses_access(client, other_officer, other_lg, pledge):
    CoPledger.objects.filter(pledge=pledge, local_government=other_lg).delete()
    client.force_login(other_officer)
    assert client.get(url(other_lg, pledge)).status_code == 404


def test_unknown_language_and_ids_are_404(client, officer, lg, pledge):
    client.force_login(officer)
    assert client.get(url(lg, pledge, "fr")).status_code == 404
    bad = f"/ja/workspace/{lg.pk}/pledges/{10**40}/pledge-ja.docx"
    assert client.get(bad).status_code == 404
    assert client.post(url(lg, pledge)).status_code == 405


def test_anonymous_visitor_is_sent_to_sign_in(client, lg, pledge):
    response = client.get(url(lg, pledge))
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign" in response["Location"]


def test_staff_with_second_factor_downloads(client, staff, staff_without_totp, lg, pledge):
    client.force_login(staff)
    assert client.get(url(lg, pledge, kind="pdf")).status_code == 200
    client.force_login(staff_without_totp)
    assert client.get(url(lg, pledge)).status_code == 403


def test_an_officer_removed_from_the_lead_loses_access(client, officer, lg, pledge):
    client.force_login(officer)
    assert client.get(url(lg, pledge)).status_code == 200
    Membership.objects.filter(user=officer).delete()
    assert client.get(url(lg, pledge)).status_code == 403
