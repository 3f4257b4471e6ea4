"""The dashboard of a local government: who may open it, where it stands on the four steps,
what to do next, and its recent activity from the audit trail."""

import re

import pytest

from tests.factories import SignatureFactory
from withrefugees.campaign.models import Signature
from withrefugees.core.audit import audit_record
from withrefugees.core.services import staff_edit_delete
from withrefugees.profiles.services import profile_update

pytestmark = pytest.mark.django_db
S = Signature.Status


def url(lg, lang="en") -> str:
    return f"/{lang}/workspace/{lg.pk}/"


def page(client, user, lg, lang="en") -> str:
    client.force_login(user)
    response = client.get(url(lg, lang))
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    """The page's words, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def step_row(html: str, key: str) -> str:
    match = re.search(rf'<tr class="step-{key} [^"]*">(.*?)</tr>', html, re.S)
    assert match, f"no row for step {key}"
    return text(match.group(1))


def activity(html: str) -> list[str]:
    block = re.search(r'<ol class="workspace-activity">(.*?)</ol>', html, re.S)
    return [text(li).strip() for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)] \
        if block else []


def published(**kwargs) -> Signature:
    return SignatureFactory(status=S.PUBLISHED, published_at="2026-01-01T00:00Z", **kwargs)


# --- Who may open it ----------------------------------------------------------------------
def test_officer_sees_the_dashboard_of_their_local_government(client, officer, lg):
    html = page(client, officer, lg)
    assert "<h1>Dashboard" in html and "Fuchu City" in html
    assert f'href="/en/workspace/{lg.pk}/" aria-current="page"' in html
    assert client.session["workspace_lg"] == lg.pk


def test_officer_of_another_city_is_refused(client, officer, other_lg):
    client.force_login(officer)
    assert client.get(url(other_lg)).status_code == 403


def test_anonymous_visitor_goes_to_the_sign_in_page_and_comes_back(client, lg):
    response = client.get(url(lg))
    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next=/en/workspace/{lg.pk}/"


def test_a_guessed_id_that_does_not_exist_is_404(client, officer):
    client.force_login(officer)
    assert client.get("/en/workspace/99999999/").status_code == 404


def test_staff_need_a_second_factor(client, lg, staff, staff_without_totp):
    client.force_login(staff_without_totp)
    assert client.get(url(lg)).status_code == 403
    assert "Dashboard" in page(client, staff, lg)


def test_the_page_is_translated(client, officer, lg):
    html = page(client, officer, lg, "ja")
    assert "府中市" in html and '<html lang="ja">' in html


# --- The four steps -----------------------------------------------------------------------
def test_unsigned_local_government_is_asked_to_sign(client, officer, lg):
    html = page(client, officer, lg)
    sign = step_row(html, "sign")
    assert "not started" in sign and "Not signed yet." in sign
    assert f'href="/en/sign/?lg={lg.pk}"' in html
    for key in ("post", "act", "pledge"):
        row = step_row(html, key)
        assert "not started" in row and "How this step works" in row
    assert 'href="/en/#steps-title"' in html
    assert "has not signed the statement yet" in text(html)  # what to do next


def test_published_signature_shows_version_date_and_profile_link(client, officer, lg):
    published(signed_on="2026-05-02")
    html = page(client, officer, lg)
    sign = step_row(html, "sign")
    assert "done" in sign and "published" in sign and "Version 1" in sign
    assert "May 2, 2026" in sign
    assert f'href="/en/signatories/{lg.pk}/"' in html
    assert "/en/sign/?lg=" not in html
    ja = page(client, officer, lg, "ja")
    assert "2026年5月2日" in step_row(ja, "sign")


def test_date_of_record_keeps_its_precision(client, officer, lg):
    published(signed_on="2022-05-01", signed_on_precision="month")
    assert "May 2022" in step_row(page(client, officer, lg), "sign")


@pytest.mark.parametrize("status, words", [
    (S.PENDING, "awaiting review"),
    (S.UNCONFIRMED, "awaiting email confirmation"),
])
def test_signature_in_progress_says_where_it_is(client, officer, lg, status, words):
    SignatureFactory(status=status, signed_on="2026-05-02" if status == S.PENDING else None)
    sign = step_row(page(client, officer, lg), "sign")
    assert "in progress" in sign and words in sign


def test_another_citys_signature_does_not_count(client, officer, lg, other_lg):
    published(local_government=other_lg)
    assert "Not signed yet." in step_row(page(client, officer, lg), "sign")


# --- What to do next ----------------------------------------------------------------------
def next_text(html: str) -> str:
    match = re.search(r'<section class="workspace-panel workspace-next"[^>]*>(.*?)</section>',
                      html, re.S)
    return text(match.group(1)) if match else ""


def test_next_after_signing_is_the_profile_then_a_colleague(client, officer, make_officer, lg):
    published()
    assert "Edit your public profile" in next_text(page(client, officer, lg))
    profile_update(local_government=lg, actor=officer, website="https://www.city.fuchu.tokyo.jp/")
    html = page(client, officer, lg)
    assert "Invite a colleague" in next_text(html)
    assert f'href="/en/workspace/{lg.pk}/officers/"' in html
    make_officer(lg)
    assert "Share your participation" in next_text(page(client, officer, lg))


# --- World Refugee Day --------------------------------------------------------------------
def test_days_until_world_refugee_day_are_shown(client, officer, lg):
    from datetime import UTC, datetime
    from unittest import mock

    with mock.patch("django.utils.timezone.now",
                    return_value=datetime(2026, 6, 10, 3, 0, tzinfo=UTC)):
        html = page(client, officer, lg)
    assert "10 days until World Refugee Day (20 June)." in text(html)


# --- Recent activity ----------------------------------------------------------------------
def test_activity_says_who_did_what_in_plain_words(client, officer, make_officer, lg,
                                                    other_lg, staff):
    signature = published()
    audit_record(target=signature, action="signature.submit")  # the anonymous signer
    audit_record(target=signature, action="signature.publish", actor=staff)
    profile = profile_update(local_government=lg, actor=officer, website="https://a.example/")
    audit_record(target=profile, action="profile.frobnicate", actor=None)  # unknown code
    other_sig = published(local_government=other_lg)
    audit_record(target=other_sig, action="signature.publish", actor=staff,
                 note="not ours")
    lines = activity(page(client, officer, lg))
    assert lines[0].endswith("the platform — profile.frobnicate")
    assert lines[1].endswith("府中花子 — filled in the public profile")
    assert lines[2].endswith("UNHCR staff — published the signature")
    assert lines[3].endswith("the person who signed — signed the statement online")
    assert len(lines) == 4  # another city's rows never show


def test_a_deleted_account_is_a_former_officer(client, officer, make_officer, lg, staff):
    leaver = make_officer(lg, email="leaver@city.fuchu.tokyo.jp", name="去る人")
    profile_update(local_government=lg, actor=leaver, website="https://a.example/")
    leaver.delete()
    html = page(client, officer, lg)
    assert activity(html)[0].endswith("a former officer — filled in the public profile")
    assert "去る人" not in html and "leaver@" not in html


def test_a_removed_officer_is_a_former_officer_and_the_removal_shows(client, officer,
                                                                      make_officer, lg,
                                                                      staff):
    from withrefugees.accounts.models import Membership

    colleague = make_officer(lg, name="同僚")
    profile_update(local_government=lg, actor=colleague, website="https://a.example/")
    staff_edit_delete(instance=Membership.objects.get(user=colleague), actor=staff)
    lines = activity(page(client, officer, lg))
    assert lines[0].endswith("UNHCR staff — removed an officer")
    assert lines[1].endswith("a former officer — filled in the public profile")


def test_an_officer_who_deleted_their_account_left(client, officer, make_officer, lg):
    """As ``accounts.services.account_delete`` records it: a ``membership.remove`` row by
    the account itself, naming the user and the local government, then the account goes."""
    from withrefugees.accounts.models import Membership

    leaver = make_officer(lg, name="去る人")
    membership = Membership.objects.get(user=leaver)
    audit_record(target=membership, action="membership.add", actor=leaver,
                 changes={"user": [None, leaver.pk], "local_government": [None, lg.pk]})
    audit_record(target=membership, action="membership.remove", actor=leaver,
                 changes={"user": [leaver.pk, None], "local_government": [lg.pk, None]},
                 note="account deleted")
    membership.delete()
    leaver.delete()
    html = page(client, officer, lg)
    assert [line.split(" — ", 1)[1] for line in activity(html)] == [
        "a former officer — left the local government",
        "a former officer — joined as an officer"]
    assert "去る人" not in html


def test_membership_and_invitation_rows_of_this_local_government_only(client, officer, lg,
                                                                      other_officer,
                                                                      other_lg):
    from datetime import timedelta

    from django.utils import timezone

    from withrefugees.accounts.models import Invitation, Membership

    mine = Membership.objects.get(user=officer)
    theirs = Membership.objects.get(user=other_officer)
    audit_record(target=mine, action="membership.add", actor=None)
    audit_record(target=theirs, action="membership.add", actor=None)
    for place, by in ((lg, officer), (other_lg, other_officer)):
        invitation = Invitation.objects.create(
            local_government=place, email=f"new@{place.pk}.example.jp", invited_by=by,
            token_hash=f"{place.pk:064d}", expires_at=timezone.now() + timedelta(days=7))
        audit_record(target=invitation, action="invitation.create", actor=by)
    html = page(client, officer, lg)
    lines = activity(html)
    assert [line.split(" — ", 1)[1] for line in lines] == [
        "府中花子 — invited a colleague", "the platform — added an officer"]
    assert "調布太郎" not in html


def test_activity_shows_the_latest_twenty(client, officer, lg):
    profile = profile_update(local_government=lg, actor=officer, website="https://a.example/")
    for _ in range(25):
        audit_record(target=profile, action="profile.update", actor=officer)
    assert len(activity(page(client, officer, lg))) == 20


def test_activity_time_is_machine_readable(client, officer, lg):
    profile = profile_update(local_government=lg, actor=officer, website="https://a.example/")
    html = page(client, officer, lg)
    # A valid HTML date and time (no microseconds), in the reader's zone (Tokyo by default).
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0900">', html)
    assert profile.pk
    client.cookies["tz"] = "America/Sao_Paulo"  # the reader's zone (core.middleware)
    html = client.get(url(lg)).content.decode()
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0300">', html)


# --- Queries ------------------------------------------------------------------------------
def test_queries_do_not_grow_with_rows_officers_or_signatures(client, officer, make_officer,
                                                             lg, staff,
                                                             django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    client.get(url(lg))  # warm caches (content types)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(lg)).status_code == 200
        return len(captured)

    small = count()
    signature = published()
    profile = profile_update(local_government=lg, actor=officer, website="https://a.example/")
    for i in range(10):
        colleague = make_officer(lg, name=f"同僚{i}")
        audit_record(target=profile, action="profile.update", actor=colleague)
        audit_record(target=signature, action="signature.update", actor=staff)
    for _ in range(3):
        SignatureFactory(status=S.UNCONFIRMED)
    large = count()
    assert large == small
    # Session, user and user session (6 with the savepoint), the gate (the local government,
    # my memberships), its officers, its signature, its profile, its posted links (step 2),
    # its events by status (step 3), its pledges by status (step 4), the activity.
    with django_assert_max_num_queries(16):
        client.get(url(lg))
