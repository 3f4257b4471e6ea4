"""Named rules of step 3 (django-rules; asked through ``accounts.rules.can``).

The object of every rule is the ``LocalGovernment`` the event or support request belongs to
(never the event itself: a view or service looks the record up *within* that local
government, so another city's id is a 404, not a permission question)."""

import rules

from withrefugees.accounts.rules import is_officer_of, is_staff_with_second_factor

# Register, edit, submit, cancel events of a local government, add photos and the report
# after the event, ask UNHCR for support (its officers; staff too, to help).
rules.add_rule("events.edit_events", is_officer_of | is_staff_with_second_factor)
rules.add_rule("events.request_support", is_officer_of | is_staff_with_second_factor)
# Approve or send back events, answer support requests, set the reminder date, export
# (staff with a second factor only).
rules.add_rule("events.review_events", is_staff_with_second_factor)
rules.add_rule("events.answer_support", is_staff_with_second_factor)
rules.add_rule("events.export", is_staff_with_second_factor)
rules.add_rule("events.edit_reminders", is_staff_with_second_factor)
