from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    """Step 2 (Post): ready-made post texts per occasion and language, their length as each
    network counts it, share links, the card image, QR code and poster of a signatory, and
    the addresses (URLs) of the posts local governments made."""

    name = "withrefugees.social"
    label = "social"
    verbose_name = _("Step 2: posts")

    def ready(self) -> None:
        from . import checks  # noqa: F401 (registers social.E001)
