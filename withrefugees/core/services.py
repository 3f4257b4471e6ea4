"""Writes shared by every app: a staff edit of any record (the Django admin's add, change
and delete), saved and audited in one transaction.

The admin never saves a model itself: ``core.admin.AuditedAdminMixin`` hands the edited
instance to these services. Records with a life cycle of their own (a signature) have their
own services instead; these are for plain records (statement versions and texts, rejection
reasons, places).
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from .audit import audit_record, changed_fields, field_values
from .models import AuditEntry


def audited_fields(model: type[models.Model]) -> list[str]:
    """The fields of ``model`` an audit row compares: every concrete field except an
    automatic primary key, the ``auto_now``/``auto_now_add`` time stamps and the other
    fields nobody edits (``editable=False``: values derived from audited ones, such as a
    search key or a content hash)."""
    names = []
    for field in model._meta.concrete_fields:
        if (field.primary_key and field.auto_created) or not field.editable:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        names.append(field.name)
    return names


#: Fields whose values never enter the trail; a change shows as ``REDACTED``.
SECRET_FIELDS = frozenset({"password"})
REDACTED = "[redacted]"


def _action(instance: models.Model, verb: str) -> str:
    return f"{instance._meta.model_name}.{verb}"


def _redacted(changes: dict[str, list]) -> dict[str, list]:
    return {name: [None if old is None else REDACTED, None if new is None else REDACTED]
            if name in SECRET_FIELDS else [old, new]
            for name, (old, new) in changes.items()}


@transaction.atomic
def staff_edit_save(*, instance: models.Model, actor: AbstractBaseUser | None,
                    fields: Iterable[str] | None = None, note: str = "") -> AuditEntry | None:
    """Save ``instance`` (new, or changed in memory by an admin form) and audit it.

    The values before the edit are read from the database (row locked), not from the
    instance, which the form has already changed. A new record gets ``<model>.create`` with
    ``changes`` ``{field: [None, value]}`` of its non-empty fields; a changed one gets
    ``<model>.update`` with ``{field: [old, new]}`` of the fields that changed (JSON values,
    foreign keys by id); an unchanged one is saved and gets no row (returns None).
    ``fields`` limits the comparison (default: ``audited_fields``); the values of
    ``SECRET_FIELDS`` (a password hash) are written as ``REDACTED``. Errors raised by the
    model's ``save`` (e.g. ``ValidationError`` for a signed statement text) propagate and
    nothing is written.
    """
    model = type(instance)
    names = list(fields) if fields is not None else audited_fields(model)
    stored = None
    if not instance._state.adding and instance.pk is not None:
        stored = model._base_manager.select_for_update().filter(pk=instance.pk).first()
    if stored is None:  # new, or a primary key typed anew (Django then adds a record)
        instance.save()
        values = field_values(instance, names)
        changes = {name: [None, value] for name, value in values.items()
                   if value not in (None, "")}
        return audit_record(target=instance, action=_action(instance, "create"), actor=actor,
                            changes=_redacted(changes), note=note)
    before = field_values(stored, names)
    instance.save()
    changes = changed_fields(before, instance)
    if not changes:
        return None
    return audit_record(target=instance, action=_action(instance, "update"), actor=actor,
                        changes=_redacted(changes), note=note)


def relation_values(instance: models.Model) -> dict[str, list]:
    """``{many-to-many field: sorted ids}`` of a saved ``instance`` (e.g. a user's groups)."""
    return {field.name: sorted(getattr(instance, field.name).values_list("pk", flat=True))
            for field in instance._meta.many_to_many}


@transaction.atomic
def staff_edit_relations(*, instance: models.Model, actor: AbstractBaseUser | None,
                         before: dict[str, list], note: str = "") -> AuditEntry | None:
    """Audit the many-to-many links of ``instance`` changed by a staff edit (a user's groups
    and permissions, a group's permissions): ``before`` is ``relation_values`` taken before
    the edit (``{}`` for a new record). Writes ``<model>.update`` with ``{field: [old ids,
    new ids]}`` for the fields that changed and returns it; None when none changed."""
    after = relation_values(instance)
    changes = {name: [before.get(name, []), ids] for name, ids in after.items()
               if before.get(name, []) != ids}
    if not changes:
        return None
    return audit_record(target=instance, action=_action(instance, "update"), actor=actor,
                        changes=changes, note=note)


@transaction.atomic
def staff_edit_password(*, user: AbstractBaseUser, actor: AbstractBaseUser | None,
                        before_hash: str, note: str = "") -> AuditEntry | None:
    """Audit a password set by staff for ``user`` (the admin's password page): a
    ``<model>.update`` row whose ``password`` change is ``REDACTED``, when the stored hash
    differs from ``before_hash``; None otherwise."""
    stored = user._meta.model._base_manager.filter(pk=user.pk).values_list("password", flat=True)
    after_hash = stored.first()
    if after_hash is None or after_hash == before_hash:
        return None
    return audit_record(target=user, action=_action(user, "update"), actor=actor,
                        changes=_redacted({"password": [before_hash or None, after_hash]}),
                        note=note)


def _last_values(instance: models.Model) -> dict[str, list]:
    """``{field: [value, None]}`` of a record about to be deleted (non-empty fields and
    many-to-many links)."""
    values = field_values(instance, audited_fields(type(instance)))
    changes = {name: [value, None] for name, value in values.items() if value not in (None, "")}
    changes.update({name: [ids, None] for name, ids in relation_values(instance).items() if ids})
    return _redacted(changes)


@transaction.atomic
def staff_edit_delete(*, instance: models.Model, actor: AbstractBaseUser | None,
                      note: str = "") -> AuditEntry:
    """Delete ``instance`` and leave a ``<model>.delete`` row with its last values
    (``{field: [value, None]}``, links included), so that the trail outlives the record;
    each record deleted with it by a cascade (e.g. a local government's profile) gets its
    own ``<model>.delete`` row saying so. Raises ``ProtectedError``/``RestrictedError`` when
    other records still need it (nothing is written then)."""
    collector = Collector(using=router.db_for_write(type(instance), instance=instance))
    collector.collect([instance])
    cascaded = [obj for objs in collector.data.values() for obj in objs
                if not (type(obj) is type(instance) and obj.pk == instance.pk)]
    for rows in collector.fast_deletes:
        cascaded.extend(rows)
    entry = audit_record(target=instance, action=_action(instance, "delete"), actor=actor,
                         changes=_last_values(instance), note=note)
    with_note = _("Deleted together with %(record)s.") % {
        "record": f"{instance._meta.verbose_name} “{instance}”"}
    for obj in cascaded:
        if obj._meta.auto_created:  # rows of a many-to-many table: in the links above
            continue
        audit_record(target=obj, action=_action(obj, "delete"), actor=actor,
                     changes=_last_values(obj), note=with_note)
    instance.delete()
    return entry
