"""A co-pledging local government's officers read a joint pledge without being told to do
what only the lead can (the new-user trial: 三鷹市 read "to change it, withdraw it from
review first")."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import PledgeFactory, jp
from withrefugees.pledges.models import CoPledger

pytestmark = pytest.mark.django_db


def test_a_co_pledger_is_not_told_to_withdraw_the_pledge(client, make_officer, officer):
    with translation.override("en"):
        lead = jp("132063")
        co_lg = jp("132047")
        pledge = PledgeFactory(local_government=lead, status="submitted")
        CoPledger.objects.create(pledge=pledge, local_government=co_lg)
        client.force_login(make_officer(co_lg, email="mitaka@city.mitaka.example"))
        page = client.get(reverse("workspace:pledge_edit", args=[co_lg.pk, pledge.pk]))
        listing = client.get(reverse("workspace:pledges", args=[co_lg.pk]))
        client.force_login(officer)
        own = client.get(reverse("workspace:pledge_edit", args=[lead.pk, pledge.pk]))
    assert page.status_code == listing.status_code == own.status_code == 200
    assert "withdraw it from review" not in page.content.decode()
    assert "withdraw it from review" not in listing.content.decode()
    assert "awaiting review" in page.content.decode()
    assert "withdraw it from review" in own.content.decode()


def test_the_review_page_links_the_documents_staff_can_open(client, staff):
    from tests.pledges.test_admin import give_pledge_permissions

    pledge = PledgeFactory(status="submitted")
    give_pledge_permissions(staff)
    client.force_login(staff)
    page = client.get(reverse("admin:pledges_pledge_review", args=[pledge.pk])).content.decode()
    for name, language in (("pledge_docx", "en"), ("pledge_docx", "ja"), ("pledge_pdf", "en")):
        address = reverse(f"workspace:{name}", args=[pledge.local_government_id, pledge.pk,
                                                      language])
        assert address in page
        assert client.get(address).status_code == 200


def test_a_copied_draft_asks_to_rewrite_the_other_citys_text(client, officer):
    from withrefugees.pledges import services

    source = PledgeFactory(local_government=jp("132080"), status="published",
                           gcr_reference="GRF-1")
    lg = jp("132063")
    copy = services.pledge_start_from(source=source, local_government=lg, actor=officer)
    client.force_login(officer)
    with translation.override("en"):
        page = client.get(reverse("workspace:pledge_edit", args=[lg.pk, copy.pk]))
    text = page.content.decode()
    assert "This draft is a copy of a pledge of Chofu" in text


def test_submitting_tells_unhcr_a_pledge_awaits_review(officer, settings, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    """The new-user trial: nobody was told of a submitted pledge. UNHCR's campaign address
    gets a notice with the review page (not when it is withdrawn before the email goes)."""
    from tests.factories import PledgeTargetFactory
    from withrefugees.pledges import services

    settings.CAMPAIGN_CONTACT_EMAIL = "cities@unhcr.example"
    pledge = PledgeFactory()
    PledgeTargetFactory(pledge=pledge)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.pledge_submit(pledge=pledge, actor=officer)
    notice = [m for m in mailoutbox if m.to == ["cities@unhcr.example"]]
    assert len(notice) == 1
    assert reverse("admin:pledges_pledge_review", args=[pledge.pk]).split("/", 2)[2] in (
        notice[0].body)
    assert pledge.title_ja in notice[0].subject


def test_after_a_refused_save_the_checklist_says_it_is_the_saved_version(client, officer):
    """The new-user trial: a refused save showed "12 items missing" beside a filled title."""
    from tests.pledges.test_builder_views import form_data

    lg = jp("132063")
    client.force_login(officer)
    with translation.override("en"):
        page = client.post(reverse("workspace:pledge_new", args=[lg.pk]),
                           form_data(**{"targets-0-target_value": "30人"}))
    assert page.status_code in (200, 400)
    assert "As last saved: this save was refused" in page.content.decode()


def test_an_approved_pledge_being_sent_says_so_on_the_progress_page_and_in_refusals(
        client, officer):
    """The re-check: the progress page and the builder's refusal said "submitted to the GCR"
    while the email had not gone yet."""
    from django.utils import timezone

    from withrefugees.core.models import OutboundEmail

    lg = jp("132063")
    email = OutboundEmail.objects.create(kind="pledge.gcr_submission", recipient="g@x.org",
                                         language="en")
    pledge = PledgeFactory(local_government=lg, status="sent_to_gcr",
                           reviewed_at=timezone.now(), gcr_email=email)
    client.force_login(officer)
    with translation.override("en"):
        progress = client.get(reverse("workspace:pledge_progress", args=[lg.pk, pledge.pk]))
        refused = client.post(reverse("workspace:pledge_edit", args=[lg.pk, pledge.pk]),
                              {"title_ja": "x"})
    for page in (progress, refused):
        assert "approved by UNHCR; being sent to the GCR" in page.content.decode()
        assert "is submitted to the GCR" not in page.content.decode()


def test_a_budget_typed_with_trailing_zeros_is_saved(lg, officer):
    from decimal import Decimal

    from withrefugees.pledges import services
    from withrefugees.pledges.services import PledgeInput

    for amount, currency in (("1000.000", "JPY"), ("12.500", "USD")):
        pledge = services.pledge_create(local_government=lg, actor=officer, data=PledgeInput(
            title_ja="予算", budget_amount=Decimal(amount), budget_currency=currency))
        pledge.refresh_from_db()
        assert pledge.budget_amount == Decimal(amount)
