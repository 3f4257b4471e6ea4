"""Public views of step 4 (stubs: filled by the public pages' work)."""

from django.http import Http404, HttpRequest, HttpResponse


def browser(request: HttpRequest) -> HttpResponse:
    raise Http404


def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404
