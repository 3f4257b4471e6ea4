"""Place search for the sign form's autocomplete (JSON)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe
from django_ratelimit.decorators import ratelimit

from .selectors import local_government_search


@require_safe
# Per address, and generous: the officers of a whole prefecture can reach the internet
# through one LGWAN gateway address, and each keystroke is a request. Over the limit the
# answer is JSON too (core.views.ratelimited): {"busy": true, "message": …}.
@ratelimit(key="ip", rate="1200/m", block=True)
def search_json(request: HttpRequest) -> JsonResponse:
    """``GET ?q=渋谷`` → ``{"results": [{"id", "label", "kind", "code"}]}`` (at most 10)."""
    query = request.GET.get("q", "")[:100]
    results = [
        {"id": lg.pk, "label": lg.label, "kind": lg.get_kind_display(),
         "code": lg.jis_code or ""}
        for lg in local_government_search(query, limit=10)
    ]
    return JsonResponse({"results": results})
