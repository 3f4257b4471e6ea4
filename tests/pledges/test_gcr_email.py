"""The email that carries an approved pledge to the GCR pledge mailbox: through the outbox,
in English, with the Word documents in English and Japanese built when it is sent, the
lead local government, the title, the platform's page and the contact."""

import importlib.util
import io
import zipfile

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import PledgeFactory, PledgeTargetFactory
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import outbox_deliver
from withrefugees.pledges import services_review as review
from withrefugees.pledges import tasks
from withrefugees.pledges.models import CoPledger, Pledge

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
GCR = "hqgcr@unhcr.example"
HAS_DOCUMENTS = importlib.util.find_spec("withrefugees.pledges.documents") is not None


@pytest.fixture
def approved(staff, lg, officer, other_lg, settings):
    settings.GCR_PLEDGE_EMAIL = GCR
    pledge = PledgeFactory(local_government=lg, status="submitted", submitted_at=timezone.now(),
                           title_ja="難民の子どもの日本語教室 & <補習>",
                           title_en="Japanese classes for refugee children & \"friends\"")
    PledgeTargetFactory(pledge=pledge)
    CoPledger.objects.create(pledge=pledge, organisation_name="NPO 難民支援協会")
    CoPledger.objects.create(pledge=pledge, local_government=other_lg, position=1)
    return review.pledge_approve(pledge=pledge, actor=staff)


def deliver_gcr(pledge: Pledge) -> str:
    return outbox_deliver(email_id=Pledge.objects.get(pk=pledge.pk).gcr_email_id)


def document_text(content: bytes) -> str:
    """The text of a .docx's main part (a zip with ``word/document.xml``)."""
    with zipfile.ZipFile(io.BytesIO(content)) as docx:
        return docx.read("word/document.xml").decode("utf-8")


@pytest.mark.skipif(not HAS_DOCUMENTS, reason="pledges.documents is not written yet")
def test_the_gcr_gets_both_word_documents(approved):
    """With the real ``documents.pledge_docx``: two .docx files that are zips with the
    pledge's text in them, each in its language."""
    assert deliver_gcr(approved) == "sent"
    message = mail.outbox[0]
    assert message.to == [GCR]
    assert len(message.attachments) == 2
    (name_en, content_en, type_en), (name_ja, content_ja, type_ja) = message.attachments
    assert type_en == type_ja == DOCX
    assert name_en.endswith(".docx") and name_ja.endswith(".docx") and name_en != name_ja
    assert content_en[:2] == b"PK" and content_ja[:2] == b"PK"
    # Every character typed is kept literally (escaped as XML, read back as text).
    assert "難民の子どもの日本語教室 &amp; &lt;補習&gt;" in document_text(content_ja)
    assert "Japanese classes for refugee children &amp;" in document_text(content_en)
    fresh = Pledge.objects.get(pk=approved.pk)
    assert fresh.gcr_email.status == "sent" and fresh.sent_to_gcr_at is not None


def test_the_email_names_the_lead_the_title_the_page_and_the_contact(approved, monkeypatch):
    from withrefugees.pledges import documents

    built = []

    def fake_docx(pledge, *, language):
        built.append(language)
        return f"docx {language}".encode()

    monkeypatch.setattr(documents, "pledge_docx", fake_docx)
    monkeypatch.setattr(documents, "document_filename",
                        lambda pledge, *, language, extension: f"p{pledge.pk}-{language}.{extension}")
    assert deliver_gcr(approved) == "sent"
    assert built == ["en", "ja"]  # built when sent, both languages
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "en"
    assert message.attachments[0][0] == f"p{approved.pk}-en.docx"
    assert message.attachments[1] == (f"p{approved.pk}-ja.docx", b"docx ja", DOCX)
    assert "Fuchu" in message.subject and approved.title_en in message.subject
    body = message.body
    assert approved.title_en in body and approved.title_ja in body  # plain text: literal
    assert "府中市" in body and "NPO 難民支援協会" in body and "Chofu City (Tokyo)" in body
    assert "the next Global Refugee Forum" in body
    assert f"/en/pledges/{approved.pk}/" in body
    assert approved.contact_name in body and approved.contact_email in body


def test_a_document_that_cannot_be_built_is_retried_not_lost(approved, monkeypatch):
    from withrefugees.pledges import documents

    def broken(pledge, *, language):
        raise RuntimeError("template missing")

    monkeypatch.setattr(documents, "pledge_docx", broken)
    assert deliver_gcr(approved) == "pending"  # tried again later (outbox backoff)
    email = Pledge.objects.get(pk=approved.pk).gcr_email
    assert "template missing" in email.last_error and mail.outbox == []


def test_the_platform_records_when_the_email_left(approved, monkeypatch):
    from withrefugees.pledges import documents

    monkeypatch.setattr(documents, "pledge_docx", lambda pledge, *, language: b"x")
    before = timezone.now()
    assert Pledge.objects.get(pk=approved.pk).sent_to_gcr_at is None
    deliver_gcr(approved)
    sent_at = Pledge.objects.get(pk=approved.pk).sent_to_gcr_at
    assert sent_at is not None and sent_at >= before


def test_no_email_to_the_gcr_for_a_pledge_no_longer_approved(approved):
    Pledge.objects.filter(pk=approved.pk).update(status="draft")  # (cannot happen today)
    assert deliver_gcr(approved) == "cancelled"
    assert mail.outbox == []


def test_the_handler_is_registered_with_its_label():
    from withrefugees.core.outbox import kind_label

    assert tasks.GCR_SUBMISSION == "pledge.gcr_submission"
    assert kind_label(tasks.GCR_SUBMISSION) != tasks.GCR_SUBMISSION
    assert OutboundEmail.objects.count() == 0
