"""Queued side effects of step 1 (huey): emails in the signer's language.

Tasks take ids, not objects, and re-read the row: the queue may run them later or
elsewhere. They are queued with ``transaction.on_commit`` by ``services.py``. Right before
sending, each task checks that the signature is still in the state its email is about
(a "published" email never leaves after a withdrawal); otherwise it sends nothing. Emails
leave through ``core.mail.send_templated_mail`` (language, Reply-To, headers).
"""

import logging

from django.conf import settings
from huey.contrib.djhuey import db_task

from withrefugees.core.mail import absolute_url, send_templated_mail

logger = logging.getLogger(__name__)


def _signature(signature_id: int, *related: str):
    """The signature with its places (None if it no longer exists)."""
    from .models import Signature

    return (Signature.objects.select_related("local_government__region",
                                             "local_government__country", *related)
            .filter(pk=signature_id).first())


def _still(signature, status: str, task: str) -> bool:
    """True if ``signature`` exists, has an email address and is in ``status``."""
    if signature is None or not signature.email or signature.status != status:
        logger.info("%s: signature %s is no longer %s; nothing sent", task,
                    getattr(signature, "pk", None), status)
        return False
    return True


def _send(signature, template: str, context: dict) -> None:
    send_templated_mail(
        to=[signature.email], language=signature.language,
        template=f"campaign/email/{template}",
        context={"signature": signature, "lg": signature.local_government, **context},
    )


@db_task(retries=3, retry_delay=60)
def send_signature_confirmation(signature_id: int) -> None:
    """Email the link that confirms the signer's address (a page with a button, POST).
    Sent only while the signature is still unconfirmed."""
    from .models import Signature
    from .tokens import confirmation_token

    signature = _signature(signature_id)
    if not _still(signature, Signature.Status.UNCONFIRMED, "send_signature_confirmation"):
        return
    url = absolute_url("campaign:confirm", language=signature.language,
                       args=[confirmation_token(signature)])
    hours = settings.SIGNATURE_CONFIRMATION_MAX_AGE // 3600
    _send(signature, "confirm", {"confirm_url": url, "hours": hours})


@db_task(retries=3, retry_delay=60)
def send_signature_published(signature_id: int) -> None:
    """Tell the contact the signature is public, with the next steps: post, act, pledge.
    Sent only while the signature is still published."""
    from .models import Signature

    signature = _signature(signature_id)
    if not _still(signature, Signature.Status.PUBLISHED, "send_signature_published"):
        return
    url = absolute_url("profiles:profile", language=signature.language,
                       args=[signature.local_government_id])
    _send(signature, "published", {"profile_url": url})


@db_task(retries=3, retry_delay=60)
def send_signature_decision(signature_id: int, expected_status: str | None = None) -> None:
    """Tell the contact that the signature was rejected (with the reason chosen by staff)
    or withdrawn.

    ``expected_status`` (``"rejected"`` or ``"withdrawn"``) is the status the notice is
    about; nothing is sent unless the signature still has it. ``None`` (callers queued
    before the argument existed) means: whichever of the two the signature has now.
    """
    from .models import Signature

    decisions = (Signature.Status.REJECTED, Signature.Status.WITHDRAWN)
    signature = _signature(signature_id, "rejection_reason")
    if expected_status is None and signature is not None and signature.status in decisions:
        expected_status = signature.status
    if expected_status not in decisions or not _still(signature, expected_status,
                                                      "send_signature_decision"):
        return
    reason = (signature.rejection_reason.localised("label", signature.language)
              if signature.rejection_reason else "")
    _send(signature, expected_status, {"reason": reason})
