"""Step 4 on the local government's public profile (its public pledges, as lead and as
co-pledger, with their latest progress) and on its workspace dashboard (its pledges by
status and progress, the one sent back first, the stale ones asking for an update, the
recent activity)."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.factories import PledgeFactory, jp
from tests.pledges.test_public_pages import co_pledge, published, report, sent
from tests.workspace.test_dashboard import page, step_row
from withrefugees.core.audit import audit_record
from withrefugees.pledges.models import PledgeReminderSettings

pytestmark = pytest.mark.django_db


def profile(client, lg, lang="en") -> str:
    response = client.get(f"/{lang}/signatories/{lg.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str) -> str:
    match = re.search(r'<li class="step-pledge[^"]*">(.*?)</li>\s*</ol>', html, re.S)
    assert match, "no step 4 on the profile"
    return match.group(1)


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- The profile -----------------------------------------------------------------------------
def test_profile_lists_public_pledges_as_lead_and_co_pledger_with_progress(client, lg,
                                                                          other_lg):
    mine = published(local_government=lg, title_en="Fuchu classes")
    report(mine, "in_progress", on=datetime.date(2028, 4, 1))
    joint = sent(local_government=other_lg, title_en="Chofu joint pledge")
    co_pledge(joint, lg)
    PledgeFactory(status="draft", local_government=lg, title_en="A draft")
    PledgeFactory(status="submitted", local_government=lg, title_en="Awaiting review")
    PledgeFactory(status="returned", local_government=lg, title_en="Sent back")
    with translation.override("en"):
        html = profile(client, lg)
    step = section(html)
    assert '<li class="step-pledge done">' in html
    text = words(step)
    assert "Pledges it leads" in text and "Joint pledges it joins" in text
    assert f'<a href="/en/pledges/{mine.pk}/">Fuchu classes</a>' in step
    assert "Progress: in progress (reported on April 1, 2028)" in text
    assert f'<a href="/en/pledges/{joint.pk}/">Chofu joint pledge</a>' in step
    assert "led by Chofu City (Tokyo)" in text and "no progress report yet" in text
    for hidden in ("A draft", "Awaiting review", "Sent back", "pledge-contact"):
        assert hidden not in html
    assert f'href="/en/pledges/?lg={lg.pk}"' in step
    # The co-pledger's own profile: the joint pledge is its lead's.
    chofu = section(profile(client, other_lg))
    assert "Chofu joint pledge" in chofu and "led by" not in chofu


def test_profile_without_public_pledges_says_nothing_yet(client, lg):
    PledgeFactory(status="submitted", local_government=lg)
    html = profile(client, lg)
    assert '<li class="step-pledge">' in html
    step = section(html)
    assert "Nothing recorded yet." in step and 'href="/en/pledges/"' in step


def test_profile_queries_one_more_however_many_pledges(client, lg, other_lg,
                                                      django_assert_num_queries):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            profile(client, lg)
        return len(captured)

    without = count()
    PledgeFactory(status="draft", local_government=lg)  # not public: no query for it
    assert count() == without
    report(published(local_government=lg))
    one = count()
    for i in range(8):
        pledge = published(local_government=[lg, other_lg][i % 2])
        co_pledge(pledge, lg if i % 2 else jp("011002"))
        report(pledge, "planning")
    assert one == without + 1 and count() == one
    assert without == 2  # as tests/profiles: the local government, the signature
    other = jp("342084")  # no pledge, no signature
    with django_assert_num_queries(2):
        profile(client, other)


def test_profile_escapes_what_was_typed(client, lg):
    published(local_government=lg, title_en="Tom & Jerry <i>\"quoted\"</i> 'x'")
    step = section(profile(client, lg))
    assert "Tom &amp; Jerry &lt;i&gt;&quot;quoted&quot;&lt;/i&gt; &#x27;x&#x27;" in step
    assert "<i>" not in step


def test_japanese_profile(client, lg):
    published(local_government=lg, title_ja="難民の子どもの日本語教室", title_en="")
    step = section(profile(client, lg, "ja"))
    assert "難民の子どもの日本語教室" in step and 'lang="ja"' not in step.split("<a")[1][:60]


# --- The dashboard ---------------------------------------------------------------------------
def test_not_started_links_the_builder_and_explains_the_step(client, officer, lg):
    row = step_row(page(client, officer, lg), "pledge")
    assert "not started" in row and "No pledge drafted yet." in row
    assert "How this step works" in row and "Draft a pledge" in row
    html = page(client, officer, lg)
    assert f'href="/en/workspace/{lg.pk}/pledges/new/"' in html
    assert f'href="/en/workspace/{lg.pk}/pledges/"' in html


@pytest.mark.parametrize("statuses,status,summary", [
    (["draft"], "in progress", "A pledge is saved as a draft"),
    (["draft", "submitted"], "in progress", "A pledge is awaiting UNHCR&#x27;s review."),
    (["submitted", "returned"], "in progress", "UNHCR sent a pledge back"),
    (["sent_to_gcr"], "done", "1 pledge approved by UNHCR and submitted to the GCR."),
    (["sent_to_gcr", "returned", "draft"], "done", "UNHCR sent a pledge back"),
])
def test_the_step_by_status(client, officer, lg, statuses, status, summary):
    for s in statuses:
        PledgeFactory(status=s, local_government=lg,
                      reviewed_at=timezone.now() if s == "sent_to_gcr" else None)
    row = step_row(page(client, officer, lg), "pledge")
    assert row.startswith(f" 4. Pledge {status} {summary}")


def test_counts_and_the_pledge_sent_back_first_with_its_link(client, officer, lg, other_lg):
    back = PledgeFactory(status="returned", local_government=lg)
    PledgeFactory(status="draft", local_government=lg)
    sent(local_government=lg)
    shown = published(local_government=lg, at=timezone.now())
    report(shown, "fulfilled", on=timezone.localdate())
    joint = sent(local_government=other_lg)
    co_pledge(joint, lg)
    html = page(client, officer, lg)
    row = step_row(html, "pledge")
    assert "done" in row.split("UNHCR sent a pledge back")[0]
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>(\d+)",
                       html.split('<tr class="step-pledge')[1].split("</tr>")[0])
    assert pairs == [("Sent back by UNHCR", "1"), ("Drafts", "1"),
                     ("Awaiting UNHCR's review", "0"), ("Submitted to the GCR", "1"),
                     ("Published by the GCR", "1"), ("Public joint pledges you join", "1"),
                     ("No progress report yet", "1"), ("In the planning stage", "0"),
                     ("In progress", "0"), ("Fulfilled", "1")]
    assert f'href="/en/workspace/{lg.pk}/pledges/{back.pk}/"' in html
    assert f'href="/en/pledges/?lg={lg.pk}"' in html
    assert "How this step works" not in row


def test_stale_pledges_ask_for_an_update(client, officer, lg):
    old = published(local_government=lg, at=timezone.now() - datetime.timedelta(days=400))
    report(old, "planning", on=timezone.localdate() - datetime.timedelta(days=250))
    html = page(client, officer, lg)
    row = step_row(html, "pledge")
    assert "1 published pledge has had no progress report for 6 months" in row
    assert "Report progress" in row
    assert f'href="/en/workspace/{lg.pk}/pledges/{old.pk}/progress/"' in html
    PledgeReminderSettings.objects.create(pk=1, stale_after_months=12)
    row = step_row(page(client, officer, lg), "pledge")
    assert "no progress report for" not in row and "done" in row


def test_the_dashboard_is_translated(client, officer, lg):
    PledgeFactory(status="draft", local_government=lg)
    html = page(client, officer, lg, "ja")
    assert '<tr class="step-pledge status-in_progress">' in html


def test_recent_activity_shows_the_pledges_of_its_own_local_government(client, officer, lg,
                                                                       other_lg):
    mine = PledgeFactory(status="submitted", local_government=lg)
    audit_record(target=mine, action="pledge.submit", actor=officer)
    theirs = PledgeFactory(status="submitted", local_government=other_lg)
    audit_record(target=theirs, action="pledge.return", actor=None)
    shown = published(local_government=lg)
    audit_record(target=shown, action="pledge.progress", actor=officer)
    html = page(client, officer, lg)
    activity = words(html.split('id="activity-title"')[1])
    assert "submitted a pledge to UNHCR" in activity
    assert "reported progress on a pledge" in activity
    assert "sent a pledge back" not in activity
