"""The dashboard's blocks: each read on its own, so that one failing leaves the others showing.

The page itself reads the database only (the kept traffic, jobs, the audit). The blocks that
need Plcloud (domains, tickets, the balance, whether the identity service answers) are loaded
by the page in parallel, one request each (htmx), and go through the member's short cache:
no view waits on several Plcloud calls one after another.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from audit.selectors import entries_for
from cdn import flow_sums
from cdn import selectors as cdn_selectors
from cdn.objects import STATUSES, Domain, status_label
from connections.tenancy import Tenant
from jobs.models import State
from jobs.selectors import jobs_for
from plcloud import Client
from tickets import selectors as ticket_selectors
from tickets.models import Status

NAMED = 5  # rows named in a block; the rest are counted
ACTIVE = (State.QUEUED, State.RUNNING, State.WAITING, State.ATTENTION)
FAILED = (State.FAILED, State.PARTIAL)
FAILED_WITHIN = timedelta(hours=24)


@dataclass(frozen=True)
class DomainsBlock:
    read_at: datetime
    total: int
    by_status: list[tuple[str, str, int]]  # (status, its words, count): every status Plcloud gave, known ones first
    configuring: list[Domain]  # named, the stuck ones first
    stuck: int


def domains_block(*, client: Client, user) -> DomainsBlock:
    rows, read_at = cdn_selectors.domains_read(client=client, user=user)
    counts = Counter(domain.status or "?" for domain in rows)
    known = [(status, counts.pop(status)) for status in STATUSES if status in counts]
    configuring = sorted((d for d in rows if d.transitional), key=lambda d: (not d.stuck, d.display_name))
    return DomainsBlock(
        read_at=read_at,
        total=len(rows),
        by_status=[(status, status_label(status), n) for status, n in known + sorted(counts.items())],
        configuring=configuring,
        stuck=sum(d.stuck for d in configuring),
    )


@dataclass(frozen=True)
class TicketsBlock:
    read_at: datetime
    for_team: list  # support answered: the team's turn
    for_support: list  # open: support's turn


def tickets_block(*, client: Client, user) -> TicketsBlock:
    rows, read_at = ticket_selectors.recent_tickets_read(client=client, user=user)
    rows = ticket_selectors.newest_first(rows)
    return TicketsBlock(
        read_at=read_at,
        for_team=[t for t in rows if t.status == Status.ANSWERED],
        for_support=[t for t in rows if t.status == Status.OPEN],
    )


@dataclass(frozen=True)
class JobsBlock:
    active: list
    active_count: int
    failed: list
    failed_count: int
    read_at: datetime = field(default_factory=timezone.now)  # the database's, so: now


def jobs_block(*, user, tenant: Tenant) -> JobsBlock:
    """Running (or waiting) jobs, and those that failed in the last 24 hours; the database only."""
    active = jobs_for(user=user, tenant=tenant).filter(state__in=ACTIVE)
    since = timezone.now() - FAILED_WITHIN
    failed = jobs_for(user=user, tenant=tenant).filter(state__in=FAILED, finished_at__gte=since)
    return JobsBlock(
        active=list(active[:NAMED]),
        active_count=active.count(),
        failed=list(failed[:NAMED]),
        failed_count=failed.count(),
    )


def traffic_block(*, user) -> flow_sums.Sums:
    """The last 24 hours as kept (a refresh queued if due): never a Plcloud call here."""
    return flow_sums.kept(user=user, period="24h")


def last_changes(*, user, tenant: Tenant) -> list:
    return list(entries_for(user, tenant=tenant).order_by("-at")[:NAMED])
