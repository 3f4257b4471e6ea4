"""Fixtures of the step 4 tests: those of the workspace tests (府中市 ``lg`` with its
``officer``, 調布市 ``other_lg`` with ``other_officer``, ``staff`` with TOTP,
``staff_without_totp``, ``make_officer``) and ``signatory``: ``lg`` with a published
signature."""

import pytest

from tests.factories import SignatureFactory
from tests.workspace.conftest import (  # noqa: F401 (fixtures)
    lg,
    make_officer,
    officer,
    other_lg,
    other_officer,
    staff,
    staff_without_totp,
)


@pytest.fixture
def signatory(lg):  # noqa: F811 (the fixture above)
    """``lg`` (府中市) once its signature is published."""
    from django.utils import timezone

    SignatureFactory(local_government=lg, status="published", published_at=timezone.now())
    return lg
