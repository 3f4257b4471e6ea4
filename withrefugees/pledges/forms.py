"""Forms of the pledge builder (workspace): ``PledgeForm`` with the rows of measurable targets
(``TargetFormSet``) and of co-pledging entities (``CoPledgerFormSet``), and the choice of
the local government to start a pledge for (``StartFromForm``).

The lead local government is never a field: it comes from the URL through the workspace
gate. Choice lists are built from the selectors (areas of focus and multistakeholder
pledges offered, countries, local governments of the platform, public pledges), so a forged
value is a field error (``invalid_choice``). Amounts and target values are typed as text and
read as ``Decimal`` (``validation.parse_decimal``): never a float; "nan", "inf", "1e400"
and numbers too long are refused with their own message. The rules across fields (a title,
end after start, budget and currency, countries for the scope, forum of the
multistakeholder pledges, co-pledgers) are the services' (``services._validate``); their
refusals are put back on the fields here (``add_service_errors``). Values are kept when the
page is shown again with errors."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from withrefugees.core.emails import email_normalise
from withrefugees.core.forms import AccessibleForm, AccessibleFormMixin
from withrefugees.core.validators import no_invisible_characters, no_invisible_characters_in_name

from . import selectors_officer
from .models import Forum, GcrObjective, Pledge, PledgeKind, Scope
from .services import MAX_CO_PLEDGERS, MAX_TARGETS, CoPledgerInput, PledgeInput, TargetInput
from .validation import (
    currency_choices,
    parse_decimal,
    validate_date_in_range,
    validate_target_value,
)

#: Empty rows shown below those filled in.
TARGET_EXTRA_ROWS = 3
CO_PLEDGER_EXTRA_ROWS = 2

_INVALID_DATE = _("Enter a real date, e.g. 2027-04-01 (year-month-day).")


def _date_field(label, *, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=False, help_text=help_text,
        input_formats=["%Y-%m-%d", "%Y/%m/%d"], error_messages={"invalid": _INVALID_DATE},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _text(label, max_length: int, *, help_text: str = "", name: bool = True,
          rows: int = 0, **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(
        attrs=attrs)
    return forms.CharField(
        label=label, max_length=max_length, required=False, help_text=help_text,
        validators=[no_invisible_characters_in_name if name else no_invisible_characters],
        widget=widget)


def _number(label, *, help_text: str = "") -> forms.CharField:
    """A number typed as text (read as ``Decimal`` by the form's ``clean_<name>``)."""
    return forms.CharField(
        label=label, required=False, max_length=60, help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false",
                                      "autocomplete": "off"}))


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Checkboxes whose field's ``id_for_label`` is the first box's (an error summary and
    the checklist link there; Django gives none for a group)."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class RadioGroup(forms.RadioSelect):
    """Radio buttons, ``id_for_label`` as ``CheckboxGroup``."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


def _choices(label, choices, *, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, choices=choices, help_text=help_text,
        widget=CheckboxGroup,
        error_messages={"invalid_choice": _("Choose from the list (“%(value)s” is not one "
                                            "of the options).")})


_MODEL_CHOICE_ERRORS = {
    "invalid_choice": _("Choose from the list (“%(value)s” is not one of the options)."),
    "invalid_pk_value": _("Choose from the list (“%(pk)s” is not one of the options)."),
    "invalid_list": _("Choose from the list."),
}


class LocalisedChoiceField(forms.ModelMultipleChoiceField):
    """Several records by their ``str`` (in the active language). An integer id beyond the
    database's range is an ``invalid_choice`` (SQLite cannot even compare it: a forged
    40-digit id must not be a 500)."""

    def label_from_instance(self, obj) -> str:
        return str(obj)

    def _check_values(self, value):
        pk = self.queryset.model._meta.pk
        if pk.get_internal_type() in ("AutoField", "BigAutoField", "IntegerField",
                                      "BigIntegerField"):
            for item in value:
                text = str(item).strip()
                if text.lstrip("-").isdigit() and not -(2**63) < int(text) < 2**63:
                    raise ValidationError(self.error_messages["invalid_choice"],
                                          code="invalid_choice", params={"value": text[:20]})
        return super()._check_values(value)


class PledgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} – {obj.local_government.label}"


class LocalGovernmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.label


class PledgeForm(AccessibleFormMixin, forms.Form):
    """A pledge led by ``local_government`` (new, or ``pledge`` to edit): see
    ``services.PledgeInput`` for what ``to_input`` gives the services."""

    title_ja = _text(_("Title (Japanese)"), 200, lang="ja", help_text=_(
        "A short summary heading. At least one title, in Japanese or English; the GCR "
        "needs the English one."))
    title_en = _text(_("Title (English)"), 200, lang="en")
    description_ja = _text(_("Description (Japanese)"), 5000, name=False, rows=6, lang="ja")
    description_en = _text(_("Description (English)"), 5000, name=False, rows=6, lang="en",
                           help_text=_(
        "What your local government will do, for whom, with whom."))
    expected_impact_ja = _text(_("Expected impact in one sentence (Japanese)"), 300,
                               lang="ja")
    expected_impact_en = _text(_("Expected impact in one sentence (English)"), 300,
                               lang="en")
    kinds = _choices(_("What the pledge is"), PledgeKind.choices, help_text=_(
        "One or more."))
    objectives = _choices(_("GCR objectives it serves"), GcrObjective.choices,
                          help_text=_("The four objectives of the Global Compact on "
                                      "Refugees; one or more."))
    areas = LocalisedChoiceField(
        label=_("Areas of focus"), required=False, queryset=None,
        widget=CheckboxGroup, error_messages=_MODEL_CHOICE_ERRORS)
    scope = forms.ChoiceField(
        label=_("Where it applies"), choices=Scope.choices, widget=RadioGroup,
        error_messages={"required": _("Choose where the pledge applies."),
                        "invalid_choice": _("Choose where the pledge applies from the "
                                            "list.")})
    countries = LocalisedChoiceField(
        label=_("Countries where it applies"), required=False, queryset=None,
        help_text=_("Only for a pledge that applies in named countries. Hold Ctrl (⌘ on a "
                    "Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 8}), error_messages=_MODEL_CHOICE_ERRORS)
    # Own msgids, not the bare "Countries"/"Start"/"End": the same English word elsewhere
    # (the home page's figure "Countries") is translated with another meaning (国数).
    starts_on = _date_field(_("Start date"))
    ends_on = _date_field(_("End date"))
    budget_amount = _number(_("Estimated budget (optional)"), help_text=_(
        "An amount such as 5000000 or 12500.50, in the currency below."))
    budget_currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=[],
        error_messages={"invalid_choice": _("Choose the currency from the list (an ISO "
                                            "4217 code such as JPY or USD).")})
    contact_name = _text(_("Contact person"), 200, help_text=_(
        "For UNHCR and the GCR only: never shown on a public page."))
    contact_email = forms.CharField(
        label=_("Contact email"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}))
    forum = forms.ChoiceField(
        label=_("Forum the pledge is made for"), choices=Forum.choices,
        widget=RadioGroup,
        error_messages={"required": _("Choose the forum (or “none”)."),
                        "invalid_choice": _("Choose the forum from the list.")})
    multistakeholder_pledges = LocalisedChoiceField(
        label=_("Multistakeholder pledges it joins"), required=False, queryset=None,
        help_text=_("From the Global Refugee Forum 2023 on. For local governments above "
                    "all: the Call to Local Action."),
        widget=CheckboxGroup, error_messages=_MODEL_CHOICE_ERRORS)
    # Not "matches": a form control of that name would hide the form element's own
    # ``matches()`` method from scripts (DOM named access), as it did Playwright's.
    matched_pledge = PledgeChoiceField(
        label=_("Matches a pledge on this platform"), required=False, queryset=None,
        empty_label="—", error_messages=_MODEL_CHOICE_ERRORS,
        help_text=_("Matching pairs a pledge of support with a pledge it supports."))
    matches_gcr_reference = _text(_("Or matches a pledge on the GCR platform (reference or "
                                    "address)"), 300)

    def __init__(self, *args, local_government, pledge: Pledge | None = None, **kwargs):
        self.local_government = local_government
        self.pledge = pledge
        if "initial" not in kwargs:
            kwargs["initial"] = pledge_initial(pledge) if pledge is not None else {
                "scope": Scope.LOCAL, "forum": Forum.NONE}
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = selectors_officer.area_choices(pledge)
        self.fields["countries"].queryset = selectors_officer.country_choices()
        self.fields["multistakeholder_pledges"].queryset = (
            selectors_officer.multistakeholder_choices(pledge))
        self.fields["matched_pledge"].queryset = selectors_officer.matchable_pledges(pledge)
        self.fields["budget_currency"].choices = [("", "—"), *currency_choices()]
        self._describe()

    def clean_starts_on(self):
        value = self.cleaned_data.get("starts_on")
        if value is not None:
            validate_date_in_range(value)
        return value

    def clean_ends_on(self):
        value = self.cleaned_data.get("ends_on")
        if value is not None:
            validate_date_in_range(value)
        return value

    def clean_budget_amount(self):
        return parse_decimal(self.cleaned_data.get("budget_amount", ""))

    def clean_contact_email(self):
        value = (self.cleaned_data.get("contact_email") or "").strip()
        if not value:
            return ""
        no_invisible_characters_in_name(value)
        return email_normalise(value)  # InvalidEmail: a ValidationError with its code

    def to_input(self, targets: list[TargetInput],
                 co_pledgers: list[CoPledgerInput]) -> PledgeInput:
        """The cleaned values as the services' ``PledgeInput``."""
        data = self.cleaned_data
        texts = ("title_ja", "title_en", "description_ja", "description_en",
                 "expected_impact_ja", "expected_impact_en", "contact_name", "contact_email",
                 "matches_gcr_reference", "budget_currency")
        return PledgeInput(
            **{name: data.get(name) or "" for name in texts},
            kinds=tuple(data.get("kinds") or ()),
            objectives=tuple(data.get("objectives") or ()),
            areas=tuple(data.get("areas") or ()), scope=data.get("scope") or Scope.LOCAL,
            countries=tuple(data.get("countries") or ()),
            starts_on=data.get("starts_on"), ends_on=data.get("ends_on"),
            budget_amount=data.get("budget_amount"), forum=data.get("forum") or Forum.NONE,
            multistakeholder_pledges=tuple(data.get("multistakeholder_pledges") or ()),
            matches=data.get("matched_pledge"), targets=tuple(targets),
            co_pledgers=tuple(co_pledgers))


