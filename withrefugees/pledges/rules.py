"""Named rules of step 4 (django-rules; asked through ``accounts.rules.can``).

The object of ``pledges.edit`` and ``pledges.report_progress`` is the *lead* local
government of the pledge (a view or service looks the pledge up within it, so another
city's id is a 404); the object of ``pledges.read`` is the ``Pledge`` itself: its lead's
officers, the officers of a co-pledging local government (issue 10: "co-pledgers can read
the draft") and staff with a second factor. Staff review in the admin; they never edit an
officer's pledge in the workspace (issue 10: "only the lead's officers edit a pledge and
file its progress")."""

import rules

from withrefugees.accounts.rules import (
    is_officer_of,
    is_staff_with_second_factor,
    officer_local_government_ids,
)


@rules.predicate
def is_officer_of_co_pledger(user, pledge) -> bool:
    """An officer of a local government that co-pledges ``pledge`` (a ``Pledge``)."""
    ids = officer_local_government_ids(user)
    if not ids or getattr(pledge, "pk", None) is None or not hasattr(pledge, "co_pledgers"):
        return False
    return pledge.co_pledgers.filter(local_government_id__in=ids).exists()


@rules.predicate
def is_officer_of_lead(user, pledge) -> bool:
    """An officer of the lead local government of ``pledge`` (a ``Pledge``)."""
    return pledge is not None and is_officer_of(user, pledge)


# Draft, edit, delete, submit pledges of a local government; start from a published pledge
# (object: the lead local government).
rules.add_rule("pledges.edit", is_officer_of)
# File progress reports on its published pledges (object: the lead local government).
rules.add_rule("pledges.report_progress", is_officer_of)
# Read a pledge in the workspace, in any status, and export it as .docx/PDF (object: the
# pledge).
rules.add_rule("pledges.read", is_officer_of_lead | is_officer_of_co_pledger
               | is_staff_with_second_factor)
# Review (approve, send back), record the GCR reference, edit areas of focus and
# multistakeholder pledges, the reminder period, export (staff with a second factor only).
rules.add_rule("pledges.review", is_staff_with_second_factor)
rules.add_rule("pledges.export", is_staff_with_second_factor)
rules.add_rule("pledges.edit_settings", is_staff_with_second_factor)
