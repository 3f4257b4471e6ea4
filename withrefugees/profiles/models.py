"""The public profile of a local government, edited by its officers: official names,
website, social accounts (of the local government and of its mayor or governor), logo with
its alt text, and introduction (ja/en); fields hidden by staff. What was signed stays in the
signature; the profile never changes it."""

import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from withrefugees.core.models import CONTENT_LANGUAGES, BilingualMixin, TimeStampedModel
from withrefugees.core.validators import no_invisible_characters
from withrefugees.places.models import LocalGovernment

# The logo's limits and its reading live in ``logos`` (re-exported here).
from .logos import (
    LOGO_FORMATS,
    LOGO_MAX_BYTES,
    LOGO_MAX_PIXELS,
    LOGO_MAX_SIDE,
    LOGO_OUTPUT_SIDE,
    logo_check,
)

__all__ = ["LOGO_FORMATS", "LOGO_MAX_BYTES", "LOGO_MAX_PIXELS", "LOGO_MAX_SIDE",
           "LOGO_OUTPUT_SIDE", "HIDEABLE_FIELDS", "Profile", "SocialAccount", "logo_inspect",
           "validate_logo", "validate_hidden_fields"]


def logo_inspect(file) -> tuple[str | None, int, int]:
    """``(Pillow format name or None, width, height)`` of an image file, read from its
    content (the name and the browser's content type are not trusted); the file position is
    kept."""
    from PIL import Image, UnidentifiedImageError

    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        with Image.open(file) as image:
            fmt, (width, height) = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, 0, 0
    finally:
        if position is not None:
            file.seek(position)
    return fmt, width, height


def validate_logo(file) -> None:
    """Raise ``ValidationError`` unless ``file`` is a PNG, JPEG, WebP or GIF image of at most
    ``LOGO_MAX_BYTES`` bytes, ``LOGO_MAX_SIDE`` pixels a side (see ``logos.logo_check``).
    Codes: ``logo_too_large``, ``logo_format``, ``logo_dimensions``. (What is stored was
    re-encoded by ``logos.logo_process`` in ``services.profile_update``.) A logo already
    stored (``FieldFile`` saved before) is not read again: it was checked and re-encoded
    when it was uploaded."""
    if getattr(file, "_committed", False):
        return
    logo_check(file)


def logo_upload_to(instance: "Profile", filename: str) -> str:
    """``profiles/logos/<local government id>/<random>.<ext>``: a fresh name per upload (a
    replaced logo never stays cached under the old address); the extension comes from the
    format read from the content (``logo_inspect``), never from the name sent."""
    fmt = logo_inspect(instance.logo.file)[0] if instance.logo else None
    ext = LOGO_FORMATS.get(fmt or "", "img")
    return f"profiles/logos/{instance.local_government_id}/{secrets.token_hex(8)}.{ext}"


#: Fields staff may hide from the public profile (``Profile.hidden_fields``), with how staff
#: and officers read them. ``logo`` hides the logo with its alt text; the two groups of
#: social media accounts are hidden as a whole.
HIDEABLE_FIELDS = {
    "public_name_ja": _("official name (Japanese)"),
    "public_name_en": _("official name (English)"),
    "website": _("website"),
    "logo": _("logo"),
    "introduction_ja": _("introduction (Japanese)"),
    "introduction_en": _("introduction (English)"),
    "social_accounts_local_government": _("social media accounts of the local government"),
    "social_accounts_head": _("social media accounts of the mayor or governor"),
}


def validate_hidden_fields(value) -> None:
    """``value`` is a list of distinct keys of ``HIDEABLE_FIELDS`` (code
    ``hidden_fields_invalid`` otherwise)."""
    if (not isinstance(value, list) or not all(isinstance(v, str) for v in value)
            or len(set(value)) != len(value)):
        raise ValidationError(_("Hidden fields must be a list of field names, each once."),
                              code="hidden_fields_invalid")
    unknown = [v for v in value if v not in HIDEABLE_FIELDS]
    if unknown:
        raise ValidationError(_("These fields cannot be hidden: %(fields)s."),
                              code="hidden_fields_invalid",
                              params={"fields": ", ".join(unknown)})