def pledge_initial(pledge: Pledge) -> dict:
    """The form's initial values of ``pledge``."""
    initial = {name: getattr(pledge, name) for name in (
        "title_ja", "title_en", "description_ja", "description_en", "expected_impact_ja",
        "expected_impact_en", "scope", "starts_on", "ends_on", "budget_currency",
        "contact_name", "contact_email", "forum", "matches_gcr_reference")}
    initial["budget_amount"] = ("" if pledge.budget_amount is None
                                else _plain(pledge.budget_amount))
    initial["kinds"] = pledge.kinds
    initial["objectives"] = pledge.objectives
    initial["areas"] = [a.pk for a in pledge.areas.all()]
    initial["countries"] = [c.pk for c in pledge.countries.all()]
    initial["multistakeholder_pledges"] = [m.pk for m in pledge.multistakeholder_pledges.all()]
    initial["matched_pledge"] = pledge.matches_id
    return initial


def _plain(value) -> str:
    """A ``Decimal`` as typed back into a field: no exponent, no trailing zeros
    (``Decimal("30.0000")`` → ``"30"``, ``Decimal("12.50")`` → ``"12.5"``)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Rows -----------------------------------------------------------------------------------
class FilledRowMixin:
    """A row with something typed in is read, even when it equals the row's initial value.
    Django drops an unchanged *extra* row; but the builder of a new pledge, once its first
    save gave it an address, posts the saved rows as extra rows (its management form counts
    no initial rows), and they would be lost."""

    def has_changed(self) -> bool:
        return super().has_changed() or any(
            self[name].data not in (None, "", []) for name in self.fields)


# --- Targets --------------------------------------------------------------------------------
class TargetForm(FilledRowMixin, AccessibleForm):
    """One measurable target; a row left empty is left out."""

    indicator = _text(_("Indicator"), 300, help_text=_(
        "What is measured, e.g. “refugee students enrolled in the classes”."))
    target_value = _number(_("Target value"))
    unit = _text(_("Unit"), 50, help_text=_("E.g. people, classes, yen."))
    target_date = _date_field(_("By (date)"))

    def clean_target_value(self):
        value = parse_decimal(self.cleaned_data.get("target_value", ""))
        if value is not None:
            validate_target_value(value)
        return value

    def clean_target_date(self):
        value = self.cleaned_data.get("target_date")
        if value is not None:
            validate_date_in_range(value)
        return value

    def clean(self):
        data = super().clean()
        filled = any(data.get(name) not in (None, "") for name in data) or bool(
            self.errors)
        if not filled:
            return data
        if not data.get("indicator") and "indicator" not in self.errors:
            self.add_error("indicator", ValidationError(
                _("Say what is measured (or empty the row)."), code="indicator_required"))
        if data.get("target_value") is None and "target_value" not in self.errors:
            self.add_error("target_value", ValidationError(
                _("Enter the target value, e.g. 30."), code="target_value_required"))
        return data

    def has_target(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return bool(data.get("indicator")) and data.get("target_value") is not None


class BaseTargetFormSet(forms.BaseFormSet):
    def targets(self) -> list[TargetInput]:
        return [TargetInput(indicator=f.cleaned_data["indicator"],
                            target_value=f.cleaned_data["target_value"],
                            unit=f.cleaned_data.get("unit") or "",
                            target_date=f.cleaned_data.get("target_date"))
                for f in self.forms if f.has_target()]


TargetFormSet = formset_factory(
    TargetForm, formset=BaseTargetFormSet, extra=TARGET_EXTRA_ROWS, max_num=MAX_TARGETS,
    validate_max=True, absolute_max=MAX_TARGETS + TARGET_EXTRA_ROWS)


def target_formset(pledge: Pledge | None, data=None) -> BaseTargetFormSet:
    initial = ([{"indicator": t.indicator, "target_value": _plain(t.target_value),
                 "unit": t.unit, "target_date": t.target_date}
                for t in pledge.targets.all()] if pledge is not None else [])
    return TargetFormSet(data, prefix="targets", initial=initial)


# --- Co-pledging entities -------------------------------------------------------------------
class CoPledgerForm(FilledRowMixin, AccessibleForm):
    """One co-pledging entity: a local government of the platform or an organisation's
    name; a row left empty is left out."""

    local_government = LocalGovernmentChoiceField(
        label=_("Local government on the platform"), required=False, queryset=None,
        empty_label="—", error_messages=_MODEL_CHOICE_ERRORS)
    organisation_name = _text(_("Or the name of an organisation"), 200)

    def __init__(self, *args, queryset=None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["local_government"]
        field.queryset = queryset
        if choices is not None:
            # The sorted list, without a query per row.
            field.choices = [("", "—"), *((lg.pk, lg.label) for lg in choices)]

    def clean(self):
        data = super().clean()
        if data.get("local_government") and data.get("organisation_name"):
            self.add_error("organisation_name", ValidationError(
                _("Either choose a local government or give an organisation's name in a "
                  "row, not both (use another row)."), code="co_pledger_both"))
        return data


class BaseCoPledgerFormSet(forms.BaseFormSet):
    def __init__(self, *args, lead=None, pledge=None, **kwargs):
        self.lead, self.pledge = lead, pledge
        self.lg_choices = selectors_officer.co_pledger_choices(lead, pledge)
        self.lg_queryset = selectors_officer.co_pledger_queryset(lead, pledge)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"queryset": self.lg_queryset, "choices": self.lg_choices}

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            lg = form.cleaned_data.get("local_government")
            if lg is not None:
                if lg.pk in seen:
                    raise ValidationError(_("%(name)s is named twice as a co-pledging "
                                            "entity."), code="co_pledger_twice",
                                          params={"name": lg.label})
                seen.add(lg.pk)

    def co_pledgers(self) -> list[CoPledgerInput]:
        return [CoPledgerInput(local_government=f.cleaned_data.get("local_government"),
                               organisation_name=f.cleaned_data.get("organisation_name")
                               or "")
                for f in self.forms if getattr(f, "cleaned_data", None)
                and (f.cleaned_data.get("local_government")
                     or f.cleaned_data.get("organisation_name"))]


CoPledgerFormSet = formset_factory(
    CoPledgerForm, formset=BaseCoPledgerFormSet, extra=CO_PLEDGER_EXTRA_ROWS,
    max_num=MAX_CO_PLEDGERS, validate_max=True,
    absolute_max=MAX_CO_PLEDGERS + CO_PLEDGER_EXTRA_ROWS)


def co_pledger_formset(lead, pledge: Pledge | None, data=None) -> BaseCoPledgerFormSet:
    initial = ([{"local_government": c.local_government_id,
                 "organisation_name": c.organisation_name}
                for c in pledge.co_pledgers.all()] if pledge is not None else [])
    return CoPledgerFormSet(data, prefix="co_pledgers", initial=initial, lead=lead,
                            pledge=pledge)


# --- Service errors -------------------------------------------------------------------------
#: The form's field for a service's error key, where the names differ.
FORM_FIELD_OF = {"matches": "matched_pledge"}

def add_service_errors(form: PledgeForm, targets: BaseTargetFormSet,
                       co_pledgers: BaseCoPledgerFormSet, error: ValidationError) -> list[str]:
    """Put a service's refusals on the fields of ``form`` (and the rows' groups for
    ``targets``/``co_pledgers``) they name; return the messages that name nothing shown
    (for the page's error summary)."""
    others: list[str] = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = FORM_FIELD_OF.get(name, name)
            if name in form.fields:
                form.add_error(name, errors)
            elif name == "targets":
                targets.non_form_errors().extend(m for e in errors for m in e.messages)
            elif name == "co_pledgers":
                co_pledgers.non_form_errors().extend(m for e in errors for m in e.messages)
            else:
                others.extend(m for e in errors for m in e.messages)
    else:
        others.extend(error.messages)
    form._describe()
    return others


# --- Start from a pledge --------------------------------------------------------------------
class StartFromForm(AccessibleForm):
    """The local government to start a pledge for (one of ``choices``)."""

    local_government = forms.TypedChoiceField(
        label=_("For which local government?"), coerce=int, choices=[],
        error_messages={"required": _("Choose the local government."),
                        "invalid_choice": _("Choose one of your local governments from the "
                                            "list.")})

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {lg.pk: lg for lg in choices}
        self.fields["local_government"].choices = [(lg.pk, lg.label) for lg in choices]
        if len(choices) == 1:
            self.fields["local_government"].widget = forms.HiddenInput()
            self.initial.setdefault("local_government", choices[0].pk)
        self._describe()

    def chosen(self):
        return self.places.get(self.cleaned_data.get("local_government"))
