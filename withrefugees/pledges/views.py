"""Public pages of step 4: the pledge browser (search, filters, live figures) and a public
pledge's page. Thin: ``selectors`` read. Both are cached for anonymous visitors and
invalidated by the audit trail (``core.pagecache``)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors
from .models import Pledge

#: Pledges a page of the browser lists.
PER_PAGE = 20


@require_safe
def browser(request: HttpRequest) -> HttpResponse:
    """The public pledges, searched (``q``) and filtered by area of focus, GCR objective,
    kind, the lead's country, progress, local government (lead or co-pledger) and forum,
    paginated; with the live figures of all public pledges. Parameters not understood are
    named on the page and ignored."""
    query = selectors.browser_query(request.GET)
    figures, choices = selectors.browser_figures_and_choices(query)
    page = Paginator(selectors.browser_pledges(query), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "pledges/browser.html", {
        "query": query, "figures": figures, **choices,
        "active_filters": selectors.browser_active_filters(query, choices),
        "page": page, "items": [selectors.pledge_item(p) for p in page.object_list],
        "page_query": urlencode(query.filter_params()),
        "max_search_length": selectors.MAX_SEARCH_LENGTH,
    })


@require_safe
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The page of a public pledge (submitted to the GCR or published); 404 for any other
    (a draft, one awaiting review or sent back) and for an unknown id."""
    try:
        page = selectors.pledge_page(pk)
    except Pledge.DoesNotExist as exc:
        raise Http404("No such pledge.") from exc
    return render(request, "pledges/pledge.html", {
        "page": page, "item": page.item, "pledge": page.pledge,
        "lg": page.pledge.local_government})
