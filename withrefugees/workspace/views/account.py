"""My account: what the platform holds about me (address, name, dates, memberships,
invitations to me), links to my sessions, authenticator and password (django-allauth's
pages), changing my name, and deleting my account (a confirmation page, then POST)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from withrefugees.accounts import services
from withrefugees.accounts.models import Invitation, Membership
from withrefugees.accounts.rules import can
from withrefugees.places.models import LocalGovernment

from ..access import SESSION_KEY, sign_in_required
from ..forms_members import NameForm


def _current_lg(request: HttpRequest):
    """The local government whose workspace was opened last, if the person may still open
    it (its navigation is then shown around the account pages)."""
    lg_pk = request.session.get(SESSION_KEY)
    if not lg_pk:
        return None
    lg = LocalGovernment.objects.with_places().filter(pk=lg_pk).first()
    return lg if lg is not None and can(request.user, "workspace.view", lg) else None


def _memberships(user) -> list[Membership]:
    return list(Membership.objects.filter(user=user)
                .select_related("local_government__region", "local_government__country",
                                "added_by")
                .order_by("created_at", "pk"))


def _alone_in(memberships: list[Membership]) -> list:
    """The local governments of ``memberships`` that have no other officer."""
    if not memberships:
        return []
    lg_ids = [m.local_government_id for m in memberships]
    others = set(Membership.objects.filter(local_government_id__in=lg_ids)
                 .exclude(user_id=memberships[0].user_id)
                 .values_list("local_government_id", flat=True))
    return [m.local_government for m in memberships if m.local_government_id not in others]


@sign_in_required
def account_data(request: HttpRequest) -> HttpResponse:
    """What the platform holds about the signed-in person, and the form to change their
    name (POST here; audited as ``user.update_name``)."""
    user = request.user
    form = NameForm(request.POST if request.method == "POST" else None,
                    initial={"full_name": user.full_name})
    if form.is_bound and form.is_valid():
        changed = services.account_update_name(user=user,
                                               full_name=form.cleaned_data["full_name"],
                                               actor=user)
        if changed:
            messages.success(request, _("Your name has been saved."))
        return redirect("workspace:account")
    invitations = list(Invitation.objects.filter(email_canonical=user.email_canonical,
                                                 status=Invitation.Status.PENDING,
                                                 expires_at__gt=timezone.now())
                       .select_related("local_government__region",
                                       "local_government__country", "invited_by"))
    return render(request, "workspace/account.html", {
        "lg": _current_lg(request), "workspace_page": "account", "account": user,
        "memberships": _memberships(user), "invitations": invitations, "form": form,
        "has_password": user.has_usable_password(),
    }, status=400 if form.is_bound else 200)


@sign_in_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """GET: what deleting the account removes and keeps, and a button. POST: delete it
    (``accounts.services.account_delete``), sign out, and show the home page with a
    message. Refused, with the reason, while the person is the only officer of a local
    government."""
    user = request.user
    error = None
    if request.method == "POST":
        try:
            services.account_delete(user=user, actor=user)
        except services.AccountIsLastOfficer as exc:
            error = exc
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted. The records of your "
                                        "local governments stay, attributed to "
                                        "“a former officer”."))
            return redirect("campaign:home")
    memberships = _memberships(user)
    return render(request, "workspace/account_delete.html", {
        "lg": _current_lg(request), "workspace_page": "account", "account": user,
        "memberships": memberships, "alone_in": _alone_in(memberships), "error": error,
    }, status=409 if error else 200)
