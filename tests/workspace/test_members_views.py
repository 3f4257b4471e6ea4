"""The officers page (list, invite, withdraw an invitation, remove an officer or leave, the
last-officer rule) and the page of an emailed invitation (accept with a button; expired,
reused, withdrawn, wrong address). Ids of another local government posted to this local
government's URLs: 404, nothing changed."""

import re

import pytest
from django.utils import timezone

from tests.accounts.officer_helpers import accept_link
from tests.factories import StaffFactory
from withrefugees.accounts import services
from withrefugees.accounts.models import Invitation, Membership
from withrefugees.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def officers_url(lg, lang="en"):
    return f"/{lang}/workspace/{lg.pk}/officers/"


@pytest.fixture
def colleague(make_officer, lg):
    return make_officer(lg, email="jiro@city.fuchu.tokyo.jp", name="府中次郎")


def invite(lg, email, *, by=None, language="en"):
    return services.invitation_create(local_government=lg, email=email, language=language,
                                      invited_by=by)


# --- who may open the page ------------------------------------------------------------------
def test_anonymous_goes_to_sign_in_others_are_refused(client, lg, other_officer):
    url = officers_url(lg)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/login/")
    client.force_login(other_officer)
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "x@city.chofu.lg.jp", "language": "en"}).status_code == 403
    assert not Invitation.objects.exists()
    client.force_login(StaffFactory(email="newcomer@unhcr.example", totp=False))
    assert client.get(url).status_code == 403
    client.force_login(StaffFactory(email="reviewer@unhcr.example"))
    assert client.get(url).status_code == 200
    assert client.get("/en/workspace/999999/officers/").status_code == 404


# --- the list -------------------------------------------------------------------------------
def test_officers_and_pending_invitations_are_listed(client, officer, colleague, lg,
                                                      other_lg, other_officer):
    invite(lg, "new@city.fuchu.tokyo.jp", by=officer)
    invite(other_lg, "elsewhere@city.chofu.lg.jp")
    client.force_login(officer)
    response = client.get(officers_url(lg))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1 and 'aria-current="page"' in html
    assert "府中花子" in html and "hanako@city.fuchu.tokyo.jp" in html and "(you)" in html
    assert "府中次郎" in html and "jiro@city.fuchu.tokyo.jp" in html
    assert "new@city.fuchu.tokyo.jp" in html and "invited by 府中花子" in html
    assert "taro@city.chofu.lg.jp" not in html and "elsewhere@" not in html
    assert "Leave this workspace" in html and "Remove 府中次郎" in html
    assert 'for="id_email"' in html and 'name="language"' in html
    assert '<option value="en" selected>' in html  # the page's language


def test_the_last_officer_sees_why_there_is_no_remove_button(client, officer, lg):
    client.force_login(officer)
    html = client.get(officers_url(lg)).content.decode()
    assert "The last officer cannot be removed." in html
    assert "Leave this workspace" not in html


def test_the_page_needs_few_queries_whatever_the_number_of_officers(
        client, officer, make_officer, lg, django_assert_max_num_queries):
    for n in range(6):
        make_officer(lg)
        invite(lg, f"i{n}@city.fuchu.tokyo.jp", by=officer)
    client.force_login(officer)
    client.get(officers_url(lg))
    with django_assert_max_num_queries(15):
        assert client.get(officers_url(lg)).status_code == 200


# --- invite ---------------------------------------------------------------------------------
def test_an_officer_invites_a_colleague(client, officer, lg, mailoutbox):
    client.force_login(officer)
    response = client.post(officers_url(lg), {"email": "new@city.fuchu.tokyo.jp",
                                              "language": "ja"}, follow=True)
    assert response.redirect_chain[-1][0] == officers_url(lg)
    invitation = Invitation.objects.get()
    assert invitation.invited_by == officer and invitation.language == "ja"
    assert "An invitation has been sent to new@city.fuchu.tokyo.jp" in \
        response.content.decode()
    [message] = mailoutbox
    assert accept_link(message)[0] == "ja" and "府中花子" in message.body


@pytest.mark.parametrize("typed, code_text", [
    ("not an address", "Enter a valid email address"),
    ("はなこ@city.fuchu.tokyo.jp", "kana, kanji"),
    ("", "This field is required"),
])
def test_a_bad_address_is_shown_on_the_field_with_what_was_typed(client, officer, lg, typed,
                                                                 code_text, mailoutbox):
    client.force_login(officer)
    response = client.post(officers_url(lg), {"email": typed, "language": "en"})
    html = response.content.decode()
    assert response.status_code == 400
    assert code_text in html and 'aria-invalid="true"' in html
    if typed:
        assert f'value="{typed}"' in html
    assert not Invitation.objects.exists() and not mailoutbox


