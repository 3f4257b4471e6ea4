"""Writes of step 1: submit a signature, confirm it by email, review it (publish, reject,
withdraw), correct its details, make a statement version current. Every function is
keyword-only and atomic; emails are promised in the same transaction (an outbox row,
``tasks.queue_signature_email``) and leave through the task worker after commit;
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
import ipaddress
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
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
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
# New signatures naming one mailbox (canonical, ``core.emails.email_canonical``) in 24 hours:
# at most MAILBOX_MAX_PER_SENDER from one sender (``sender_of``), at most
# MAILBOX_MAX_PER_DAY from all senders together. See ``signature_submit``.
MAILBOX_MAX_PER_SENDER = 5
MAILBOX_MAX_PER_DAY = 20
# A POST without a submission key (a page shown before keys existed) repeating a signature
# of the same sender, place and mailbox within this time is that signature again.
DUPLICATE_WINDOW = timedelta(minutes=10)
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
    tasks.queue_signature_email(signature, tasks.CONFIRM)  # outbox row, this transaction


# --- Submitting: one submission, one signature; limits that slow the sender --------------
MAILBOX_LOCK_NAMESPACE = 6001  # first key of PostgreSQL advisory locks on a mailbox


def sender_of(ip: str) -> str:
    """An opaque id of the network a request came from, for the per-mailbox limit: the
    IPv4 address, or the /48 of an IPv6 address (RIPE-690 and RFC 6177: a site gets a /48
    or a /56, so one subscriber holds many /64s; an adversarial review filled the cap of
    ``MAILBOX_MAX_PER_DAY`` from four /64s of one /56 and locked the owner out).
    A keyed hash (``salted_hmac`` with ``SECRET_KEY``, 32 hex characters), so the address
    itself is not stored; ``""`` for an empty or unreadable ``ip``."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    network = ipaddress.ip_network(f"{address}/{48 if address.version == 6 else 32}",
                                   strict=False)
    return salted_hmac("campaign.sender", str(network)).hexdigest()[:32]


