"""Deployment checks of our own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core import checks

PROCESS_LOCAL = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@checks.register(checks.Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    # The circuit breaker's state and members' cached reads live in the cache: a per-process cache
    # is right for one process only (a member's change would not clear their cached reads in the
    # others, and each process would keep calling a failing Plcloud), and production runs several.
    if settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL:
        return []
    return [
        checks.Warning(
            "The cache is per process (CACHE_URL is not set): a member's change clears their cached "
            "reads in one process only, and each process keeps its own circuit breaker for Plcloud.",
            hint="Set CACHE_URL to a Redis database shared by every web process and worker (docs/deploy.md), "
            "or silence ops.W001 if the panel runs as a single process.",
            id="ops.W001",
        )
    ]
