"""Writes of the accounts app: staff roles (``roles_sync``); officers of local governments
(``membership_add``, ``membership_remove``); invitations (``invitation_create``,
``invitation_accept``, ``invitation_revoke``); accounts (``account_for_invited_address``,
``account_update_name``, ``account_delete``)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from withrefugees.core.audit import audit_record, changed_fields, field_values
from withrefugees.core.emails import InvalidEmail, email_canonical, email_normalise
from withrefugees.core.errors import ServiceError
from withrefugees.core.mail import mail_language
from withrefugees.core.outbox import mask_address
from withrefugees.places.models import LocalGovernment

from .invitation_mail import queue_invitation_email
from .models import Invitation, Membership, User, token_hash
from .roles import ROLES
from .rules import can
from .rules import forget as rules_forget


class RolePermissionsMissing(ServiceError):
    """A role names permissions that are not in the database (``missing``: sorted list of
    ``"app_label.codename"``). Django creates permissions after ``migrate``; a missing one
    means a typo in ``roles.ROLES`` or a model/``Meta.permissions`` entry that was removed."""

    code = "role_permissions_missing"

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__("Permissions named by a role do not exist: " + ", ".join(missing),
                         missing=missing)


def _permissions(names: frozenset[str]) -> tuple[list[Permission], list[str]]:
    query = Q(pk__in=[])
    for name in names:
        app_label, _, codename = name.partition(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    have = {f"{p.content_type.app_label}.{p.codename}" for p in found}
    return found, sorted(names - have)


@transaction.atomic
def roles_sync(*, roles: dict[str, frozenset[str]] | None = None) -> dict[str, int]:
    """Create or update one ``Group`` per role so that it has exactly the role's permissions
    (``roles.ROLES`` by default). Idempotent: a second run changes nothing. Other groups and
    the groups' members are left alone.

    A group created, or whose permissions change, gets an audit row (``group.create`` /
    ``group.update``, no actor: the release did it) with the permissions before and after.

    Returns ``{group name: number of permissions}``. Raises ``RolePermissionsMissing`` (and
    changes nothing) when a named permission does not exist.
    """
    roles = ROLES if roles is None else roles
    wanted = {}
    missing: list[str] = []
    for name, perms in roles.items():
        found, absent = _permissions(perms)
        wanted[name] = found
        missing += absent
    if missing:
        raise RolePermissionsMissing(sorted(missing))
    result = {}
    for name, perms in wanted.items():
        group, created = Group.objects.get_or_create(name=name)
        before = sorted(group.permissions.values_list("pk", flat=True))
        group.permissions.set(perms)
        after = sorted(p.pk for p in perms)
        if created or before != after:  # e.g. undoing an edit of the role in the admin
            audit_record(target=group, action="group.create" if created else "group.update",
                         changes={"permissions": [before, after]},
                         note="roles_sync: the role as defined in accounts/roles.py")
        result[name] = len(perms)
    return result


# --- Officers of local governments, invitations, one's own account ---------------------------
# Every function below is keyword-only and atomic and writes its audit rows in the same
# transaction (actions ``membership.add|remove``, ``invitation.create|accept|revoke``,
# ``user.update_name``, ``account.delete``). Who may do what is asked of ``rules.can``
# here too (a view that forgot its gate still cannot act on another local government);
# ``actor=None`` is the platform itself (e.g. the invitation sent when staff publish a
# signature).


class NotAllowed(ServiceError):
    """``actor`` fails the rule the operation needs (``accounts.manage_officers`` for the
    local government, or ``accounts.own_account``)."""

    code = "not_allowed"
    message = _("You may not manage the officers of this local government.")


class AlreadyOfficer(ServiceError):
    """The mailbox is already an officer of that local government."""

    code = "already_officer"
    message = _("This person is already an officer of this local government.")


class LastOfficer(ServiceError):
    """The membership is the local government's last one (a local government always keeps
    at least one officer)."""

    code = "last_officer"
    message = _("A local government always keeps at least one officer. Invite a colleague "
                "first; once they have accepted the invitation, this officer can be "
                "removed.")


class AccountIsLastOfficer(ServiceError):
    """``account_delete``: the account is the only officer of ``local_governments``."""

    code = "last_officer"

    def __init__(self, local_governments: list):
        self.local_governments = local_governments
        names = ", ".join(lg.label for lg in local_governments)
        super().__init__(
            _("You are the only officer of %(names)s, so your account cannot be deleted "
              "yet. Invite a colleague to the workspace first (or contact UNHCR at "
              "%(email)s); once they have accepted, you can delete your account.")
            % {"names": names, "email": settings.CAMPAIGN_CONTACT_EMAIL},
            local_governments=[lg.pk for lg in local_governments])


class InvitationInvalid(ServiceError):
    """No invitation has this token (mistyped, cut off, or made up)."""

    code = "invitation_invalid"
    message = _("This invitation link is not valid. Check that you opened the whole link "
                "from the email, or ask an officer of the local government to invite you "
                "again.")


class _InvitationError(ServiceError):
    def __init__(self, invitation: Invitation, message=None, **params):
        self.invitation = invitation
        super().__init__(message, **params)


class InvitationExpired(_InvitationError):
    code = "invitation_expired"
    message = _("This invitation has expired. Ask an officer of the local government (or "
                "UNHCR) to invite you again.")


class InvitationUsed(_InvitationError):
    code = "invitation_used"
    message = _("This invitation has already been accepted. An invitation link works only "
                "once.")


class InvitationRevoked(_InvitationError):
    code = "invitation_revoked"
    message = _("This invitation has been withdrawn. If a newer invitation was sent to "
                "you, use the link in the most recent email.")


class InvitationWrongAddress(_InvitationError):
    """Signed in with another mailbox than the invited one; ``invited``: the invited
    address, masked (``h•••••@city.example.jp``)."""

    code = "invitation_wrong_address"

    def __init__(self, invitation: Invitation):
        invited = mask_address(invitation.email)
        super().__init__(
            invitation,
            _("This invitation was sent to %(email)s, but you are signed in with another "
              "address. Sign out, then sign in with the invited address to accept it.")
            % {"email": invited}, invited=invited)


def _check(actor, rule: str, obj=None) -> None:
    if actor is not None and not can(actor, rule, obj):
        raise NotAllowed()


def _audit_membership(membership: Membership, *, verb: str, actor, note: str = ""):
    user_id = membership.user_id
    changes = ({"user": [None, user_id], "local_government": [None,
                                                              membership.local_government_id]}
               if verb == "add" else
               {"user": [user_id, None], "local_government": [membership.local_government_id,
                                                              None]})
    audit_record(target=membership, action=f"membership.{verb}", actor=actor, changes=changes,
                 note=note)


def _membership_create(*, user, local_government, actor, added_by,
                       note: str = "") -> Membership:
    """A new membership, audited (``membership.add`` by ``actor``). Raises
    ``AlreadyOfficer``."""
    if Membership.objects.filter(user=user, local_government=local_government).exists():
        raise AlreadyOfficer()
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, local_government=local_government,
                added_by=added_by if getattr(added_by, "pk", None) else None)
    except IntegrityError as exc:  # added concurrently
        raise AlreadyOfficer() from exc
    _audit_membership(membership, verb="add", actor=actor, note=note)
    rules_forget(user)
    return membership


@transaction.atomic
def membership_add(*, user: User, local_government: LocalGovernment,
                   actor: User | None) -> Membership:
    """Make ``user`` an officer of ``local_government`` (staff in the admin). ``actor``
    must pass ``accounts.manage_officers`` for it (staff with a second factor, or an
    officer of it). One audit row ``membership.add``. Raises ``NotAllowed``,
    ``AlreadyOfficer``."""
    _check(actor, "accounts.manage_officers", local_government)
    return _membership_create(user=user, local_government=local_government, actor=actor,
                              added_by=actor)


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None) -> None:
    """Remove an officer from a local government (a colleague, or oneself: leaving).
    ``actor`` must pass ``accounts.manage_officers`` for the local government. The
    local government's memberships are locked (``select_for_update``) so that two
    officers removing each other at once cannot leave it without one. One audit row
    ``membership.remove``. Raises ``NotAllowed``, ``LastOfficer``,
    ``Membership.DoesNotExist`` (removed meanwhile)."""
    _check(actor, "accounts.manage_officers", membership.local_government)
    officers = list(Membership.objects.select_for_update()
                    .filter(local_government_id=membership.local_government_id)
                    .order_by("pk"))
    current = next((m for m in officers if m.pk == membership.pk), None)
    if current is None:
        raise Membership.DoesNotExist("This officer has already been removed.")
    if len(officers) <= 1:
        raise LastOfficer()
    current.local_government = membership.local_government
    _audit_membership(current, verb="remove", actor=actor,
                      note="left" if getattr(actor, "pk", None) == current.user_id else "")
    current.delete()
    rules_forget(membership.user)
    if actor is not None:
        rules_forget(actor)


@transaction.atomic
def invitation_create(*, local_government: LocalGovernment, email: str, language: str,
                      invited_by: User | None = None) -> Invitation:
    """Invite ``email`` to become an officer of ``local_government``: one pending
    invitation (a random token; only its SHA-256 is stored) that expires after
    ``settings.INVITATION_MAX_AGE`` seconds, and the email with the link in ``language``
    (``ja``/``en``; others fall back to the site's language), promised through the outbox
    (``invitation_mail``). ``invited_by``: the officer or staff member inviting (must pass
    ``accounts.manage_officers``), ``None`` for the platform (a published signature).

    A mailbox that already has a pending invitation to this local government gets a new
    one: the earlier is revoked (its link then says so), so only the latest email works.
    Audit rows: ``invitation.create`` (and ``invitation.revoke`` for a replaced one).

    Raises ``core.emails.InvalidEmail`` (a ``ValidationError`` with its ``code``) for an
    address mail cannot be sent to, ``AlreadyOfficer`` when that mailbox is already an
    officer of the local government, ``NotAllowed``.
    """
    _check(invited_by, "accounts.manage_officers", local_government)
    address = email_normalise(email or "")
    canonical = email_canonical(address)
    # One invitation change at a time per local government (the pending invitation that
    # is replaced, the unique pending one per mailbox).
    LocalGovernment.objects.select_for_update().filter(pk=local_government.pk).first()
    if Membership.objects.filter(local_government=local_government,
                                 user__email_canonical=canonical).exists():
        raise AlreadyOfficer()
    now = timezone.now()
    for earlier in (Invitation.objects.select_for_update()
                    .filter(local_government=local_government, email_canonical=canonical,
                            status=Invitation.Status.PENDING)):
        _revoke(earlier, actor=invited_by, now=now, note="replaced by a newer invitation")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        local_government=local_government, email=address, email_canonical=canonical,
        language=mail_language(language), invited_by=invited_by if invited_by else None,
        token_hash=token_hash(token), created_at=now,
        expires_at=now + timedelta(seconds=settings.INVITATION_MAX_AGE))
    audit_record(target=invitation, action="invitation.create", actor=invited_by,
                 to_state=invitation.status,
                 changes={"email": [None, invitation.email],
                          "local_government": [None, local_government.pk],
                          "expires_at": [None, invitation.expires_at.isoformat()]})
    queue_invitation_email(invitation, token)
    return invitation


def _revoke(invitation: Invitation, *, actor, now, note: str = "") -> None:
    invitation.status = Invitation.Status.REVOKED
    invitation.revoked_at = now
    invitation.save(update_fields=["status", "revoked_at"])
    audit_record(target=invitation, action="invitation.revoke", actor=actor,
                 from_state=Invitation.Status.PENDING, to_state=invitation.status, note=note)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Withdraw a pending invitation (its link stops working). ``actor`` must pass
    ``accounts.manage_officers`` for its local government. One audit row
    ``invitation.revoke``. Raises ``NotAllowed``, ``InvitationUsed`` (accepted
    meanwhile), ``InvitationRevoked`` (already withdrawn)."""
    _check(actor, "accounts.manage_officers", invitation.local_government)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.status == Invitation.Status.ACCEPTED:
        raise InvitationUsed(locked)
    if locked.status == Invitation.Status.REVOKED:
        raise InvitationRevoked(locked)
    _revoke(locked, actor=actor, now=timezone.now())
    return locked


@transaction.atomic
def invitations_revoke_from_platform(*, local_government: LocalGovernment, email: str,
                                     actor: User | None, note: str = "") -> int:
    """Withdraw the pending invitations that the platform sent (``invited_by`` empty: the
    contact of a published signature) to ``email``'s mailbox for ``local_government``, e.g.
    when staff withdraw that signature. Returns how many; one ``invitation.revoke`` audit
    row each. An address that is not one gives 0."""
    try:
        canonical = email_canonical(email)
    except InvalidEmail:
        return 0
    now = timezone.now()
    pending = (Invitation.objects.select_for_update()
               .filter(local_government=local_government, email_canonical=canonical,
                       invited_by__isnull=True, status=Invitation.Status.PENDING))
    count = 0
    for invitation in pending:
        _revoke(invitation, actor=actor, now=now, note=note)
        count += 1
    return count


def invitation_for_token(*, token: str) -> Invitation:
    """The invitation of an emailed ``token``, with its local government and inviter (any
    status). Raises ``InvitationInvalid``."""
    if not token or len(token) > 200:
        raise InvitationInvalid()
    try:
        digest = token_hash(token)
    except UnicodeError:
        raise InvitationInvalid() from None
    invitation = (Invitation.objects.select_related("local_government__region",
                                                    "local_government__country",
                                                    "invited_by")
                  .filter(token_hash=digest).first())
    if invitation is None:
        raise InvitationInvalid()
    return invitation


def invitation_check(*, invitation: Invitation, user: User) -> None:
    """Whether ``user`` may accept ``invitation`` now. Raises ``InvitationRevoked``,
    ``InvitationUsed``, ``InvitationExpired``, ``InvitationWrongAddress`` (in that order)."""
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationRevoked(invitation)
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationUsed(invitation)
    if invitation.expires_at <= timezone.now():
        raise InvitationExpired(invitation)
    if not getattr(user, "is_authenticated", False) or not user.is_active \
            or user.email_canonical != invitation.email_canonical:
        raise InvitationWrongAddress(invitation)


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """``user`` (signed in with the invited mailbox) accepts the invitation of the emailed
    ``token``: the invitation becomes ``accepted`` and ``user`` an officer of its local
    government (an existing membership is kept, never doubled). Audit rows
    ``invitation.accept`` and, for a new officer, ``membership.add`` (by the user, noting
    the invitation). Raises ``InvitationInvalid``, ``InvitationRevoked``,
    ``InvitationUsed`` (also when accepting the same link twice), ``InvitationExpired``,
    ``InvitationWrongAddress``."""
    found = invitation_for_token(token=token)
    invitation = (Invitation.objects.select_for_update().select_related("local_government")
                  .get(pk=found.pk))
    invitation_check(invitation=invitation, user=user)
    now = timezone.now()
    membership = Membership.objects.filter(user=user,
                                           local_government=invitation.local_government).first()
    if membership is None:
        membership = _membership_create(
            user=user, local_government=invitation.local_government, actor=user,
            added_by=invitation.invited_by, note=f"accepted invitation #{invitation.pk}")
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "accepted_at", "accepted_by"])
    audit_record(target=invitation, action="invitation.accept", actor=user,
                 from_state=Invitation.Status.PENDING, to_state=invitation.status,
                 changes={"accepted_by": [None, user.pk]})
    rules_forget(user)
    return membership


