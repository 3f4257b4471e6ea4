"""Invisible characters, found by Unicode category and ranges rather than by a list
(issue 6, section 8), per kind of field: names (single line) and free text."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from withrefugees.core.validators import (
    MAX_COMBINING_MARKS,
    describe_character,
    invisible_characters_refusal,
    no_invisible_characters,
    no_invisible_characters_in_name,
)

TAG_FLAG_SCOTLAND = "\U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"

# The examples of the issue, then more of each kind: (text, the character named).
REFUSED_EVERYWHERE = [
    ("渋谷\u061c区", "U+061C ARABIC LETTER MARK"),
    ("\u3164", "U+3164 HANGUL FILLER"),
    ("渋谷\uffa0", "U+FFA0 HALFWIDTH HANGUL FILLER"),
    ("\u115f花子", "U+115F HANGUL CHOSEONG FILLER"),
    ("\u1160", "U+1160 HANGUL JUNGSEONG FILLER"),
    ("Shi\u00adbuya", "U+00AD SOFT HYPHEN"),
    ("Shi\u034fbuya", "U+034F COMBINING GRAPHEME JOINER"),
    ("市長\u180e", "U+180E MONGOLIAN VOWEL SEPARATOR"),
    ("\u2800", "U+2800 BRAILLE PATTERN BLANK"),
    ("abc\U000E0041\U000E0042", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    ("\U000E007F", "U+E007F CANCEL TAG"),
    ("名前\ue000", "U+E000 (private-use character)"),
    ("\U000F0000", "U+F0000 (private-use character)"),
    ("\U00100000x", "U+100000 (private-use character)"),
    ("a\u0378b", "U+0378 (unassigned character)"),
    ("\U000E0000", "U+E0000 (unassigned character)"),
    ("\ud800", "U+D800 (surrogate)"),
    ("a\u2028b", "U+2028 LINE SEPARATOR"),
    ("a\u2029b", "U+2029 PARAGRAPH SEPARATOR"),
    ("\u200b", "U+200B ZERO WIDTH SPACE"),
    ("pay\u200cpal", "U+200C ZERO WIDTH NON-JOINER"),
    ("a\u202eb", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u2066x", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("\u2061", "U+2061 FUNCTION APPLICATION"),
    ("x\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("\ufff9", "U+FFF9 INTERLINEAR ANNOTATION ANCHOR"),
    ("\U0001D173", "U+1D173 MUSICAL SYMBOL BEGIN BEAM"),
    ("\U0001BCA0", "U+1BCA0 SHORTHAND FORMAT LETTER OVERLAP"),
    ("\u17b4", "U+17B4 KHMER VOWEL INHERENT AQ"),
    ("x\x07", "U+0007 (control character)"),
    ("x\x85", "U+0085 (control character)"),
    # variation selectors where no base takes them
    ("\ufe0f", "U+FE0F VARIATION SELECTOR-16"),
    ("a \ufe00", "U+FE00 VARIATION SELECTOR-1"),
    ("a\ufe0e\ufe0f", "U+FE0F VARIATION SELECTOR-16"),
    ("a\U000E0100", "U+E0100 VARIATION SELECTOR-17"),
    ("葛\U000E0100\U000E0101", "U+E0101 VARIATION SELECTOR-18"),
    ("\u180b", "U+180B MONGOLIAN FREE VARIATION SELECTOR ONE"),
]

ACCEPTED_EVERYWHERE = [
    "葛\U000E0100飾区",  # ideographic variation sequence (section 1)
    "辻\U000E0101",
    "神\ufe00",  # standardized variant of a CJK compatibility ideograph
    "渋谷区", "しぶや", "ｼﾌﾞﾔ", "Shibuya-ku", "Genève", "São Paulo", "Köln", "İstanbul",
    "Hà Nội", "Hà Nội".encode().decode(),  # precomposed
    "Ha\u0300 No\u0323\u0302i",  # decomposed: two marks in a row
    "Ｔｏｋｙｏ　都",  # full-width letters and the ideographic space
    "가\u3099",  # a mark after a letter
    "\u0628\u200c\u0628",  # ZWNJ between Arabic letters (Persian)
    "\u0915\u094d\u200d\u0937",  # ZWJ after a virama (Devanagari half form)
    "\u0600\u0661",  # Arabic number sign, drawn
    "\u1820\u180b",  # Mongolian letter + free variation selector
    "1\ufe0f\u20e3",  # keycap: VS-16 after a digit, one enclosing mark
    "\u2764\ufe0f", "\U0002B740", "\U00031350",  # ideographs of planes 2 and 3
    "e" + "\u0301" * MAX_COMBINING_MARKS,
    "\u0f56\u0f66\u0f92\u0fb2\u0f74\u0f56\u0f66",  # Tibetan stack
]

TEXT_ONLY = [
    "first line\nsecond line\r\n\tindented",
    "\U0001F469\u200d\U0001F4BB",  # woman technologist (emoji ZWJ sequence)
    "\U0001F3F3\ufe0f\u200d\U0001F308",  # rainbow flag
    "\U0001F469\U0001F3FD\u200d\U0001F33E",  # farmer with a skin tone
    "Hello " + TAG_FLAG_SCOTLAND + " from Edinburgh",
]


@pytest.mark.parametrize("value,character", REFUSED_EVERYWHERE)
@pytest.mark.parametrize("validator", [no_invisible_characters,
                                       no_invisible_characters_in_name])
def test_invisible_characters_are_refused_with_their_name(validator, value, character):
    with pytest.raises(ValidationError) as exc:
        validator(value)
    error = exc.value.error_list[0]
    assert error.code == "control_characters"
    assert error.params["character"] == character
    with translation.override("en"):
        assert character in exc.value.messages[0]


@pytest.mark.parametrize("value", ACCEPTED_EVERYWHERE)
def test_visible_text_is_accepted(value):
    no_invisible_characters(value)
    no_invisible_characters_in_name(value)


@pytest.mark.parametrize("value", TEXT_ONLY)
def test_free_text_keeps_line_breaks_and_emoji_sequences_names_do_not(value):
    no_invisible_characters(value)
    with pytest.raises(ValidationError):
        no_invisible_characters_in_name(value)


@pytest.mark.parametrize("value", [
    "a\u200d\U0001F4BB",  # ZWJ after a letter
    "\U0001F469\u200d",  # ZWJ at the end
    "\U0001F469\u200db",  # ZWJ before a letter
    "x\U000E0067\U000E007F",  # tags without the black flag
    "\U0001F3F4\U000E0067\U000E0062",  # tags without the cancel tag
    "\U0001F3F4\U000E007F",  # a cancel tag alone
])
def test_emoji_joiners_and_tags_outside_their_sequences_are_refused_in_text(value):
    with pytest.raises(ValidationError):
        no_invisible_characters(value)


@pytest.mark.parametrize("count", [9, 30, 100])
def test_stacks_of_combining_marks_are_refused(count):
    value = "Zalgo" + "\u0301\u0316\u0489" * (count // 3) + "\u0301" * (count % 3) + "x"
    for kind in (True, False):
        error = invisible_characters_refusal(value, text=kind)
        assert error.code == "combining_marks"
        assert error.params["count"] == count and error.params["limit"] == MAX_COMBINING_MARKS
        assert error.params["character"] == "U+0301 COMBINING ACUTE ACCENT"


def test_describe_character():
    assert describe_character("\u061c") == "U+061C ARABIC LETTER MARK"
    assert describe_character("\x00") == "U+0000 (control character)"


@pytest.mark.django_db
@pytest.mark.parametrize("field,value,code", [
    ("signatory_name", "山田\u3164太郎", "control_characters"),
    ("contact_name", "\u2800", "control_characters"),
    ("department", "総務\u00ad課", "control_characters"),
    ("place_query", "渋谷\U000E0041", "control_characters"),
    ("signatory_title", "市長\ue000", "control_characters"),
    ("message", "Hello\u061c", "control_characters"),
    ("message", "a" + "\u0300" * 30, "combining_marks"),
    ("signatory_name", "\U0001F469\u200d\U0001F4BB", "control_characters"),
])
def test_sign_form_refuses_per_kind(field, value, code):
    from tests.campaign.test_signing import form_data
    from withrefugees.campaign.forms import SignForm

    form = SignForm(form_data(**{field: value}))
    form.is_valid()
    assert code in [e.code for e in form.errors.as_data().get(field, [])]


@pytest.mark.django_db
@pytest.mark.parametrize("field,value", [
    ("message", "Thank you 👩\u200d💻\nfrom our city 🏴\U000E0067\U000E0062\U000E0073"
                "\U000E0063\U000E0074\U000E007F"),
    ("place_query", "葛\U000E0100飾区"),
    ("signatory_name", "Nguyễn Văn A"),
])
def test_sign_form_accepts_legitimate_text(field, value):
    from tests.campaign.test_signing import form_data
    from withrefugees.campaign.forms import SignForm

    form = SignForm(form_data(**{field: value}))
    form.is_valid()
    assert field not in form.errors


@pytest.mark.parametrize("value", [
    "\u09b0\u200d\u09cd\u09af\u09be\u09b2\u09bf",  # Bengali ra + ZWJ + virama (র‍্যালি)
    "\u0d05\u0d35\u0d28\u0d4d\u200d",  # Malayalam chillu, old encoding, word end
    "\u0d05\u0d35\u0d28\u0d4d\u200d \u0d35\u0d28\u0d4d\u200d.",  # and before a space
    "\u05d1\u05bc\u05b0\u05bd\u05b8\u0591\u05c1",  # Biblical Hebrew: 6 marks on one letter
])
def test_legitimate_joiners_and_marks_found_by_review_are_accepted(value):
    """Refused before an adversarial review found them."""
    no_invisible_characters(value)
    no_invisible_characters_in_name(value.strip(".").split()[0])


@pytest.mark.parametrize("value", ["\ufdd0", "\ufffe", "\U0002fffe", "\U0002ffff",
                                   "\U0003fffe", "\U0010ffff", "a\u200db"])
def test_noncharacters_and_joiners_between_latin_letters_are_refused(value):
    with pytest.raises(ValidationError):
        no_invisible_characters(value)
