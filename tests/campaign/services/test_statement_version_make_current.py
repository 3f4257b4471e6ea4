"""services.statement_version_make_current: one current version; audited from the
previous current version's number to the new one's, with the actor."""

import pytest

from tests.factories import StaffFactory
from withrefugees.campaign import services
from withrefugees.campaign.models import StatementText, StatementVersion

from .conftest import audit_rows

pytestmark = pytest.mark.django_db


def version(number: int, *languages: str) -> StatementVersion:
    v = StatementVersion.objects.create(number=number)
    for lang in languages:
        StatementText.objects.create(version=v, language=lang, title=f"v{number}",
                                     body=f"text {number} {lang}")
    return v


def test_makes_a_version_current_and_audits_which_was_before():
    staff = StaffFactory()
    v1 = StatementVersion.objects.get(is_current=True)
    v2 = version(2, "ja", "en")
    services.statement_version_make_current(version=v2, actor=staff, note="new wording")
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.is_current and not v1.is_current
    assert StatementVersion.objects.filter(is_current=True).get() == v2
    assert audit_rows(v2) == [("statementversion.make_current", str(v1.number), "2",
                               staff.pk, "new wording")]
    # The version that stopped being current says so in its own history too.
    assert audit_rows(v1)[-1] == ("statementversion.make_current", str(v1.number), "2",
                                  staff.pk, "new wording")
    services.statement_version_make_current(version=v1, actor=staff)
    assert audit_rows(v1)[-1][:3] == ("statementversion.make_current", "2", str(v1.number))


def test_refused_without_a_japanese_text():
    v2 = version(2, "en")
    with pytest.raises(services.InvalidTransition):
        services.statement_version_make_current(version=v2, actor=None)
    v2.refresh_from_db()
    assert not v2.is_current and audit_rows(v2) == []


def test_refused_when_already_current():
    v1 = StatementVersion.objects.get(is_current=True)
    with pytest.raises(services.InvalidTransition):
        services.statement_version_make_current(version=v1, actor=None)
    assert audit_rows(v1) == []
