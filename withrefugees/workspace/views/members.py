"""The officers of a local government (list, invite, revoke an invitation, remove an
officer or leave) and the page of an emailed invitation (accept with a button).

Every write goes through ``accounts.services``; ids posted in URLs are looked up within
the local government of the URL, so another local government's membership or invitation
gives 404 and is never acted on."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from withrefugees.accounts import services
from withrefugees.accounts.models import Invitation, Membership
from withrefugees.core.emails import InvalidEmail
from withrefugees.core.errors import ServiceError

from ..access import sign_in_required, workspace_required
from ..forms_members import InvitationForm


def _officers_context(lg, form: InvitationForm) -> dict:
    officers = list(Membership.objects.filter(local_government=lg)
                    .select_related("user", "added_by").order_by("created_at", "pk"))
    invitations = list(Invitation.objects.filter(local_government=lg,
                                                 status=Invitation.Status.PENDING)
                       .select_related("invited_by").order_by("-created_at", "-pk"))
    return {"lg": lg, "workspace_page": "officers", "officers": officers,
            "invitations": invitations, "form": form, "now": timezone.now(),
            "last_officer": len(officers) <= 1}


@workspace_required("accounts.manage_officers")
def officers(request: HttpRequest, lg) -> HttpResponse:
    """The officers of ``lg`` (name or address, since when, added by whom), its pending
    invitations (revoke), and the form to invite a colleague (POST here). An address that
    is refused (mail cannot be sent to it, already an officer) is shown on the field with
    what was typed (HTTP 400)."""
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            invitation = services.invitation_create(
                local_government=lg, email=form.cleaned_data["email"],
                language=form.cleaned_data["language"], invited_by=request.user)
        except InvalidEmail as exc:
            form.add_error("email", exc)
        except services.AlreadyOfficer as exc:
            form.add_error("email", ValidationError(exc.message, code=exc.code))
        except services.NotAllowed as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("An invitation has been sent to %(email)s. It is "
                                        "valid until %(date)s.") % {
                "email": invitation.email,
                "date": date_format(timezone.localtime(invitation.expires_at),
                                    "DATETIME_FORMAT")})
            return redirect("workspace:officers", lg.pk)
    status = 400 if form.is_bound else 200
    return render(request, "workspace/officers.html", _officers_context(lg, form),
                  status=status)


@require_http_methods(["GET", "POST"])
@workspace_required("accounts.manage_officers")
def officer_remove(request: HttpRequest, lg, membership_pk: int) -> HttpResponse:
    """Remove an officer of ``lg`` (or oneself: leave), once confirmed: the list's button
    posts without ``confirm=yes`` and gets a page that asks (a tap on a phone removes
    nobody by accident). Refused, with the reason, for the last officer. A membership of
    another local government: 404."""
    membership = get_object_or_404(Membership.objects.select_related("user"),
                                   pk=membership_pk, local_government=lg)
    leaving = membership.user_id == request.user.pk
    if request.method == "GET" or request.POST.get("confirm") != "yes":  # ask once more
        return render(request, "workspace/officer_remove_confirm.html", {
            "lg": lg, "workspace_page": "officers", "membership": membership,
            "leaving": leaving})
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except services.LastOfficer as exc:
        messages.error(request, exc.message)
        return redirect("workspace:officers", lg.pk)
    except services.NotAllowed as exc:
        raise PermissionDenied from exc
    except Membership.DoesNotExist:
        messages.info(request, _("This officer had already been removed."))
        return redirect("workspace:officers", lg.pk)
    if leaving:
        messages.success(request, _("You have left the workspace of %(lg)s.")
                         % {"lg": lg.label})
        return redirect("workspace:home")
    messages.success(request, _("%(name)s is no longer an officer of %(lg)s.")
                     % {"name": membership.user.get_full_name(), "lg": lg.label})
    return redirect("workspace:officers", lg.pk)


@require_POST
@workspace_required("accounts.manage_officers")
def invitation_revoke(request: HttpRequest, lg, invitation_pk: int) -> HttpResponse:
    """Withdraw a pending invitation of ``lg``; its link stops working. An invitation of
    another local government: 404."""
    invitation = get_object_or_404(Invitation, pk=invitation_pk, local_government=lg)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except (services.InvitationUsed, services.InvitationRevoked) as exc:
        messages.error(request, exc.message)
    except services.NotAllowed as exc:
        raise PermissionDenied from exc
    else:
        messages.success(request, _("The invitation to %(email)s has been withdrawn.")
                         % {"email": invitation.email})
    return redirect("workspace:officers", lg.pk)


#: HTTP status of the invitation page for each refusal.
_STATUS = {"invitation_invalid": 404, "invitation_wrong_address": 403}


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Signed out: a valid link shows to which local government it invites and with
    which address (masked) to sign in, with the sign-in link that comes back here; a link
    that can no longer be accepted says why at once (not after a sign-in that cannot
    work). Signed in: ``invitation_answer``."""
    if request.user.is_authenticated:
        return invitation_answer(request, token)
    from withrefugees.core.outbox import mask_address

    try:
        invitation = services.invitation_for_token(token=token)
        services.invitation_check(invitation=invitation, user=None)
    except services.InvitationWrongAddress as exc:  # valid: sign in with its address
        invitation = exc.invitation
        return render(request, "workspace/invitation_sign_in.html", {
            "invitation": invitation, "invited_lg": invitation.local_government,
            "masked_email": mask_address(invitation.email),
            "login_url": f"{reverse('account_login')}?next={quote(request.path)}"})
    except ServiceError as exc:
        invitation = getattr(exc, "invitation", None)
        return render(request, "workspace/invitation_error.html", {
            "error": exc, "code": exc.code, "invitation": invitation,
            "invited_lg": invitation.local_government if invitation is not None else None,
            "is_officer": False}, status=_STATUS.get(exc.code, 410))
    return redirect_to_login(request.get_full_path())  # not reached: user None is refused


@sign_in_required
def invitation_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. GET: the local government's name and a button (a GET never
    accepts: mail scanners open links). POST: accept, then the dashboard of that local
    government with a message. A link that cannot be accepted (not valid, expired,
    already used, withdrawn, or for another address than the signed-in one) shows why
    on the page (HTTP 404, 410 or 403), never a 500."""
    invitation = None
    try:
        invitation = services.invitation_for_token(token=token)
        if request.method == "POST":
            services.invitation_accept(token=token, user=request.user)
            messages.success(request, _("Welcome! You are now an officer of %(lg)s.")
                             % {"lg": invitation.local_government.label})
            return redirect("workspace:dashboard", invitation.local_government_id)
        services.invitation_check(invitation=invitation, user=request.user)
    except ServiceError as exc:
        error = exc
        invitation = getattr(exc, "invitation", invitation)
    else:
        return render(request, "workspace/invitation_accept.html", {
            "invitation": invitation, "invited_lg": invitation.local_government,
            "already_officer": Membership.objects.filter(
                user=request.user, local_government_id=invitation.local_government_id
            ).exists()})
    is_officer = invitation is not None and Membership.objects.filter(
        user=request.user, local_government_id=invitation.local_government_id).exists()
    return render(request, "workspace/invitation_error.html", {
        "error": error, "code": error.code, "invitation": invitation,
        "invited_lg": invitation.local_government if invitation is not None else None,
        "is_officer": is_officer,
    }, status=_STATUS.get(error.code, 410))
