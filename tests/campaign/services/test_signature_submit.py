"""services.signature_submit: (new) → unconfirmed, audited, confirmation email queued;
refused while the local government has a pending or published signature, and after too
many signatures for one mailbox a day."""

import pytest

from tests.factories import jp
from withrefugees.campaign import services
from withrefugees.campaign.models import Signature
from withrefugees.campaign.selectors import statement_text_current

from .conftest import ALL_STATUSES, S, audit_rows, signature_in

pytestmark = pytest.mark.django_db
BLOCKING = [S.PENDING, S.PUBLISHED]


def submit(run, **overrides):
    data = dict(local_government=jp("132063"), statement_text=statement_text_current("ja"),
                language="ja", signatory_name="山田太郎", signatory_title="市長",
                contact_name="佐藤花子", department="総務部", email="kokusai@city.example.jp")
    data.update(overrides)
    return run(services.signature_submit, **data)


def test_records_an_unconfirmed_signature_and_emails_the_link(run_on_commit, mailoutbox):
    signature = submit(run_on_commit)
    assert signature.status == S.UNCONFIRMED and signature.consented_at
    assert signature.statement_hash == signature.statement_text.content_hash
    assert audit_rows(signature) == [("signature.submit", "", S.UNCONFIRMED, None, "")]
    assert len(mailoutbox) == 1 and "/ja/sign/confirm/" in mailoutbox[0].body


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_a_previous_signature_blocks_only_while_pending_or_published(status, run_on_commit,
                                                                      mailoutbox):
    previous = signature_in(status)  # 府中市 (東京都), as submit() uses
    if status in BLOCKING:
        with pytest.raises(services.AlreadySigned) as refused:
            submit(run_on_commit)
        assert refused.value.signature == previous
        assert Signature.objects.filter(local_government=previous.local_government).count() == 1
        assert mailoutbox == []
    else:
        signature = submit(run_on_commit)
        assert signature.pk != previous.pk and signature.status == S.UNCONFIRMED
        assert audit_rows(signature)[0][0] == "signature.submit"
    assert audit_rows(previous) == []


def test_mailbox_limit_refuses_and_records_nothing(run_on_commit, mailoutbox):
    codes = ["342084", "011002", "012025", "012033", "012041"]
    for code in codes[:services.MAILBOX_MAX_PER_SENDER]:
        submit(run_on_commit, local_government=jp(code), email="same@city.example.jp")
    with pytest.raises(services.MailboxLimited):
        submit(run_on_commit, email="same@city.example.jp")
    assert not Signature.objects.filter(local_government=jp("132063")).exists()
    assert len(mailoutbox) == services.MAILBOX_MAX_PER_SENDER