def test_inviting_an_existing_officer_says_so(client, officer, colleague, lg):
    client.force_login(officer)
    response = client.post(officers_url(lg), {"email": "JIRO@city.fuchu.tokyo.jp",
                                              "language": "en"})
    assert response.status_code == 400
    assert "already an officer" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_forged_language_is_refused(client, officer, lg):
    client.force_login(officer)
    response = client.post(officers_url(lg), {"email": "new@city.fuchu.tokyo.jp",
                                              "language": "fr"})
    assert response.status_code == 400 and not Invitation.objects.exists()


# --- withdraw an invitation -----------------------------------------------------------------
def test_an_officer_withdraws_an_invitation(client, officer, lg):
    invitation = invite(lg, "new@city.fuchu.tokyo.jp")
    client.force_login(officer)
    url = f"/en/workspace/{lg.pk}/invitations/{invitation.pk}/revoke/"
    assert client.get(url).status_code == 405  # a GET never acts
    response = client.post(url, follow=True)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert "has been withdrawn" in response.content.decode()
    again = client.post(url, follow=True)
    assert "has been withdrawn" in again.content.decode()  # the error, not a 500
    assert AuditEntry.objects.filter(action="invitation.revoke").count() == 1


def test_another_local_governments_invitation_id_is_404_and_untouched(client, officer, lg,
                                                                      other_lg):
    theirs = invite(other_lg, "x@city.chofu.lg.jp")
    client.force_login(officer)
    response = client.post(f"/en/workspace/{lg.pk}/invitations/{theirs.pk}/revoke/")
    assert response.status_code == 404
    response = client.post(f"/en/workspace/{other_lg.pk}/invitations/{theirs.pk}/revoke/")
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    assert not AuditEntry.objects.filter(action="invitation.revoke").exists()


# --- remove an officer, leave ---------------------------------------------------------------
def test_an_officer_removes_a_colleague(client, officer, colleague, lg):
    client.force_login(officer)
    membership = Membership.objects.get(user=colleague)
    url = f"/en/workspace/{lg.pk}/officers/{membership.pk}/remove/"
    shown = client.get(url)  # e.g. the language switch: the same question, nothing removed
    assert shown.status_code == 200 and Membership.objects.filter(pk=membership.pk).exists()
    asked = client.post(url)  # the list's button asks once more, removing nobody yet
    assert asked.status_code == 200 and Membership.objects.filter(pk=membership.pk).exists()
    assert 'name="confirm" value="yes"' in asked.content.decode()
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert "府中次郎 is no longer an officer" in response.content.decode()
    assert AuditEntry.objects.get(action="membership.remove").actor == officer


def test_an_officer_leaves_and_lands_on_the_workspace_home(client, officer, colleague, lg):
    client.force_login(officer)
    membership = Membership.objects.get(user=officer)
    response = client.post(f"/en/workspace/{lg.pk}/officers/{membership.pk}/remove/",
                           {"confirm": "yes"}, follow=True)
    assert response.redirect_chain[0][0] == "/en/workspace/"
    assert "You have left the workspace of Fuchu City (Tokyo)" in response.content.decode()
    assert client.get(officers_url(lg)).status_code == 403


