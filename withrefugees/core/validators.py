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


# Unicode category Cc (C0, DEL, C1) except tab, line feed and carriage return, which
# multi-line text keeps. NUL (U+0000) is one of them; PostgreSQL cannot store it in text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Django's own message for NUL ("Null characters are not allowed.") reads in its Japanese
# catalogue as "enter some characters"; this one says what is wrong and what was done.
NUL_MESSAGE = _("This field contained a NUL character (U+0000), an invisible control "
                "character that cannot be stored. It has been removed: check the text and "
                "send the form again.")
CONTROL_MESSAGE = _("This field contained invisible control characters, which cannot be "
                    "stored. They have been removed: check the text and send the form again.")


def control_characters_refusal(value: str) -> ValidationError | None:
    """For a submitted value: ``ValidationError`` code ``null_characters`` (``NUL_MESSAGE``)
    if it contains NUL, code ``control_characters`` (``CONTROL_MESSAGE``) if it contains
    another control character (category Cc except tab, LF, CR), else ``None``."""
    if "\x00" in value:
        return ValidationError(NUL_MESSAGE, code="null_characters")
    if _CONTROL.search(value):
        return ValidationError(CONTROL_MESSAGE, code="control_characters")
    return None


def without_control_characters(value: str) -> str:
    """``value`` without control characters (category Cc except tab, LF, CR)."""
    return _CONTROL.sub("", value)
