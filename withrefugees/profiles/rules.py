"""Named rules of the profiles app (django-rules; asked through ``accounts.rules.can``)."""

import rules

from withrefugees.accounts.rules import is_officer_of, is_staff_with_second_factor

# Edit the public profile of a local government (its officers; staff may too).
rules.add_rule("profiles.edit_profile", is_officer_of | is_staff_with_second_factor)
# Hide a profile field that breaks the campaign's rules (staff only).
rules.add_rule("profiles.moderate_profile", is_staff_with_second_factor)
