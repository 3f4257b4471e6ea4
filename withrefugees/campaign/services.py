"""Writes of step 1: submit a signature, confirm it by email, review it (publish, reject,
withdraw), correct its details, make a statement version current. Every function is
keyword-only and atomic; emails leave through the task queue after commit (``tasks.py``);
every change writes one row of the audit trail (``core.audit.audit_record``), with the
actions ``signature.submit|confirm|resend|publish|reject|withdraw|update|seed`` and
``statementversion.make_current``.

Allowed transitions of a signature (anything else raises ``InvalidTransition``; confirming
a token of a signature that is no longer unconfirmed raises ``TokenUsed``; submitting or
confirming while the local government has a pending or published one, ``AlreadySigned``)::

    submit:   (new)                 → unconfirmed
    confirm:  unconfirmed           → pending      (also: resend, unconfirmed only)
    publish:  pending               → published
    reject:   unconfirmed | pending → rejected
    withdraw: pending | published   → withdrawn
    update:   any status, status unchanged (staff correct contact details)
"""

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.core.audit import audit_record, changed_fields, field_values
from withrefugees.core.emails import InvalidEmail, email_normalise
from withrefugees.core.errors import ServiceError
from withrefugees.places.models import LocalGovernment
from withrefugees.places.services import SubmittedPlace, local_government_submit

from . import tasks
from .models import RejectionReason, Signature, StatementText, StatementVersion
from .tokens import TokenUsed, signature_for_token

S = Signature.Status
# Re-sending the confirmation email: at most RESEND_MAX emails per signature in all, and
# not more often than once per RESEND_INTERVAL (so the form cannot flood a mailbox).
RESEND_MAX = 5
RESEND_INTERVAL = timedelta(minutes=1)
# New signatures naming one email address: at most MAILBOX_MAX_PER_DAY a day, so that the
# sign form cannot be used to flood someone's mailbox (only valid submissions count).
MAILBOX_MAX_PER_DAY = 5
# What staff may correct on a signature (``signature_update``). The status, the place and
# the statement signed change only through the transitions above, or never.
SIGNATURE_EDITABLE_FIELDS = ("signatory_name", "signatory_title", "contact_name",
                             "department", "email", "website", "message", "signed_on")


class AlreadySigned(ServiceError):
    code = "already_signed"
    message = _("This local government has already signed the statement.")

    def __init__(self, signature: Signature):
        self.signature = signature
        super().__init__()


class ResendLimited(ServiceError):
    code = "resend_limited"
    message = _("A confirmation email was sent very recently, or too many have been sent. "
                "Please wait a few minutes, or contact the campaign team.")


class MailboxLimited(ServiceError):
    code = "mailbox_limited"
    message = _("Several signatures have been submitted with this email address today. "
                "Please confirm them from your mailbox, or contact the campaign team.")


class InvalidTransition(ServiceError):
    code = "invalid_transition"
    message = _("This action is not possible in the signature's current state.")


def _record(signature: Signature, *, verb: str, from_status: str,
            actor: AbstractBaseUser | None = None, note: str = "",
            changes: dict[str, list] | None = None) -> None:
    """One audit row ``signature.<verb>``: ``from_status`` → the signature's status now."""
    audit_record(target=signature, action=f"signature.{verb}", actor=actor,
                 from_state=from_status, to_state=signature.status, changes=changes,
                 note=note)


def _queue_confirmation(signature: Signature) -> None:
    signature.confirmation_sent_at = timezone.now()
    signature.confirmation_send_count += 1
    signature.save(update_fields=["confirmation_sent_at", "confirmation_send_count",
                                  "updated_at"])
    transaction.on_commit(lambda: tasks.send_signature_confirmation(signature.pk))


