"""Emails of step 1, in the signer's language, through the outbox (``core.outbox``).

``services.py`` promises an email with ``queue_signature_email`` in the transaction that
changes the signature: one ``core.OutboundEmail`` row of a kind below, with
``{"signature_id": id, "expected_status": status}``. The worker delivers it after commit,
the sweeper if that was lost. Right before sending, the handler re-reads the signature and
checks that it is still in the state its email is about (a "published" email never leaves
after a withdrawal); otherwise the row is cancelled with the reason and nothing is sent.
Emails leave through ``core.mail.send_templated_mail`` (language, Reply-To, headers).

The huey tasks ``send_signature_*`` are those of the release before the outbox: a task
still in the queue at the upgrade becomes an outbox row and is delivered the same way.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import db_task

from withrefugees.core.mail import absolute_url
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import (
    Message,
    Skip,
    outbox_deliver,
    outbox_enqueue,
    outbox_handler,
)

logger = logging.getLogger(__name__)

# Kinds of email (``OutboundEmail.kind``) → the status the signature must still have.
CONFIRM = "signature.confirm"
PUBLISHED = "signature.published"
REJECTED = "signature.rejected"
WITHDRAWN = "signature.withdrawn"
EXPECTED_STATUS = {CONFIRM: "unconfirmed", PUBLISHED: "published", REJECTED: "rejected",
                   WITHDRAWN: "withdrawn"}


def _signature(signature_id: int, *related: str):
    """The signature with its places (None if it no longer exists)."""
    from .models import Signature

    return (Signature.objects.select_related("local_government__region",
                                             "local_government__country", *related)
            .filter(pk=signature_id).first())


def queue_signature_email(signature, kind: str, *,
                          deliver_after_commit: bool = True) -> OutboundEmail:
    """Promise the email ``kind`` (``CONFIRM``, ``PUBLISHED``, ``REJECTED``,
    ``WITHDRAWN``) to the signature's contact, in the transaction of the caller (see
    ``core.outbox.outbox_enqueue``)."""
    return outbox_enqueue(
        kind=kind, recipient=signature.email, language=signature.language, record=signature,
        args={"signature_id": signature.pk, "expected_status": EXPECTED_STATUS[kind]},
        deliver_after_commit=deliver_after_commit)


def _still(email: OutboundEmail, *related: str):
    """The signature of ``email`` if it exists, has an address and still has the expected
    status; raises ``Skip`` otherwise."""
    signature_id = email.args.get("signature_id")
    expected = email.args.get("expected_status") or EXPECTED_STATUS[email.kind]
    signature = _signature(signature_id, *related)
    if signature is None:
        raise Skip(f"signature {signature_id} no longer exists")
    if not signature.email:
        raise Skip(f"signature {signature_id} has no email address")
    if signature.status != expected:
        raise Skip(f"signature {signature_id} is no longer {expected} (now {signature.status})")
    return signature


def _message(signature, template: str, context: dict) -> Message:
    return Message(to=signature.email, language=signature.language,
                   template=f"campaign/email/{template}",
                   context={"signature": signature, "lg": signature.local_government,
                            **context})


@outbox_handler(CONFIRM, label=_("confirmation link"))
def confirmation_email(email: OutboundEmail) -> Message:
    """The link that confirms the signer's address (a page with a button, POST). Sent
    only while the signature is still unconfirmed."""
    from .tokens import confirmation_token

    signature = _still(email)
    url = absolute_url("campaign:confirm", language=signature.language,
                       args=[confirmation_token(signature)])
    hours = settings.SIGNATURE_CONFIRMATION_MAX_AGE // 3600
    return _message(signature, "confirm", {"confirm_url": url, "hours": hours})


@outbox_handler(PUBLISHED, label=_("signature published"))
def published_email(email: OutboundEmail) -> Message:
    """The signature is public, with the next steps: post, act, pledge. Sent only while
    the signature is still published."""
    signature = _still(email)
    url = absolute_url("profiles:profile", language=signature.language,
                       args=[signature.local_government_id])
    return _message(signature, "published", {"profile_url": url})


@outbox_handler(REJECTED, label=_("signature rejected"))
@outbox_handler(WITHDRAWN, label=_("signature withdrawn"))
def decision_email(email: OutboundEmail) -> Message:
    """The signature was rejected (with the reason chosen by staff) or withdrawn; sent
    only while it still is."""
    signature = _still(email, "rejection_reason")
    reason = (signature.rejection_reason.localised("label", signature.language)
              if signature.rejection_reason else "")
    return _message(signature, signature.status, {"reason": reason})


# --- Tasks queued by the release before the outbox ------------------------------------------
def _from_old_queue(kind: str, signature_id: int) -> None:
    signature = _signature(signature_id)
    if signature is None or not signature.email:
        logger.info("%s: signature %s is gone or has no address; nothing sent", kind,
                    signature_id)
        return
    with transaction.atomic():
        email = queue_signature_email(signature, kind, deliver_after_commit=False)
    outbox_deliver(email_id=email.pk)


@db_task()
def send_signature_confirmation(signature_id: int) -> None:
    _from_old_queue(CONFIRM, signature_id)


@db_task()
def send_signature_published(signature_id: int) -> None:
    _from_old_queue(PUBLISHED, signature_id)


@db_task()
def send_signature_decision(signature_id: int, expected_status: str | None = None) -> None:
    """``expected_status`` ``"rejected"`` or ``"withdrawn"``; ``None`` (queued before the
    argument existed): whichever of the two the signature has now."""
    if expected_status is None:
        signature = _signature(signature_id)
        expected_status = getattr(signature, "status", None)
    kind = {"rejected": REJECTED, "withdrawn": WITHDRAWN}.get(expected_status or "")
    if kind is None:
        logger.info("send_signature_decision: signature %s, %r is no decision; nothing sent",
                    signature_id, expected_status)
        return
    _from_old_queue(kind, signature_id)
