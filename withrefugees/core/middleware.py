"""Show dates and times in the reader's time zone."""

import zoneinfo
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

COOKIE = "tz"  # set by static/js/tz.js from Intl.DateTimeFormat().resolvedOptions()


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class TimezoneMiddleware:
    """Activate the IANA time zone named in the ``tz`` cookie (e.g. ``Europe/Zurich``);
    without a valid one, ``settings.TIME_ZONE`` (Asia/Tokyo) applies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.COOKIES.get(COOKIE, "")
        if name and name in _zones():
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        return self.get_response(request)