@transaction.atomic
def signature_submit(
    *,
    local_government: LocalGovernment | None = None,
    new_place: SubmittedPlace | None = None,
    statement_text: StatementText,
    language: str,
    signatory_name: str,
    signatory_title: str,
    contact_name: str,
    department: str,
    email: str,
    website: str = "",
    message: str = "",
) -> Signature:
    """Record a new signature (status ``unconfirmed``) and queue the confirmation email.

    The signer names a reference ``local_government`` or, when it is not in the data, a
    ``new_place`` (created in the same transaction, so a refused signature leaves nothing).

    Raises ``AlreadySigned`` when the local government has a pending or published
    signature (the UniqueConstraint ``one_active_signature_per_local_government`` backs it),
    ``MailboxLimited`` after ``MAILBOX_MAX_PER_DAY`` signatures for one address in 24 hours.
    Consent to the statement and the privacy notice is checked by the form and stamped here.
    """
    if local_government is None:
        if new_place is None:
            raise ValueError("signature_submit needs local_government or new_place")
        local_government = local_government_submit(
            name=new_place.name, country=new_place.country, region_text=new_place.region_text)
    active = Signature.objects.active().filter(local_government=local_government).first()
    if active:
        raise AlreadySigned(active)
    recent = Signature.objects.filter(email__iexact=email,
                                      created_at__gte=timezone.now() - timedelta(days=1))
    if recent.count() >= MAILBOX_MAX_PER_DAY:
        raise MailboxLimited()
    signature = Signature.objects.create(
        local_government=local_government, statement_text=statement_text,
        statement_hash=statement_text.content_hash, language=language,
        signatory_name=signatory_name, signatory_title=signatory_title,
        contact_name=contact_name, department=department, email=email, website=website,
        message=message, consented_at=timezone.now(),
        confirmation_nonce=secrets.token_hex(16),
    )
    _record(signature, verb="submit", from_status="")
    _queue_confirmation(signature)
    return signature


@transaction.atomic
def signature_confirm(*, token: str) -> Signature:
    """Confirm the email address behind ``token``: ``unconfirmed`` → ``pending`` (review).

    Tokens are single use (the nonce is cleared) and expire after
    ``SIGNATURE_CONFIRMATION_MAX_AGE`` seconds. Raises TokenInvalid (forged or unknown),
    TokenExpired, TokenUsed, or AlreadySigned when another signature of the same local
    government was confirmed first.
    """
    signature = signature_for_token(token)
    signature = Signature.objects.select_for_update().get(pk=signature.pk)
    if signature.status != S.UNCONFIRMED:  # confirmed meanwhile by another request
        raise TokenUsed(signature)
    other = (Signature.objects.active().filter(local_government=signature.local_government)
             .exclude(pk=signature.pk).first())
    if other:
        raise AlreadySigned(other)
    before = field_values(signature, ["email_confirmed_at", "signed_on"])
    now = timezone.now()
    signature.status = S.PENDING
    signature.email_confirmed_at = now
    signature.signed_on = timezone.localdate(now)
    signature.confirmation_nonce = ""
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError as exc:  # confirmed concurrently by someone else
        other = Signature.objects.active().get(local_government=signature.local_government)
        raise AlreadySigned(other) from exc
    _record(signature, verb="confirm", from_status=S.UNCONFIRMED,
            changes=changed_fields(before, signature))
    return signature


@transaction.atomic
def signature_resend_confirmation(*, signature: Signature) -> Signature:
    """Send the confirmation email again to the address given when signing.

    Raises InvalidTransition if already confirmed, ResendLimited after ``RESEND_MAX``
    emails or within ``RESEND_INTERVAL`` of the previous one.
    """
    signature = Signature.objects.select_for_update().get(pk=signature.pk)
    if signature.status != S.UNCONFIRMED:
        raise InvalidTransition()
    recent = (signature.confirmation_sent_at
              and timezone.now() - signature.confirmation_sent_at < RESEND_INTERVAL)
    if signature.confirmation_send_count >= RESEND_MAX or recent:
        raise ResendLimited()
    _queue_confirmation(signature)
    audit_record(target=signature, action="signature.resend")
    return signature


def _transition(signature: Signature, *, verb: str, allowed_from: tuple[str, ...], to: str,
                actor: AbstractBaseUser | None, note: str, **values) -> Signature:
    """Lock the row, check the status, set ``to`` and ``values``, save, write the audit row
    (``values`` that changed are listed in its ``changes``)."""
    signature = Signature.objects.select_for_update().get(pk=signature.pk)
    if signature.status not in allowed_from:
        raise InvalidTransition()
    from_status = signature.status
    before = field_values(signature, values)
    signature.status = to
    for field, value in values.items():
        setattr(signature, field, value)
    signature.save()
    _record(signature, verb=verb, from_status=from_status, actor=actor, note=note,
            changes=changed_fields(before, signature))
    return signature


@transaction.atomic
def signature_publish(*, signature: Signature, actor: AbstractBaseUser | None,
                      note: str = "") -> Signature:
    """Staff publish a confirmed signature (``pending`` → ``published``) and the contact
    gets the next-steps email in the language they signed in. Raises InvalidTransition."""
    signature = _transition(signature, verb="publish", allowed_from=(S.PENDING,),
                            to=S.PUBLISHED, actor=actor, note=note,
                            published_at=timezone.now())
    if signature.email:
        transaction.on_commit(lambda: tasks.send_signature_published(signature.pk))
    return signature


