"""Shared helpers of the service tests: a signature in any status, and what a refused
call must leave behind (nothing)."""

import pytest
from django.utils import timezone

from tests.factories import SignatureFactory
from withrefugees.campaign.models import RejectionReason, Signature
from withrefugees.core.audit import audit_history

S = Signature.Status
ALL_STATUSES = list(S)


def signature_in(status: str, **overrides) -> Signature:
    """A signature in ``status``, with what the database requires of that status."""
    if status == S.PUBLISHED:
        overrides.setdefault("published_at", timezone.now())
    if status == S.REJECTED:
        overrides.setdefault("rejection_reason", RejectionReason.objects.first())
    if status != S.UNCONFIRMED:
        overrides.setdefault("confirmation_nonce", "")
    return SignatureFactory(status=status, **overrides)


def audit_rows(record) -> list[tuple]:
    """``(action, from, to, actor id, note)`` of the record's audit rows, oldest first."""
    return list(audit_history(record).values_list("action", "from_state", "to_state",
                                                  "actor", "note"))


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run a service as a request would: its after-commit tasks (emails) run at the end."""
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)
    return run
