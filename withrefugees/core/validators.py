"""Validators shared by forms and models."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Invisible characters ------------------------------------------------------------------
# Characters that make text display differently from what is stored (a name that looks
# like another, a link that hides its target, a blank that is not empty), found by Unicode
# category (Python's ``unicodedata`` tables) and by ranges (UAX #44 and DerivedCoreProperties.txt
# Default_Ignorable_Code_Point; UTS #39 "Security Mechanisms" section 3.3; UTS #51 for emoji
# sequences). Refused in every kind of field:
#
# - Cc (controls) except tab, LF, CR in free text; Cf (format: U+00AD soft hyphen, U+061C
#   Arabic letter mark, U+180E, zero-width and bidirectional characters, U+FEFF, tag
#   characters U+E0000-E007F...); Co (private use); Cs (surrogates); Zl, Zp (U+2028,
#   U+2029); Cn (unassigned in this Python's Unicode, except planes 2 and 3, which hold
#   only CJK ideographs, so that an ideograph newer than Python's tables is accepted);
# - ``_BLANK_LETTERS``: default-ignorable or blank characters of other categories (U+034F
#   combining grapheme joiner, the Hangul fillers U+115F, U+1160, U+3164, U+FFA0, U+17B4,
#   U+17B5, U+2800 braille blank, U+FFF0-FFF8);
# - more than ``MAX_COMBINING_MARKS`` combining marks (Mn, Mc, Me) in a row ("Zalgo"
#   text): Vietnamese, Thai, Indic and Tibetan need at most 3 or 4, pointed Biblical
#   Hebrew up to 6; the Zalgo stacks seen in abuse have 10 to 30 and more;
# - noncharacters (U+FDD0-FDEF and the last two code points of every plane, U+xFFFE and
#   U+xFFFF), even in the CJK planes 2 and 3 whose unassigned code points are accepted;
#
# Accepted where they are part of the text, in both kinds:
# - variation selectors U+FE00-FE0F after a visible base (letter, number, punctuation,
#   symbol), and ideographic variation selectors U+E0100-E01EF after a CJK ideograph
#   (e.g. 葛 + U+E0100 in 葛飾区, section 1 of issue 6); never two in a row or after a
#   space or mark;
# - Mongolian free variation selectors U+180B-180D, U+180F after a Mongolian letter;
# - ZWNJ U+200C and ZWJ U+200D after a letter or mark of the scripts whose shaping they
#   change (Arabic, Syriac, Thaana, Indic, Tibetan, Myanmar, Khmer), before a letter or
#   mark of them or at the end of a word: Persian and Hindi names and words need them,
#   Bengali ra + ZWJ + virama (র‍্য), Malayalam chillu in the old encoding (ന്‍);
#   between Latin letters they are invisible;
# - prepended concatenation marks (U+0600-0605, U+06DD, U+070F, U+0890-0891, U+08E2,
#   U+110BD, U+110CD): Cf, but drawn.
#
# Kinds of field: ``no_invisible_characters_in_name`` for single-line names, titles,
# searches (no tab or line break, no emoji joiners); ``no_invisible_characters`` for free
# text (messages, introductions) and as the model-level check of every text field: it
# also accepts tab, LF, CR, ZWJ inside an emoji ZWJ sequence (👩‍💻, 🏳️‍🌈: between two
# symbols, skin-tone modifiers and U+FE0F skipped) and tag characters inside an emoji tag
# sequence (🏴 U+1F3F4, tags U+E0020-E007E, U+E007F cancel tag: the flags of Scotland,
# Wales, England).

MAX_COMBINING_MARKS = 8

_BLANK_LETTERS = ((0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x2800, 0x2800),
                  (0x3164, 0x3164), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8))
_PREPENDED_MARKS = ((0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891),
                    (0x08E2, 0x08E2), (0x110BD, 0x110BD), (0x110CD, 0x110CD))
_JOINING_SCRIPTS = ((0x0600, 0x08FF), (0x0900, 0x0DFF), (0x0F00, 0x0FFF), (0x1000, 0x109F),
                    (0x1780, 0x17FF), (0xA8E0, 0xA8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFE))
_MONGOLIAN_FVS = ((0x180B, 0x180D), (0x180F, 0x180F))
_VS = (0xFE00, 0xFE0F)
_IVS = (0xE0100, 0xE01EF)
_ZWNJ, _ZWJ = "\u200c", "\u200d"
_TAG_BASE, _CANCEL_TAG, _TAGS = "\U0001F3F4", "\U000E007F", (0xE0020, 0xE007E)
_SKIN_TONES = (0x1F3FB, 0x1F3FF)
_TEXT_CONTROLS = "\t\n\r"

INVISIBLE_MESSAGE = _(
    "This text contains %(character)s, one of the invisible control characters that make "
    "text look different from what is stored. Remove it and type the text again.")
COMBINING_MESSAGE = _(
    "This text has %(count)s accents or other combining marks in a row (from "
    "%(character)s); at most %(limit)s are allowed. Remove the extra marks.")


def _in(code: int, ranges) -> bool:
    if isinstance(ranges[0], int):
        return ranges[0] <= code <= ranges[1]
    return any(low <= code <= high for low, high in ranges)


def describe_character(char: str) -> str:
    """``"U+XXXX NAME"`` for one character, e.g. ``"U+061C ARABIC LETTER MARK"``; for a
    character without a name, its kind: ``"U+0007 (control character)"``,
    ``"U+E000 (private-use character)"``, ``"U+0378 (unassigned character)"``."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if name:
        return f"{code} {name}"
    kinds = {"Cc": "control character", "Co": "private-use character",
             "Cs": "surrogate", "Cn": "unassigned character"}
    return f"{code} ({kinds.get(unicodedata.category(char), 'character')})"


