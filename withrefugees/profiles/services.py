"""Writes of the profile app: an officer (or staff) updates a local government's public
profile. Keyword-only and atomic; every change writes one row of the audit trail. A profile
never writes to a signature: what was signed stays as it was signed."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from withrefugees.core.audit import audit_record, changed_fields, field_values
from withrefugees.places.models import LocalGovernment

from .models import LOGO_FORMATS, Profile, SocialAccount, logo_inspect

#: The profile's own fields a ``profile_update`` may change (the logo and social accounts
#: are handled apart).
TEXT_FIELDS = ("public_name_ja", "public_name_en", "website", "introduction_ja",
               "introduction_en")


class _Unset(enum.Enum):
    UNSET = "unset"


#: Default of ``profile_update``'s arguments: leave the field as it is.
UNSET = _Unset.UNSET


@dataclass(frozen=True)
class SocialAccountInput:
    """A social media account as entered: ``network`` (``SocialAccount.Network`` value)
    and ``url``."""

    network: str
    url: str


def _accounts(profile: Profile) -> list[list[str]]:
    if profile.pk is None:
        return []
    return [[a.network, a.url] for a in profile.social_accounts.order_by("position", "pk")]


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
    social_accounts: Sequence[SocialAccountInput] | _Unset = UNSET,
    note: str = "",
) -> Profile:
    """Change the public profile of ``local_government`` (creating it on the first change)
    and return it.

    Arguments left ``UNSET`` keep their value; ``logo=None`` removes the logo (the old file
    is deleted after commit); ``social_accounts`` replaces the list, in the order given.
    Every field is validated as the model says (``Profile.full_clean``, ``validate_logo``);
    raises ``django.core.exceptions.ValidationError`` (with the field names) otherwise.
    Writes one audit row, ``profile.create`` (the first call) or ``profile.update``, with
    ``{field: [old, new]}`` (the logo as its file name, the social accounts as
    ``[[network, url], ...]``); an existing profile left as it was writes nothing. Never
    touches the local government's signatures.
    """
    profile = (Profile.objects.select_for_update().filter(local_government=local_government)
               .first() or Profile(local_government=local_government))
    before = field_values(profile, TEXT_FIELDS)
    old_logo = profile.logo.name or ""
    old_accounts = _accounts(profile)

    given = {"public_name_ja": public_name_ja, "public_name_en": public_name_en,
             "website": website, "introduction_ja": introduction_ja,
             "introduction_en": introduction_en}
    for name, value in given.items():
        if value is not UNSET:
            setattr(profile, name, value)
    if logo is not UNSET:
        if logo is None:
            profile.logo = None
        else:
            fmt = logo_inspect(logo)[0]
            # The stored name comes from the content (see ``logo_upload_to``).
            logo.name = f"logo.{LOGO_FORMATS.get(fmt or '', 'img')}"
            profile.logo = logo
    new_accounts = old_accounts if social_accounts is UNSET else [
        [a.network, a.url] for a in social_accounts]

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
            SocialAccount(profile=profile, network=network, url=url, position=i)
            for i, (network, url) in enumerate(new_accounts))
        changes["social_accounts"] = [old_accounts, new_accounts]
    audit_record(target=profile, action="profile.create" if created else "profile.update",
                 actor=actor, changes=changes, note=note)
    return profile


def _check_accounts(accounts: list[list[str]]) -> None:
    """Validate each account as the model does (network, URL); the same address twice is
    refused (code ``duplicate_social_account``). Raises ``ValidationError`` on
    ``social_accounts``."""
    errors: list[ValidationError] = []
    seen: set[str] = set()
    for network, url in accounts:
        try:
            SocialAccount(network=network, url=url).full_clean(exclude=["profile"],
                                                               validate_unique=False,
                                                               validate_constraints=False)
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
