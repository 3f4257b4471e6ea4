"""Helpers of the officer and invitation tests: users, officers, the token of an emailed
invitation."""

import re

from django.contrib.auth import get_user_model

from withrefugees.accounts.models import Membership

#: The accept link of an invitation email: (language, token).
ACCEPT_LINK = re.compile(r"http://testserver/(ja|en)/workspace/invitations/([A-Za-z0-9_-]+)/")


def user(email: str, **extra):
    return get_user_model().objects.create_user(email=email, **extra)


def officer_of(local_government, email: str, **extra):
    """A new account that is an officer of ``local_government`` (no audit row: a fixture)."""
    person = user(email, **extra)
    Membership.objects.create(user=person, local_government=local_government)
    return person


def accept_link(message) -> tuple[str, str]:
    """``(language, token)`` of the accept link in an invitation email."""
    found = ACCEPT_LINK.search(message.body)
    assert found, message.body
    return found.group(1), found.group(2)


def invitation_emails(mailoutbox) -> list:
    return [m for m in mailoutbox if ACCEPT_LINK.search(m.body)]
