"""Shared views: the page shown when a rate limit is hit."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def ratelimited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """HTTP 429 with a translated explanation (django-ratelimit's RATELIMIT_VIEW)."""
    return render(request, "core/ratelimited.html", status=429)