class Profile(BilingualMixin, TimeStampedModel):
    """The officer-edited public profile of one local government (created on first edit).

    Official names and introduction in ja and en (``<base>_ja``/``<base>_en``; see
    ``BilingualMixin``); empty fields fall back to the reference data of ``places``. A logo
    has an alt text in at least one language (``clean`` and a database constraint); the page
    shows the one of its language, else the other, marked with its language.

    ``hidden_fields``: keys of ``HIDEABLE_FIELDS`` that UNHCR staff hid because they break
    the campaign's rules (``services.profile_hide_fields``). The public page treats a hidden
    field as empty (the same fallbacks apply: a hidden official name shows the reference
    name). Officers still see and may edit a hidden field; it stays hidden until staff show
    it again.
    """

    local_government = models.OneToOneField(LocalGovernment, on_delete=models.CASCADE,
                                            related_name="profile",
                                            verbose_name=_("local government"))
    # Named ``public_name_*`` since step 1; they hold the official name as the local
    # government writes it.
    public_name_ja = models.CharField(
        _("official name (Japanese)"), max_length=200, blank=True,
        validators=[no_invisible_characters],
        help_text=_("The local government's official name in Japanese, e.g. 府中市. Left "
                    "empty, the name from the national list is shown."))
    public_name_en = models.CharField(
        _("official name (English)"), max_length=200, blank=True,
        validators=[no_invisible_characters],
        help_text=_("The official name in English, e.g. Fuchu City. Left empty, the name "
                    "from the national list is shown."))
    website = models.URLField(_("website"), max_length=300, blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True, max_length=200,
                             width_field="logo_width", height_field="logo_height",
                             validators=[validate_logo],
                             help_text=_("PNG, JPEG, WebP or GIF, at most 5 MB. It is resized "
                                         "to fit 800 × 800 pixels; an animation keeps its "
                                         "first picture."))
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_alt_ja = models.CharField(
        _("logo text alternative (Japanese)"), max_length=200, blank=True,
        validators=[no_invisible_characters],
        help_text=_("What the logo shows or says, read out to people who cannot see it, "
                    "e.g. 府中市のロゴ. Required with a logo, in Japanese or English."))
    logo_alt_en = models.CharField(
        _("logo text alternative (English)"), max_length=200, blank=True,
        validators=[no_invisible_characters],
        help_text=_("The same in English, e.g. Fuchu City logo."))
    introduction_ja = models.TextField(_("introduction (Japanese)"), max_length=3000,
                                       blank=True, validators=[no_invisible_characters])
    introduction_en = models.TextField(_("introduction (English)"), max_length=3000,
                                       blank=True, validators=[no_invisible_characters])
    hidden_fields = models.JSONField(
        _("hidden by staff"), default=list, blank=True, validators=[validate_hidden_fields],
        help_text=_("Fields not shown on the public profile because they break the "
                    "campaign's rules."))

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(logo="") | Q(logo__isnull=True) | ~Q(logo_alt_ja="")
                | ~Q(logo_alt_en=""),
                name="profile_logo_has_alt_text",
                violation_error_code="logo_alt_required"),
        ]

    def __str__(self) -> str:
        return str(self.local_government)

    def clean(self) -> None:
        super().clean()
        if self.logo and not (self.logo_alt_ja.strip() or self.logo_alt_en.strip()):
            # On the alt text of the language being used (the officer's form's language).
            from django.utils.translation import get_language

            language = (get_language() or CONTENT_LANGUAGES[0])[:2]
            name = f"logo_alt_{language if language in CONTENT_LANGUAGES else 'ja'}"
            raise ValidationError({name: ValidationError(
                _("Describe the logo in a few words (in Japanese or English): people who "
                  "cannot see it hear this text."), code="logo_alt_required")})

    def is_hidden(self, name: str) -> bool:
        """Whether staff hid ``name`` (a key of ``HIDEABLE_FIELDS``)."""
        return name in (self.hidden_fields or [])

    def shown(self, name: str) -> str:
        """The value of the text field ``name`` as the public sees it: empty when hidden."""
        return "" if self.is_hidden(name) else getattr(self, name)

    def shown_localised(self, base: str, language: str, *, fallback: bool = True
                        ) -> tuple[str, str]:
        """``(text, language)`` of ``<base>_<lang>`` as ``localised_with_language``, hidden
        fields counted as empty."""
        order = [language] + ([c for c in CONTENT_LANGUAGES if c != language]
                              if fallback else [])
        for code in order:
            value = self.shown(f"{base}_{code}")
            if value:
                return value, code
        return "", language


class SocialAccount(models.Model):
    """A social media account of a local government or of its mayor or governor (``owner``),
    shown as a link on its profile, the two kinds in their own groups."""

    class Network(models.TextChoices):
        X = "x", "X"
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        YOUTUBE = "youtube", "YouTube"
        LINE = "line", "LINE"
        BLUESKY = "bluesky", "Bluesky"
        THREADS = "threads", "Threads"
        MASTODON = "mastodon", "Mastodon"
        LINKEDIN = "linkedin", "LinkedIn"
        OTHER = "other", _("other")

    class Owner(models.TextChoices):
        LOCAL_GOVERNMENT = "local_government", _("local government")
        HEAD = "head", _("mayor or governor")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE,
                                related_name="social_accounts", verbose_name=_("profile"))
    owner = models.CharField(_("account of"), max_length=20, choices=Owner.choices,
                             default=Owner.LOCAL_GOVERNMENT)
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    url = models.URLField(_("address (URL)"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("social media account")
        verbose_name_plural = _("social media accounts")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "url"],
                                    name="social_account_unique_url_per_profile"),
            models.CheckConstraint(condition=Q(network__in=[
                "x", "facebook", "instagram", "youtube", "line", "bluesky", "threads",
                "mastodon", "linkedin", "other"]), name="social_account_network_valid"),
            models.CheckConstraint(condition=Q(owner__in=["local_government", "head"]),
                                   name="social_account_owner_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.url}"

    @property
    def label(self) -> str:
        """The link text: the network's name, or the site's host name for ``other``."""
        if self.network == self.Network.OTHER:
            host = urlsplit(self.url).hostname or self.url
            return host.removeprefix("www.")
        return str(self.get_network_display())
