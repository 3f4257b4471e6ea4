"""Step 4 in the workspace (stubs: filled by the builder's work)."""

from django.http import Http404, HttpRequest, HttpResponse


def _stub(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    raise Http404


pledge_list = pledge_new = pledge_edit = pledge_submit = pledge_withdraw = _stub
pledge_delete = pledge_start_from = _stub
