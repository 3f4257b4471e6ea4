"""A message that fails for good is visible to staff, with the reason, and the signer's page
says to contact the campaign (issue 6, §2 last point); while it is pending, the page says
it is on its way."""

import smtplib

import pytest
from django.db import transaction

from tests.campaign.test_signing import sign
from tests.core.test_outbox import failing  # noqa: F401 (fixture)
from tests.factories import SignatureFactory, StaffFactory
from withrefugees.campaign import tasks
from withrefugees.campaign.models import Signature
from withrefugees.core import outbox
from withrefugees.core.models import OutboundEmail

pytestmark = pytest.mark.django_db
E = OutboundEmail.Status


def refused(failing):  # noqa: F811
    failing.error = smtplib.SMTPRecipientsRefused(
        {"kokusai@city.fuchu.hiroshima.jp": (550, b"5.1.1 user unknown")})


@pytest.mark.parametrize("lang, words", [
    ("en", ["could not be delivered", "refused this address", "contact the campaign team"]),
    ("ja", []),  # the integrator translates; the page still names the contact address
])
def test_signer_page_says_the_email_failed_and_whom_to_contact(client, failing,  # noqa: F811
                                                              settings, lang, words):
    settings.CAMPAIGN_CONTACT_EMAIL = "team@unhcr.example"
    refused(failing)
    response = sign(client, lang=lang)
    page = client.get(response.url).content.decode()
    assert 'id="email-failed"' in page
    assert 'href="mailto:team@unhcr.example"' in page
    assert "kokusai@city.fuchu.hiroshima.jp" in page  # the address it was sent to
    for text in words:
        assert text in page
    assert "5.1.1" not in page  # the server's words are for staff
    # one message: no "check your mailbox / send again" under it (a new-user trial)
    assert "campaign:resend" not in page and "/sign/resend/" not in page


def test_signer_page_while_the_email_is_pending(client, monkeypatch):
    monkeypatch.setattr(outbox, "outbox_deliver_task", lambda email_id: None)  # not yet run
    response = sign(client, lang="en")
    page = client.get(response.url).content.decode()
    assert 'id="email-pending"' in page and "is on its way" in page
    assert 'id="email-failed"' not in page and "We have sent" not in page


def test_signer_page_once_sent(client, mailoutbox):
    response = sign(client, lang="en")
    page = client.get(response.url).content.decode()
    assert "We have sent a confirmation link" in page and 'id="email-' not in page


def test_staff_see_the_failed_email_with_its_reason(client, failing):  # noqa: F811
    refused(failing)
    signature = SignatureFactory(status=Signature.Status.UNCONFIRMED,
                                 email="kokusai@city.fuchu.hiroshima.jp")
    with transaction.atomic():
        email = tasks.queue_signature_email(signature, tasks.CONFIRM,
                                            deliver_after_commit=False)
    outbox.outbox_deliver(email_id=email.pk)
    client.force_login(StaffFactory())  # a reviewer (the role's permissions)
    listing = client.get("/en/admin/core/outboundemail/?status__exact=failed")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "k•••••" in text and "kokusai@city" not in text  # masked in the list
    assert "confirmation link" in text and "550 5.1.1 user unknown" in text
    detail = client.get(f"/en/admin/core/outboundemail/{email.pk}/change/").content.decode()
    assert "kokusai@city.fuchu.hiroshima.jp" in detail
    page = client.get(f"/en/admin/campaign/signature/{signature.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "signature-emails" in text and "failed" in text
    assert "the address was refused" in text and "550 5.1.1 user unknown" in text
    assert f"/en/admin/core/outboundemail/{email.pk}/change/" in text


def test_staff_without_the_permission_do_not_see_the_outbox(client):
    client.force_login(StaffFactory(roles=[]))
    assert client.get("/en/admin/core/outboundemail/").status_code == 403


def test_signature_page_shows_its_emails_only_with_the_outbox_permission(client):
    """The emails carry addresses and server replies (adversarial review)."""
    from django.contrib.auth.models import Permission
    from django.db import transaction

    from withrefugees.campaign import tasks

    signature = SignatureFactory()
    with transaction.atomic():
        tasks.queue_signature_email(signature, tasks.CONFIRM, deliver_after_commit=False)
    client.force_login(StaffFactory())  # a reviewer: may see the outbox
    url = f"/en/admin/campaign/signature/{signature.pk}/change/"
    assert "signature-emails" in client.get(url).content.decode()
    viewer = StaffFactory(roles=[])
    viewer.user_permissions.set(Permission.objects.filter(
        content_type__app_label="campaign", codename="view_signature"))
    client.force_login(viewer)
    page = client.get(f"/en/admin/campaign/signature/{signature.pk}/change/")
    assert page.status_code == 200 and "signature-emails" not in page.content.decode()
    assert "precision of the date signed" in page.content.decode().lower() or \
        "Precision of the date signed" in page.content.decode()


def test_secret_arguments_are_never_shown_to_staff():
    from withrefugees.core.outbox import public_args

    shown = public_args({"signature_id": 7, "token": "abc", "login_code": "123456",
                         "body": "Your code is 123456", "subject": "code", "language": "ja"})
    assert shown == {"signature_id": 7, "token": "(hidden)", "login_code": "(hidden)",
                     "body": "(hidden)", "subject": "(hidden)", "language": "ja"}
