"""Reads of a member's CDN data, through a short per-member cache that their own writes clear."""

from __future__ import annotations

import hashlib
import secrets

import orjson
from django.conf import settings
from django.core.cache import cache

from cdn.validators import domain_to_unicode
from connections.services import Pending, client_for_request, read_ahead, ready
from connections.tenancy import request_tenant
from plcloud import PlcloudError
from plcloud.cdn import DOMAINS_PATH
from plcloud.cdn import WRAPPER as CDN_WRAPPER
from plcloud.client import unwrap


def _version_key(user_id: int) -> str:
    return f"cdn:v:{user_id}"


def _key(request, name: str) -> str:
    key = _version_key(request.user.pk)
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(8), None)  # the first of two requests at once wins
        # None with the cache down: a version of this request's own, so it reads nothing kept
        # from before the member's last change (a change it may not have been told of).
        version = cache.get(key) or secrets.token_hex(8)
    # Keyed by tenant too: a member connected to another tenant now never reads the last one's.
    return f"cdn:{request.user.pk}:{_scope(version, request_tenant(request).tenant_id)}:{name}"


def _scope(version: str, tenant_id: str) -> str:
    """The member's cache version and tenant in one short part (keys stay under 250 characters)."""
    return hashlib.sha256(f"{version}:{tenant_id}".encode()).hexdigest()[:16]


def fragment_key(request, name: str) -> str:
    """A key for something rendered from the member's cached reads; cleared with them."""
    return _key(request, "fragment:" + name)


def forget(user) -> None:
    """After a change: the member's next read goes upstream."""
    # A version never used before, not a count: a count that started again (its key evicted from
    # a full cache) could find entries kept from before the member's last change.
    cache.set(_version_key(user.pk), secrets.token_hex(8), None)


def domains(request) -> list[dict]:
    key = _key(request, "domains")
    cached = _unpack(cache.get(key))
    if cached is None:
        cached = _list_and_keep(client_for_request(request), key)
    return cached


def domains_ahead(request) -> Pending[list[dict]]:
    """``domains()`` as a read started ahead (connections.services.read_ahead): the cached list at
    once, or the upstream call running while the page renders around it."""
    key = _key(request, "domains")
    cached = _unpack(cache.get(key))
    if cached is not None:
        return ready(cached)
    return read_ahead(request, lambda client: _list_and_keep(client, key))


def _list_and_keep(client, key: str) -> list[dict]:
    # The answer is kept as it came (bytes cost nothing for the cache to store, where writing a
    # thousand dicts again took 0.2-0.9 ms on the page's way out), once it has been read whole.
    answers: list[bytes] = []
    before = client.on_answer
    client.on_answer = lambda _method, path, body: answers.append(body) if path == DOMAINS_PATH else None
    try:
        found = client.cdn.list()
    finally:
        client.on_answer = before
    if answers:
        cache.set(key, answers[-1], settings.CDN_CACHE_SECONDS)
    return found


def _unpack(value: bytes | None) -> list[dict] | None:
    """The cached list, read from the answer as kept; anything else is a miss (an entry of an
    earlier release, say)."""
    if not isinstance(value, bytes):
        return None
    try:
        found = unwrap(orjson.loads(value), CDN_WRAPPER, "GET", DOMAINS_PATH)
    except (orjson.JSONDecodeError, PlcloudError):
        return None
    return found if isinstance(found, list) else None


def domain(request, domain_id: str) -> dict:
    """One domain, read fresh (the detail page and status polling must tell the truth now), with
    ``ref``: the id the panel routes it by, the one it was asked for whatever the answer holds."""
    return {**client_for_request(request).cdn.get(domain_id), "ref": domain_id}


def _text(row: dict, key: str) -> str:
    """A field that should be text; anything else from Plcloud reads as empty (one odd row must
    not stop a list from showing)."""
    value = row.get(key)
    return value if isinstance(value, str) else ""


def _unicode_name(row: dict) -> str:
    name = _text(row, "domainName")
    return domain_to_unicode(name).lower() if "xn--" in name else name.lower()


def filter_domains(
    rows: list[dict], *, status: str = "", area: str = "", q: str = "", sort: str = "name"
) -> list[dict]:
    q = q.strip().lower()
    rows = [row for row in rows if isinstance(row, dict)]
    if status or area or q:
        rows = [
            row
            for row in rows
            if (not status or row.get("status") == status)
            and (not area or area in (row.get("areas") if isinstance(row.get("areas"), list) else []))
            and (not q or q in _text(row, "domainName").lower() or q in _unicode_name(row))
        ]
    reverse = sort.startswith("-")
    if sort.lstrip("-") == "created":
        return _by_created(rows, newest_first=reverse)
    keys = {
        "name": lambda r: _text(r, "domainName"),
        "status": lambda r: (_text(r, "status"), _text(r, "domainName")),
    }
    return sorted(rows, key=keys.get(sort.lstrip("-"), keys["name"]), reverse=reverse)


def _by_created(rows: list[dict], *, newest_first: bool) -> list[dict]:
    """By ``created_at`` (the sandbox's own field, docs/plcloud-api.md): rows without it come
    after the others, in Plcloud's order, whichever way the others go."""
    dated = sorted((row for row in rows if _text(row, "created_at")), key=lambda r: r["created_at"])
    return (dated[::-1] if newest_first else dated) + [row for row in rows if not _text(row, "created_at")]


def undated(rows: list[dict]) -> bool:
    """No row says when it was created: a sort by creation cannot be done."""
    return bool(rows) and not any(isinstance(row, dict) and _text(row, "created_at") for row in rows)


def flow(request, domain_id: str, period: str) -> tuple[list[dict], int]:
    from cdn.traffic import window

    start, end, interval = window(period)
    return client_for_request(request).cdn.flow(domain_id, start_at=start, end_at=end, interval=interval), interval


def budget_forecast(request, week=None):
    """Days of prepaid traffic left at the last seven days' rate, against the member's threshold:
    the balance (cdn/balance.py: one call at most, none when Plcloud is known to offer no balance
    read), the week's traffic as kept (cdn/flow_sums.py; ``week`` if the caller has it already)."""
    from cdn import balance, flow_sums
    from cdn.models import BudgetAlert

    alert = BudgetAlert.objects.filter(user=request.user).first()
    week = week or flow_sums.kept(request, "7d")  # first: its refresh is queued even if the balance fails
    return flow_sums.Outlook(balance=balance.read(request), warn_days=alert.warn_days if alert else 7, week=week)


def common_urls(request) -> list[dict]:
    key = _key(request, "urls")
    cached = cache.get(key)
    if cached is None:
        cached = client_for_request(request).cdn.list_urls()
        cache.set(key, cached, settings.CDN_CACHE_SECONDS)
    return cached
