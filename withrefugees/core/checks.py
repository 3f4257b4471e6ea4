"""System checks of this project's own settings (``manage.py check``).

- ``core.E001``: the cache that django-ratelimit counts in (``RATELIMIT_USE_CACHE``) must
  increment atomically across processes, or concurrent requests lose counts and a client
  gets more than its limit. Django's database, file and local-memory caches do not
  (django-ratelimit's own list, ``django_ratelimit.checks``); Redis, Memcached and
  diskcache's ``DjangoCache`` (one SQLite transaction per increment) do.
"""

from django.conf import settings
from django.core import checks

ATOMIC_CACHE_BACKENDS = {
    "django.core.cache.backends.redis.RedisCache",
    "withrefugees.core.cache.DegradingRedisCache",  # Redis; per process while Redis is down
    "django_redis.cache.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
    "diskcache.DjangoCache",
    "diskcache.djangocache.DjangoCache",
}


@checks.register(checks.Tags.caches)
def check_ratelimit_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """``core.E001`` when the rate-limit cache is missing or not atomic."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    config = settings.CACHES.get(alias)
    if config is None:
        return [checks.Error(f"RATELIMIT_USE_CACHE names the cache {alias!r}, which is not in "
                             "CACHES.", id="core.E001")]
    if config["BACKEND"] not in ATOMIC_CACHE_BACKENDS:
        return [checks.Error(
            f"The rate-limit cache {alias!r} ({config['BACKEND']}) does not increment "
            "atomically across processes.",
            hint="Use Redis (REDIS_URL) or diskcache.DjangoCache.", id="core.E001")]
    return []
