"""Queued side effects of step 1 (huey): emails in the signer's language.

Tasks take ids, not objects, and re-read the row: the queue may run them later or
elsewhere. They are queued with ``transaction.on_commit`` by ``services.py``.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from huey.contrib.djhuey import db_task


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(signature, template: str, context: dict) -> None:
    with translation.override(signature.language):
        context = {"signature": signature, "lg": signature.local_government,
                   "CAMPAIGN_CONTACT_EMAIL": settings.CAMPAIGN_CONTACT_EMAIL, **context}
        subject = render_to_string(f"campaign/email/{template}_subject.txt", context)
        body = render_to_string(f"campaign/email/{template}_body.txt", context)
    EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL,
                 [signature.email], reply_to=[settings.CAMPAIGN_CONTACT_EMAIL]).send()


@db_task(retries=3, retry_delay=60)
def send_signature_confirmation(signature_id: int) -> None:
    """Email the link that confirms the signer's address (a page with a button, POST)."""
    from .models import Signature
    from .tokens import confirmation_token

    signature = Signature.objects.select_related("local_government__region",
                                                 "local_government__country").get(
        pk=signature_id)
    if signature.status != Signature.Status.UNCONFIRMED:
        return
    with translation.override(signature.language):
        url = _absolute(reverse("campaign:confirm", args=[confirmation_token(signature)]))
    hours = settings.SIGNATURE_CONFIRMATION_MAX_AGE // 3600
    _send(signature, "confirm", {"confirm_url": url, "hours": hours})


@db_task(retries=3, retry_delay=60)
def send_signature_published(signature_id: int) -> None:
    """Tell the contact the signature is public, with the next steps: post, act, pledge."""
    from .models import Signature

    signature = Signature.objects.select_related("local_government__region",
                                                 "local_government__country").get(
        pk=signature_id)
    with translation.override(signature.language):
        url = _absolute(reverse("campaign:profile", args=[signature.local_government_id]))
    _send(signature, "published", {"profile_url": url})


@db_task(retries=3, retry_delay=60)
def send_signature_decision(signature_id: int) -> None:
    """Tell the contact that the signature was rejected (with the reason chosen by staff)
    or withdrawn."""
    from .models import Signature

    signature = Signature.objects.select_related("local_government__region",
                                                 "local_government__country",
                                                 "rejection_reason").get(pk=signature_id)
    reason = (signature.rejection_reason.localised("label", signature.language)
              if signature.rejection_reason else "")
    _send(signature, signature.status, {"reason": reason})
