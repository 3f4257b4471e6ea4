"""Named rules of step 2 (django-rules; asked through ``accounts.rules.can``)."""

import rules

from withrefugees.accounts.rules import is_officer_of, is_staff_with_second_factor

# Use the post kit of a local government and record its posted links (its officers; staff
# too, to help).
rules.add_rule("social.use_kit", is_officer_of | is_staff_with_second_factor)
rules.add_rule("social.record_posted_link", is_officer_of | is_staff_with_second_factor)
# Hide or show again a posted link, edit ready-made posts and mentions (staff only).
rules.add_rule("social.moderate_posted_link", is_staff_with_second_factor)
rules.add_rule("social.edit_post_templates", is_staff_with_second_factor)
