"""Validators shared by forms and models."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0/C1 controls (NUL is refused by Django's own validator), zero-width characters and
# bidirectional overrides: they make a name display differently from what is stored.
_INVISIBLE = re.compile(
    "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def no_invisible_characters(value: str) -> None:
    """Raise ``ValidationError`` (code ``control_characters``) if ``value`` contains
    invisible control, zero-width or bidirectional-override characters."""
    if value and _INVISIBLE.search(value):
        raise ValidationError(_("Remove the invisible control characters from this text."),
                              code="control_characters")
