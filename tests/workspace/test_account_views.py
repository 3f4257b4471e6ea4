"""My account: what the platform holds about me, changing my name, deleting my account
(refused while I am the only officer; afterwards signed out, the local government's records
kept and attributed to "a former officer")."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import SignatureFactory, StaffFactory
from withrefugees.accounts import services
from withrefugees.accounts.models import Membership
from withrefugees.campaign.models import Signature
from withrefugees.core.audit import audit_history
from withrefugees.core.models import AuditEntry

pytestmark = pytest.mark.django_db
ACCOUNT = "/en/workspace/account/"
DELETE = "/en/workspace/account/delete/"
User = get_user_model()


@pytest.fixture
def colleague(make_officer, lg):
    return make_officer(lg, email="jiro@city.fuchu.tokyo.jp", name="府中次郎")


def test_anonymous_visitors_sign_in_first(client):
    for url in (ACCOUNT, DELETE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/en/accounts/login/?next={url}"
    assert client.post(DELETE).status_code == 302


def test_the_page_shows_what_is_held_about_me(client, officer, lg, other_lg):
    services.invitation_create(local_government=other_lg, email="hanako@city.fuchu.tokyo.jp",
                               language="en", invited_by=None)
    client.force_login(officer)
    response = client.get(ACCOUNT)
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    assert "hanako@city.fuchu.tokyo.jp" in html and "府中花子" in html
    assert "Last sign-in" in html and "Account created" in html
    assert f'href="/en/workspace/{lg.pk}/">Fuchu City (Tokyo)</a>' in html
    assert "Invitations waiting for you" in html and "Chofu City (Tokyo)" in html
    assert 'href="/en/accounts/sessions/"' in html  # usersessions_list
    assert 'href="/en/accounts/2fa/"' in html  # mfa_index
    assert 'href="/en/accounts/password/set/"' in html  # no password yet
    assert f'href="{DELETE}"' in html


def test_with_a_password_the_page_links_to_changing_it(client, officer):
    officer.set_password("a long enough passphrase")
    officer.save()
    client.force_login(officer)
    assert 'href="/en/accounts/password/change/"' in client.get(ACCOUNT).content.decode()


def test_staff_and_people_without_a_local_government_see_their_page_too(client):
    for person in (StaffFactory(email="newcomer@unhcr.example", totp=False),
                   User.objects.create_user(email="nobody@example.jp")):
        client.force_login(person)
        response = client.get(ACCOUNT)
        assert response.status_code == 200 and person.email in response.content.decode()


def test_changing_my_name_is_saved_and_audited(client, officer):
    client.force_login(officer)
    response = client.post(ACCOUNT, {"full_name": "府中 花子"}, follow=True)
    assert "Your name has been saved." in response.content.decode()
    officer.refresh_from_db()
    assert officer.full_name == "府中 花子"
    assert audit_history(officer).get(action="user.update_name").changes == {
        "full_name": ["府中花子", "府中 花子"]}


def test_a_bad_name_keeps_what_was_typed(client, officer):
    client.force_login(officer)
    typed = "x" * 151
    response = client.post(ACCOUNT, {"full_name": typed})
    assert response.status_code == 400 and f'value="{typed}"' in response.content.decode()
    response = client.post(ACCOUNT, {"full_name": "府中\x00花子"})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
    officer.refresh_from_db()
    assert officer.full_name == "府中花子"


def test_the_only_officer_is_told_to_invite_a_colleague_first(client, officer, lg):
    client.force_login(officer)
    page = client.get(DELETE).content.decode()
    assert "You are the only officer of:" in page and "Fuchu City (Tokyo)" in page
    assert "Delete my account for good" not in page
    response = client.post(DELETE)
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-code="last_officer"' in html and "Invite a colleague" in html
    assert User.objects.filter(pk=officer.pk).exists()
    assert Membership.objects.filter(user=officer).exists()


def test_deleting_my_account_signs_me_out_and_keeps_the_records(client, officer, colleague,
                                                                lg):
    signature = SignatureFactory(status=Signature.Status.PUBLISHED, local_government=lg,
                                 published_at="2026-01-01T00:00Z", confirmation_nonce="")
    services.invitation_create(local_government=lg, email="new@city.fuchu.tokyo.jp",
                               language="ja", invited_by=officer)
    pk = officer.pk
    client.force_login(officer)
    page = client.get(DELETE)
    assert page.status_code == 200 and "Delete my account for good" in page.content.decode()
    assert User.objects.filter(pk=pk).exists()  # a GET deletes nothing
    response = client.post(DELETE, follow=True)
    assert response.redirect_chain[-1][0] == "/en/"
    assert "Your account has been deleted." in response.content.decode()
    assert not User.objects.filter(pk=pk).exists()
    assert not response.wsgi_request.user.is_authenticated
    assert client.get(ACCOUNT).status_code == 302  # signed out
    # the local government's records stay, attributed to "a former officer"
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PUBLISHED
    assert list(Membership.objects.filter(local_government=lg).values_list("user", flat=True)) \
        == [colleague.pk]
    created = AuditEntry.objects.get(action="invitation.create")
    assert created.actor is None and created.actor_pk == pk
    assert created.actor_label.startswith("a former officer")
    assert AuditEntry.objects.filter(action="account.delete", object_id=str(pk)).exists()
    # the colleague still sees the local government's officers page
    client.force_login(colleague)
    assert client.get(f"/en/workspace/{lg.pk}/officers/").status_code == 200
