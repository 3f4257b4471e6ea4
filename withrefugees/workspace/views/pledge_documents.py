"""Step 4 in the workspace (stub)."""

from django.http import Http404, HttpRequest, HttpResponse


def _stub(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise Http404


pledge_docx = pledge_pdf = _stub
