"""accounts.services: invitations into a local government's workspace (create, the email,
accept, revoke, expired/reused/revoked/wrong address) and the account made for an invited
address at its first sign-in; the invitation sent when staff publish a signature."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import SignatureFactory, StaffFactory, jp
from withrefugees.accounts import services
from withrefugees.accounts.models import Invitation, Membership
from withrefugees.campaign import services as campaign_services
from withrefugees.campaign.models import Signature
from withrefugees.core.audit import audit_history
from withrefugees.core.models import OutboundEmail

from .officer_helpers import accept_link, invitation_emails, officer_of, user

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def lg():
    return jp("132063")  # 府中市 (東京都)


@pytest.fixture
def other_lg():
    return jp("132080")  # 調布市 (東京都)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service as a request would: emails are delivered after its commit."""
    def call(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)
    return call


def invite(run, lg, email="colleague@city.fuchu.tokyo.jp", *, language="ja", by=None):
    return run(services.invitation_create, local_government=lg, email=email,
               language=language, invited_by=by)


# --- invitation_create ----------------------------------------------------------------------
def test_an_officer_invites_a_colleague_by_email_in_english(run, lg, mailoutbox, settings):
    inviter = officer_of(lg, "hanako@city.fuchu.tokyo.jp", full_name="Hanako Fuchu")
    before = timezone.now()
    invitation = invite(run, lg, "Colleague@ＣＩＴＹ.fuchu.tokyo.jp", language="en",
                        by=inviter)
    assert invitation.email == "Colleague@city.fuchu.tokyo.jp"
    assert invitation.email_canonical == "colleague@city.fuchu.tokyo.jp"
    assert invitation.status == "pending" and invitation.invited_by == inviter
    max_age = timedelta(seconds=settings.INVITATION_MAX_AGE)
    assert before + max_age <= invitation.expires_at <= timezone.now() + max_age
    entry = audit_history(invitation).get()
    assert entry.action == "invitation.create" and entry.actor == inviter
    [message] = mailoutbox
    assert message.to == ["Colleague@city.fuchu.tokyo.jp"]
    assert message.extra_headers["Content-Language"] == "en"
    assert "Fuchu" in message.subject and "workspace" in message.subject
    body = message.body
    assert "Hanako Fuchu (hanako@city.fuchu.tokyo.jp) invites you" in body
    assert "Fuchu City" in body  # the local government's name in English
    assert "one-time code" in body and "Colleague@city.fuchu.tokyo.jp" in body
    assert "The invitation expires on" in body
    language, token = accept_link(message)
    assert language == "en"
    # only the token's SHA-256 is stored; the outbox keeps it encrypted, not readable
    assert invitation.token_hash == services.token_hash(token) != token
    row = OutboundEmail.objects.get(kind="invitation.send")
    assert token not in str(row.args) and row.args["invitation_id"] == invitation.pk


def test_the_invitation_email_is_in_japanese_for_ja(run, lg, mailoutbox):
    invite(run, lg, language="ja")
    [message] = mailoutbox
    assert message.extra_headers["Content-Language"] == "ja"
    assert "府中市（東京都）" in message.subject and "府中市（東京都）" in message.body
    assert accept_link(message)[0] == "ja"
    assert "UNHCR" in message.body  # the platform invites (no inviter)


def test_an_address_mail_cannot_be_sent_to_is_refused_with_its_code(run, lg, mailoutbox):
    for address, code in [("not an address", "invalid_email"),
                          ("はなこ@city.fuchu.tokyo.jp", "email_local_part"),
                          ("a@city.test", "email_domain_reserved")]:
        with pytest.raises(ValidationError) as refused:
            invite(run, lg, address)
        assert refused.value.code == code
    assert not Invitation.objects.exists() and not mailoutbox


