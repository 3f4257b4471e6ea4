"""The sign form: which local government, who signs, who to contact, consent."""

import re

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from withrefugees.core.forms import AccessibleForm
from withrefugees.core.validators import no_invisible_characters
from withrefugees.places.folding import fold
from withrefugees.places.models import Country, LocalGovernment
from withrefugees.places.selectors import local_government_search

# What may follow a name typed without its suffix: 渋谷 → 渋谷区, shibuya → Shibuya City.
NAME_SUFFIXES = {"", "都", "道", "府", "県", "市", "区", "町", "村", "ト", "ドウ", "フ", "ケン", "シ",
                 "ク", "チョウ", "マチ", "ソン", "ムラ", "city", "town", "village", "ward",
                 "prefecture", "metropolis"}


def still_names(lg: LocalGovernment, query: str) -> bool:
    """True when the typed text still stands for the chosen ``lg``: its label in either
    language (府中市（東京都）, Fuchu City (Tokyo)), one of its names, or the part of a name
    that was searched for (府中) before choosing from the list. Any other text wins."""
    q = fold(query)
    labels = set()
    for language in ("ja", "en"):
        with translation.override(language):
            labels.add(fold(lg.label))
    return q in labels or any(key and q in key for key in lg.search_key.split("|"))


# Words around a place name that are not part of it (Paris City, City of Paris, 〜市).
_AFFIXES = re.compile(r"^(city|town|village|municipality|commune|ville|comune|gemeinde|"
                      r"stadt)( of| de| di)? | (city|town|village|municipality|prefecture)$")


def core_name(name: str) -> str:
    """The folded name without words such as "City of" / "City" around it."""
    return _AFFIXES.sub("", fold(name)).strip()


def is_exact_match(lg: LocalGovernment, query: str) -> bool:
    """True when ``query`` is one of ``lg``'s names, possibly without its kind suffix."""
    q = fold(query)
    for key in lg.search_key.split("|"):
        if key.startswith(q) and key[len(q):].strip() in NAME_SUFFIXES:
            return True
    return False


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
    email = forms.EmailField(label=_("Official email address"), max_length=254,
                             help_text=_("We send a confirmation link to this address."))
    website = forms.URLField(label=_("Website of the local government"), max_length=300,
                             required=False, assume_scheme="https")
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
            if isinstance(field, forms.CharField):
                field.validators.append(no_invisible_characters)
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
        data = super().clean()
        data["resolved_local_government"] = None
        if data.get("not_listed"):
            self._clean_not_listed(data)
            return data
        if "place_query" in self.errors or "local_government" in self.errors:
            return data
        query = data.get("place_query", "")
        chosen = data.get("local_government")
        if chosen:
            lg = LocalGovernment.objects.with_places().filter(pk=chosen).exclude(
                source=LocalGovernment.DataSource.SUBMITTED).first()
            if lg is not None and (not fold(query) or still_names(lg, query)):
                return self._resolved(data, lg)
            # The text was changed after a choice: search for what is typed now.
        if not fold(query):
            self.add_error("place_query", _("Enter the name of your local government."))
            return data
        self.candidates = local_government_search(query, limit=8)
        exact = [lg for lg in self.candidates if is_exact_match(lg, query)]
        if len(exact) == 1:
            return self._resolved(data, exact[0])
        if len(self.candidates) == 1:
            return self._resolved(data, self.candidates[0])
        self.data["local_government"] = ""
        if self.candidates:
            self.add_error("place_query", _("Several local governments match. Choose yours "
                                            "from the list below."))
        else:
            self.add_error("place_query", _("No local government matches “%(q)s”. Check the "
                                            "spelling, or tick “My local government is not "
                                            "in the list”.") % {"q": query})
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
            self.add_error("new_name", _("Enter the official name of the local government."))
        if not country and "new_country" not in self.errors:
            self.add_error("new_country", _("Choose the country."))
        if not name or not country:
            return
        if country == "JP":
            self.add_error("new_name", _("Every local government in Japan is in the list: "
                                         "search for it by name above."))
            return
        core = core_name(name)
        listed = [lg for lg in local_government_search(core, limit=20)
                  if lg.country_id == country and (is_exact_match(lg, core)
                                                    or core_name(lg.name) == core)]
        if listed:
            self.add_error("new_name", _("“%(name)s” is in the list: search for it by name "
                                         "above and choose it.") % {"name": listed[0].label})


class DirectoryForm(AccessibleForm):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, required=False)
    prefecture = forms.CharField(label=_("Prefecture"), max_length=6, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[
        ("name", _("Name")), ("-date", _("Date signed (newest first)")),
        ("date", _("Date signed (oldest first)")),
    ])
