"""The form of the workspace's public profile page: official names, website, logo with its
alt text, introduction (``ProfileForm``), and the social media accounts of the local
government and of its mayor or governor (``SocialAccountFormSet``, one per owner, always
with ``EXTRA_ROWS`` empty rows to add accounts without JavaScript).

The local government is never a form field: it comes from the URL through the workspace
gate. Which group a row is in gives the account's owner (there is no owner value to
forge); the network is a choice checked on the server (a forged value is a field error,
code ``invalid_choice``). Saving is ``profiles.services.profile_update``'s job."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from withrefugees.core.forms import AccessibleFormMixin
from withrefugees.profiles.forms import NETWORK_CHOICES, Owner, profile_form_field
from withrefugees.profiles.services import SocialAccountInput

#: Empty rows shown under the accounts already saved, in each group.
EXTRA_ROWS = 3
#: Most accounts in one group.
MAX_ACCOUNTS = 20
#: What the file input accepts (what the server accepts is read from the file itself).
LOGO_ACCEPT = "image/png,image/jpeg,image/webp,image/gif"
#: Text fields of the profile, in the order of the form.
TEXT_FIELDS = ("public_name_ja", "public_name_en", "website", "logo_alt_ja", "logo_alt_en",
               "introduction_ja", "introduction_en")

HIDDEN_NOTE = _("Hidden by UNHCR staff: not shown on your public profile until staff show it "
                "again, even if you change it.")


class ProfileForm(AccessibleFormMixin, forms.Form):
    """The profile's own fields. ``profile``: the saved profile (or the unsaved default of
    ``profiles.selectors.profile_for``), for the current logo and the fields staff hid."""

    public_name_ja = profile_form_field("public_name_ja")
    public_name_en = profile_form_field("public_name_en")
    website = profile_form_field("website", help_text=_(
        "The address of the local government's website, e.g. https://www.city.fuchu.tokyo.jp/."
    ))
    logo = forms.FileField(
        label=_("New logo"), required=False,
        widget=forms.FileInput(attrs={"accept": LOGO_ACCEPT}),
        help_text=profile_form_field("logo").help_text,
        error_messages={"empty": _("The file sent is empty. Choose the logo file again."),
                        "invalid": _("No file was sent. Choose the logo file again.")})
    logo_remove = forms.BooleanField(label=_("Remove the current logo"), required=False)
    logo_alt_ja = profile_form_field("logo_alt_ja")
    logo_alt_en = profile_form_field("logo_alt_en")
    introduction_ja = profile_form_field("introduction_ja",
                                         widget=forms.Textarea(attrs={"rows": 6}))
    introduction_en = profile_form_field("introduction_en",
                                         widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, profile, **kwargs):
        self.profile = profile
        if "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(profile, name) for name in TEXT_FIELDS}
        super().__init__(*args, **kwargs)
        if not profile.logo:
            del self.fields["logo_remove"]
        for name in self.hidden_by_staff:
            field = self.fields.get(name)
            if field is not None:
                field.help_text = (format_lazy("{} {}", HIDDEN_NOTE, field.help_text)
                                   if field.help_text else HIDDEN_NOTE)
        self._describe()

    @property
    def hidden_by_staff(self) -> list[str]:
        return list(self.profile.hidden_fields or [])

    def clean(self):
        data = super().clean()
        new_logo = data.get("logo")
        remove = data.get("logo_remove")
        if new_logo and remove:
            self.add_error("logo_remove", ValidationError(
                _("Either choose a new logo or remove the current one, not both."),
                code="logo_remove_and_upload"))
        has_logo = bool(new_logo) or (bool(self.profile.logo) and not remove)
        if (has_logo and not (data.get("logo_alt_ja") or data.get("logo_alt_en"))
                and "logo_alt_ja" not in self.errors and "logo_alt_en" not in self.errors):
            language = (get_language() or "ja")[:2]
            self.add_error(f"logo_alt_{'en' if language == 'en' else 'ja'}", ValidationError(
                _("Describe the logo in a few words (in Japanese or English): people who "
                  "cannot see it hear this text."), code="logo_alt_required"))
        return data

    def add_service_errors(self, error: ValidationError) -> list[str]:
        """Show the errors ``profile_update`` raised on the fields they name; returns the
        messages that name no field of this form (e.g. the social accounts), for the
        page's error summary."""
        others: list[str] = []
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                if name in self.fields:
                    self.add_error(name, errors)
                else:
                    others.extend(message for e in errors for message in e.messages)
        else:
            others.extend(error.messages)
        self._describe()
        return others


