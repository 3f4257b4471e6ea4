"""Forms of the officers page and of "my account": invite a colleague, change my name.

The address is checked by the service (``accounts.services.invitation_create`` with
``core.emails``): the view puts its refusals on the ``email`` field, with their codes."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from withrefugees.core.forms import AccessibleForm


def _current_language() -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in codes else settings.LANGUAGE_CODE


class InvitationForm(AccessibleForm):
    """``email``: the colleague's address (any spelling; checked by the service);
    ``language``: of the invitation email (``ja``/``en``, the page's language first)."""

    email = forms.CharField(
        label=_("Email address of your colleague"), max_length=254,
        help_text=_("They will receive an email with a link. They sign in with this address "
                    "by a code sent to it, then accept."),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    language = forms.ChoiceField(label=_("Language of the email"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = _current_language()


class NameForm(AccessibleForm):
    """The name shown to colleagues (empty: the address is shown)."""

    full_name = forms.CharField(
        label=_("Your name"), max_length=150, required=False,
        help_text=_("Shown to the other officers of your local governments. Leave it empty "
                    "to show your email address instead."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}))