def test_inviting_a_mailbox_that_is_already_an_officer_is_refused(run, lg, mailoutbox):
    officer_of(lg, "hanako@city.fuchu.tokyo.jp")
    with pytest.raises(services.AlreadyOfficer) as refused:
        invite(run, lg, "Hanako+x@City.Fuchu.Tokyo.jp", by=StaffFactory())
    assert refused.value.code == "already_officer"
    assert not Invitation.objects.exists() and not mailoutbox


def test_inviting_again_replaces_the_pending_invitation(run, lg, mailoutbox):
    first = invite(run, lg, "colleague@city.fuchu.tokyo.jp")
    second = invite(run, lg, "COLLEAGUE@city.fuchu.tokyo.jp", language="en")
    first.refresh_from_db()
    assert first.status == "revoked" and first.revoked_at and second.status == "pending"
    assert audit_history(first).get(action="invitation.revoke").note == \
        "replaced by a newer invitation"
    old_token, new_token = accept_link(mailoutbox[0])[1], accept_link(mailoutbox[1])[1]
    person = user("colleague@city.fuchu.tokyo.jp")
    with pytest.raises(services.InvitationRevoked):
        services.invitation_accept(token=old_token, user=person)
    services.invitation_accept(token=new_token, user=person)
    assert Membership.objects.filter(user=person, local_government=lg).exists()


def test_officers_invite_only_into_their_own_local_government(run, lg, other_lg, mailoutbox):
    outsider = officer_of(other_lg, "taro@city.chofu.lg.jp")
    with pytest.raises(services.NotAllowed):
        invite(run, lg, by=outsider)
    with pytest.raises(services.NotAllowed):
        invite(run, lg, by=StaffFactory(totp=False))
    assert not Invitation.objects.exists() and not mailoutbox


def test_a_revoked_invitation_is_not_emailed_when_its_turn_comes(lg, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        invitation = services.invitation_create(local_government=lg, email="c@city.fuchu.tokyo.jp",
                                                language="ja", invited_by=None)
    services.invitation_revoke(invitation=invitation, actor=None)
    for callback in queued:
        callback()
    assert not mailoutbox
    assert OutboundEmail.objects.get(kind="invitation.send").status == "cancelled"


# --- invitation_accept ----------------------------------------------------------------------
def test_accepting_makes_an_officer_once_and_reuse_is_an_error(run, lg, mailoutbox):
    inviter = officer_of(lg, "hanako@city.fuchu.tokyo.jp")
    invitation = invite(run, lg, by=inviter)
    token = accept_link(mailoutbox[0])[1]
    person = user("Colleague@city.fuchu.tokyo.jp")
    membership = services.invitation_accept(token=token, user=person)
    assert membership.user == person and membership.local_government == lg
    assert membership.added_by == inviter
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by == person
    assert audit_history(invitation).filter(action="invitation.accept", actor=person).exists()
    assert audit_history(membership).get().action == "membership.add"
    with pytest.raises(services.InvitationUsed) as reused:
        services.invitation_accept(token=token, user=person)
    assert reused.value.code == "invitation_used"
    assert Membership.objects.filter(user=person).count() == 1


def test_an_existing_officer_accepting_gets_no_second_membership(run, lg, mailoutbox):
    invitation = invite(run, lg, "colleague@city.fuchu.tokyo.jp")
    person = officer_of(lg, "colleague@city.fuchu.tokyo.jp")  # added by staff meanwhile
    services.invitation_accept(token=accept_link(mailoutbox[0])[1], user=person)
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert Membership.objects.filter(user=person).count() == 1


def test_an_expired_invitation_is_refused(run, lg, mailoutbox):
    invitation = invite(run, lg)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    person = user("colleague@city.fuchu.tokyo.jp")
    with pytest.raises(services.InvitationExpired) as refused:
        services.invitation_accept(token=accept_link(mailoutbox[0])[1], user=person)
    assert refused.value.code == "invitation_expired"
    assert "expired" in str(refused.value.message) or "有効期限" in str(refused.value.message)
    assert not Membership.objects.exists()


def test_a_revoked_invitation_is_refused(run, lg, mailoutbox):
    invitation = invite(run, lg)
    services.invitation_revoke(invitation=invitation, actor=None)
    with pytest.raises(services.InvitationRevoked) as refused:
        services.invitation_accept(token=accept_link(mailoutbox[0])[1],
                                   user=user("colleague@city.fuchu.tokyo.jp"))
    assert refused.value.code == "invitation_revoked"
    assert not Membership.objects.exists()


def test_signed_in_with_another_address_is_refused_and_told_which(run, lg, mailoutbox):
    invite(run, lg, "colleague@city.fuchu.tokyo.jp")
    other = user("someone.else@city.fuchu.tokyo.jp")
    with pytest.raises(services.InvitationWrongAddress) as refused:
        services.invitation_accept(token=accept_link(mailoutbox[0])[1], user=other)
    assert refused.value.code == "invitation_wrong_address"
    assert "c••••••••@city.fuchu.tokyo.jp" in str(refused.value.message)
    assert "colleague@" not in str(refused.value.message)
    assert not Membership.objects.exists()
    assert Invitation.objects.get().status == "pending"


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "a" * 500, "\udcff", "../../admin"])
def test_unknown_or_garbled_tokens_are_refused(token, lg):
    with pytest.raises(services.InvitationInvalid) as refused:
        services.invitation_accept(token=token, user=user("a@city.fuchu.tokyo.jp"))
    assert refused.value.code == "invitation_invalid"