class SocialAccountForm(AccessibleFormMixin, forms.Form):
    """One row: a network and the account's address. A row without an address is left out
    (that is how an account is removed)."""

    network = forms.ChoiceField(
        label=_("Network"), required=False,
        choices=[("", "—"), *NETWORK_CHOICES],
        error_messages={"invalid_choice": _("Choose a network from the list.")})
    url = forms.URLField(label=_("Address (URL)"), required=False, max_length=300,
                         assume_scheme="https")

    def clean(self):
        data = super().clean()
        if data.get("url") and not data.get("network") and "network" not in self.errors:
            self.add_error("network", ValidationError(
                _("Choose the network of this account (or “other”)."),
                code="network_required"))
        return data


class BaseSocialAccountFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            url = form.cleaned_data.get("url")
            if url and url in seen:
                raise ValidationError(_("The address %(url)s is listed twice."),
                                      code="duplicate_social_account", params={"url": url})
            if url:
                seen.add(url)

    def accounts(self, owner: str) -> list[SocialAccountInput]:
        """The rows with an address, in order, as the service's input."""
        return [SocialAccountInput(network=f.cleaned_data["network"],
                                   url=f.cleaned_data["url"], owner=owner)
                for f in self.forms if f.cleaned_data.get("url")]


SocialAccountFormSet = formset_factory(
    SocialAccountForm, formset=BaseSocialAccountFormSet, extra=EXTRA_ROWS,
    max_num=MAX_ACCOUNTS + EXTRA_ROWS, validate_max=True,
    absolute_max=MAX_ACCOUNTS + EXTRA_ROWS)

#: The two groups: (owner, formset prefix, key of ``Profile.hidden_fields``, legend).
SOCIAL_GROUPS = (
    (Owner.LOCAL_GOVERNMENT, "lg_accounts", "social_accounts_local_government",
     _("Social media accounts of the local government")),
    (Owner.HEAD, "head_accounts", "social_accounts_head",
     _("Social media accounts of the mayor or governor")),
)


def social_formsets(profile, data=None) -> list[dict]:
    """One formset per group (see ``SOCIAL_GROUPS``) as ``{"owner", "key", "legend",
    "hidden", "formset", "submitted", "saved"}``, with the profile's accounts as initial
    rows (``saved``: them as ``SocialAccountInput``). A group whose rows were not posted at
    all (no ``<prefix>-TOTAL_FORMS``) is not ``submitted``: its formset is unbound and its
    saved accounts are kept."""
    accounts = list(profile.social_accounts.all()) if profile.pk else []
    groups = []
    for owner, prefix, key, legend in SOCIAL_GROUPS:
        mine = [a for a in accounts if a.owner == owner]
        initial = [{"network": a.network, "url": a.url} for a in mine]
        submitted = data is not None and f"{prefix}-TOTAL_FORMS" in data
        formset = SocialAccountFormSet(data if submitted else None, prefix=prefix,
                                       initial=initial)
        groups.append({"owner": owner.value, "key": key, "legend": legend,
                       "hidden": profile.is_hidden(key), "formset": formset,
                       "submitted": submitted,
                       "saved": [SocialAccountInput(network=a.network, url=a.url,
                                                    owner=a.owner) for a in mine]})
    return groups