def _lock_mailbox(canonical: str) -> None:
    """Serialise the submissions naming one canonical mailbox until the transaction ends,
    so that the counts of the limits and the duplicate look-ups below cannot race.

    PostgreSQL: a transaction-level advisory lock on (``MAILBOX_LOCK_NAMESPACE``,
    ``hashtext(mailbox)``) (two mailboxes with the same hash share a lock: harmless).
    SQLite: nothing to do, every transaction starts with ``BEGIN IMMEDIATE``
    (``transaction_mode`` in settings), so writing transactions already run one at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                           [MAILBOX_LOCK_NAMESPACE, canonical])


def _earlier_submission(*, submission_key: str, sender: str, local_government,
                        canonical: str) -> Signature | None:
    """The signature this submission repeats, if any: the one with the same
    ``submission_key``; or, without a key, one of the same sender, place and mailbox made
    within ``DUPLICATE_WINDOW`` and not decided by staff."""
    same = Signature.objects.filter(local_government=local_government,
                                    email_canonical=canonical)
    if submission_key:
        return same.filter(submission_key=submission_key).first()
    if not sender:
        return None
    return (same.filter(sender=sender, status__in=[S.UNCONFIRMED, S.PENDING],
                        created_at__gte=timezone.now() - DUPLICATE_WINDOW)
            .order_by("-created_at").first())


def _check_mailbox_limits(*, canonical: str, sender: str) -> None:
    """Raise ``MailboxLimited`` when the mailbox has had its share (rule in
    ``signature_submit``)."""
    recent = Signature.objects.filter(email_canonical=canonical,
                                      created_at__gte=timezone.now() - timedelta(days=1))
    if (recent.filter(sender=sender).count() >= MAILBOX_MAX_PER_SENDER
            or recent.count() >= MAILBOX_MAX_PER_DAY):
        raise MailboxLimited()


def _place_takes_region_text(signature: Signature) -> None:
    """A place typed in by signers shows the region of the latest submitter while none of
    its signatures is confirmed, and the confirmed signer's once one is: the text of an
    unconfirmed submitter never stays for the others to see (each signature keeps its own,
    ``Signature.region_text`` / ``place_label``). A region chosen by staff is kept."""
    lg = signature.local_government
    if lg.source != LocalGovernment.DataSource.SUBMITTED or lg.region_id:
        return
    LocalGovernment.objects.filter(pk=lg.pk).exclude(
        region_text=signature.region_text).update(region_text=signature.region_text)
    lg.region_text = signature.region_text


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
    submission_key: str = "",
    sender: str = "",
) -> Signature:
    """Record a new signature (status ``unconfirmed``) and queue the confirmation email.

    The signer names a reference ``local_government`` or, when it is not in the data, a
    ``new_place`` (created in the same transaction, so a refused signature leaves nothing;
    one row per country and folded name: ``places.services.local_government_submit``).
    The region typed for a new place is kept on the signature (``region_text``) and shown
    on the place row only while no signature of it is confirmed (``_place_takes_region_text``).

    ``email`` is stored normalised (``core.emails.email_normalise``, the form has done it
    already) with its canonical mailbox (``Signature.email_canonical``).

    One submission, one signature (issue 6, section 4): ``submission_key`` (random, from a
    hidden field of the form, new for every page shown; UniqueConstraint
    ``signature_submission_key_unique``) makes a repeated POST return the signature of the
    first, with no second email, also when both arrive at once. The same key with another
    place or mailbox (a page used again after the back button) is a new submission. Without
    a key, a submission of the same ``sender``, place and mailbox within
    ``DUPLICATE_WINDOW`` (10 minutes) of an unconfirmed or pending one returns that one.

    Limits (issue 6, section 8: they slow the sender and do not lock the owner out).
    ``sender`` is ``sender_of(client IP)`` (the view's; ``""`` counts as one sender):

    - at most ``MAILBOX_MAX_PER_SENDER`` (5) new signatures naming one canonical mailbox
      in 24 hours from one sender: five submissions by someone else naming your address
      block that someone, not you;
    - at most ``MAILBOX_MAX_PER_DAY`` (20) from all senders together, against flooding
      from many networks (it takes four networks to reach it);
    - the sign view limits each sender per IP address and per browser (``views.sign``).

    Submissions naming one canonical mailbox run one at a time (``_lock_mailbox``), so the
    counts and the look-ups hold under concurrency.

    The signature returned carries ``created_by_this_call = True`` when this call recorded
    it (not set on an earlier signature returned as the same submission).

    Raises ``InvalidEmail`` (a ``ValidationError``) for an address mail cannot be sent to,
    ``AlreadySigned`` when the local government has a pending or published signature (the
    UniqueConstraint ``one_active_signature_per_local_government`` backs it),
    ``MailboxLimited`` beyond the limits above (compared by canonical mailbox:
    ``hanako+1@example.jp`` and ``Hanako+2@EXAMPLE.jp`` are one mailbox). Consent to the
    statement and the privacy notice is checked by the form and stamped here.
    """
    email = email_normalise(email)
    canonical = email_canonical(email)
    _lock_mailbox(canonical)
    if local_government is None:
        if new_place is None:
            raise ValueError("signature_submit needs local_government or new_place")
        local_government = local_government_submit(
            name=new_place.name, country=new_place.country, region_text=new_place.region_text)
    earlier = _earlier_submission(submission_key=submission_key, sender=sender,
                                  local_government=local_government, canonical=canonical)
    if earlier is not None:
        return earlier
    if submission_key and Signature.objects.filter(submission_key=submission_key).exists():
        submission_key = ""  # the key of a page sent again for another place or mailbox
    active = Signature.objects.active().filter(local_government=local_government).first()
    if active:
        raise AlreadySigned(active)
    _check_mailbox_limits(canonical=canonical, sender=sender)
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                local_government=local_government, statement_text=statement_text,
                statement_hash=statement_text.content_hash, language=language,
                signatory_name=signatory_name, signatory_title=signatory_title,
                contact_name=contact_name, department=department, email=email,
                website=website, message=message, consented_at=timezone.now(),
                confirmation_nonce=secrets.token_hex(16), submission_key=submission_key,
                sender=sender,
                region_text=new_place.region_text.strip() if new_place else "",
            )
    except IntegrityError:  # the same key, committed meanwhile by a concurrent request
        earlier = Signature.objects.filter(submission_key=submission_key).first() \
            if submission_key else None
        if earlier is None:
            raise
        return earlier
    _place_takes_region_text(signature)
    _record(signature, verb="submit", from_status="")
    _queue_confirmation(signature)
    signature.created_by_this_call = True  # (an earlier signature returned has no such mark)
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
    _place_takes_region_text(signature)  # the confirmed signer's region, not a later one's
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
    gets the next-steps email in the language they signed in, and an invitation into the
    local government's workspace (``accounts.services.invitation_create``, from the
    platform: ``invited_by=None``), unless that mailbox is already one of its officers (or
    is no address mail can be sent to). Raises InvalidTransition."""
    from withrefugees.accounts.services import AlreadyOfficer, invitation_create

    signature = _transition(signature, verb="publish", allowed_from=(S.PENDING,),
                            to=S.PUBLISHED, actor=actor, note=note,
                            published_at=timezone.now())
    if signature.email:
        tasks.queue_signature_email(signature, tasks.PUBLISHED)
        try:
            invitation_create(local_government=signature.local_government,
                              email=signature.email, language=signature.language,
                              invited_by=None)
        except (AlreadyOfficer, InvalidEmail):
            pass  # already in the workspace, or an old address mail cannot be sent to
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
        tasks.queue_signature_email(signature, tasks.REJECTED)
    return signature


@transaction.atomic
def signature_withdraw(*, signature: Signature, actor: AbstractBaseUser | None,
                       note: str = "") -> Signature:
    """Withdraw a pending or published signature (``→ withdrawn``, e.g. at the local
    government's request); it leaves the public pages and the local government may sign
    again later. The contact is told, in the language they signed in; the workspace
    invitation sent to the contact at publication, if still pending, stops working
    (``accounts.services.invitations_revoke_from_platform``). Raises InvalidTransition."""
    from withrefugees.accounts.services import invitations_revoke_from_platform

    signature = _transition(signature, verb="withdraw", allowed_from=(S.PENDING, S.PUBLISHED),
                            to=S.WITHDRAWN, actor=actor, note=note)
    if signature.email:
        tasks.queue_signature_email(signature, tasks.WITHDRAWN)
        invitations_revoke_from_platform(
            local_government=signature.local_government, email=signature.email, actor=actor,
            note="signature withdrawn")
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
    if "signed_on" in changes:  # a campaign record's place in the directory by date
        signatory_record_sort_dates()
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


# --- The campaign's attested records (``seed.signatory_records_load``) -------------------
class RecordOutcome:
    """What ``signatory_record_load`` did with a row (stable values, for the load report)."""

    UNCHANGED = "unchanged"  # loaded before (same key): nothing changes
    CREATED = "created"  # a published signature of record was created
    ATTACHED = "attached"  # the row now backs an existing signature of record (brochure)
    ALREADY_SIGNED = "already_signed"  # signed online (pending or published): that one wins


@transaction.atomic
def signatory_record_load(*, row, local_government: LocalGovernment, match: str,
                          published_at: datetime | None = None, note: str = ""):
    """Load one row of the campaign's list of signatories (``records.RecordRow``) for
    ``local_government`` (the place it was matched to, or created for it: ``match`` is a
    ``SignatoryRecord.Match``). Returns ``(SignatoryRecord, RecordOutcome value)``.

    Idempotent by the row's ``key``: a row loaded before is ``unchanged``, even when staff
    have since withdrawn its signature (a record is never published again behind their
    back). Otherwise, by the local government's active (pending or published) signature:
    - none: a ``published`` signature (``origin`` campaign record, the statement's version
      1 text in Japanese for Japan, else in English) with the row's date at its precision,
      ``published_at`` (default now) and an audit row ``signature.seed``;
    - one of record without a row yet (e.g. a brochure participant): the row backs it; its
      date, if unknown, becomes the row's (audit ``signature.seed`` with the change);
    - any other (signed online, or backed by another row): it wins, nothing is duplicated;
      the row is kept without a signature (``already_signed``).
    The row's sources are saved in order. The database allows one active signature per
    local government: a concurrent signature makes this one give way (``already_signed``).
    """
    from .models import SignatoryRecord, SignatoryRecordSource

    existing = SignatoryRecord.objects.filter(key=row.key).first()
    if existing is not None:
        return existing, RecordOutcome.UNCHANGED
    text = note or f"From the campaign's list of signatories (line {row.line})."
    active = (Signature.objects.select_for_update().active()
              .filter(local_government=local_government).first())
    signature, outcome = None, RecordOutcome.ALREADY_SIGNED
    if active is None:
        language = "ja" if local_government.country_id == "JP" else "en"
        version = StatementVersion.objects.get(number=1)
        statement = (version.texts.filter(language=language).first()
                     or version.texts.get(language="ja"))
        candidate = Signature(
            local_government=local_government, status=S.PUBLISHED,
            origin=Signature.Origin.CAMPAIGN_RECORD, statement_text=statement,
            statement_hash=statement.content_hash, language=statement.language,
            signed_on=row.signed_on, signed_on_precision=row.precision,
            published_at=published_at or timezone.now())
        try:
            with transaction.atomic():
                candidate.save()
            signature, outcome = candidate, RecordOutcome.CREATED
            _record(signature, verb="seed", from_status="", note=text)
        except IntegrityError:  # signed meanwhile: that signature wins
            pass
    elif (active.origin == Signature.Origin.CAMPAIGN_RECORD
          and not SignatoryRecord.objects.filter(signature=active).exists()):
        signature, outcome = active, RecordOutcome.ATTACHED
        if active.signed_on is None and row.signed_on is not None:
            before = field_values(active, ["signed_on", "signed_on_precision"])
            active.signed_on, active.signed_on_precision = row.signed_on, row.precision
            active.save(update_fields=["signed_on", "signed_on_precision", "updated_at"])
            _record(active, verb="seed", from_status=active.status, note=text,
                    changes=changed_fields(before, active))
    record = SignatoryRecord.objects.create(
        key=row.key, local_government=local_government, signature=signature, match=match,
        name_en=row.name_en, name_local=row.name_local, country_code=row.country,
        region_text=row.region, date_text=row.date_text, signing_order=row.signing_order,
        evidence=row.evidence[:500], note=row.note)
    SignatoryRecordSource.objects.bulk_create(
        SignatoryRecordSource(record=record, position=i, url=source.url,
                              label=source.label[:300], note=source.note)
        for i, source in enumerate(row.sources))
    return record, outcome


@transaction.atomic
def signatory_record_sort_dates() -> int:
    """Fill ``SignatoryRecord.sort_on``, the date the directory orders a record by (never
    shown, not a date of record): for a record with a signing order (Japan), the latest
    date of record (``Signature.signed_on``) among it and the records signed before it, so
    that a date known only to the year or month ("2023") or not at all sorts after the
    dated signatories that the list says signed before it (中野区, 12th, "2023", after
    鎌倉市, 11th, 27 June 2023); elsewhere the record's own date. Idempotent; returns the
    number of records changed. Not audited: it derives from the records and their dates."""
    from .models import SignatoryRecord

    changed = []
    latest = None
    records = (SignatoryRecord.objects.select_related("signature")
               .order_by(F("signing_order").asc(nulls_last=True), "pk"))
    for record in records:
        own = record.signature.signed_on if record.signature_id else None
        if record.signing_order is None:
            value = own
        else:
            latest = max(filter(None, (own, latest)), default=None)
            value = latest
        if record.sort_on != value:
            record.sort_on = value
            changed.append(record)
    SignatoryRecord.objects.bulk_update(changed, ["sort_on"])
    return len(changed)
