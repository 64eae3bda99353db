"""Keys for a member's short-lived cached reads of Plcloud (cdn.selectors, tickets.selectors),
under a cache version of theirs that ``forget`` replaces after any change they make, so their next
read goes upstream."""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache

from connections.tenancy import member_tenant


def _version_key(user_id: int) -> str:
    # The "cdn:" prefix predates tickets' use of it; kept so a deploy finds the versions it left.
    return f"cdn:v:{user_id}"


def key(user, name: str) -> str:
    """The cache key of the member's read ``name`` now (apps keep their names apart)."""
    version_key = _version_key(user.pk)
    version = cache.get(version_key)
    if version is None:
        cache.add(version_key, secrets.token_hex(8), None)  # the first of two requests at once wins
        # None with the cache down: a version of this request's own, so it reads nothing kept
        # from before the member's last change (a change it may not have been told of).
        version = cache.get(version_key) or secrets.token_hex(8)
    # Keyed by tenant too: a member connected to another tenant now never reads the last one's.
    return f"cdn:{user.pk}:{_scope(version, member_tenant(user).tenant_id)}:{name}"


def _scope(version: str, tenant_id: str) -> str:
    """The member's cache version and tenant in one short part (keys stay under 250 characters)."""
    return hashlib.sha256(f"{version}:{tenant_id}".encode()).hexdigest()[:16]


def forget(user) -> None:
    """After a change: the member's next read of anything kept here goes upstream."""
    # A version never used before, not a count: a count that started again (its key evicted from
    # a full cache) could find entries kept from before the member's last change.
    cache.set(_version_key(user.pk), secrets.token_hex(8), None)
