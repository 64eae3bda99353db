"""Django's Redis cache, except that Redis being down is a cache miss, never an error.

Nothing the panel keeps in the cache is needed to answer a page: cached reads come again from
Plcloud, a kept page is rendered again, and the circuit breaker stays closed while it cannot read
its state (the panel calls Plcloud, as it would without a breaker). So while Redis is down a read
is a miss, a write is skipped, and ``incr`` raises ValueError as for a missing key (what callers
already handle). Sessions are in the database, not here.

A dead Redis must not cost a page one timeout per call: after a failure the process leaves Redis
alone for ``REST_SECONDS``, and logs one warning per outage, not one a call.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import partial

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# A cache on the local network answers in a millisecond, a large entry (a kept page, a domain
# list of thousands) in a few: a second tells a dead or stuck Redis from a busy one, and is what a
# page waits at most before it goes without the cache.
SOCKET_TIMEOUT = 1.0
CONNECT_TIMEOUT = 0.5
# After a failure, the seconds this process makes no call to Redis; then one call tries again.
# Short enough that the cache is back in use soon after Redis is; long enough that a page making
# a dozen cache calls meets at most one timeout.
REST_SECONDS = 5.0


class _Outage:
    """Whether Redis failed lately, shared by every thread of the process (Django makes a cache
    object per thread; the outage is the same for all)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._down = False

    def resting(self) -> bool:
        return time.monotonic() < self._down_until

    def failed(self, error: RedisError) -> None:
        with self._lock:
            self._down_until = time.monotonic() + REST_SECONDS
            first, self._down = not self._down, True
        if first:
            # The type only: a message could name the server with its password.
            logger.warning(
                "the cache (Redis) is unreachable (%s): pages go without it, retrying every %g s",
                type(error).__name__,
                REST_SECONDS,
            )

    def answered(self) -> None:
        if not self._down:
            return
        with self._lock:
            back, self._down = self._down, False
        if back:
            logger.warning("the cache (Redis) answers again")


_OUTAGES: dict[str, _Outage] = {}
_OUTAGES_LOCK = threading.Lock()


def _outage_of(location: str) -> _Outage:
    with _OUTAGES_LOCK:
        return _OUTAGES.setdefault(location, _Outage())


class _OneClientPerServer(RedisCacheClient):
    """Django's client, keeping its redis.Redis objects: Django builds one for every call, which
    costs two thirds of a whole GET's CPU here (0.10 ms against 0.16), and a page makes several. A
    redis.Redis holds no connection of its own (its pool does), so one per server serves every
    call, as Django's pools already do."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        options = params.get("OPTIONS", {})
        params = {
            **params,
            "OPTIONS": {"socket_timeout": SOCKET_TIMEOUT, "socket_connect_timeout": CONNECT_TIMEOUT, **options},
        }
        super().__init__(server, params)
        self._class = _OneClientPerServer
        self._outage = _outage_of(repr(self._servers))

    def _try(self, call, fallback):
        if self._outage.resting():
            return fallback
        try:
            value = call()
        except RedisError as error:
            self._outage.failed(error)
            return fallback
        self._outage.answered()
        return value

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(partial(super().add, key, value, timeout, version), False)

    def get(self, key, default=None, version=None):
        return self._try(partial(super().get, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._try(partial(super().set, key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(partial(super().touch, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._try(partial(super().delete, key, version), False)

    def get_many(self, keys, version=None):
        return self._try(partial(super().get_many, keys, version), {})

    def has_key(self, key, version=None):
        return self._try(partial(super().has_key, key, version), False)

    def incr(self, key, delta=1, version=None):
        value = self._try(partial(super().incr, key, delta, version), None)
        if value is None:
            raise ValueError(f"Key {key!r} not found: the cache is unreachable.")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._try(partial(super().set_many, data, timeout, version), list(data))

    def delete_many(self, keys, version=None):
        self._try(partial(super().delete_many, keys, version), None)

    def clear(self):
        return self._try(super().clear, False)
