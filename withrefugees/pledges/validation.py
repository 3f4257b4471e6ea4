"""Checks of a pledge's values that a person understands, shared by the builder's forms (shown
on the field) and the services (raised again, in case a caller skips the form). Each refusal
is a ``ValidationError`` with a code and a translated message, keyed by the builder form's
field name.

Amounts are ``Decimal`` (never ``float``): the budget in an ISO 4217 currency that is legal
tender in some territory today by Babel's CLDR data (``currency_codes``), with at most the
currency's number of decimals (``babel.numbers.get_currency_precision``: JPY 0, USD 2);
target values finite, at most ``TARGET_MAX_DIGITS`` digits of which
``TARGET_DECIMAL_PLACES`` after the point (the model's ``DecimalField``). Dates:
``FIRST_YEAR`` .. this year + ``YEARS_AHEAD``.
"""

import datetime
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    format_currency,
    get_currency_name,
    get_currency_precision,
    get_territory_currencies,
    list_currencies,
)
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from withrefugees.core.validators import (
    control_characters_refusal,
    invisible_characters_refusal,
)

#: The first year of a pledge's dates (the New York Declaration, 2016, led to the GCR;
#: pledges of GRF 2019 started earlier than the forum) and how far ahead a date may be.
FIRST_YEAR = 2010
YEARS_AHEAD = 50
#: Digits of a target value (``PledgeTarget.target_value`` holds 20 with 4 decimals) and of a
#: budget (``Pledge.budget_amount``: 18 with 2): at most 15 in all, because SQLite keeps a
#: decimal as a double (15 significant digits exact) and Django cannot read back a value
#: with more (it raises on ``quantize``): 11 digits before the point for a target (as for a
#: value reached, ``services_progress``), 13 for a budget (under 10 trillion).
TARGET_MAX_DIGITS = 15
TARGET_DECIMAL_PLACES = 4
BUDGET_MAX_DIGITS = 15
BUDGET_DECIMAL_PLACES = 2
#: Currencies offered first in the list (the campaign's).
COMMON_CURRENCIES = ("JPY", "USD", "EUR")

#: Lengths of the text fields (the model's).
MAX_LENGTHS = {"title_ja": 200, "title_en": 200, "description_ja": 5000,
               "description_en": 5000, "expected_impact_ja": 300, "expected_impact_en": 300,
               "contact_name": 200, "contact_email": 254, "matches_gcr_reference": 300}
#: Single-line fields (no line breaks); the others are free text.
NAME_FIELDS = ("title_ja", "title_en", "expected_impact_ja", "expected_impact_en",
               "contact_name", "contact_email", "matches_gcr_reference")


def text_refusal(value: str, *, name: bool) -> ValidationError | None:
    """The refusal of ``value`` for its control (``null_characters``,
    ``control_characters``) or invisible characters (``control_characters``,
    ``combining_marks``), else None. ``name``: a single-line field."""
    if not value:
        return None
    return control_characters_refusal(value) or invisible_characters_refusal(
        value, text=not name)


def too_long_error(limit: int, length: int) -> ValidationError:
    return ValidationError(
        _("Make this text at most %(limit)s characters long (it has %(length)s)."),
        code="max_length", params={"limit": limit, "length": length})


def year_range(today: datetime.date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return FIRST_YEAR, today.year + YEARS_AHEAD


def validate_date_in_range(value: datetime.date, *, today: datetime.date | None = None) -> None:
    """Raise code ``date_out_of_range`` for a date outside ``year_range``."""
    first, last = year_range(today)
    if not first <= value.year <= last:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s (the year %(year)s is outside "
              "that range)."),
            code="date_out_of_range", params={"first": first, "last": last, "year": value.year})


def end_before_start_error() -> ValidationError:
    return ValidationError(_("The end is before the start. Check the dates."),
                           code="end_before_start")


# --- Numbers --------------------------------------------------------------------------------
def parse_decimal(value: str) -> Decimal | None:
    """A number as typed (full-width digits and "，" read after NFKC, thousands separators
    "," and spaces ignored) as a ``Decimal``, ``None`` for an empty value. Raises
    ``ValidationError`` code ``number_invalid`` (not a number) or ``number_not_finite``
    (nan, infinity)."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = text.replace(",", "").replace(" ", "").replace("_", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a number, e.g. 1500 or 12.5."),
                              code="number_invalid") from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number, e.g. 1500 or 12.5 (not “%(value)s”)."),
                              code="number_not_finite", params={"value": text[:20]})
    return number


def _digits(number: Decimal) -> tuple[int, int]:
    """``(digits before the point, digits after it)`` of a finite ``number`` (normalised:
    ``1.50`` has one decimal, ``1E+3`` four integer digits)."""
    sign, digits, exponent = number.normalize().as_tuple()
    if number == 0:
        return 1, 0
    decimals = max(0, -exponent)
    integer = max(0, len(digits) + exponent)
    return integer, decimals


def validate_target_value(value: Decimal) -> None:
    """A target value: a finite ``Decimal`` (codes ``number_not_decimal``,
    ``number_not_finite``), not negative (``number_negative``), at most
    ``TARGET_MAX_DIGITS - TARGET_DECIMAL_PLACES`` digits before the point
    (``number_too_large``) and ``TARGET_DECIMAL_PLACES`` after it
    (``number_too_many_decimals``)."""
    if not isinstance(value, Decimal):
        raise ValidationError(_("The value must be a decimal number."),
                              code="number_not_decimal")
    if not value.is_finite():
        raise ValidationError(_("Enter a number, e.g. 1500 or 12.5 (not “%(value)s”)."),
                              code="number_not_finite", params={"value": str(value)[:20]})
    if value < 0:
        raise ValidationError(_("Enter a value of zero or more."), code="number_negative")
    integer, decimals = _digits(value)
    limit = TARGET_MAX_DIGITS - TARGET_DECIMAL_PLACES
    if integer > limit:
        raise ValidationError(_("Enter a number with at most %(limit)s digits before the "
                                "decimal point."), code="number_too_large",
                              params={"limit": limit})
    if decimals > TARGET_DECIMAL_PLACES:
        raise ValidationError(_("Enter a number with at most %(limit)s digits after the "
                                "decimal point."), code="number_too_many_decimals",
                              params={"limit": TARGET_DECIMAL_PLACES})


# --- Currencies -----------------------------------------------------------------------------
@cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes offered and accepted for a budget: those that are legal tender
    in some territory today by Babel's CLDR data (the union over the territories, the
    two-letter codes of ``Locale("en").territories``, of ``babel.numbers.
    get_territory_currencies(territory, tender=True)``), upper case, three letters, and
    known to ``list_currencies``; about 150 (JPY, USD, EUR, GBP, KRW, XOF...). Not the
    codes that are no money of any place (XXX "unknown", XTS "testing", XDR), precious
    metals (XAU, XAG) or withdrawn (DEM, FRF, YUM): a pledge saved with one of those
    before still shows its amount (``format_amount``). Computed once per process."""
    known = list_currencies()
    tender: set[str] = set()
    for territory in Locale("en").territories:
        if len(territory) == 2 and territory.isalpha():
            tender.update(get_territory_currencies(territory, tender=True))
    return frozenset(code for code in tender if code in known and len(code) == 3
                     and code.isalpha() and code.isupper())


