"""Dates of record at their precision (``campaign.models.DatePrecision``), in the active
language: ``{% load campaign_dates %}{{ sig.signed_on|date_of_record:sig.signed_on_precision }}``.

Never shown more precisely than known: "2022年5月" / "May 2022" for a month, "2022年5月2日以前" /
"on or before May 2, 2022" for a listing date. The date itself follows the language's
formats (Django's ``DATE_FORMAT``, ``YEAR_MONTH_FORMAT``); the words around it are
translated strings.
"""

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from withrefugees.campaign.models import DatePrecision

register = template.Library()
P = DatePrecision


def format_date_of_record(value: date | None, precision: str = P.DAY) -> str:
    """``value`` (a date or None) at ``precision`` (a ``DatePrecision`` value; an unknown
    value is shown as a day), in the active language. No date, or ``unknown``: "unknown"
    (不明)."""
    if value is None or precision == P.UNKNOWN:
        return gettext("unknown")
    if precision in (P.MONTH, P.ON_OR_BEFORE_MONTH):
        text = date_format(value, "YEAR_MONTH_FORMAT")
    elif precision in (P.YEAR, P.ON_OR_BEFORE_YEAR):
        # Translators: a year on its own, e.g. "2023年" in Japanese, "2023" in English.
        text = pgettext("year of a date", "%(year)s") % {"year": date_format(value, "Y")}
    else:
        text = date_format(value, "DATE_FORMAT")
    if precision == P.ON_OR_BEFORE:
        # Translators: a date of record known only as a latest date, e.g. "2022年5月2日以前".
        return gettext("on or before %(date)s") % {"date": text}
    if precision in (P.ON_OR_BEFORE_MONTH, P.ON_OR_BEFORE_YEAR):
        # Translators: a month or a year at the latest, e.g. "2018年6月以前".
        return gettext("in or before %(date)s") % {"date": text}
    return text


@register.filter
def date_of_record(value: date | None, precision: str = P.DAY) -> str:
    """Template filter of ``format_date_of_record``."""
    return format_date_of_record(value, precision)