def account_for_invited_address(*, email: str) -> User | None:
    """The account of the mailbox of ``email`` (any spelling: canonical mailbox), made now
    with the address the invitation was sent to (no usable password; the person signs in
    by an emailed code) when there is none and the mailbox has a pending, unexpired
    invitation; ``None`` when there is neither (or
    ``email`` is no address mail can be sent to). Race-safe: two requests at once get the
    same account. A new account gets one audit row ``user.create`` (note: invited)."""
    try:
        address = email_normalise(email or "")
        canonical = email_canonical(address)
    except InvalidEmail:
        return None
    user = User.objects.filter(email_canonical=canonical).first()
    if user is not None:
        return user
    invitation = (Invitation.objects.filter(email_canonical=canonical,
                                            status=Invitation.Status.PENDING,
                                            expires_at__gt=timezone.now())
                  .order_by("created_at", "pk").first())
    if invitation is None:
        return None
    try:
        with transaction.atomic():
            # The address as invited, not as typed now: whoever first types a variant
            # spelling (``Frank+x@…``) must not decide where the codes go.
            user = User.objects.create_user(email=invitation.email)
            audit_record(target=user, action="user.create", actor=None,
                         changes={"email": [None, user.email]},
                         note="account made for an invited address at its first sign-in")
    except (IntegrityError, ValidationError):  # made meanwhile by a concurrent request
        # (the unique index refused it, or ``create_user``'s ``full_clean`` saw it)
        return User.objects.filter(email_canonical=canonical).first()
    return user


