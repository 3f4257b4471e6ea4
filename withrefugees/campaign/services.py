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

import importlib.resources
import math
import secrets
import zoneinfo
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.core.audit import audit_record, changed_fields, field_values
from withrefugees.core.emails import InvalidEmail, email_canonical, email_normalise
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


# --- Dates of record ----------------------------------------------------------------------
# A date of record (``Signature.signed_on``) is the date where the local government is,
# whatever time zone the visitor's browser reports (the ``tz`` cookie only changes how
# times are shown). Rule (``local_government_time_zones``, ``date_of_record``):
# 1. Japan: Asia/Tokyo (the one zone of Japan, and the campaign's).
# 2. Elsewhere, the zones of the country in the IANA time zone database (``zone.tab``):
#    one for most countries (Switzerland: Europe/Zurich; Korea: Asia/Seoul). Where there
#    are several (USA, Canada, Australia, Brazil...) and the place has coordinates, only
#    the zone whose principal location in ``zone.tab`` is nearest (great-circle; this can
#    be wrong close to a zone boundary).
# 3. The date is that of these zones when they agree on it (Germany's Europe/Berlin and
#    Europe/Busingen always do; the zones of the USA do for most of the day). Otherwise,
#    or for a country without a zone of its own, the date in ``settings.TIME_ZONE`` (the
#    campaign's zone, Asia/Tokyo by default).
JAPAN_TIME_ZONE = "Asia/Tokyo"


def _iso6709(text: str, degrees: int) -> float:
    """``+DDMM``/``+DDMMSS`` (``degrees`` = 2) or ``+DDDMM``/``+DDDMMSS`` (3) → degrees."""
    sign = -1 if text[0] == "-" else 1
    digits = text[1:]
    value = int(digits[:degrees]) + int(digits[degrees:degrees + 2]) / 60
    if len(digits) > degrees + 2:
        value += int(digits[degrees + 2:degrees + 4]) / 3600
    return sign * value


def _zone_tab_paths():
    """``zone.tab`` where ``zoneinfo`` finds its data: the system's time zone database
    (``zoneinfo.TZPATH``), then the ``tzdata`` package when it is installed."""
    for base in zoneinfo.TZPATH:
        yield Path(base) / "zone.tab"
    try:
        yield importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab")
    except ModuleNotFoundError:
        return


@cache
def _zones_by_country() -> dict[str, list[tuple[str, float, float]]]:
    """``{ISO 3166-1 code: [(zone name, latitude, longitude)]}`` from ``zone.tab`` (read
    once, on first use); ``{}`` when there is none."""
    for path in _zone_tab_paths():
        if not path.is_file():
            continue
        zones: dict[str, list[tuple[str, float, float]]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            code, coordinates, name = line.split("\t")[:3]
            split = max(coordinates.rfind("+"), coordinates.rfind("-"))
            zones.setdefault(code, []).append(
                (name, _iso6709(coordinates[:split], 2), _iso6709(coordinates[split:], 3)))
        return zones
    return {}


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in radians (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * math.asin(min(1.0, math.sqrt(h)))


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def local_government_time_zones(local_government: LocalGovernment) -> list[zoneinfo.ZoneInfo]:
    """The time zones the local government may be in (steps 1 and 2 of the rule above):
    one for Japan, for most countries, and for places with coordinates; all the zones of
    the country for a larger country without coordinates; ``[]`` when the country has no
    zone of its own in ``zone.tab``."""
    if local_government.country_id == "JP":
        return [zoneinfo.ZoneInfo(JAPAN_TIME_ZONE)]
    zones = _zones_by_country().get(local_government.country_id or "", [])
    lat, lon = local_government.latitude, local_government.longitude
    if len(zones) > 1 and lat is not None and lon is not None:
        zones = [min(zones, key=lambda z: _distance(lat, lon, z[1], z[2]))]
    return [zone for name, _lat, _lon in zones if (zone := _zone(name))]


def date_of_record(moment: datetime, *, local_government: LocalGovernment) -> date:
    """The date of the aware datetime ``moment`` where the local government is (the rule
    above): e.g. 2026-11-29T15:30Z is 30 November 2026 in Japan, 29 November in Geneva."""
    dates = {timezone.localdate(moment, zone)
             for zone in local_government_time_zones(local_government)}
    if len(dates) == 1:
        return dates.pop()
    return timezone.localdate(moment, zoneinfo.ZoneInfo(settings.TIME_ZONE))


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

    ``email`` is stored normalised (``core.emails.email_normalise``, the form has done it
    already) with its canonical mailbox (``Signature.email_canonical``).

    Raises ``InvalidEmail`` (a ``ValidationError``) for an address mail cannot be sent to,
    ``AlreadySigned`` when the local government has a pending or published signature (the
    UniqueConstraint ``one_active_signature_per_local_government`` backs it),
    ``MailboxLimited`` after ``MAILBOX_MAX_PER_DAY`` signatures for one mailbox in 24 hours
    (compared by canonical mailbox: ``hanako+1@example.jp`` and ``Hanako+2@EXAMPLE.jp`` are
    one mailbox). Consent to the statement and the privacy notice is checked by the form
    and stamped here.
    """
    email = email_normalise(email)
    if local_government is None:
        if new_place is None:
            raise ValueError("signature_submit needs local_government or new_place")
        local_government = local_government_submit(
            name=new_place.name, country=new_place.country, region_text=new_place.region_text)
    active = Signature.objects.active().filter(local_government=local_government).first()
    if active:
        raise AlreadySigned(active)
    recent = Signature.objects.filter(email_canonical=email_canonical(email),
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

    ``signed_on`` is the date of record of the confirmation: the date in the local
    government's time zone (``date_of_record``), never the visitor's.
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
    signature.signed_on = date_of_record(now, local_government=signature.local_government)
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
    normalised (``core.emails.email_normalise``) and ``email_canonical`` follows it (saved
    with it by ``Signature.save``). Writes one audit row ``signature.update``
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
