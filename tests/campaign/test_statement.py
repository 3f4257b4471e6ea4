"""Statement versions: verbatim brochure text, hashes, immutability once signed."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tests.factories import SignatureFactory
from withrefugees.campaign.models import StatementText, content_hash
from withrefugees.campaign.selectors import statement_text_current

pytestmark = pytest.mark.django_db
BROCHURE = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_4d3b7db5f0856764.txt"


def test_version_1_japanese_is_the_brochure_statement_verbatim():
    text = statement_text_current("ja")
    assert text.version.number == 1 and not text.is_translation
    assert text.body.startswith("私たちは、一都市、一地域として、#WithRefugees")
    assert text.body.endswith("「Cities #WithRefugees」の輪に加わり、ともに行動し、変化を生み出していきましょう。")
    if not BROCHURE.exists():
        pytest.skip("shared/seed is not beside this checkout")
    source = BROCHURE.read_text(encoding="utf-8")
    start = source.index("私たちは、一都市、一地域として")
    end = source.index("変化を生み出していきましょう。") + len("変化を生み出していきましょう。")
    flat = lambda s: "".join(s.split())  # noqa: E731 - the PDF text wraps lines mid-sentence
    assert flat(text.body) == flat(source[start:end])


def test_english_is_marked_as_translation():
    text = statement_text_current("en")
    assert text.language == "en" and text.is_translation
    assert "#WithRefugees" in text.body


def test_content_hash_is_sha256_of_normalised_text():
    text = statement_text_current("ja")
    assert text.content_hash == content_hash(text.title + "\n" + text.body)
    assert len(text.content_hash) == 64


def test_signed_text_is_immutable_and_unsigned_text_replaceable():
    ja = statement_text_current("ja")  # signed by the brochure participants
    ja.body += "追加"
    with pytest.raises(ValidationError):
        ja.save()
    en = StatementText.objects.get(pk=statement_text_current("en").pk)
    assert not en.is_signed
    en.body = "Official English text."
    en.is_translation = False
    en.save()
    assert en.content_hash == content_hash(en.title + "\nOfficial English text.")
    SignatureFactory(statement_text=en, language="en")
    en.body = "Changed again."
    with pytest.raises(ValidationError):
        en.save()


def test_a_new_version_becomes_current_and_old_signatures_keep_their_text(client):
    from withrefugees.campaign import services
    from withrefugees.campaign.models import StatementVersion

    old = statement_text_current("ja")
    v2 = StatementVersion.objects.create(number=2)
    with pytest.raises(services.InvalidTransition):
        services.statement_version_make_current(version=v2)
    StatementText.objects.create(version=v2, language="ja", title="第2版", body="新しい本文。")
    services.statement_version_make_current(version=v2)
    assert statement_text_current("ja").body == "新しい本文。"
    assert statement_text_current("en").version == v2  # falls back to the Japanese text
    assert StatementVersion.objects.filter(is_current=True).get() == v2
    assert old.signatures.count() == 4  # the brochure participants signed version 1
    assert "新しい本文。" in client.get("/ja/sign/").content.decode()


def test_admin_text_with_windows_line_endings_keeps_paragraphs_and_signed_text_stays_saveable():
    from withrefugees.campaign.admin import StatementTextForm

    ja = statement_text_current("ja")
    crlf = {"language": "ja", "title": ja.title, "body": ja.body.replace("\n", "\r\n"),
            "is_translation": ""}
    form = StatementTextForm(data=crlf, instance=ja)
    assert form.is_valid(), form.errors  # same text, only the line endings differ
    changed = StatementTextForm(data={**crlf, "body": crlf["body"] + "追加"}, instance=ja)
    assert not changed.is_valid()
    en = StatementText.objects.get(pk=statement_text_current("en").pk)
    en.body = "Paragraph one.\r\n\r\nParagraph two."
    en.save()
    assert en.paragraphs == ["Paragraph one.", "Paragraph two."]
