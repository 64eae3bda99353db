"""The account's traffic summed over its domains: read by a worker, kept, shown by pages.

Plcloud has no account-wide traffic call: the sum takes one flow call per domain. Pages that made
them waited on every one in turn (at 10 s of Plcloud latency the dashboard took 51 s, and at 13 s
gunicorn killed its workers). Now a worker (``cdn.tasks.read_account_flow``) reads the domains
one after another under one deadline (CDN_TRAFFIC_READ_SECONDS) and keeps the sums in
``AccountFlow``, with when they were read and which domains could not be read. Pages show what is
kept and queue a refresh when it is older than CDN_TRAFFIC_REFRESH_SECONDS; they never wait on
Plcloud for it, and poll (htmx) while a refresh runs.

Kept per tenant and period (connections/tenancy.py): the members connected to one Plcloud account
share the figures. They are read under the token of the member whose page asked for them (the
task takes that member's id and the tenant's, and reads only while the member is connected to
that tenant), and shown only to members connected to that tenant.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cdn.balance import Balance
from cdn.models import AccountFlow
from cdn.objects import Domain, FlowPoint
from cdn.traffic import GB, PERIODS, Coverage, Forecast, coverage, forecast, period_label, window
from connections.breaker import CacheBreaker
from connections.problems import ReconnectNeeded, explain
from connections.services import client_for
from connections.tenancy import Tenant, member_tenant
from plcloud import AuthError, PlcloudError

logger = logging.getLogger(__name__)

# A refresh queued this long ago and still not done is taken as lost (the broker was down, its
# worker died) and the next page queues another. Past the task's hard time limit (180 s), with
# time for it to wait in the queue behind other short jobs.
QUEUED_SECONDS = 300
# Unread domains named on the page; the rest are counted (as a list form names its wrong lines).
NAMED = 20
# Coarse points: the sums need no finer ones, and a 30-day window at 86400 s is 30 points a domain.
INTERVALS = {"24h": 3600, "7d": 86400, "30d": 86400}


@dataclass(frozen=True)
class Sums:
    """What a page shows of a period's kept sums."""

    period: str
    row: AccountFlow
    refreshing: bool  # a refresh is queued or running: the page polls until it is done

    @property
    def read(self) -> bool:
        return self.row.read_at is not None

    @property
    def domains_read(self) -> int:
        return self.row.domain_count - self.row.unread_count

    @property
    def flow_gb(self) -> float:
        return self.row.flow / GB

    @property
    def areas_gb(self) -> list[tuple[str, float]]:
        return [(area, flow / GB) for area, flow in sorted(self.row.areas.items())]

    @property
    def unnamed(self) -> int:
        return self.row.unread_count - len(self.row.unread_names)

    @property
    def coverage(self) -> Coverage | None:
        """The time the figures cover, as Plcloud's points said (None: no points came)."""
        if self.row.covered_from is None or self.row.covered_to is None:
            return None
        return Coverage(self.row.covered_from, self.row.covered_to)

    @property
    def period_label(self) -> str:
        return period_label(self.period)

    @property
    def short(self) -> bool:
        """Plcloud gave clearly less time than the period asked (its flow call may ignore the window)."""
        covered = self.coverage
        return covered is not None and covered.short_of(self.period, INTERVALS[self.period])


@dataclass(frozen=True)
class Outlook:
    """The budget forecast: the balance (read now, when Plcloud offers the read) at the rate of
    the week's kept traffic, over the time Plcloud's points covered (the last 7 days, or less)."""

    balance: Balance
    warn_days: int
    week: Sums

    @property
    def balance_gb(self) -> float | None:
        return self.balance.gb

    @property
    def forecast(self) -> Forecast | None:
        # Only from a balance read now: one a past recharge carried has lost the traffic since.
        covered = self.week.coverage
        if not self.week.read or self.balance.gb is None or not self.balance.current:
            return None
        if covered is None:  # no points at all: no traffic; or kept before coverage was, until its next read
            return forecast(self.balance.gb, 0, 7, self.warn_days) if not self.week.row.flow else None
        return forecast(self.balance.gb, self.week.row.flow, covered.days, self.warn_days)

    @property
    def daily_gb(self) -> float | None:
        return self.forecast.daily_gb if self.forecast else None

    @property
    def days_left(self) -> float | None:
        return self.forecast.days_left if self.forecast else None

    @property
    def warning(self) -> bool:
        return bool(self.forecast and self.forecast.warning)


def kept(*, user, period: str) -> Sums:
    """The member's tenant's kept sums for the period, a refresh queued if they are due one.
    Nothing is asked of Plcloud here."""
    tenant = member_tenant(user)
    if not tenant:
        raise ReconnectNeeded(_("Connect your Plcloud account first."))
    row, _created = AccountFlow.objects.get_or_create(tenant_id=tenant.tenant_id, period=period)
    now = timezone.now()
    if _due(row, now) and _claim(row, now):
        _send(user_id=user.pk, tenant_id=tenant.tenant_id, period=period)
    return Sums(period, row, refreshing=_refreshing(row, now))


def _due(row: AccountFlow, now: datetime) -> bool:
    return row.tried_at is None or now - row.tried_at >= timedelta(seconds=settings.CDN_TRAFFIC_REFRESH_SECONDS)


def _refreshing(row: AccountFlow, now: datetime) -> bool:
    return row.refresh_queued_at is not None and now - row.refresh_queued_at < timedelta(seconds=QUEUED_SECONDS)


