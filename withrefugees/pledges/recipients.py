"""Who gets the emails of step 4, and in which language.

Officers: the active officers of the pledge's *lead* local government (the lead files for a
joint pledge; co-pledgers read it in the workspace), each in their own language. Officers
have no language setting of their own: step 3's rule applies (``events.recipients.
officer_language``: the language of the invitation they accepted last, else of their
latest support request, else ``settings.LANGUAGE_CODE``), so that an officer gets every
email of the platform in one language.

The GCR mailbox (``settings.GCR_PLEDGE_EMAIL``) is written to in English (``GCR_LANGUAGE``):
it is UNHCR's headquarters; the pledge itself goes in English and Japanese.
"""

from withrefugees.events.recipients import is_officer as _is_officer
from withrefugees.events.recipients import officer_recipients as _officer_recipients

#: The language of the email to the GCR mailbox.
GCR_LANGUAGE = "en"


def officer_recipients(local_government_id: int) -> list[tuple[object, str]]:
    """``[(user, language)]``: the active officers of the local government, oldest member
    first, each in their language."""
    return _officer_recipients(local_government_id)


def is_officer(user_id, local_government_id: int) -> bool:
    """Whether ``user_id`` (None: nobody in particular, True) is an active officer of the
    local government now."""
    return _is_officer(user_id, local_government_id)
