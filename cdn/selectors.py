"""Reads of a member's CDN data (cdn.objects), the domain list through a short per-member cache
that their own changes clear (``forget``, connections.member_cache)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

from cdn import balance, flow_sums
from cdn.models import BudgetAlert
from cdn.objects import CommonUrl, Domain, FlowPoint
from cdn.traffic import CHART_INTERVAL, Range
from connections import member_cache
from plcloud import Client, ProtocolError
from plcloud.cdn import parse_domains

_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


def domains(*, client: Client, user) -> list[Domain]:
    """The member's domains, as Plcloud listed them at most CDN_CACHE_SECONDS ago."""
    return domains_read(client=client, user=user)[0]


def domains_read(*, client: Client, user) -> tuple[list[Domain], datetime]:
    """The member's domains and when Plcloud listed them (at most CDN_CACHE_SECONDS ago)."""
    key = member_cache.key(user, "domains")
    kept = _kept_list(cache.get(key))
    if kept is None:
        body, read_at = client.cdn.list_raw(), time.time()
        cache.set(key, (read_at, body), settings.CDN_CACHE_SECONDS)
        kept = parse_domains(body), read_at
    rows, read_at = kept
    return Domain.from_wire_list(rows), datetime.fromtimestamp(read_at, UTC)


def _kept_list(value: object) -> tuple[list, float] | None:
    """The kept list and when it was read; anything else is a miss (an entry of an earlier
    release, say)."""
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], bytes)):
        return None
    try:
        return parse_domains(value[1]), float(value[0])
    except (ProtocolError, TypeError, ValueError):
        return None


def get_domain(*, client: Client, domain_id: str) -> Domain:
    """One domain, read fresh (the domain page and status polling must tell the truth now),
    routed by the id it was asked for whatever the answer holds, and sent back on the wire as
    Plcloud gave its id (as asked, when the answer gives none)."""
    found = Domain.from_wire(client.cdn.get(domain_id))
    return replace(found, ref=domain_id, wire_id=domain_id if found.wire_id is None else found.wire_id)


def filter_domains(
    rows: list[Domain], *, status: str = "", area: str = "", q: str = "", sort: str = "name"
) -> list[Domain]:
    q = q.strip().lower()
    if status or area or q:
        rows = [
            row
            for row in rows
            if (not status or row.status == status)
            and (not area or area in row.areas)
            and (not q or q in row.name.lower() or ("xn--" in row.name and q in row.display_name.lower()))
        ]
    reverse = sort.startswith("-")
    if sort.lstrip("-") == "created":
        return _by_created(rows, newest_first=reverse)
    keys = {"name": lambda r: r.name, "status": lambda r: (r.status, r.name)}
    return sorted(rows, key=keys.get(sort.lstrip("-"), keys["name"]), reverse=reverse)


def _by_created(rows: list[Domain], *, newest_first: bool) -> list[Domain]:
    """By ``created_at`` (the sandbox's own field, docs/plcloud-api.md): rows without it come
    after the others, in Plcloud's order, whichever way the others go."""
    dated = sorted((row for row in rows if row.created_at), key=lambda r: r.created_at)
    return (dated[::-1] if newest_first else dated) + [row for row in rows if not row.created_at]


def undated(rows: list[Domain]) -> bool:
    """No row says when it was created: a sort by creation cannot be done."""
    return bool(rows) and not any(row.created_at for row in rows)


def flow(*, client: Client, user, domain_id: str, within: Range) -> list[FlowPoint]:
    """The domain's 5-minute traffic points over the range, oldest first, as Plcloud gave them at
    most CDN_CACHE_SECONDS ago: the domain page reads the domain fresh, and its traffic from
    here, so that a page costs one call, not two one after the other. A range longer than one
    call gives takes several; a point answered twice (Plcloud may ignore the window asked: the
    SDK's call has none) counts once. Kept under the member's cache version (their change forgets
    it) and the range (a new point is a new key)."""
    digest = hashlib.sha256(domain_id.encode()).hexdigest()[:16]  # any id Plcloud gives makes a valid key
    span = f"{int(within.start.timestamp())}-{int(within.end.timestamp())}"
    key = member_cache.key(user, f"flow:{digest}:{span}")
    rows = cache.get(key)
    if not isinstance(rows, list):
        rows = []
        for start, end in within.chunks():
            rows += client.cdn.flow(domain_id, start_at=start, end_at=end, interval=CHART_INTERVAL)
        cache.set(key, rows, settings.CDN_CACHE_SECONDS)
    by_time = {}
    for point in FlowPoint.from_wire_list(rows):
        by_time.setdefault(point.time, point)
    return sorted(by_time.values(), key=lambda p: p.at or _LONG_AGO)


def budget_forecast(*, client: Client, user, week: flow_sums.Sums | None = None) -> flow_sums.Outlook:
    """Days of prepaid traffic left at the last seven days' rate, against the member's threshold:
    the balance (cdn/balance.py: one call at most, none when Plcloud is known to offer no balance
    read), the week's traffic as kept (cdn/flow_sums.py; ``week`` if the caller has it already)."""
    alert = BudgetAlert.objects.filter(user=user).first()
    week = week or flow_sums.kept(user=user, period="7d")  # first: its refresh is queued even if the balance fails
    return flow_sums.Outlook(
        balance=balance.read(client=client, user=user), warn_days=alert.warn_days if alert else 7, week=week
    )


def common_urls(*, client: Client, user) -> list[CommonUrl]:
    key = member_cache.key(user, "urls")
    kept = cache.get(key)
    if not isinstance(kept, list):
        kept = client.cdn.list_urls()
        cache.set(key, kept, settings.CDN_CACHE_SECONDS)
    return CommonUrl.from_wire_list(kept)