def _claim(row: AccountFlow, now: datetime) -> bool:
    """Mark the row as being refreshed, unless another page just did (or a refresh just ended):
    of many pages at once, one queues the task."""
    lost = now - timedelta(seconds=QUEUED_SECONDS)
    recent = now - timedelta(seconds=settings.CDN_TRAFFIC_REFRESH_SECONDS)
    claimed = (
        AccountFlow.objects.filter(pk=row.pk)
        .filter(Q(refresh_queued_at__isnull=True) | Q(refresh_queued_at__lt=lost))
        .filter(Q(tried_at__isnull=True) | Q(tried_at__lte=recent))
        .update(refresh_queued_at=now)
    )
    if claimed:
        row.refresh_queued_at = now
    return bool(claimed)


def _send(*, user_id: int, tenant_id: str, period: str) -> None:
    from cdn.tasks import read_account_flow

    try:
        read_account_flow.apply_async(args=[user_id, tenant_id, period])
    except Exception:  # kombu and redis raise many kinds: any failure to publish means "not queued"
        # The mark stays: pages do not each wait on a dead broker; one tries again after QUEUED_SECONDS.
        logger.warning("the task queue is unreachable; the account's traffic is not refreshed", exc_info=True)


def refresh(*, user_id: int, tenant_id: str, period: str) -> None:
    """Read the tenant's domains' flows for the period under the member's token, and keep the sums.

    Run by a worker. Only while the member is active and connected to that tenant: otherwise
    nothing is read, and the next page of a member who is queues it again under their own token.
    """
    row = AccountFlow.objects.filter(tenant_id=tenant_id, period=period).first() if period in PERIODS else None
    if row is None:
        return
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    try:
        if user is None:
            raise ReconnectNeeded(_("Connect your Plcloud account first."))
        client = client_for(user, tenant=Tenant(tenant_id))
    except ReconnectNeeded:
        # Deactivated, connected elsewhere now, or the session ended: the next page of a member
        # connected to the tenant queues it again, under their own token.
        AccountFlow.objects.filter(pk=row.pk).update(refresh_queued_at=None)
        return
    started, deadline = timezone.now(), time.monotonic() + _read_seconds()
    try:
        _bound(client, deadline)
        domains = [domain for domain in Domain.from_wire_list(client.cdn.list()) if domain.ref is not None]
        total, areas, unread, covered = _read_all(client, domains, period, started, deadline)
    except PlcloudError as error:  # the list, or the session (every call would be refused)
        row.tried_at, row.problem, row.refresh_queued_at = timezone.now(), explain(error).message, None
        row.save(update_fields=["tried_at", "problem", "refresh_queued_at"])
        return
    row.read_at, row.tried_at, row.problem, row.refresh_queued_at = started, timezone.now(), "", None
    row.flow, row.areas, row.domain_count = total, areas, len(domains)
    row.unread_count, row.unread_names = len(unread), unread[:NAMED]
    row.covered_from, row.covered_to = (covered.start, covered.end) if covered else (None, None)
    row.save()


def _read_seconds() -> float:
    # Past the deadline a call still in flight may take its connection timeout (tried three times)
    # and the retry waits: about 10 s. The task's soft time limit must never cut a read short.
    return min(settings.CDN_TRAFFIC_READ_SECONDS, settings.CELERY_TASK_SOFT_TIME_LIMIT - 20)


def _read_all(
    client, domains: list[Domain], period: str, started: datetime, deadline: float
) -> tuple[int, dict, list[str], Coverage | None]:
    """The flow and flow by area over the domains read, the names of those not read, and the time
    their points cover (whatever window was asked: Plcloud may answer another)."""
    start, end, _interval = window(period, now=started)
    total, areas, unread, covered = 0, {}, [], None
    for domain in domains:
        points = _flow(client, domain.ref, start=start, end=end, interval=INTERVALS[period], deadline=deadline)
        if points is None:
            unread.append(domain.display_name or domain.ref)
            continue
        domain_covered = coverage(points, INTERVALS[period])
        covered = domain_covered.merged(covered) if domain_covered else covered
        for point in points:
            total += point.flow
            for area, flow in point.areas:
                areas[area] = areas.get(area, 0) + flow
    return total, areas, unread, covered


def _flow(client, ref, *, start: datetime, end: datetime, interval: int, deadline: float) -> list[FlowPoint] | None:
    """One domain's points, or None if it could not be read (or not before the deadline)."""
    if time.monotonic() >= deadline:
        return None
    _bound(client, deadline)
    # A breaker of its own for each domain: within one client, a service that failed once is not
    # called again (right for a page), but one domain's 5xx must not count for the others. The
    # breaker every process shares still opens after PLCLOUD_BREAKER_THRESHOLD failures in a row.
    client.circuit = CacheBreaker()
    try:
        return FlowPoint.from_wire_list(client.cdn.flow(ref, start_at=start, end_at=end, interval=interval))
    except AuthError:
        raise  # the session, not the domain: every other call would be refused too
    except PlcloudError:
        return None


def _bound(client, deadline: float) -> None:
    """No call waits past the deadline."""
    left = max(0.1, deadline - time.monotonic())
    client.timeout = (min(settings.PLCLOUD_CONNECT_TIMEOUT, left), min(settings.PLCLOUD_READ_TIMEOUT, left))
