"""Writes of the profile app: an officer (or staff) updates a local government's public
profile; staff hide fields that break the campaign's rules. Keyword-only and atomic; every
change writes one row of the audit trail. A profile
never writes to a signature: what was signed stays as it was signed."""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from withrefugees.accounts.rules import can
from withrefugees.core.audit import audit_history, audit_record, changed_fields, field_values
from withrefugees.places.models import LocalGovernment

from .logos import logo_process
from .models import HIDEABLE_FIELDS, Profile, SocialAccount, validate_hidden_fields
from .tasks import card_render_queue

#: The profile's own fields a ``profile_update`` may change (the logo and social accounts
#: are handled apart).
TEXT_FIELDS = ("public_name_ja", "public_name_en", "website", "introduction_ja",
               "introduction_en", "logo_alt_ja", "logo_alt_en")


class _Unset(enum.Enum):
    UNSET = "unset"


#: Default of ``profile_update``'s arguments: leave the field as it is.
UNSET = _Unset.UNSET


@dataclass(frozen=True)
class SocialAccountInput:
    """A social media account as entered: ``network`` (``SocialAccount.Network`` value),
    ``url`` and ``owner`` (``SocialAccount.Owner`` value: the local government's own
    account, or its mayor's or governor's)."""

    network: str
    url: str
    owner: str = SocialAccount.Owner.LOCAL_GOVERNMENT.value


def _accounts(profile: Profile) -> list[list[str]]:
    if profile.pk is None:
        return []
    return [[a.network, a.url, a.owner]
            for a in profile.social_accounts.order_by("position", "pk")]


@transaction.atomic
def profile_update(
    *,
    local_government: LocalGovernment,
    actor: AbstractBaseUser | None,
    public_name_ja: str | _Unset = UNSET,
    public_name_en: str | _Unset = UNSET,
    website: str | _Unset = UNSET,
    introduction_ja: str | _Unset = UNSET,
    introduction_en: str | _Unset = UNSET,
    logo: File | None | _Unset = UNSET,
    logo_alt_ja: str | _Unset = UNSET,
    logo_alt_en: str | _Unset = UNSET,
    social_accounts: Sequence[SocialAccountInput] | _Unset = UNSET,
    note: str = "",
) -> Profile:
    """Change the public profile of ``local_government`` (creating it on the first change)
    and return it.

    ``actor``: the officer or staff member (must pass the rule ``profiles.edit_profile`` for
    ``local_government``, else ``PermissionDenied``); ``None`` for the platform itself
    (commands, data loads). Arguments left ``UNSET`` keep their value.

    ``logo``: an uploaded file, read and re-encoded by ``logos.logo_process`` (its bytes,
    name and content type are never kept: a PNG or JPEG of at most 800 × 800 pixels without
    metadata is stored); ``None`` removes the logo (the old file is deleted after commit).
    A profile with a logo needs ``logo_alt_ja`` or ``logo_alt_en`` (code
    ``logo_alt_required``). ``social_accounts`` replaces both groups (local government's and
    head's), in the order given. Fields hidden by staff stay hidden whatever is changed.

    Every field is validated as the model says (``Profile.full_clean``); raises
    ``django.core.exceptions.ValidationError`` with the field names (``logo`` with the codes
    of ``logos``; ``social_accounts`` for the accounts) otherwise. Writes one audit row,
    ``profile.create`` (the first call) or ``profile.update``, with ``{field: [old, new]}``
    (the logo as its stored file name, the social accounts as ``[[network, url, owner],
    ...]``); an existing profile left as it was writes nothing. After commit the public
    pages are invalidated (``audit_record``). Never touches the local government's
    signatures.
    """
    if actor is not None and not can(actor, "profiles.edit_profile", local_government):
        raise PermissionDenied("profiles.edit_profile")
    processed = None
    if logo is not UNSET and logo is not None:
        try:
            processed = logo_process(logo)  # before any lock: decoding takes a moment
        except ValidationError as exc:
            raise ValidationError({"logo": exc.error_list}) from exc
    profile = (Profile.objects.select_for_update().filter(local_government=local_government)
               .first() or Profile(local_government=local_government))
    before = field_values(profile, TEXT_FIELDS)
    old_logo = profile.logo.name or ""
    old_accounts = _accounts(profile)

    given = {"public_name_ja": public_name_ja, "public_name_en": public_name_en,
             "website": website, "introduction_ja": introduction_ja,
             "introduction_en": introduction_en, "logo_alt_ja": logo_alt_ja,
             "logo_alt_en": logo_alt_en}
    for name, value in given.items():
        if value is not UNSET:
            setattr(profile, name, value)
    if logo is not UNSET:
        if processed is None:
            profile.logo = None
        else:
            # The stored name comes from the new content (see ``logo_upload_to``).
            profile.logo = ContentFile(processed.content, name=f"logo.{processed.extension}")
    new_accounts = old_accounts if social_accounts is UNSET else [
        [a.network, a.url, a.owner] for a in social_accounts]

    changes: dict[str, Any] = changed_fields(before, profile)
    logo_changed = logo is not UNSET and (logo is not None or bool(old_logo))
    created = profile.pk is None
    if not created and not changes and not logo_changed and new_accounts == old_accounts:
        return profile
    exclude = ["local_government"] if profile.pk else []
    if logo is UNSET or logo is None:
        exclude.append("logo")  # a stored logo was checked when it was uploaded
    profile.full_clean(exclude=exclude)
    _check_accounts(new_accounts)
    profile.save()
    if logo_changed:
        changes["logo"] = [old_logo, profile.logo.name or ""]
        if old_logo:
            storage = profile.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    if new_accounts != old_accounts:
        profile.social_accounts.all().delete()
        SocialAccount.objects.bulk_create(
            SocialAccount(profile=profile, network=network, url=url, owner=owner, position=i)
            for i, (network, url, owner) in enumerate(new_accounts))
        changes["social_accounts"] = [old_accounts, new_accounts]
    audit_record(target=profile, action="profile.create" if created else "profile.update",
                 actor=actor, changes=changes, note=note)
    card_render_queue(local_government_id=local_government.pk)  # the card shows the names
    return profile