def test_the_last_officer_cannot_leave_and_is_told_why(client, officer, lg):
    client.force_login(officer)
    membership = Membership.objects.get(user=officer)
    response = client.post(f"/en/workspace/{lg.pk}/officers/{membership.pk}/remove/",
                           {"confirm": "yes"}, follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "always keeps at least one officer" in response.content.decode()


def test_another_local_governments_membership_id_is_404_and_untouched(
        client, officer, colleague, lg, other_lg, other_officer, make_officer):
    make_officer(other_lg)  # so that the other officer could be removed at all
    theirs = Membership.objects.get(user=other_officer)
    client.force_login(officer)
    response = client.post(f"/en/workspace/{lg.pk}/officers/{theirs.pk}/remove/",
                           {"confirm": "yes"})
    assert response.status_code == 404
    assert client.post(f"/en/workspace/{other_lg.pk}/officers/{theirs.pk}/remove/",
                       {"confirm": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=theirs.pk).exists()
    assert not AuditEntry.objects.filter(action="membership.remove").exists()


def test_staff_with_a_second_factor_remove_an_officer(client, officer, colleague, lg):
    staff = StaffFactory(email="reviewer@unhcr.example")
    client.force_login(staff)
    membership = Membership.objects.get(user=colleague)
    client.post(f"/en/workspace/{lg.pk}/officers/{membership.pk}/remove/", {"confirm": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


# --- the invitation page --------------------------------------------------------------------
def _link(mailoutbox) -> str:
    language, token = accept_link(mailoutbox[-1])
    return f"/{language}/workspace/invitations/{token}/"


@pytest.fixture
def invited(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(email="new@city.fuchu.tokyo.jp")


def test_anonymous_visitors_sign_in_first_and_come_back(client, lg, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(lg, "new@city.fuchu.tokyo.jp")
    url = _link(mailoutbox)
    response = client.get(url)
    # the page names the local government and the (masked) address to sign in with, and
    # its button signs in and comes back
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fuchu" in html and "n••@city.fuchu.tokyo.jp" in html
    assert f'href="/en/accounts/login/?next={url}"' in html


@pytest.mark.parametrize("change, code", [
    ({"expires_at": "2000-01-01T00:00Z"}, "invitation_expired"),
    ({"status": "revoked"}, "invitation_revoked"),
])
def test_a_signed_out_visitor_learns_at_once_that_the_link_cannot_be_used(
        client, lg, mailoutbox, django_capture_on_commit_callbacks, change, code):
    """Found by the new-user trial: an expired link sent a signed-out person to sign in,
    where no code could ever arrive."""
    from withrefugees.accounts.models import Invitation

    with django_capture_on_commit_callbacks(execute=True):
        invite(lg, "new@city.fuchu.tokyo.jp")
    Invitation.objects.update(**change)
    response = client.get(_link(mailoutbox))
    assert response.status_code in (403, 410)
    assert f'data-code="{code}"' in response.content.decode()
    assert client.get("/en/workspace/invitations/garbage/").status_code == 404


def test_the_invited_person_accepts_with_the_button(client, officer, lg, invited, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(lg, "new@city.fuchu.tokyo.jp", by=officer)
    url = _link(mailoutbox)
    client.force_login(invited)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<h1") == 1
    assert "府中花子 invites you to the workspace of Fuchu City (Tokyo)" in html
    assert "Join the workspace of Fuchu City (Tokyo)" in html and 'method="post"' in html
    assert not Membership.objects.filter(user=invited).exists()
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(f"/en/workspace/{lg.pk}/", 302)]
    assert "You are now an officer of Fuchu City (Tokyo)" in response.content.decode()
    assert Membership.objects.filter(user=invited, local_government=lg).exists()
    # the link a second time: a clear page, never a 500
    again = client.post(url)
    assert again.status_code == 410
    html = again.content.decode()
    assert "already been accepted" in html and f"/en/workspace/{lg.pk}/" in html
    assert Membership.objects.filter(user=invited).count() == 1


def test_an_expired_link_says_so(client, lg, invited, mailoutbox,
                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(lg, "new@city.fuchu.tokyo.jp")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    client.force_login(invited)
    for response in (client.get(_link(mailoutbox)), client.post(_link(mailoutbox))):
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
    assert not Membership.objects.filter(user=invited).exists()


def test_a_withdrawn_link_says_so(client, lg, invited, mailoutbox,
                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(lg, "new@city.fuchu.tokyo.jp")
    services.invitation_revoke(invitation=invitation, actor=None)
    client.force_login(invited)
    response = client.post(_link(mailoutbox))
    assert response.status_code == 410
    assert "has been withdrawn" in response.content.decode()
    assert not Membership.objects.filter(user=invited).exists()


def test_signed_in_with_another_address_offers_to_sign_out_and_in_again(
        client, lg, other_officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(lg, "new@city.fuchu.tokyo.jp")
    url = _link(mailoutbox)
    client.force_login(other_officer)
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 403
    assert "n••@city.fuchu.tokyo.jp" in html and "new@city" not in html
    assert "You are signed in as taro@city.chofu.lg.jp" in html
    assert 'action="/en/accounts/logout/"' in html
    assert re.search(r'name="next" value="/en/accounts/login/\?next=/en/workspace/'
                     r'invitations/[^"]+/"', html)
    assert not Membership.objects.filter(local_government=lg).exists()
    assert Invitation.objects.get().status == "pending"


@pytest.mark.parametrize("token", ["nothing-like-a-token", "a" * 300, "%00"])
def test_a_garbled_link_is_a_clear_404(client, officer, token):
    client.force_login(officer)
    response = client.get(f"/ja/workspace/invitations/{token}/")
    assert response.status_code in (400, 404)
    if response.status_code == 404:
        assert 'data-code="invitation_invalid"' in response.content.decode()
