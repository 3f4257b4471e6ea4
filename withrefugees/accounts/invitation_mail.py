"""The email that invites a person into the workspace of a local government, through the
outbox (``core.outbox``).

``services.invitation_create`` promises it with ``queue_invitation_email`` in its own
transaction: one ``core.OutboundEmail`` row of kind ``invitation.send`` whose ``args`` are
``{"invitation_id": id, "sealed": token encrypted}``. The token (the link's secret; the
invitation stores only its SHA-256) is encrypted with a key derived from ``SECRET_KEY``
(``accounts.tasks.seal``), so it cannot be read in the outbox's admin page or in a database
dump without the key; accepting also needs a sign-in with the invited mailbox.

Right before sending, the handler re-reads the invitation: one that was accepted, revoked
or has expired meanwhile is not sent (the row is cancelled with the reason).

This module is imported by ``accounts.services`` and ``accounts.admin`` (the admin is
loaded at start-up in every process, the task worker's too), so the handler is registered
wherever the outbox delivers.
"""

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.core.mail import absolute_url
from withrefugees.core.models import OutboundEmail
from withrefugees.core.outbox import Message, Skip, outbox_enqueue, outbox_handler

from .models import Invitation, token_hash
from .tasks import seal, unseal

KIND = "invitation.send"
TEMPLATE = "accounts/email/invitation"


def queue_invitation_email(invitation: Invitation, token: str) -> OutboundEmail:
    """Promise the invitation email of ``invitation`` with the link of ``token``, in the
    caller's transaction (see ``core.outbox.outbox_enqueue``)."""
    return outbox_enqueue(kind=KIND, recipient=invitation.email,
                          language=invitation.language, record=invitation,
                          args={"invitation_id": invitation.pk,
                                "sealed": seal({"token": token})})


@outbox_handler(KIND, label=_("invitation to a workspace"))
def invitation_email(email: OutboundEmail) -> Message:
    """Who invites (the officer or staff member, or UNHCR for the contact of a published
    signature), to which local government, the accept link, how to sign in (an emailed code
    to this address) and when the invitation expires. Sent only while the invitation is
    still pending and unexpired."""
    invitation_id = email.args.get("invitation_id")
    invitation = (Invitation.objects.select_related("local_government__region",
                                                    "local_government__country",
                                                    "invited_by")
                  .filter(pk=invitation_id).first())
    if invitation is None:
        raise Skip(f"invitation {invitation_id} no longer exists")
    if invitation.status != Invitation.Status.PENDING:
        raise Skip(f"invitation {invitation_id} is no longer pending (now {invitation.status})")
    if invitation.expires_at <= timezone.now():
        raise Skip(f"invitation {invitation_id} expired before it was sent")
    try:
        token = unseal(email.args.get("sealed") or "")["token"]
    except (InvalidToken, KeyError, TypeError, ValueError):
        raise Skip(f"invitation {invitation_id}: its link cannot be decrypted") from None
    if token_hash(token) != invitation.token_hash:
        raise Skip(f"invitation {invitation_id}: the link does not match the invitation")
    inviter = invitation.invited_by
    return Message(
        to=invitation.email, language=invitation.language, template=TEMPLATE,
        context={
            "invitation": invitation,
            "lg": invitation.local_government,
            # (the name, or the address alone when no name is given: never "a@x (a@x)")
            "inviter_name": (inviter.full_name or inviter.email) if inviter else "",
            "inviter_email": inviter.email if inviter else "",
            "accept_url": absolute_url("workspace:invitation_accept",
                                       language=invitation.language, args=[token]),
            "expires_at": timezone.localtime(invitation.expires_at),
            "time_zone": settings.TIME_ZONE,
        })