def test_revoking_twice_or_after_acceptance_is_refused(run, lg, mailoutbox):
    invitation = invite(run, lg)
    services.invitation_revoke(invitation=invitation, actor=None)
    with pytest.raises(services.InvitationRevoked):
        services.invitation_revoke(invitation=invitation, actor=None)
    accepted = invite(run, lg)
    services.invitation_accept(token=accept_link(mailoutbox[-1])[1],
                               user=user("colleague@city.fuchu.tokyo.jp"))
    with pytest.raises(services.InvitationUsed):
        services.invitation_revoke(invitation=accepted, actor=None)
    assert audit_history(invitation).filter(action="invitation.revoke").count() == 1


def test_only_officers_of_that_local_government_revoke(run, lg, other_lg):
    invitation = invite(run, lg)
    with pytest.raises(services.NotAllowed):
        services.invitation_revoke(invitation=invitation,
                                   actor=officer_of(other_lg, "taro@city.chofu.lg.jp"))
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    services.invitation_revoke(invitation=invitation,
                               actor=officer_of(lg, "hanako@city.fuchu.tokyo.jp"))


# --- account_for_invited_address ------------------------------------------------------------
def test_an_invited_address_gets_an_account_at_its_first_sign_in(run, lg):
    invite(run, lg, "colleague@gmail.com")
    person = services.account_for_invited_address(email="Col.League+work@googlemail.com")
    assert person is not None and person.email_canonical == "colleague@gmail.com"
    assert not person.has_usable_password() and not person.is_staff
    assert audit_history(person).get().action == "user.create"
    assert services.account_for_invited_address(email="colleague@gmail.com") == person
    assert User.objects.filter(email_canonical="colleague@gmail.com").count() == 1


def test_an_existing_account_is_found_and_no_account_is_made_otherwise(run, lg):
    existing = user("hanako@city.fuchu.tokyo.jp")
    assert services.account_for_invited_address(email="HANAKO@city.fuchu.tokyo.jp") == existing
    assert services.account_for_invited_address(email="stranger@example.jp") is None
    assert services.account_for_invited_address(email="not an address") is None
    expired = invite(run, lg, "late@city.fuchu.tokyo.jp")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert services.account_for_invited_address(email="late@city.fuchu.tokyo.jp") is None
    revoked = invite(run, lg, "gone@city.fuchu.tokyo.jp")
    services.invitation_revoke(invitation=revoked, actor=None)
    assert services.account_for_invited_address(email="gone@city.fuchu.tokyo.jp") is None
    assert User.objects.count() == 1


