"""A Redis cache that keeps the site answering when Redis is down.

``DegradingRedisCache`` is Django's ``RedisCache`` whose every operation (``get``, ``set``,
``add``, ``incr``, ``delete``, ``touch``, ``has_key``, the ``*_many`` ones, ``clear``, and
their async forms, which call them) falls back to a local-memory cache of this process
(``LocMemCache``, one per alias, shared by its threads) when Redis cannot be reached
(``redis.ConnectionError``, ``redis.TimeoutError``). After a failure Redis is left alone for
``RETRY_AFTER`` seconds (no connection attempt per request while it is down), then tried
again. Each process logs the WARNING "Redis unreachable; …" at most once per
``WARN_EVERY`` seconds.

What it means while Redis is down: rate limits (django-ratelimit counts in the "ratelimit"
alias) count per process, so a client gets up to (processes × limit); cached pages are
per process. Values written locally are not carried over to Redis when it comes back.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: Seconds without trying Redis after it failed.
RETRY_AFTER = 10
#: Seconds between two warnings of one process.
WARN_EVERY = 60
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)

_lock = threading.Lock()
_down_until: dict[str, float] = {}  # LOCATION → monotonic time until which Redis is skipped
_last_warning: dict[str, float] = {}  # LOCATION → monotonic time of the last warning


class DegradingRedisCache(RedisCache):
    """``RedisCache`` (same ``LOCATION``, ``OPTIONS``, ``KEY_PREFIX``...) with a local
    fallback while Redis is unreachable (see the module doc)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        local = {name: params[name] for name in ("TIMEOUT", "KEY_PREFIX", "VERSION",
                                                  "KEY_FUNCTION") if name in params}
        # One LocMemCache store per Redis location and prefix (LocMemCache shares its data
        # between instances of one name, i.e. between the per-thread cache objects).
        self._local = LocMemCache(
            f"redis-fallback:{self._location}:{params.get('KEY_PREFIX', '')}", local)

    def redis_down(self) -> bool:
        """True while Redis is taken as unreachable (after a failure, for a few seconds);
        callers such as ``core.pagecache`` then skip work that needs it."""
        return time.monotonic() < _down_until.get(self._location, 0.0)

    def _fell_back(self, exc: BaseException) -> None:
        now = time.monotonic()
        with _lock:
            _down_until[self._location] = now + RETRY_AFTER
            warn = now - _last_warning.get(self._location, -WARN_EVERY) >= WARN_EVERY
            if warn:
                _last_warning[self._location] = now
        if warn:
            logger.warning("Redis unreachable; rate limits are local to this process and "
                           "the cache is this process's memory (%s: %s)",
                           type(exc).__name__, exc)

    def _call(self, name: str, *args, **kwargs):
        if not self.redis_down():
            try:
                return getattr(super(), name)(*args, **kwargs)
            except REDIS_DOWN as exc:
                self._fell_back(exc)
        return getattr(self._local, name)(*args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