@transaction.atomic
def profile_hide_fields(*, profile: Profile, fields: Iterable[str],
                        actor: AbstractBaseUser, note: str = "") -> Profile:
    """Set which fields of ``profile`` are hidden from the public profile (staff moderation)
    and return the profile.

    ``fields``: the complete list of hidden fields after the call (keys of
    ``models.HIDEABLE_FIELDS``; an empty list shows every field again). ``actor`` must pass
    the rule ``profiles.moderate_profile`` (staff with a second factor), else
    ``PermissionDenied``; an unknown field raises ``ValidationError`` on ``hidden_fields``
    (code ``hidden_fields_invalid``). ``note``: why (shown to the officers in their
    workspace). Writes one audit row ``profile.moderate`` with ``{"hidden_fields": [old,
    new]}``; the same list as before writes nothing. The public pages are invalidated after
    commit. The hidden values are kept: officers still see and may edit them.
    """
    if not can(actor, "profiles.moderate_profile", profile):
        raise PermissionDenied("profiles.moderate_profile")
    validate = list(dict.fromkeys(fields))  # each once
    try:
        validate_hidden_fields(validate)
    except ValidationError as exc:
        raise ValidationError({"hidden_fields": exc.error_list}) from exc
    locked = Profile.objects.select_for_update().get(pk=profile.pk)
    old = list(locked.hidden_fields or [])
    new = [name for name in HIDEABLE_FIELDS if name in validate]  # in a fixed order
    if old == new:
        return locked
    locked.hidden_fields = new
    locked.save(update_fields=["hidden_fields", "updated_at"])
    audit_record(target=locked, action="profile.moderate", actor=actor,
                 changes={"hidden_fields": [old, new]}, note=note)
    card_render_queue(local_government_id=locked.local_government_id)
    return locked


def profile_moderation_note(profile: Profile) -> str:
    """The note of the latest ``profile.moderate`` row of ``profile`` (why staff hid its
    fields), or ``""``."""
    if profile.pk is None or not profile.hidden_fields:
        return ""
    entry = audit_history(profile).filter(action="profile.moderate").last()
    return entry.note if entry else ""


def _check_accounts(accounts: list[list[str]]) -> None:
    """Validate each account as the model does (network, URL, owner); the same address twice is
    refused (code ``duplicate_social_account``). Raises ``ValidationError`` on
    ``social_accounts``."""
    errors: list[ValidationError] = []
    seen: set[str] = set()
    for network, url, owner in accounts:
        try:
            SocialAccount(network=network, url=url, owner=owner).full_clean(
                exclude=["profile"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for field_errors in exc.error_dict.values():
                errors.extend(field_errors)
        if url in seen:
            errors.append(ValidationError(_("The address %(url)s is listed twice."),
                                          code="duplicate_social_account",
                                          params={"url": url}))
        seen.add(url)
    if errors:
        raise ValidationError({"social_accounts": errors})
