"""Who gets the emails of step 3, and in which language.

Officers have no language setting of their own (``accounts.User`` has none):
``officer_language`` takes the language of the invitation they accepted last, else of
their latest support request, else ``settings.LANGUAGE_CODE`` (Japanese).
"""

from django.conf import settings

from withrefugees.accounts.models import Invitation, Membership
from withrefugees.core.mail import mail_language

from .models import SupportRequest


def officer_language(user, *, invitations: dict[int, str] | None = None) -> str:
    """The language (``ja``/``en``) to write to officer ``user`` in: that of the invitation
    they accepted last, else of their latest support request, else ``settings.LANGUAGE_CODE``.
    ``invitations``: ``{user id: language}`` read beforehand (``officer_recipients``)."""
    if invitations is not None and user.pk in invitations:
        return mail_language(invitations[user.pk])
    if invitations is None:
        language = (Invitation.objects.filter(accepted_by=user).order_by("-accepted_at", "-pk")
                    .values_list("language", flat=True).first())
        if language:
            return mail_language(language)
    language = (SupportRequest.objects.filter(requested_by=user).order_by("-created_at", "-pk")
                .values_list("language", flat=True).first())
    return mail_language(language or settings.LANGUAGE_CODE)


def officer_recipients(local_government_id: int) -> list[tuple[object, str]]:
    """``[(user, language)]``: the active officers of the local government, oldest member
    first, each with ``officer_language``. Two queries, plus one per officer who accepted no
    invitation (the support requests they made)."""
    users = [m.user for m in Membership.objects.filter(
        local_government_id=local_government_id, user__is_active=True)
        .select_related("user").order_by("created_at", "pk")]
    invitations: dict[int, str] = {}
    for user_id, language in (Invitation.objects.filter(accepted_by__in=users)
                              .order_by("accepted_at", "pk")
                              .values_list("accepted_by_id", "language")):
        invitations[user_id] = language  # the latest wins
    return [(user, officer_language(user, invitations=invitations)) for user in users]


def is_officer(user_id, local_government_id: int) -> bool:
    """Whether ``user_id`` (None: nobody in particular, True) is an active officer of the
    local government now."""
    return user_id is None or Membership.objects.filter(
        user_id=user_id, local_government_id=local_government_id, user__is_active=True).exists()
