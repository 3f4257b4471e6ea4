"""The workspace home (which local governments I am an officer of) and the dashboard of one
local government (where it stands on the four steps, what to do next, the days until World
Refugee Day, recent activity)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from withrefugees.accounts.rules import can, has_totp

from .. import selectors
from ..access import SESSION_KEY, sign_in_required, workspace_required


@sign_in_required
def home(request: HttpRequest) -> HttpResponse:
    """The local governments the signed-in person is an officer of: exactly one (and not
    staff) → its dashboard; several → a list to choose from, the last one opened marked;
    none → how one gets access. Staff see a link to the admin once they have a second
    factor, else the page to set one up."""
    user = request.user
    local_governments = selectors.officer_local_governments(user)
    is_staff = bool(user.is_staff or user.is_superuser)
    if len(local_governments) == 1 and not is_staff:
        return redirect("workspace:dashboard", local_governments[0].pk)
    return render(request, "workspace/home.html", {
        "local_governments": local_governments,
        "last_lg": request.session.get(SESSION_KEY),
        "is_staff": is_staff,
        "staff_area": can(user, "accounts.staff_area"),
        "has_totp": has_totp(user),
    })


@workspace_required()
def dashboard(request: HttpRequest, lg) -> HttpResponse:
    """The dashboard of the local government ``lg`` (gate: ``workspace.view``)."""
    return render(request, "workspace/dashboard.html", {
        "lg": lg, "workspace_page": "dashboard", "board": selectors.dashboard(lg),
    })
