"""Request-wide rules: dates in the reader's time zone; no NUL character reaches a view."""

import zoneinfo
from collections.abc import Callable
from functools import cache

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

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


class NulCharacterMiddleware:
    """Answer 400 (the translated "bad request" page, saying why) to a request whose path or query
    string holds a NUL character (U+0000, raw or as ``%00``): PostgreSQL refuses NUL in
    text ("cannot contain NUL (0x00) bytes") and no page needs one, so no such input
    reaches a view or the database by any GET path. Form fields sent by POST are refused
    with a message by the forms (``core.forms``), which keep what else was typed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                          for key, values in request.GET.lists()):
            reason = _("The address of this page contains a NUL character (U+0000), an "
                       "invisible control character that no page uses. Remove it, or go "
                       "back and search again.")
            from .views import wants_json  # a script (the autocomplete) gets JSON

            if wants_json(request):
                return JsonResponse({"error": "nul_character", "message": str(reason)},
                                    status=400)
            return render(request, "400.html", {"reason": reason}, status=400)
        return self.get_response(request)


class RefusalTracebackFilter:
    """A ``logging`` filter for ``django.request``: a request refused with 403 (a
    ``PermissionDenied`` raised by a rule check) is logged as one line, without the
    traceback Django attaches, so that guessed ids cannot flood the log with stacks."""

    def filter(self, record) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
