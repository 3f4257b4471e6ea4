"""The one gate of workspace pages: ``workspace_required(rule)`` wraps a view taking
``lg_pk``: anonymous visitors go to the sign-in page (and come back); a signed-in person
who fails the rule for that local government gets 403 (404 for an id that does not
exist). The view receives the ``LocalGovernment`` as ``lg``."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from withrefugees.accounts.rules import can
from withrefugees.places.models import LocalGovernment

#: Session key of the local government whose workspace was opened last (the switcher and
#: the workspace home mark it).
SESSION_KEY = "workspace_lg"


def workspace_required(rule: str = "workspace.view") -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, lg_pk: int, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            lg = (LocalGovernment.objects.select_related("region", "country")
                  .filter(pk=lg_pk).first())
            if lg is None:
                raise Http404("No such local government.")
            if not can(request.user, rule, lg):
                raise PermissionDenied
            if request.session.get(SESSION_KEY) != lg.pk:
                request.session[SESSION_KEY] = lg.pk  # the one last opened (switching)
            return view(request, *args, lg=lg, **kwargs)
        return wrapped
    return decorator


def sign_in_required(view: Callable) -> Callable:
    """Anonymous visitors go to the sign-in page and come back."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)
    return wrapped
