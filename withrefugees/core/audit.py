"""The one audit trail: the helper every service calls, and the read of a record's history.

Pattern after Zulip's ``RealmAuditLog`` (``zerver/actions``): the service that changes a
record writes one row in the same transaction: actor, time, action, states, changed
fields with old and new values, note.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from .models import AuditEntry
from .pagecache import public_pages_changed

_ENCODER = DjangoJSONEncoder()


def _json(value: Any) -> Any:
    """A JSON-safe copy of a field value (dates as ISO 8601, model instances as pk, files by
    their stored name)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name or None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal) and value.is_finite():
        # One text per number: 5000000.00 read back from the database and 5000000 typed
        # are the same amount, not a change (``changed_fields`` compares these texts).
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    return _ENCODER.default(value) if not isinstance(value, list | dict) else value


def field_values(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """``{field: JSON-safe value}`` of ``instance`` (foreign keys by id), to compare later
    with ``changed_fields``."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = _json(getattr(instance, field.attname))
    return values


def changed_fields(before: dict[str, Any], instance: models.Model) -> dict[str, list]:
    """``{field: [old, new]}`` for the fields of ``before`` whose value differs now."""
    after = field_values(instance, before)
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def audit_record(*, target: models.Model, action: str, actor=None, from_state: str = "",
                 to_state: str = "", changes: dict[str, list] | None = None, note: str = "",
                 at=None) -> AuditEntry:
    """Write one audit row for ``target`` (a saved model instance of any app).

    ``action``: ``"<app>.<verb>"``, e.g. ``"signature.publish"``; ``actor``: the user (None
    for the platform itself or an anonymous signer); ``changes``: ``{field: [old, new]}``
    (see ``changed_fields``). Call it inside the service's transaction. After that
    transaction commits, the cached public pages are invalidated (``core.pagecache``).
    """
    actor = actor if getattr(actor, "pk", None) else None
    entry = AuditEntry(
        actor=actor, actor_pk=actor.pk if actor else None, action=action,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=True),
        object_id=str(target.pk), object_repr=str(target)[:200], from_state=from_state or "",
        to_state=to_state or "", changes=changes or {}, note=note or "",
    )
    if at is not None:
        entry.at = at
    entry.save()
    transaction.on_commit(public_pages_changed)
    return entry


def audit_history(target: models.Model) -> models.QuerySet[AuditEntry]:
    """The audit rows of ``target``, oldest first, with their actors."""
    ct = ContentType.objects.get_for_model(target, for_concrete_model=True)
    return (AuditEntry.objects.filter(content_type=ct, object_id=str(target.pk))
            .select_related("actor").order_by("at", "pk"))