@transaction.atomic
def signature_reject(*, signature: Signature, actor: AbstractBaseUser | None,
                     reason: RejectionReason, note: str = "") -> Signature:
    """Staff reject an unpublished signature (``unconfirmed`` or ``pending`` → ``rejected``)
    with a reason from the staff-managed list (recorded in the audit row's ``changes`` as
    ``rejection_reason: [old id, new id]``); the contact is told, with the reason, in the
    language they signed in. Raises InvalidTransition."""
    signature = _transition(signature, verb="reject", allowed_from=(S.UNCONFIRMED, S.PENDING),
                            to=S.REJECTED, actor=actor, note=note, rejection_reason=reason)
    if signature.email:
        transaction.on_commit(
            lambda: tasks.send_signature_decision(signature.pk, expected_status=S.REJECTED))
    return signature


@transaction.atomic
def signature_withdraw(*, signature: Signature, actor: AbstractBaseUser | None,
                       note: str = "") -> Signature:
    """Withdraw a pending or published signature (``→ withdrawn``, e.g. at the local
    government's request); it leaves the public pages and the local government may sign
    again later. The contact is told, in the language they signed in. Raises
    InvalidTransition."""
    signature = _transition(signature, verb="withdraw", allowed_from=(S.PENDING, S.PUBLISHED),
                            to=S.WITHDRAWN, actor=actor, note=note)
    if signature.email:
        transaction.on_commit(
            lambda: tasks.send_signature_decision(signature.pk, expected_status=S.WITHDRAWN))
    return signature


@transaction.atomic
def signature_update(*, signature: Signature, actor: AbstractBaseUser | None,
                     data: Mapping[str, Any], note: str = "") -> Signature:
    """Staff correct a signature's details, in any status; the status does not change.

    ``data``: ``{field: new value}`` for fields of ``SIGNATURE_EDITABLE_FIELDS`` (names,
    department, email, website, message, ``signed_on`` as a ``date`` or None). The email is
    normalised (``core.emails.email_normalise``). Writes one audit row ``signature.update``
    whose ``changes`` are ``{field: [old, new]}`` of the fields that changed, with ``note``
    (why); nothing is saved or written when no value changes.

    Raises ``ValueError`` for any other field and ``ValidationError`` (by field) when a
    value fails the field's validators (length, invisible characters, email, URL).
    """
    unknown = set(data) - set(SIGNATURE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"signature_update cannot change {sorted(unknown)}")
    signature = Signature.objects.select_for_update().get(pk=signature.pk)
    before = field_values(signature, data)
    for name, value in data.items():
        if name == "email" and value:
            try:
                value = email_normalise(value)
            except InvalidEmail as exc:
                raise ValidationError({"email": exc.error_list}) from exc
        setattr(signature, name, value)
    others = [f.name for f in Signature._meta.fields if f.name not in data]
    signature.clean_fields(exclude=others)
    changes = changed_fields(before, signature)
    if not changes:
        return signature
    signature.save(update_fields=[*changes, "updated_at"])
    audit_record(target=signature, action="signature.update", actor=actor, changes=changes,
                 note=note)
    return signature


@transaction.atomic
def statement_version_make_current(*, version: StatementVersion,
                                   actor: AbstractBaseUser | None = None,
                                   note: str = "") -> StatementVersion:
    """Make ``version`` the one shown on the sign page (the previous one stops being current;
    its signatures keep the text they signed).

    Writes an audit row ``statementversion.make_current`` on ``version`` and one on the
    version current before (if any): ``from_state`` is the number of the version current
    before (``""`` if none), ``to_state`` the number of ``version``. Raises
    InvalidTransition if ``version`` is already current, or has no Japanese text (the
    language every signature can fall back to).
    """
    version = StatementVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_current:
        raise InvalidTransition(_("This statement version is already the current one."))
    if not version.texts.filter(language="ja").exists():
        raise InvalidTransition(_("A statement version needs a Japanese text to be current."))
    previous = StatementVersion.objects.select_for_update().filter(is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
    version.is_current = True
    version.save(update_fields=["is_current", "updated_at"])
    audit_record(target=version, action="statementversion.make_current", actor=actor,
                 from_state=str(previous.number) if previous else "",
                 to_state=str(version.number), note=note)
    if previous is not None:  # the old version's own history says it stopped being current
        audit_record(target=previous, action="statementversion.make_current", actor=actor,
                     from_state=str(previous.number), to_state=str(version.number),
                     changes={"is_current": [True, False]}, note=note)
    return version
