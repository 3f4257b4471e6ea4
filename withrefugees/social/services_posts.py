"""Writes of the ready-made posts: staff edit a template (per occasion and language) and the
UNHCR accounts posts mention. Keyword-only and atomic; each change writes one audit row
(``core.audit.audit_record``: ``posttemplate.create``/``update``, ``mention.create``/
``update``/``delete``, the verbs the admin's history reads); an unchanged save writes none.
The admin (``admin_posts``) calls these and nothing else."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from withrefugees.accounts.rules import can
from withrefugees.core.audit import audit_record, changed_fields, field_values

from .counting import normalise_newlines
from .models import Mention, PostTemplate
from .posts import validate_body, validate_handle

RULE = "social.edit_post_templates"
MENTION_FIELDS = ("network", "handle", "label", "included", "position")


def _check_actor(actor: AbstractBaseUser | None) -> None:
    if actor is not None and not can(actor, RULE):
        raise PermissionDenied(RULE)


@transaction.atomic
def post_template_save(*, occasion: str, language: str, body: str,
                       actor: AbstractBaseUser | None, note: str = "") -> PostTemplate:
    """Set the text of the ready-made post of ``occasion`` × ``language`` (creating the
    template when there is none) and return it.

    ``actor``: staff who pass ``social.edit_post_templates`` (else ``PermissionDenied``), or
    None for the platform. ``body``: line breaks stored as ``\\n``, surrounding blank space
    removed; checked by ``posts.validate_body`` and the model (``full_clean``: known
    occasion and language, at most 4,000 characters): ``ValidationError`` on ``body`` (codes
    of ``validate_body``) or on the field at fault. Writes ``posttemplate.create`` (its
    fields) or ``posttemplate.update`` (``{"body": [old, new]}``); the same text writes
    nothing.
    """
    _check_actor(actor)
    body = normalise_newlines(body).strip()
    template = (PostTemplate.objects.select_for_update()
                .filter(occasion=occasion, language=language).first())
    created = template is None
    if created:
        template = PostTemplate(occasion=occasion, language=language)
    before = field_values(template, ["body"])
    template.body = body
    template.full_clean(validate_unique=False, validate_constraints=False)
    try:
        validate_body(body, occasion=occasion, language=language)
    except ValidationError as exc:
        raise ValidationError({"body": exc.error_list}) from exc
    changes: dict[str, Any] = changed_fields(before, template)
    if not created and not changes:
        return template
    template.save()
    if created:
        changes = {"occasion": [None, occasion], "language": [None, language],
                   "body": [None, body]}
    audit_record(target=template, actor=actor, changes=changes, note=note,
                 action="posttemplate.create" if created else "posttemplate.update")
    return template


@transaction.atomic
def mention_save(*, network: str, handle: str, actor: AbstractBaseUser | None,
                 mention: Mention | None = None, label: str = "", included: bool = True,
                 position: int = 0, note: str = "") -> Mention:
    """Add a UNHCR account to mention (``mention`` None) or change ``mention``; return it.

    ``handle`` as written in a post (``@`` then the name, no spaces or braces: else
    ``ValidationError`` code ``mention_handle_invalid``), on ``network`` (a ``Network``
    value); ``included``: whether ready-made posts mention it; ``position``: their order
    (smaller first). The same handle twice on one network is refused by the model
    (``ValidationError``). ``actor`` as ``post_template_save``. Writes ``mention.create``
    or ``mention.update`` with the changed fields; no change writes nothing.
    """
    _check_actor(actor)
    handle = handle.strip()
    if mention is None:
        target = Mention()
        before = None
    else:
        target = Mention.objects.select_for_update().get(pk=mention.pk)
        before = field_values(target, MENTION_FIELDS)
    target.network, target.handle, target.label = network, handle, label.strip()
    target.included, target.position = included, position
    try:
        validate_handle(handle)
    except ValidationError as exc:
        raise ValidationError({"handle": exc.error_list}) from exc
    target.full_clean()
    if before is not None:
        changes = changed_fields(before, target)
        if not changes:
            return target
    else:
        changes = {name: [None, value]
                   for name, value in field_values(target, MENTION_FIELDS).items()}
    target.save()
    audit_record(target=target, actor=actor, changes=changes, note=note,
                 action="mention.update" if before is not None else "mention.create")
    if mention is not None:
        mention.refresh_from_db()
    return target


@transaction.atomic
def mention_delete(*, mention: Mention, actor: AbstractBaseUser | None,
                   note: str = "") -> None:
    """Remove ``mention`` (posts stop mentioning it); writes ``mention.delete`` with its
    last values. ``actor`` as ``post_template_save``. A row already gone: nothing."""
    _check_actor(actor)
    target = Mention.objects.select_for_update().filter(pk=mention.pk).first()
    if target is None:
        return
    audit_record(target=target, actor=actor, note=note, action="mention.delete",
                 changes={name: [value, None]
                          for name, value in field_values(target, MENTION_FIELDS).items()})
    target.delete()
