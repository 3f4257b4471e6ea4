"""Whole-page cache of the public pages for anonymous visitors, with explicit invalidation.

What is cached: the ``200`` answer to an anonymous ``GET`` (a ``HEAD`` is answered from it
too) of one of ``CACHED_VIEWS`` (home, statement, privacy notice, directory, map, a profile,
the events calendar, an event, World Refugee Day of a year, the iCalendar feeds, the pledge
browser, a pledge). The key
is the generation (below), scheme, host, path (its ``/ja/`` or ``/en/`` prefix is the
language), the query string with its parameters sorted, and the ``tz`` cookie (pages may show
times in the reader's zone: ``core.middleware.TimezoneMiddleware``).

Who is never served from it, nor stored: a request carrying a session cookie (a signed-in
staff member, a signer whose session holds a signature or a message) or a ``messages`` cookie;
another method (``POST``); a query string longer than ``MAX_QUERY_LENGTH``. What is never
stored: any answer other than a plain ``200``, one that sets a cookie (e.g. a CSRF token: a page
with a form never enters the cache, and the sign form is not in ``CACHED_VIEWS`` anyway), one
marked ``Cache-Control: private``/``no-store``, one that varies on anything but ``Cookie`` and
``Accept-Language``, and one whose rendering used the CSP nonce (a nonce must be new per
answer).

Invalidation: a *generation* token in the shared cache ``default`` (Redis with ``REDIS_URL``,
else the database cache) is replaced after every committed write that changes public content:
``core.audit.audit_record`` registers ``public_pages_changed`` with ``transaction.on_commit``
(every service writes an audit row), and ``manage.py release`` calls it after loading data.
Pages are kept in each server process's memory (``LocalPages``, at most ``MAX_BYTES``), keyed
by the generation, and each process reads the shared generation at most once every
``GENERATION_CHECK_SECONDS`` (1 s): what staff publish shows on every server within about
a second, and a cached page costs no query and no network round trip. The process that made the
write sees it at once. ``settings.PAGE_CACHE_SECONDS`` (default 600) is the longest a page is
kept even without a write; ``0`` turns the cache off (the tests do, except its own).

When the shared cache cannot be read, or ``core.cache.DegradingRedisCache`` says Redis is down
(its values are then this process's own), pages are rendered as without the cache, the local
pages are dropped, and a failure to read is logged.
"""

import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re

from .middleware import COOKIE as TZ_COOKIE

logger = logging.getLogger(__name__)

#: URL names (``namespace:name``) whose anonymous GET answers are cached.
CACHED_VIEWS = frozenset({
    "campaign:home", "campaign:statement", "campaign:privacy", "campaign:directory",
    "campaign:map", "profiles:profile",
    # Step 3: the calendar, an event, World Refugee Day of a year, the iCalendar feeds (the
    # redirect to the latest World Refugee Day is not a 200 and is never stored).
    "events:calendar", "events:event", "events:world_refugee_day",
    "events:feed_all", "events:feed_kind", "events:feed_local_government", "events:feed_event",
    # Step 4: the pledge browser and a pledge's page.
    "pledges:browser", "pledges:pledge",
})
GENERATION_KEY = "pagecache:generation"
GENERATION_CHECK_SECONDS = 1.0
MAX_BYTES = 64 * 1024 * 1024  # per process
MAX_PAGE_BYTES = 4 * 1024 * 1024  # a larger page is not kept
MAX_QUERY_LENGTH = 256
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
_VARY_OK = frozenset({"cookie", "accept-language"})
HIT_HEADER = "X-Page-Cache"


class LocalPages:
    """A thread-safe least-recently-used store of ``key -> (stored_at, status, headers, body)``
    of at most ``MAX_BYTES`` bodies, emptied when the generation changes."""

    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.generation: str | None = None
        self._pages: OrderedDict[str, tuple[float, int, list[tuple[str, str]], bytes]] = \
            OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def get(self, key: str, generation: str, max_age: float):
        with self._lock:
            if generation != self.generation:
                self._pages.clear()
                self._bytes = 0
                self.generation = generation
                return None
            page = self._pages.get(key)
            if page is None:
                return None
            if time.monotonic() - page[0] > max_age:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, generation: str, status: int, headers: list[tuple[str, str]],
            body: bytes) -> None:
        with self._lock:
            if generation != self.generation:
                return  # written under an older generation: would be stale
            self._drop(key)
            self._pages[key] = (time.monotonic(), status, headers, body)
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._pages:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: str) -> None:
        page = self._pages.pop(key, None)
        if page is not None:
            self._bytes -= len(page[3])


