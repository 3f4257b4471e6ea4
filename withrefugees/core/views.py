"""Shared views: the answer given when a rate limit is hit."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def wants_json(request: HttpRequest) -> bool:
    """True for requests of the site's scripts: ``Accept: application/json`` first, or a
    ``.json`` address."""
    accept = request.headers.get("Accept", "")
    return request.path.endswith(".json") or accept.split(",")[0].strip().startswith(
        "application/json")


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """HTTP 429 (django-ratelimit's RATELIMIT_VIEW): a translated page, or for a script's
    JSON request ``{"busy": true, "message": …, "results": []}``, so that the script can
    say the search is busy instead of "nothing found"."""
    if wants_json(request):
        return JsonResponse({"busy": True, "results": [], "message": _(
            "The search is busy. Please wait a moment and type again.")}, status=429)
    return render(request, "core/ratelimited.html", status=429)
