"""The review page's history reads what the builder's services wrote: areas of focus and
multistakeholder pledges by name (the browser test found a 500 here: the audit stored
their keys where the admin's history expects ids), and an audit value that is no key of
the related model (an older row) is shown as stored, never a 500."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import jp
from withrefugees.core.admin import history_rows
from withrefugees.core.audit import audit_history, audit_record
from withrefugees.pledges import services
from withrefugees.pledges.models import AreaOfFocus, MultistakeholderPledge, Pledge

pytestmark = pytest.mark.django_db


def test_the_review_page_names_the_areas_and_multistakeholder_pledges(client, staff, officer):
    from tests.pledges.test_builder_views import form_data

    lg = jp("132063")
    education = AreaOfFocus.objects.get(key="education")
    local_action = MultistakeholderPledge.objects.get(key="call_to_local_action")
    client.force_login(officer)
    response = client.post(reverse("workspace:pledge_new", args=[lg.pk]), form_data(
        areas=[str(education.pk)], multistakeholder_pledges=[str(local_action.pk)]))
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    services.pledge_submit(pledge=pledge, actor=officer)
    from tests.pledges.test_admin import give_pledge_permissions

    give_pledge_permissions(staff)
    client.force_login(staff)
    with translation.override("en"):
        page = client.get(reverse("admin:pledges_pledge_review", args=[pledge.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Education" in html and "Call to Local Action" in html


def test_a_stored_value_that_is_no_key_is_shown_as_stored(officer):
    from tests.factories import PledgeFactory

    pledge = PledgeFactory()
    audit_record(target=pledge, action="pledge.update", actor=officer,
                 changes={"areas": [[], ["education", "health"]],
                          "local_government": [None, "not-an-id"]})
    rows = history_rows(audit_history(pledge).select_related("content_type"))
    shown = [str(value) for row in rows for change in row.changes for value in change[1:]]
    assert "education, health" in shown and "not-an-id" in shown


def test_saving_the_same_budget_again_records_no_change(lg, officer):
    """5000000.00 read back from the database and 5000000 typed again are one amount: the
    new-user trial saw "概算予算: 5000000.00 → 5000000" on every save."""
    from decimal import Decimal

    from withrefugees.core.models import AuditEntry
    from withrefugees.pledges.services import PledgeInput

    data = PledgeInput(title_ja="予算のあるプレッジ", budget_amount=Decimal("5000000"),
                       budget_currency="JPY")
    pledge = services.pledge_create(local_government=lg, actor=officer, data=data)
    pledge = Pledge.objects.get(pk=pledge.pk)
    services.pledge_update(pledge=pledge, actor=officer, data=data)
    assert not AuditEntry.objects.filter(action="pledge.update").exists()
    services.pledge_update(pledge=Pledge.objects.get(pk=pledge.pk), actor=officer,
                           data=PledgeInput(title_ja="予算のあるプレッジ",
                                            budget_amount=Decimal("5000001"),
                                            budget_currency="JPY"))
    change = AuditEntry.objects.get(action="pledge.update").changes["budget_amount"]
    assert change == ["5000000", "5000001"]