@transaction.atomic
def account_update_name(*, user: User, full_name: str, actor: User | None) -> bool:
    """Change the name of ``user`` (``actor``: the user themselves, or staff with a second
    factor). One audit row ``user.update_name`` when it changed; returns whether it did.
    Raises ``NotAllowed``, ``ValidationError`` (too long, control characters)."""
    if getattr(actor, "pk", None) != user.pk:
        _check(actor, "accounts.staff_area")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = field_values(user, ["full_name"])
    user.full_name = (full_name or "").strip()
    user.full_clean(exclude=["password", "email", "email_canonical"], validate_unique=False)
    changes = changed_fields(before, user)
    if not changes:
        return False
    user.save(update_fields=["full_name"])
    audit_record(target=user, action="user.update_name", actor=actor, changes=changes)
    return True


@transaction.atomic
def account_delete(*, user: User, actor: User | None) -> None:
    """Delete the account ``user`` (``actor``: the user themselves, or staff with a second
    factor) with its memberships; its pending invitations are withdrawn (they carry the
    address). The local governments' records stay; the audit trail keeps the account's id
    (``AuditEntry.actor_pk``) and reads "a former officer". Audit rows:
    ``membership.remove`` for each membership, ``invitation.revoke`` for each pending
    invitation to the mailbox, ``account.delete`` (naming the account's address).

    Raises ``AccountIsLastOfficer`` when the account is the only officer of a local
    government (invite a colleague first, or ask UNHCR), ``NotAllowed``."""
    own = getattr(actor, "pk", None) == user.pk
    _check(actor, "accounts.own_account" if own else "accounts.staff_area")
    lg_ids = list(Membership.objects.filter(user=user)
                  .values_list("local_government_id", flat=True))
    officers = list(Membership.objects.select_for_update()
                    .filter(local_government_id__in=lg_ids).order_by("pk"))
    counts: dict[int, int] = {}
    for membership in officers:
        counts[membership.local_government_id] = counts.get(
            membership.local_government_id, 0) + 1
    alone = [lg_id for lg_id in lg_ids if counts.get(lg_id, 0) <= 1]
    if alone:
        raise AccountIsLastOfficer(list(LocalGovernment.objects.with_places()
                                        .filter(pk__in=alone)))
    now = timezone.now()
    memberships = (Membership.objects.filter(user=user)
                   .select_related("local_government__region", "local_government__country"))
    for membership in memberships:
        _audit_membership(membership, verb="remove", actor=actor,
                          note="account deleted")
        membership.delete()
    for invitation in Invitation.objects.select_for_update().filter(
            Q(email_canonical=user.email_canonical) | Q(invited_by=user),
            status=Invitation.Status.PENDING):
        # to this mailbox, or sent by this person (once the account is gone it would read
        # as an invitation from UNHCR)
        _revoke(invitation, actor=actor, now=now, note="account deleted")
    masked = mask_address(user.email)
    # The address leaves with the account: the trail and the invitations keep it masked.
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F, Value
    from django.db.models.functions import Replace

    from withrefugees.core.models import AuditEntry

    AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(User),
                              object_id=str(user.pk)).update(object_repr=masked)
    AuditEntry.objects.filter(object_repr__contains=user.email).update(
        object_repr=Replace(F("object_repr"), Value(user.email), Value(masked)))
    for entry in AuditEntry.objects.filter(  # staff edits of the account (its address)
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)):
        entry.changes = {name: [masked if value == user.email else value for value in pair]
                         if isinstance(pair, list) else pair
                         for name, pair in entry.changes.items()}
        entry.save(update_fields=["changes"])
    for invitation in Invitation.objects.filter(email_canonical=user.email_canonical):
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Invitation),
            object_id=str(invitation.pk)).update(
                object_repr=f"{masked} → {invitation.local_government_id}")
    Invitation.objects.filter(email_canonical=user.email_canonical).update(
        email=masked, email_canonical=f"deleted-account-{user.pk}")
    entry = audit_record(target=user, action="account.delete", actor=actor,
                         changes={"email": [masked, None]},
                         note="deleted by the account's owner" if own else "deleted by staff")
    entry.object_repr = masked
    entry.save(update_fields=["object_repr"])
    user.delete()
