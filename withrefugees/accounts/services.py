"""Writes of the accounts app."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from withrefugees.core.audit import audit_record
from withrefugees.core.errors import ServiceError

from .roles import ROLES


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
