"""Step 3 on the dashboard (issue 9, section 3): done once an event is approved, in progress
while one is sent back, awaiting review or a draft, else not started; the counts by status;
step 3's audit rows in the recent activity (never another local government's)."""

import html as htmllib
import re

import pytest
from django.utils import translation

from tests.factories import EventFactory, LandmarkFactory, SupportRequestFactory
from withrefugees.core.audit import audit_record
from withrefugees.workspace import selectors

pytestmark = pytest.mark.django_db


def page(client, user, lg, lang="en") -> str:
    client.force_login(user)
    response = client.get(f"/{lang}/workspace/{lg.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def act_row(html: str) -> str:
    match = re.search(r'<tr class="step-act [^"]*">(.*?)</tr>', html, re.S)
    assert match
    return match.group(1)


def test_not_started_links_the_events_page(client, officer, lg, other_lg):
    EventFactory(local_government=other_lg)
    state = selectors.act_step(lg)
    assert state.status == "not_started" and state.url == f"/ja/workspace/{lg.pk}/events/"
    row = act_row(page(client, officer, lg))
    assert "not started" in text(row) and "No event registered yet." in text(row)
    assert f'href="/en/workspace/{lg.pk}/events/"' in row
    assert f'href="/en/workspace/{lg.pk}/events/new/"' in row
    assert "How this step works" in text(row)


@pytest.mark.parametrize("statuses,expected,words", [
    (["draft"], "in_progress", "saved as a draft"),
    (["draft", "submitted"], "in_progress", "awaiting UNHCR's review"),
    (["submitted", "returned"], "in_progress", "sent an event back"),
    (["cancelled"], "not_started", "No event registered yet."),
    (["returned", "approved"], "done", "1 event approved by UNHCR"),
])
def test_status_follows_the_events(client, officer, lg, statuses, expected, words):
    for status in statuses:
        EventFactory(status=status, was_approved=status == "approved")
    state = selectors.act_step(lg)
    assert state.status == expected
    row = text(act_row(page(client, officer, lg)))
    assert words in row


def test_counts_by_status_are_shown(client, officer, lg):
    for status, n in (("approved", 2), ("submitted", 1), ("draft", 3)):
        for _ in range(n):
            EventFactory(status=status, was_approved=status == "approved")
    row = text(act_row(page(client, officer, lg)))
    assert "done" in row and "2 events approved by UNHCR" in row
    for label, n in (("Approved (public)", 2), ("Awaiting UNHCR's review", 1),
                     ("Sent back by UNHCR", 0), ("Drafts", 3), ("Cancelled", 0)):
        assert f"{label} {n}" in row
    assert f'href="/en/events/?lg={lg.pk}"' in act_row(page(client, officer, lg))
    assert "How this step works" not in row
    ja = page(client, officer, lg, "ja")
    assert f'href="/ja/workspace/{lg.pk}/events/"' in act_row(ja)


def test_step_3_audit_rows_are_in_the_activity(client, officer, lg, other_lg, staff):
    mine = EventFactory(status="submitted", was_approved=False)
    audit_record(target=mine, action="event.submit", actor=officer)
    audit_record(target=mine, action="event.approve", actor=staff)
    audit_record(target=mine, action="event_photo.add", actor=officer)  # on the event
    audit_record(target=LandmarkFactory(local_government=lg), action="landmark.create",
                 actor=officer)
    request = SupportRequestFactory(local_government=lg)
    audit_record(target=request, action="support_request.create", actor=officer)
    theirs = EventFactory(local_government=other_lg)
    audit_record(target=theirs, action="event.cancel", actor=staff)
    lines = [a.what for a in selectors.recent_activity(lg, officer_ids=[officer.pk])]
    with translation.override("en"):
        shown = [str(w) for w in lines]
    assert shown == [
        "asked UNHCR for support", "added a landmark", "added a photo of an event",
        "approved an event",
        "submitted an event to UNHCR"]
    html = text(page(client, officer, lg))
    assert "submitted an event to UNHCR" in html and "cancelled an event" not in html
