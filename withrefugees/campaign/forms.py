"""The sign form: which local government, who signs, who to contact, consent."""

import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from withrefugees.core.emails import email_normalise
from withrefugees.core.forms import AccessibleForm
from withrefugees.core.validators import (
    no_invisible_characters,
    no_invisible_characters_in_name,
)
from withrefugees.places.models import Country, LocalGovernment
from withrefugees.places.selectors import (
    ListedCode,
    ResolutionCode,
    local_government_listed_match,
    local_government_resolve,
)

# What the person is told for each outcome of the place selectors (``places.selectors``).
# Each error carries the selector's code (``ValidationError.code``).
PLACE_MESSAGES = {
    ResolutionCode.EMPTY: _("Enter the name of your local government."),
    ResolutionCode.AMBIGUOUS: _("Several local governments match. Choose yours from the "
                                "list below."),
    ResolutionCode.NOT_FOUND: _("No local government matches “%(q)s”. Check the spelling, or "
                                "tick “My local government is not in the list”."),
}
LISTED_MESSAGES = {
    ListedCode.JAPAN_LISTED: _("Every local government in Japan is in the list: search for "
                               "it by name above."),
    ListedCode.LISTED: _("“%(name)s” is in the list: search for it by name above and choose "
                         "it."),
}


SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{22,64}")


def new_submission_key() -> str:
    """A fresh key for one page of the sign form: 32 URL-safe characters (192 random bits)."""
    return secrets.token_urlsafe(24)


class SubmissionKeyField(forms.CharField):
    """The hidden key of one page of the form: the key as sent, or ``""`` (a submission
    without a key) for anything that is not one of ours. Never an error."""

    def clean(self, value):
        value = value if isinstance(value, str) else ""
        return value if SUBMISSION_KEY.fullmatch(value) else ""


class MailboxField(forms.CharField):
    """An email address that mail can be sent to, cleaned to the form it is stored in
    (``core.emails.email_normalise``: ``soumu@ｃｉｔｙ.ｋｕｍａｍｏｔｏ.ｌｇ.ｊｐ`` →
    ``soumu@city.kumamoto.lg.jp``). Refused addresses raise ``core.emails.InvalidEmail``,
    whose code says why (``invalid_email``, ``email_local_part``, ``email_domain``,
    ``email_domain_reserved``); the form shows what was typed again."""

    widget = forms.EmailInput

    def clean(self, value):
        value = super().clean(value)
        return email_normalise(value) if value not in self.empty_values else value


