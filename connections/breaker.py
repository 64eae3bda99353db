"""A circuit breaker per Plcloud service, shared by every web process and worker.

After ``PLCLOUD_BREAKER_THRESHOLD`` failed calls in a row (timeouts, refused or dropped
connections, 5xx; each after the client's own retries) to one service, the panel stops calling
it for ``PLCLOUD_BREAKER_COOLDOWN`` seconds: calls fail at once with ``CircuitOpen`` and every
page shows that Plcloud is unavailable. Once the cooldown is over, one call (in the whole
deployment: ``cache.add`` is atomic in Redis) goes out as a trial; its success closes the
breaker, its failure opens it for another cooldown.

Within one breaker (one client: one page view or one task run), a service that has failed once
is not called again: a page that makes several calls answers within one read timeout (plus the
client's short retry waits), not one timeout per call.

A service is an identity URL or a region's endpoint, so one failing region does not stop the
others. The state lives in Django's cache, not in this process: with ``CACHE_URL`` on Redis all
processes agree; with the default per-process memory each process keeps its own.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from plcloud import CircuitOpen, Unavailable

# The trial call's claim expires on its own if its process dies mid-call.
TRIAL_GRACE_SECONDS = 5


def _keys(service: str) -> tuple[str, str, str]:
    digest = hashlib.sha256(service.rstrip("/").encode()).hexdigest()[:24]
    prefix = f"plcloud:breaker:{digest}"
    return f"{prefix}:fails", f"{prefix}:open-until", f"{prefix}:trial"


def open_until(service: str) -> float | None:
    """When the breaker for that service lets a trial call through, while it is open; else None."""
    if not settings.PLCLOUD_BREAKER_THRESHOLD or not service:
        return None
    until = cache.get(_keys(service)[1])
    return until if until is not None and until > time.time() else None


def any_open(services: list[str]) -> bool:
    """One cache round trip for the page shell's outage banner."""
    if not settings.PLCLOUD_BREAKER_THRESHOLD:
        return False
    keys = [_keys(service)[1] for service in services if service]
    now = time.time()
    return any(until > now for until in cache.get_many(keys).values())


class CacheBreaker:
    """``plcloud.Circuit`` on Django's cache. One per client: it remembers which trial is its own."""

    def __init__(self, threshold: int | None = None, cooldown: float | None = None) -> None:
        self.threshold = settings.PLCLOUD_BREAKER_THRESHOLD if threshold is None else threshold
        self.cooldown = settings.PLCLOUD_BREAKER_COOLDOWN if cooldown is None else cooldown
        self._trials: set[str] = set()
        self._dirty: set[str] = set()  # services with failures or an open state to clear on success
        self._failed_here: dict[str, Unavailable] = {}

    def allow(self, service: str) -> None:
        first = self._failed_here.get(service)
        if first is not None:
            # The same failure again, as one not sent (no method): the page tells it once, truthfully.
            raise type(first)(first.message, status_code=first.status_code)
        if not self.threshold:
            return
        fails_key, open_key, trial_key = _keys(service)
        state = cache.get_many([fails_key, open_key])
        if state:
            self._dirty.add(service)
        until = state.get(open_key)
        if until is None:
            return
        wait = until - time.time()
        trial_ttl = int(settings.PLCLOUD_CONNECT_TIMEOUT + settings.PLCLOUD_READ_TIMEOUT) + TRIAL_GRACE_SECONDS
        if wait <= 0 and cache.add(trial_key, 1, timeout=trial_ttl):
            self._trials.add(service)  # half-open: this call is the trial
            return
        raise CircuitOpen(
            _("Plcloud failed repeatedly; the panel waits %(seconds)s s before calling it again.")
            % {"seconds": max(1, round(wait))}
        )

    def succeeded(self, service: str) -> None:
        if service in self._dirty or service in self._trials:
            cache.delete_many(list(_keys(service)))
            self._dirty.discard(service)
            self._trials.discard(service)

    def failed(self, service: str, error: Unavailable) -> None:
        self._failed_here.setdefault(service, error)
        if not self.threshold:
            return
        fails_key, open_key, trial_key = _keys(service)
        self._dirty.add(service)
        if service in self._trials:
            self._trials.discard(service)
            self._open(open_key)
            cache.delete(trial_key)
            return
        # A failure streak is forgotten after a quiet while, so rare failures never add up.
        cache.add(fails_key, 0, timeout=max(self.cooldown, 60))
        try:
            failures = cache.incr(fails_key)
        except ValueError:  # expired between add and incr
            failures = 1
            cache.set(fails_key, 1, timeout=max(self.cooldown, 60))
        if failures >= self.threshold:
            self._open(open_key)

    def _open(self, open_key: str) -> None:
        # Kept past the cooldown (until a trial succeeds), so the next call after it is a trial.
        cache.set(open_key, time.time() + self.cooldown, timeout=None)
