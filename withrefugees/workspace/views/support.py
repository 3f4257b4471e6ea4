"""Step 3 in the workspace: support requests to UNHCR (materials, a film, exhibition panels,
a speaker...). Gate ``events.request_support``. Officers ask (``support_request_create``,
for one of their events or on its own, in their current language) and follow each request's
status and UNHCR's replies (newest last). A request id in the URL is looked up within the
local government of the URL: another city's id is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from withrefugees.events import selectors_officer, services
from withrefugees.events.forms import SupportRequestForm, support_item_formset

from ..access import workspace_required

RULE = "events.request_support"


@require_http_methods(["GET", "HEAD"])
@workspace_required(RULE)
def support_list(request: HttpRequest, *, lg) -> HttpResponse:
    """The local government's requests, newest first, with their items, status and replies
    (a fixed number of queries)."""
    return render(request, "workspace/support/list.html", {
        "lg": lg, "workspace_page": "support",
        "support_requests": list(selectors_officer.officer_support_requests(lg)),
    })


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_required(RULE)
def support_new(request: HttpRequest, *, lg) -> HttpResponse:
    """GET: the form (``?event=<id>`` chooses one of the local government's events). POST:
    ``support_request_create``, then the request's page with a message; errors: the form
    as typed (400)."""
    data = request.POST if request.method == "POST" else None
    initial = {}
    if data is None and request.GET.get("event", "").isdigit():
        event = selectors_officer.supportable_events(lg).filter(
            pk=int(request.GET["event"][:12])).first()
        if event is not None:
            initial["event"] = event.pk
    form = SupportRequestForm(data, local_government=lg, initial=initial)
    items = support_item_formset(data)
    other_errors: list[str] = []
    if data is not None:
        if all([form.is_valid(), items.is_valid()]):
            cleaned = form.cleaned_data
            try:
                support = services.support_request_create(
                    local_government=lg, actor=request.user, items=items.items(),
                    needed_from=cleaned.get("needed_from"), needed_by=cleaned.get("needed_by"),
                    delivery_address=cleaned.get("delivery_address") or "",
                    message=cleaned.get("message") or "", event=cleaned.get("event"),
                    language=(get_language() or "ja")[:2])
            except ValidationError as exc:
                other_errors = form.add_service_errors(exc)
            else:
                messages.success(request, _("Your request has been sent to UNHCR. Their "
                                            "reply will be emailed to you and shown here."))
                return redirect("workspace:support_request", lg.pk, support.pk)
    has_errors = data is not None
    return render(request, "workspace/support/form.html", {
        "lg": lg, "workspace_page": "support", "form": form, "items": items,
        "other_errors": other_errors, "has_errors": has_errors,
    }, status=400 if has_errors else 200)


@require_http_methods(["GET", "HEAD"])
@workspace_required(RULE)
def support_detail(request: HttpRequest, request_pk: int, *, lg) -> HttpResponse:
    """One request: what was asked, its status and UNHCR's replies (oldest first)."""
    support = selectors_officer.support_request_of(lg, request_pk)
    if support is None:
        raise Http404("No such support request here.")
    return render(request, "workspace/support/detail.html", {
        "lg": lg, "workspace_page": "support", "support": support})