def _is_han(char: str) -> bool:
    code = ord(char)
    return 0x20000 <= code <= 0x3FFFF or unicodedata.name(char, "").startswith(
        ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def _emoji_before(value: str, index: int) -> bool:
    """The character before ``index``, skipping U+FE0F and skin-tone modifiers, is a
    symbol (So), as the first half of an emoji ZWJ sequence."""
    index -= 1
    while index >= 0 and (value[index] == "\ufe0f" or _in(ord(value[index]), _SKIN_TONES)):
        index -= 1
    return index >= 0 and unicodedata.category(value[index]) == "So"


def _in_tag_sequence(value: str, index: int) -> bool:
    """The tag character at ``index`` belongs to 🏴 + tags + cancel tag (UTS #51
    emoji_tag_sequence)."""
    def is_tag(char: str) -> bool:
        return _in(ord(char), _TAGS) or char == _CANCEL_TAG

    start = end = index
    while start > 0 and is_tag(value[start - 1]):
        start -= 1
    while end + 1 < len(value) and is_tag(value[end + 1]):
        end += 1
    run = value[start:end + 1]
    return (start > 0 and value[start - 1] == _TAG_BASE and len(run) >= 2
            and run[-1] == _CANCEL_TAG and _CANCEL_TAG not in run[:-1])


def _allowed_in_context(value: str, index: int, *, text: bool) -> bool:
    """Whether the character at ``index``, which is one that the rules refuse alone,
    is part of the text here (see the comment above)."""
    char, code = value[index], ord(value[index])
    before = value[index - 1] if index else ""
    after = value[index + 1] if index + 1 < len(value) else ""
    if text and char in _TEXT_CONTROLS:
        return True
    if _in(code, _PREPENDED_MARKS):
        return True
    if char in (_ZWNJ, _ZWJ):
        if (before and _in(ord(before), _JOINING_SCRIPTS)
                and unicodedata.category(before)[0] in "LM"
                and (not after or unicodedata.category(after)[0] not in "LMN"
                     or (_in(ord(after), _JOINING_SCRIPTS)
                         and unicodedata.category(after)[0] in "LM"))):
            return True
        return (text and char == _ZWJ and _emoji_before(value, index)
                and bool(after) and unicodedata.category(after) == "So")
    if text and (_in(code, _TAGS) or char == _CANCEL_TAG):
        return _in_tag_sequence(value, index)
    if _in(code, _VS):
        return bool(before) and unicodedata.category(before)[0] in "LNPS" and not _in(
            ord(before), _VS)
    if _in(code, _IVS):
        return bool(before) and _is_han(before)
    if _in(code, _MONGOLIAN_FVS):
        return bool(before) and 0x1820 <= ord(before) <= 0x18AA
    return False


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _refused(char: str) -> bool:
    code = ord(char)
    category = unicodedata.category(char)
    if _noncharacter(code):
        return True
    if category == "Cn":
        return not 0x20000 <= code <= 0x3FFFF
    return (category in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") or _in(code, _BLANK_LETTERS)
            or _in(code, _VS) or _in(code, _IVS) or _in(code, _MONGOLIAN_FVS))


def invisible_characters_refusal(value: str, *, text: bool) -> ValidationError | None:
    """For ``value``: ``ValidationError`` code ``control_characters``
    (``INVISIBLE_MESSAGE``, params ``character``: ``"U+061C ARABIC LETTER MARK"``) for the
    first invisible character the rules above refuse, code ``combining_marks``
    (``COMBINING_MESSAGE``, params ``count``, ``limit``, ``character``: the first mark)
    for more than ``MAX_COMBINING_MARKS`` combining marks in a row, else ``None``.
    ``text``: the rules of free text (line breaks, emoji sequences), else of names."""
    run = 0
    for index, char in enumerate(value):
        if _refused(char) and not _allowed_in_context(value, index, text=text):
            return ValidationError(INVISIBLE_MESSAGE, code="control_characters",
                                   params={"character": describe_character(char)})
        if unicodedata.category(char)[0] == "M":
            run += 1
            if run > MAX_COMBINING_MARKS:
                end = index
                while end < len(value) and unicodedata.category(value[end])[0] == "M":
                    end += 1
                return ValidationError(COMBINING_MESSAGE, code="combining_marks", params={
                    "count": end - index + run - 1, "limit": MAX_COMBINING_MARKS,
                    "character": describe_character(value[index - run + 1])})
        else:
            run = 0
    return None


def no_invisible_characters(value: str) -> None:
    """Free text and model-level check of text fields: raise ``ValidationError`` (code
    ``control_characters`` or ``combining_marks``, see ``invisible_characters_refusal``)
    if ``value`` contains invisible characters; tab, line breaks and emoji sequences are
    text."""
    error = invisible_characters_refusal(value, text=True) if value else None
    if error:
        raise error


def no_invisible_characters_in_name(value: str) -> None:
    """Single-line names, titles and searches: as ``no_invisible_characters`` without
    tab, line breaks and emoji joiners."""
    error = invisible_characters_refusal(value, text=False) if value else None
    if error:
        raise error


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
