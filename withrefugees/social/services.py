"""Writes of step 2's posted links: an officer records the address of a post of their local
government, or removes it; UNHCR staff hide one (with a reason) or show it again.

Keyword-only and atomic; permission asked through ``accounts.rules.can`` (rules in
``social/rules.py``); every change writes one audit row (``core.audit.audit_record``,
actions ``posted_link.add``, ``.remove``, ``.hide``, ``.show``), which also invalidates the
cached public pages after commit, so the profile shows the change at once.
"""

import unicodedata

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.audit import audit_record
from withrefugees.places.models import LocalGovernment

from .links import recognise
from .models import PostedLink

#: Longest reason for hiding a posted link (``PostedLink.hidden_reason``).
REASON_MAX_LENGTH = PostedLink._meta.get_field("hidden_reason").max_length

DUPLICATE = _("This post is already in the list (recorded on %(date)s).")
DUPLICATE_HIDDEN = _("This post is already in the list (recorded on %(date)s), but UNHCR hid "
                     "it from your public profile. Reason given: %(reason)s. It stays hidden "
                     "if you record it again; to ask about it, contact UNHCR.")
DUPLICATE_RACE = _("This post is already in the list.")


def _duplicate(existing: PostedLink | None) -> ValidationError:
    """The ``duplicate`` refusal: when it was recorded, and, for a link staff hid, that it
    is hidden and why (officers otherwise look for it on the profile in vain)."""
    if existing is None:
        return ValidationError(DUPLICATE_RACE, code="duplicate")
    date = date_format(timezone.localtime(existing.created_at), "DATE_FORMAT")
    if existing.hidden:
        return ValidationError(DUPLICATE_HIDDEN, code="duplicate", params={
            "date": date, "reason": existing.hidden_reason})
    return ValidationError(DUPLICATE, code="duplicate", params={"date": date})


def _recorded(local_government: LocalGovernment, post_key: str) -> PostedLink | None:
    return PostedLink.objects.filter(local_government=local_government,
                                     post_key=post_key).first()


@transaction.atomic
def posted_link_add(*, local_government: LocalGovernment, url: str,
                    actor: AbstractBaseUser) -> PostedLink:
    """Record the address of a post of ``local_government`` and return the new
    ``PostedLink``.

    ``url`` as typed: checked and normalised by ``links.recognise`` (its ``ValidationError``
    codes: ``empty``, ``too_long``, ``malformed``, ``scheme``, ``credentials``,
    ``ip_address``, ``port``, ``lookalike_host``, ``unknown_host``, ``not_a_post``); the same
    post already recorded for this local government (the same ``post_key``, so under another
    address too: other tracking parameters, the mobile site, another account name in an X
    address ...) raises ``ValidationError`` code ``duplicate``, also when a concurrent
    request recorded it first (the unique constraints).
    ``actor`` must pass ``social.record_posted_link`` for ``local_government`` (its officers,
    staff with a second factor), else ``PermissionDenied``. Writes one audit row
    ``posted_link.add`` with the address and network."""
    if not can(actor, "social.record_posted_link", local_government):
        raise PermissionDenied("social.record_posted_link")
    found = recognise(url)
    existing = _recorded(local_government, found.post_key)
    if existing is not None:
        raise _duplicate(existing)
    try:
        with transaction.atomic():
            link = PostedLink.objects.create(local_government=local_government,
                                             url=found.url, network=found.network,
                                             post_key=found.post_key, added_by=actor)
    except IntegrityError as exc:  # the same post, committed meanwhile by another request
        if not PostedLink.objects.filter(Q(url=found.url) | Q(post_key=found.post_key),
                                         local_government=local_government).exists():
            raise
        raise _duplicate(None) from exc
    audit_record(target=link, action="posted_link.add", actor=actor,
                 changes={"url": [None, link.url], "network": [None, link.network],
                          # the local government's dashboard finds the row by this, also
                          # once the link is removed
                          "local_government": [None, local_government.pk]})
    return link