class SignForm(AccessibleForm):
    """Fields in the order a municipal officer fills them in. ``clean`` resolves the local
    government: the id chosen in the autocomplete or radio list, a single exact match of
    the typed name, or a new one (name + country + region) when ``not_listed`` is ticked.
    """

    place_query = forms.CharField(
        label=_("Local government"), max_length=200, required=False,
        help_text=_("Type the name, e.g. 渋谷区, しぶや or Shibuya, and choose from the list."),
    )
    local_government = forms.IntegerField(label=_("Local government"), required=False,
                                          widget=forms.HiddenInput)
    statement_hash = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # One submission of this page (``services.signature_submit``): new for every page shown
    # (``new_submission_key``), kept when the form is shown again with errors.
    submission_key = SubmissionKeyField(required=False, widget=forms.HiddenInput)
    not_listed = forms.BooleanField(label=_("My local government is not in the list"),
                                    required=False)
    new_name = forms.CharField(label=_("Official name of the local government"),
                               max_length=200, required=False)
    new_country = forms.ChoiceField(label=_("Country"), required=False)
    new_region = forms.CharField(label=_("Region, state or province"), max_length=150,
                                 required=False)
    signatory_name = forms.CharField(label=_("Name of the signatory"), max_length=100,
                                     help_text=_("The head of the local government, e.g. "
                                                 "the mayor or governor."))
    signatory_title = forms.CharField(label=_("Title of the signatory"), max_length=100,
                                      help_text=_("e.g. Mayor, Governor"))
    contact_name = forms.CharField(label=_("Contact person"), max_length=100)
    department = forms.CharField(label=_("Department"), max_length=150)
    email = MailboxField(label=_("Official email address"), max_length=254,
                         help_text=_("We send a confirmation link to this address."))
    website = forms.URLField(label=_("Website of the local government (optional)"),
                             max_length=300, required=False, assume_scheme="https",
                             help_text=_("Shown on your public profile, e.g. "
                                         "https://www.city.example.lg.jp/."))
    message = forms.CharField(label=_("Message (optional)"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("Up to 1,000 characters. Shown on your public "
                                          "profile."))
    consent_statement = forms.BooleanField(
        label=_("On behalf of this local government, we sign the statement above."))
    consent_privacy = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my contact details are used "
                "to confirm and review this signature."))

    def __init__(self, data=None, *args, **kwargs):
        # A mutable copy: once a local government is resolved, the form shows it by name.
        super().__init__(data.copy() if data is not None else None, *args, **kwargs)
        self.candidates: list[LocalGovernment] = []
        for field in self.fields.values():
            if isinstance(field, forms.CharField):  # free text (a textarea) or a name
                field.validators.append(no_invisible_characters
                                        if isinstance(field.widget, forms.Textarea)
                                        else no_invisible_characters_in_name)
        self.fields["new_country"].choices = [("", "—")] + [
            (c.code, c.name) for c in sorted(Country.objects.all(), key=lambda c: c.name)
        ]
        for name in ("signatory_name", "signatory_title", "contact_name", "department",
                     "email", "consent_statement", "consent_privacy"):
            self.fields[name].widget.attrs["required"] = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["website"].widget.attrs["autocomplete"] = "url"

    def clean(self):
        """Resolve the local government (``places.selectors``) into
        ``cleaned_data["resolved_local_government"]`` (None for a new, not-listed one).
        Errors on ``place_query`` / ``new_name`` carry the selector's code."""
        data = super().clean()
        data["resolved_local_government"] = None
        if data.get("not_listed"):
            self._clean_not_listed(data)
            return data
        if "place_query" in self.errors or "local_government" in self.errors:
            return data
        query = data.get("place_query", "")
        found = local_government_resolve(query=query, chosen_id=data.get("local_government"))
        self.candidates = list(found.candidates)
        if found.resolved:
            return self._resolved(data, found.local_government)
        self.data["local_government"] = ""
        self.add_error("place_query", ValidationError(
            PLACE_MESSAGES[found.code], code=str(found.code), params={"q": query}))
        return data

    def _resolved(self, data: dict, lg: LocalGovernment) -> dict:
        """Keep the resolved place, and show it by its unambiguous label if the form is
        shown again for other errors."""
        data["resolved_local_government"] = lg
        self.data["place_query"] = lg.label
        self.data["local_government"] = str(lg.pk)
        return data

    def _clean_not_listed(self, data: dict) -> None:
        name, country = data.get("new_name", ""), data.get("new_country", "")
        if not name and "new_name" not in self.errors:
            self.add_error("new_name", ValidationError(
                _("Enter the official name of the local government."), code="required"))
        if not country and "new_country" not in self.errors:
            self.add_error("new_country", ValidationError(_("Choose the country."),
                                                          code="required"))
        if not name or not country:
            return
        match = local_government_listed_match(name=name, country=country)
        if match.code in LISTED_MESSAGES:
            label = match.local_government.label if match.local_government else name
            self.add_error("new_name", ValidationError(
                LISTED_MESSAGES[match.code], code=str(match.code), params={"name": label}))


class DirectoryForm(AccessibleForm):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, required=False)
    prefecture = forms.CharField(label=_("Prefecture"), max_length=6, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("name", _("Name")), ("-date", _("Date signed (newest first)")),
        ("date", _("Date signed (oldest first)")),
    ])
