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
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cdn.balance import Balance
from cdn.models import AccountFlow
from cdn.objects import Domain, FlowPoint, area_label
from cdn.traffic import GB, PERIODS, Coverage, Forecast, coverage, forecast, period_label, window
from connections.breaker import CacheBreaker
from connections.problems import CONNECT_FIRST, ReconnectNeeded, explain
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
# Coarse points where the sums need no finer ones (a 30-day window at 86400 s is 30 points a
# domain); the last 24 hours (and the 24 before) in 5-minute points, 576 a domain: the
# dashboard's peak bandwidth is of 5-minute averages, as on a domain's traffic page.
INTERVALS = {"24h": 300, "7d": 86400, "30d": 86400}
# Periods read with the one before them (the dashboard compares the last 24 hours with the 24 before).
COMPARED = {"24h"}
# The domains with the most traffic, kept by name for the dashboard.
TOP = 10


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
        """Each area's word (Plcloud's code when the panel has none) and its traffic in GB."""
        return [(area_label(area), flow / GB) for area, flow in sorted(self.row.areas.items())]

    @property
    def previous_gb(self) -> float | None:
        """The period before's traffic (None: not read, or Plcloud's points did not reach back)."""
        return None if self.row.previous_flow is None else self.row.previous_flow / GB

    @property
    def chart(self) -> dict:
        """The chart's series (static/js/traffic-chart.js): bytes a point, one line an area."""
        series = self.row.series or {}
        areas = series.get("areas", {})
        return {
            "unit": "bytes",
            "t": series.get("t", []),
            "series": [{"label": a, "values": v} for a, v in areas.items()],
        }

    @property
    def top_domains(self) -> list[tuple[str, float]]:
        return [(name, flow / GB) for name, flow in self.row.top_domains]

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
        raise ReconnectNeeded(_(CONNECT_FIRST))
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
            raise ReconnectNeeded(_(CONNECT_FIRST))
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
        read = _read_all(client, domains, period, started, deadline)
    except PlcloudError as error:  # the list, or the session (every call would be refused)
        row.tried_at, row.problem, row.refresh_queued_at = timezone.now(), explain(error).message, None
        row.save(update_fields=["tried_at", "problem", "refresh_queued_at"])
        return
    row.read_at, row.tried_at, row.problem, row.refresh_queued_at = started, timezone.now(), "", None
    row.flow, row.areas, row.domain_count = read.flow, read.areas, len(domains)
    row.previous_flow = read.previous if period in COMPARED else None
    row.peak_bandwidth = max(read.bandwidth_at.values(), default=0)
    top = sorted(read.by_domain.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    row.top_domains = [[name, flow] for name, flow in top if flow]
    row.series = read.series()
    row.unread_count, row.unread_names = len(read.unread), read.unread[:NAMED]
    row.covered_from, row.covered_to = (read.covered.start, read.covered.end) if read.covered else (None, None)
    row.save()


def _read_seconds() -> float:
    # Past the deadline a call still in flight may take its connection timeout (tried three times)
    # and the retry waits: about 10 s. The task's soft time limit must never cut a read short.
    return min(settings.CDN_TRAFFIC_READ_SECONDS, settings.CELERY_TASK_SOFT_TIME_LIMIT - 20)


@dataclass
class _Read:
    """What a refresh adds up over the domains read."""

    flow: int = 0
    areas: dict = field(default_factory=dict)
    by_domain: dict = field(default_factory=dict)  # name: bytes, in the period
    bandwidth_at: dict = field(default_factory=dict)  # a point's time: the domains' bandwidth summed
    areas_at: dict = field(default_factory=dict)  # a point's time: {area: the domains' bytes summed}
    previous: int | None = None  # bytes in the period before, when Plcloud's points reached back to it
    unread: list = field(default_factory=list)
    covered: Coverage | None = None

    def add(self, name: str, points: list[FlowPoint], start: datetime, interval: int) -> None:
        now = [point for point in points if point.at is None or point.at >= start]
        before = [point for point in points if point.at is not None and point.at < start]
        if before:
            self.previous = (self.previous or 0) + sum(point.flow for point in before)
        domain_covered = coverage(now, interval)
        self.covered = domain_covered.merged(self.covered) if domain_covered else self.covered
        self.by_domain[name] = self.by_domain.get(name, 0) + sum(point.flow for point in now)
        for point in now:
            self.flow += point.flow
            if point.at is not None:
                self.bandwidth_at[point.at] = self.bandwidth_at.get(point.at, 0) + point.bandwidth
            at_time = self.areas_at.setdefault(point.at, {}) if point.at is not None else {}
            for area, flow in point.areas:
                self.areas[area] = self.areas.get(area, 0) + flow
                at_time[area] = at_time.get(area, 0) + flow

    def series(self) -> dict:
        times = sorted(self.areas_at)
        names = sorted({area for at_time in self.areas_at.values() for area in at_time})
        return {
            "t": [int(at.timestamp()) for at in times],
            "areas": {area: [self.areas_at[at].get(area, 0) for at in times] for area in names},
        }


def _read_all(client, domains: list[Domain], period: str, started: datetime, deadline: float) -> _Read:
    """The sums over the domains read, the names of those not read, and the time their points
    cover (whatever window was asked: Plcloud may answer another). For the last 24 hours, the 24
    before are asked too, for the dashboard's comparison."""
    start, end, _interval = window(period, now=started)
    asked_from = start - (end - start) if period in COMPARED else start
    read = _Read()
    for domain in domains:
        name = domain.display_name or domain.ref
        points = _flow(client, domain.ref, start=asked_from, end=end, interval=INTERVALS[period], deadline=deadline)
        if points is None:
            read.unread.append(name)
        else:
            read.add(name, points, start, INTERVALS[period])
    return read


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
