"""The progress report form of the workspace (``ProgressForm``): the stage (radio buttons),
a narrative, the date of the report (today in the lead's zone by default) and a value
reached per target of the pledge (``value_<target id>``, optional).

The pledge and its targets come from the view (the pledge looked up within the local
government of the URL): a field for another pledge's target is never offered, and one sent
anyway is ignored. Every refusal has a code and a translated message; values are those of
``services_progress.value_errors`` so the form and the service refuse alike. What was typed
is kept when the form is shown again (``nan``, ``1e400`` included)."""

import datetime
import unicodedata
from decimal import Decimal, DecimalException

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from withrefugees.core.forms import AccessibleForm
from withrefugees.core.validators import no_invisible_characters

from .models import PledgeTarget, ProgressStatus
from .services_progress import NARRATIVE_MAX, value_errors, value_field

_INVALID_DATE = _("Enter a real date, e.g. 2028-04-01 (year-month-day).")
_INVALID_NUMBER = _("Enter a number, e.g. 12 or 12.5.")


def plain_number(value: Decimal | None) -> str:
    """``Decimal("30.0000")`` → ``"30"``, ``Decimal("12.5000")`` → ``"12.5"`` (no exponent)."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


class ValueField(forms.Field):
    """A value reached: a decimal of 0 or more (full-width digits, "1,200" accepted), within
    the stored digits; errors of ``value_errors`` (codes ``value_invalid``,
    ``value_negative``, ``value_too_large``, ``value_too_many_decimals``)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                    "spellcheck": "false", "size": 12})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = text.replace(",", "").replace(" ", "")
        if not text:
            return None
        try:
            return Decimal(text)
        except (DecimalException, ValueError) as exc:
            raise ValidationError(_INVALID_NUMBER, code="value_invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value is not None and (refusals := value_errors(value)):
            raise ValidationError(refusals)


def target_label(target: PledgeTarget) -> str:
    """"<indicator>: value reached (target: 30 people)"."""
    target_text = plain_number(target.target_value)
    if target.unit:
        target_text = f"{target_text} {target.unit}"
    return _("%(indicator)s: value reached (target: %(target)s)") % {
        "indicator": target.indicator, "target": target_text}


class NarrativeField(forms.CharField):
    """Free text whose line breaks count as one character each (browsers send CR LF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class ProgressForm(AccessibleForm):
    status = forms.ChoiceField(
        label=_("Stage of progress"), choices=ProgressStatus.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the stage the pledge has reached."),
                        "invalid_choice": _("Choose one of the three stages of progress.")})
    narrative = NarrativeField(
        label=_("What has been done"), required=False, max_length=NARRATIVE_MAX,
        validators=[no_invisible_characters], widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few lines: what was done since the last report, with whom, what comes "
                    "next. At most 3,000 characters."),
        error_messages={"max_length": _("Write at most %(limit_value)d characters (this "
                                        "text has %(show_value)d).")})
    reported_on = forms.DateField(
        label=_("Date of the report"), input_formats=["%Y-%m-%d", "%Y/%m/%d"],
        help_text=_("The day the values below were reached, e.g. 2028-04-01; not in the "
                    "future."),
        error_messages={"invalid": _INVALID_DATE,
                        "required": _("Enter the date of the report, e.g. 2028-04-01.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, data=None, *, targets, today: datetime.date, **kwargs):
        self.targets = list(targets)
        super().__init__(data, initial={"reported_on": today}, **kwargs)
        self.fields["reported_on"].widget.attrs["max"] = today.isoformat()
        for target in self.targets:
            self.fields[value_field(target.pk)] = ValueField(
                label=target_label(target), required=False,
                help_text=_("In %(unit)s. Leave empty if there is no new figure.")
                % {"unit": target.unit} if target.unit else
                _("Leave empty if there is no new figure."))
        self._describe()

    def value_fields(self):
        """``(target, bound field)`` for each target, in the targets' order."""
        return [(target, self[value_field(target.pk)]) for target in self.targets]

    def values(self) -> dict[int, Decimal]:
        """``{target id: value}`` of the values given (after ``is_valid``)."""
        return {target.pk: self.cleaned_data[value_field(target.pk)]
                for target in self.targets
                if self.cleaned_data.get(value_field(target.pk)) is not None}

    def add_service_errors(self, error: ValidationError) -> list[str]:
        """Put a service's refusals on the fields they name; return the others' messages."""
        others: list[str] = []
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                if name in self.fields:
                    self.add_error(name, errors)
                else:
                    others.extend(m for e in errors for m in e.messages)
        else:
            others.extend(error.messages)
        self._describe()
        return others
