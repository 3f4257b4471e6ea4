"""Form pieces of the profile app for the pages that edit a profile (the workspace): form
fields made from the model's fields (labels, help texts, lengths, the check for invisible
characters) and the choices of a social media account. Other apps use these instead of the
profile's models."""

from django import forms
from django.db import models
from django.utils.text import capfirst

from withrefugees.core.validators import no_invisible_characters

from .models import Profile, SocialAccount

#: ``SocialAccount.Owner``: whose account it is (the local government's, or its head's).
Owner = SocialAccount.Owner
#: The networks a social media account may be on (value, label).
NETWORK_CHOICES = SocialAccount.Network.choices


def profile_form_field(name: str, **overrides) -> forms.Field:
    """The form field of the profile's model field ``name``: its label, help text, length
    and the model's check for invisible characters; not required; ``https`` assumed for a
    URL typed without a scheme. ``overrides`` go to ``Field.formfield``."""
    field = Profile._meta.get_field(name)
    kwargs = {"required": False, "label": capfirst(field.verbose_name),
              "help_text": field.help_text,
              "validators": [v for v in field.validators if v is no_invisible_characters]}
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    kwargs.update(overrides)
    return field.formfield(**kwargs)
