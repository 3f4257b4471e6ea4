"""Who may do what: the named rules of the accounts app (django-rules), and ``can``, the one
way every view, form, admin queryset and service asks them.

Roles (issue 7): an *officer* of a local government (``Membership``) reads and edits only
that local government's records; *UNHCR staff* (``is_staff``) review and moderate
everything, but only once they have a second factor (TOTP, ``allauth.mfa``): until then
every staff rule refuses them; a *superuser* is staff with every model permission, and the
same second-factor rule applies.

Rules are predicates composed with ``&`` and ``|`` (pattern of a4-meinberlin's
``predicates.py``/``rules.py``). ``can`` calls ``rules.test_rule`` directly, so Django's
"active superusers have every permission" shortcut never bypasses a rule. Results are
cached on the user object for one request (``_wr_lg_ids``, ``_wr_has_totp``).
"""

from typing import Any

import rules


def _lg_id(obj: Any) -> int | None:
    """The local government id of ``obj``: a ``LocalGovernment``, or a record with a
    ``local_government_id`` (membership, invitation, profile, signature, ...)."""
    if obj is None:
        return None
    if obj.__class__.__name__ == "LocalGovernment":
        return obj.pk
    return getattr(obj, "local_government_id", None)


def officer_local_government_ids(user) -> frozenset[int]:
    """Ids of the local governments ``user`` is an officer of (cached on ``user``)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_wr_lg_ids", None)
    if cached is None:
        from .models import Membership

        cached = frozenset(Membership.objects.filter(user=user)
                           .values_list("local_government_id", flat=True))
        user._wr_lg_ids = cached
    return cached


def has_totp(user) -> bool:
    """Whether ``user`` has set up an authenticator app (TOTP, ``allauth.mfa``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_wr_has_totp", None)
    if cached is None:
        from allauth.mfa.models import Authenticator

        cached = Authenticator.objects.filter(user=user,
                                              type=Authenticator.Type.TOTP).exists()
        user._wr_has_totp = cached
    return cached


def forget(user) -> None:
    """Drop what ``can`` cached on ``user`` (after a membership or authenticator change)."""
    for name in ("_wr_lg_ids", "_wr_has_totp"):
        if hasattr(user, name):
            delattr(user, name)


@rules.predicate
def is_active_user(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def is_staff_with_second_factor(user) -> bool:
    """UNHCR staff (or a superuser) who has set up TOTP."""
    return bool(is_active_user(user) and (user.is_staff or user.is_superuser)
                and has_totp(user))


@rules.predicate
def is_staff_without_second_factor(user) -> bool:
    return bool(is_active_user(user) and (user.is_staff or user.is_superuser)
                and not has_totp(user))


@rules.predicate
def is_officer_of(user, obj) -> bool:
    """An officer of the local government ``obj`` is, or belongs to."""
    lg_id = _lg_id(obj)
    return lg_id is not None and lg_id in officer_local_government_ids(user)


@rules.predicate
def is_officer(user) -> bool:
    return bool(officer_local_government_ids(user))


# --- The accounts app's rules ------------------------------------------------------------
# Open the workspace of a local government (dashboard, members, profile form).
rules.add_rule("workspace.view", is_officer_of | is_staff_with_second_factor)
# Invite colleagues, revoke invitations, remove officers of the local government.
rules.add_rule("accounts.manage_officers", is_officer_of | is_staff_with_second_factor)
# Reach the admin, and any staff action (review, moderation, officers in the admin).
rules.add_rule("accounts.staff_area", is_staff_with_second_factor)
# See and delete one's own account data.
rules.add_rule("accounts.own_account", is_active_user)


def can(user, rule: str, obj: Any = None) -> bool:
    """Whether ``user`` passes the named rule ``rule`` for ``obj`` (a local government or a
    record of one). Raises ``KeyError`` for a rule that does not exist (a typo must fail
    loudly, not refuse quietly)."""
    if not rules.rule_exists(rule):
        raise KeyError(f"no such rule: {rule}")
    return rules.test_rule(rule, user, obj)
