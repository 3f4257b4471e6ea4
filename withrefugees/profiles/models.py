"""The public profile of a local government, edited by its officers: public name forms,
website, social accounts, logo and introduction (ja/en). What was signed stays in the
signature; the profile never changes it."""

import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from withrefugees.core.models import BilingualMixin, TimeStampedModel
from withrefugees.core.validators import no_invisible_characters
from withrefugees.places.models import LocalGovernment

#: Largest logo file accepted, in bytes (1 MiB).
LOGO_MAX_BYTES = 1024 * 1024
#: Largest logo side accepted, in pixels.
LOGO_MAX_SIDE = 4000
#: Image formats accepted for logos (Pillow format name → file extension). No SVG: it can
#: carry scripts, and a raster logo is what the page and share cards need.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif",
                # Multi-picture JPEG (CIPA DC-007) from phone cameras: a JPEG to browsers.
                "MPO": "jpg"}


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
            Image.DecompressionBombError):
        return None, 0, 0
    finally:
        if position is not None:
            file.seek(position)
    return fmt, width, height


def validate_logo(file) -> None:
    """Raise ``ValidationError`` unless ``file`` is a PNG, JPEG, WebP or GIF image (see
    ``logo_inspect``) of at most ``LOGO_MAX_BYTES`` bytes and ``LOGO_MAX_SIDE`` pixels a
    side. Codes: ``logo_too_large``, ``logo_format``, ``logo_dimensions``."""
    if file.size is not None and file.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo file is too large (%(size)s). Use a file of at most %(max)s."),
            code="logo_too_large",
            params={"size": filesizeformat(file.size), "max": filesizeformat(LOGO_MAX_BYTES)})
    fmt, width, height = logo_inspect(file)
    if fmt not in LOGO_FORMATS:
        raise ValidationError(_("Upload the logo as a PNG, JPEG, WebP or GIF image."),
                              code="logo_format")
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The logo is too large (%(width)s × %(height)s pixels). Use an image of at most "
              "%(max)s pixels a side."),
            code="logo_dimensions", params={"width": width, "height": height,
                                            "max": LOGO_MAX_SIDE})


def logo_upload_to(instance: "Profile", filename: str) -> str:
    """``profiles/logos/<local government id>/<random>.<ext>``: a fresh name per upload (a
    replaced logo never stays cached under the old address); the extension comes from the
    format read from the content (``logo_inspect``), never from the name sent."""
    fmt = logo_inspect(instance.logo.file)[0] if instance.logo else None
    ext = LOGO_FORMATS.get(fmt or "", "img")
    return f"profiles/logos/{instance.local_government_id}/{secrets.token_hex(8)}.{ext}"


class Profile(BilingualMixin, TimeStampedModel):
    """The officer-edited public profile of one local government (created on first edit).

    Public name forms and introduction in ja and en (``<base>_ja``/``<base>_en``; see
    ``BilingualMixin``); empty fields fall back to the reference data of ``places``.
    """

    local_government = models.OneToOneField(LocalGovernment, on_delete=models.CASCADE,
                                            related_name="profile",
                                            verbose_name=_("local government"))
    public_name_ja = models.CharField(
        _("public name (Japanese)"), max_length=200, blank=True,
        validators=[no_invisible_characters],
        help_text=_("How the local government names itself in public, if different from the "
                    "official name."))
    public_name_en = models.CharField(
        _("public name (English)"), max_length=200, blank=True,
        validators=[no_invisible_characters],
        help_text=_("How the local government names itself in public, if different from the "
                    "official name."))
    website = models.URLField(_("website"), max_length=300, blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True, max_length=200,
                             width_field="logo_width", height_field="logo_height",
                             validators=[validate_logo],
                             help_text=_("PNG, JPEG, WebP or GIF, at most 1 MB."))
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    introduction_ja = models.TextField(_("introduction (Japanese)"), max_length=3000,
                                       blank=True, validators=[no_invisible_characters])
    introduction_en = models.TextField(_("introduction (English)"), max_length=3000,
                                       blank=True, validators=[no_invisible_characters])

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return str(self.local_government)


class SocialAccount(models.Model):
    """A social media account of a local government, shown as a link on its profile."""

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

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE,
                                related_name="social_accounts", verbose_name=_("profile"))
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