_pages = LocalPages()
_generation = {"value": None, "checked": -1e9}


def _new_token() -> str:
    return uuid.uuid4().hex


def current_generation() -> str | None:
    """The shared generation token, read from cache ``default`` at most once a second per
    process; ``None`` (no caching) while the cache cannot be read."""
    now = time.monotonic()
    if now - _generation["checked"] < GENERATION_CHECK_SECONDS:
        return _generation["value"]
    try:
        cache = caches["default"]
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, _new_token(), timeout=None)
            value = cache.get(GENERATION_KEY)
        # core.cache.DegradingRedisCache answers from this process's memory while Redis is
        # down: a generation there is not shared, so a write elsewhere would not show.
        if getattr(cache, "redis_down", lambda: False)():
            value = None
    except Exception:  # cache table missing, a cache server error: pages as without cache
        logger.warning("page cache: the shared cache cannot be read; pages are not cached",
                       exc_info=True)
        value = None
    if value is None:
        _pages.clear()  # writes made meanwhile may not have reached the shared generation
    _generation.update(value=value, checked=now)
    return value


def public_pages_changed() -> None:
    """Invalidate every cached page on every server (after a committed write that changes
    what public pages show). Never raises: a failure is logged, and pages then expire after
    ``PAGE_CACHE_SECONDS``."""
    token = _new_token()
    try:
        caches["default"].set(GENERATION_KEY, token, timeout=None)
    except Exception:
        logger.warning("page cache: could not publish a new generation", exc_info=True)
        token = None
    # This process sees its own write at once (a failed publish: no caching for a second).
    _generation.update(value=token, checked=time.monotonic())
    _pages.clear()


def reset() -> None:
    """Forget the local pages and the remembered generation (tests)."""
    _pages.clear()
    _pages.generation = None
    _generation.update(value=None, checked=-1e9)


@lru_cache(maxsize=4096)
def _cacheable_path(path: str) -> bool:
    """True when ``path`` resolves, in the language of its prefix, to one of ``CACHED_VIEWS``."""
    language = path.split("/", 2)[1] if path.count("/") >= 2 else ""
    if language not in {code for code, _name in settings.LANGUAGES}:
        return False
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return False
    return match.view_name in CACHED_VIEWS


def _key(request: HttpRequest, generation: str) -> str:
    """The parameters as the view reads them (decoded: ``%71`` is ``q``), sorted by name
    only: the values of a repeated name keep their order
    (``?q=Tokyo&q=Osaka`` and ``?q=Osaka&q=Tokyo`` are different pages; a view reads the
    last one). The parts are length-prefixed (JSON), so no value can pass for another."""
    params = sorted(request.GET.lists(), key=lambda item: item[0])  # decoded names
    return json.dumps([generation, request.scheme, request.get_host(), request.path,
                       params, request.COOKIES.get(TZ_COOKIE, "")], ensure_ascii=False)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if len(response.content) > MAX_PAGE_BYTES:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # the page carries a CSRF token
    nonce = getattr(request, "csp_nonce", None)
    if nonce is not None and bool(nonce):
        return False  # a CSP nonce is used in the page: it must be new for every answer
    cache_control = {v.strip().lower() for v in
                     cc_delim_re.split(response.headers.get("Cache-Control", ""))}
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.headers.get("Vary", ""))}
    return not (vary - _VARY_OK - {""})


class PageCacheMiddleware:
    """Serve and store public pages (see the module's docstring). Placed after the middleware
    that add security headers to every answer (they add them to cached answers too) and
    before the session, so that a cached page skips the rest of the stack and the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        max_age = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        if (not max_age or request.method not in ("GET", "HEAD")
                or settings.SESSION_COOKIE_NAME in request.COOKIES
                or MESSAGES_COOKIE in request.COOKIES
                or len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH
                or not _cacheable_path(request.path_info)):
            return self.get_response(request)
        generation = current_generation()
        if generation is None:
            return self.get_response(request)
        key = _key(request, generation)
        page = _pages.get(key, generation, max_age)
        if page is not None:
            _stored_at, status, headers, body = page
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers[HIT_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and _storable(request, response):
            _pages.put(key, generation, response.status_code, list(response.headers.items()),
                       response.content)
        return response