def test_an_account_made_concurrently_is_returned(run, lg, monkeypatch):
    invite(run, lg, "colleague@city.fuchu.tokyo.jp")
    made = user("colleague@city.fuchu.tokyo.jp")
    real_filter = User.objects.filter
    calls = {"n": 0}

    def first_sees_nothing(*args, **kwargs):  # the other request commits after our read
        calls["n"] += 1
        return real_filter(pk__in=[]) if calls["n"] == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(User.objects, "filter", first_sees_nothing)
    assert services.account_for_invited_address(email="colleague@city.fuchu.tokyo.jp") == made


# --- publication of a signature -------------------------------------------------------------
def test_publishing_invites_the_contact_who_signs_in_and_accepts(run, lg, mailoutbox, client):
    signature = SignatureFactory(status=Signature.Status.PENDING, confirmation_nonce="",
                                 language="en", contact_name="Hanako Sato")
    run(campaign_services.signature_publish, signature=signature, actor=StaffFactory())
    [message] = invitation_emails(mailoutbox)
    assert message.to == [signature.email]
    assert "UNHCR invites you to the workspace of Fuchu City (Tokyo)" in message.body
    assert "since your local government's signature of the statement was published" in \
        message.body
    invitation = Invitation.objects.get()
    assert invitation.invited_by is None and invitation.language == "en"
    assert audit_history(invitation).get().actor is None
    # the contact's first sign-in makes the account; then the link works
    person = services.account_for_invited_address(email=signature.email)
    client.force_login(person)
    language, token = accept_link(message)
    url = f"/{language}/workspace/invitations/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and "Fuchu City (Tokyo)" in page.content.decode()
    assert not Membership.objects.exists()  # a GET never accepts
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/en/workspace/{lg.pk}/"
    assert Membership.objects.get().user == person


def test_publishing_does_not_invite_a_contact_who_is_already_an_officer(run, lg, mailoutbox):
    officer_of(lg, "contact@city.fuchu.tokyo.jp")
    signature = SignatureFactory(status=Signature.Status.PENDING, confirmation_nonce="")
    run(campaign_services.signature_publish, signature=signature, actor=StaffFactory())
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PUBLISHED
    assert not Invitation.objects.exists() and not invitation_emails(mailoutbox)
    assert len(mailoutbox) == 1  # the "published" email only


def test_publishing_without_an_address_invites_nobody(run, lg, mailoutbox):
    signature = SignatureFactory(status=Signature.Status.PENDING, confirmation_nonce="",
                                 email="")
    run(campaign_services.signature_publish, signature=signature, actor=None)
    assert not Invitation.objects.exists() and not mailoutbox


@pytest.mark.django_db
def test_withdrawing_the_signature_revokes_the_platform_invitation_to_its_contact():
    from withrefugees.campaign.services import signature_publish, signature_withdraw

    staff = StaffFactory()
    signature = signature_publish(signature=SignatureFactory(status="pending"), actor=staff)
    invitation = Invitation.objects.get(local_government=signature.local_government)
    assert invitation.status == "pending" and invitation.invited_by is None
    signature_withdraw(signature=signature, actor=staff)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"


@pytest.mark.django_db
def test_the_account_made_for_an_invitation_has_the_invited_address_not_the_typed_one():
    """Found by review: a stranger typing ``FRANK+squat@…`` first fixed the account's
    address, so the invitee's codes went to a mailbox that may not exist."""
    lg = jp("132063")
    services.invitation_create(local_government=lg, email="frank@city.fuchu.tokyo.jp",
                               language="ja", invited_by=None)
    user = services.account_for_invited_address(email="FRANK+squat@city.fuchu.tokyo.jp")
    assert user is not None and user.email == "frank@city.fuchu.tokyo.jp"