@transaction.atomic
def posted_link_remove(*, link: PostedLink, actor: AbstractBaseUser) -> None:
    """Remove ``link`` from its local government's list (also a hidden one).

    ``actor`` must pass ``social.record_posted_link`` for the link's local government (its
    officers, staff with a second factor), else ``PermissionDenied``. Raises
    ``PostedLink.DoesNotExist`` when it was removed meanwhile. Writes one audit row
    ``posted_link.remove`` with the address and network (the row outlives the link)."""
    if not can(actor, "social.record_posted_link", link):
        raise PermissionDenied("social.record_posted_link")
    locked = PostedLink.objects.select_for_update().get(pk=link.pk)
    audit_record(target=locked, action="posted_link.remove", actor=actor,
                 from_state="hidden" if locked.hidden else "shown",
                 changes={"url": [locked.url, None], "network": [locked.network, None],
                          # names the local government after the row is gone (its
                          # dashboard's activity finds it by this)
                          "local_government": [locked.local_government_id, None]})
    locked.delete()


def _without_controls(text: str) -> str:
    """``text`` without C0 and C1 control characters (Unicode category Cc, e.g. VT, NUL,
    U+0085), except newline and tab: officers read the reason as typed, not invisible
    characters."""
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc")


@transaction.atomic
def posted_link_hide(*, link: PostedLink, actor: AbstractBaseUser, reason: str) -> PostedLink:
    """Hide ``link`` from the public pages (staff moderation) and return it.

    ``reason``: why (shown to the local government's officers next to the link; control
    characters other than newline and tab are removed); required
    (code ``reason_required``), at most ``REASON_MAX_LENGTH`` (500) characters (code
    ``reason_too_long``). ``actor`` must pass ``social.moderate_posted_link`` (staff with a
    second factor), else ``PermissionDenied``. Hiding a hidden link again changes its reason.
    Writes one audit row ``posted_link.hide`` (``shown`` → ``hidden``) with the reason; the
    same reason again writes nothing. Raises ``PostedLink.DoesNotExist`` when it was
    removed meanwhile."""
    if not can(actor, "social.moderate_posted_link", link):
        raise PermissionDenied("social.moderate_posted_link")
    reason = _without_controls(reason or "").strip()
    if not reason:
        raise ValidationError({"hidden_reason": ValidationError(
            _("Say why the link is hidden: the local government's officers read it."),
            code="reason_required")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"hidden_reason": ValidationError(
            _("The reason is %(length)d characters long; at most %(max)d are accepted."),
            code="reason_too_long", params={"length": len(reason), "max": REASON_MAX_LENGTH})})
    locked = PostedLink.objects.select_for_update().get(pk=link.pk)
    if locked.hidden and locked.hidden_reason == reason:
        return locked
    old = (locked.hidden, locked.hidden_reason)
    locked.hidden, locked.hidden_reason = True, reason
    locked.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    audit_record(target=locked, action="posted_link.hide", actor=actor,
                 from_state="hidden" if old[0] else "shown", to_state="hidden",
                 changes={"hidden": [old[0], True], "hidden_reason": [old[1], reason]},
                 note=reason)
    return locked


@transaction.atomic
def posted_link_show(*, link: PostedLink, actor: AbstractBaseUser) -> PostedLink:
    """Show a hidden ``link`` on the public pages again (its reason is cleared; the audit
    trail keeps it) and return it. ``actor`` must pass ``social.moderate_posted_link``, else
    ``PermissionDenied``. Writes one audit row ``posted_link.show`` (``hidden`` →
    ``shown``); a link that is not hidden writes nothing. Raises ``PostedLink.DoesNotExist``
    when it was removed meanwhile."""
    if not can(actor, "social.moderate_posted_link", link):
        raise PermissionDenied("social.moderate_posted_link")
    locked = PostedLink.objects.select_for_update().get(pk=link.pk)
    if not locked.hidden:
        return locked
    old_reason = locked.hidden_reason
    locked.hidden, locked.hidden_reason = False, ""
    locked.save(update_fields=["hidden", "hidden_reason", "updated_at"])
    audit_record(target=locked, action="posted_link.show", actor=actor,
                 from_state="hidden", to_state="shown",
                 changes={"hidden": [True, False], "hidden_reason": [old_reason, ""]})
    return locked