def _locale(language: str | None) -> Locale:
    try:
        return Locale.parse((language or get_language() or "ja")[:2])
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def currency_name(code: str, language: str | None = None) -> str:
    """The currency's name in ``language`` (the active one by default), e.g. "米ドル"."""
    return get_currency_name(code, locale=_locale(language))


def currency_choices(language: str | None = None) -> list[tuple[str, str]]:
    """``(code, "JPY – 日本円")`` for every ``currency_codes()``: the campaign's common ones
    first, then the others by name in ``language``."""
    locale = _locale(language)

    def label(code: str) -> str:
        return f"{code} – {get_currency_name(code, locale=locale)}"

    first = [(code, label(code)) for code in COMMON_CURRENCIES if code in currency_codes()]
    rest = sorted(((code, label(code)) for code in currency_codes()
                   if code not in COMMON_CURRENCIES), key=lambda item: item[1][6:].casefold())
    return first + rest


def validate_budget(amount: Decimal | None, currency: str) -> None:
    """The estimated budget: both or neither (codes ``budget_currency_required`` on
    ``budget_currency``, ``budget_amount_required`` on ``budget_amount``); ``amount`` a
    finite ``Decimal`` (``number_not_decimal``, ``number_not_finite``), zero or more
    (``number_negative``), not too large for the field (``number_too_large``), with at
    most the currency's decimals (``budget_decimals``: "JPY has no decimals");
    ``currency`` a code of ``currency_codes`` (``currency_invalid``). Raises a
    ``ValidationError`` keyed by field."""
    errors: dict[str, list[ValidationError]] = {}
    currency = currency or ""
    if currency and currency not in currency_codes():
        errors["budget_currency"] = [ValidationError(
            _("Choose the currency from the list (an ISO 4217 code such as JPY or USD)."),
            code="currency_invalid")]
    if amount is None:
        if currency and not errors:
            errors["budget_amount"] = [ValidationError(
                _("Enter the amount in %(currency)s, or leave the currency empty."),
                code="budget_amount_required", params={"currency": currency})]
        if errors:
            raise ValidationError(errors)
        return
    if not isinstance(amount, Decimal):
        errors["budget_amount"] = [ValidationError(
            _("The amount must be a decimal number."), code="number_not_decimal")]
    elif not amount.is_finite():
        errors["budget_amount"] = [ValidationError(
            _("Enter a number, e.g. 1500 or 12.5 (not “%(value)s”)."),
            code="number_not_finite", params={"value": str(amount)[:20]})]
    elif amount < 0:
        errors["budget_amount"] = [ValidationError(_("Enter an amount of zero or more."),
                                                   code="number_negative")]
    else:
        integer, decimals = _digits(amount)
        limit = BUDGET_MAX_DIGITS - BUDGET_DECIMAL_PLACES
        if integer > limit:
            errors["budget_amount"] = [ValidationError(
                _("Enter an amount with at most %(limit)s digits before the decimal point."),
                code="number_too_large", params={"limit": limit})]
        elif currency in currency_codes():
            precision = min(get_currency_precision(currency), BUDGET_DECIMAL_PLACES)
            if decimals > precision:
                if precision == 0:
                    message = _("Amounts in %(currency)s have no decimals: enter a whole "
                                "number.")
                else:
                    message = _("Amounts in %(currency)s have at most %(precision)s "
                                "decimals.")
                errors["budget_amount"] = [ValidationError(
                    message, code="budget_decimals",
                    params={"currency": currency, "precision": precision})]
    if not currency:
        errors.setdefault("budget_currency", []).append(ValidationError(
            _("Choose the currency of the amount (or leave the amount empty)."),
            code="budget_currency_required"))
    if errors:
        raise ValidationError(errors)


def format_amount(amount: Decimal, currency: str, language: str | None = None) -> str:
    """``amount`` in ``currency`` as written in ``language`` (the active one by default),
    e.g. "￥5,000,000" in ja, "$12,500.50" in en; the code and number for a currency Babel
    cannot format."""
    try:
        return format_currency(amount, currency, locale=_locale(language))
    except (ValueError, KeyError, ArithmeticError):
        return f"{currency} {amount}"
