"""Traffic figures for pages: periods and ranges, totals (the peak and the 95th percentile that
CDN billing uses), the budget forecast, and the series a chart draws (static/js/traffic-chart.js)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.utils.translation import ngettext

from cdn.objects import FlowPoint

GB = 1024**3
# period: (length, interval in seconds)
PERIODS = {"24h": (timedelta(hours=24), 300), "7d": (timedelta(days=7), 3600), "30d": (timedelta(days=30), 86400)}


def asked_period(value: str | None, default: str) -> str:
    """The period a page was asked for, when it is one of PERIODS; else ``default``."""
    return value if value in PERIODS else default


def period_label(period: str) -> str:
    """A period as words, for sentences ("7 days"; the navigation shows "7d")."""
    length, _interval = PERIODS.get(period, PERIODS["24h"])
    if length.days:
        return ngettext("%(n)s day", "%(n)s days", length.days) % {"n": length.days}
    hours = round(length.total_seconds() / 3600)
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}


def window(period: str, now: datetime | None = None) -> tuple[datetime, datetime, int]:
    length, interval = PERIODS.get(period, PERIODS["24h"])
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    end = datetime.fromtimestamp(now.timestamp() // interval * interval, UTC)
    return end - length, end, interval


@dataclass(frozen=True)
class Coverage:
    """The time a flow answer's points cover, read from the points themselves: the SDK's flow call
    takes no window, so Plcloud may answer another one than the panel asked for (the sdk profile
    answers the last day in 5-minute points, whatever was asked)."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    @property
    def days(self) -> float:
        return self.seconds / 86400

    @property
    def length(self) -> str:
        """How long, in words: hours under two days, else days (rounded; pages give the times too)."""
        hours = round(self.seconds / 3600)
        if hours < 48:
            return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
        days = round(self.days)
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}

    def short_of(self, period: str, interval: int) -> bool:
        """Whether it covers clearly less than the period asked in points of ``interval`` seconds:
        more than two intervals missing (a window's first and last may be incomplete, left out)."""
        length, _interval = PERIODS.get(period, PERIODS["24h"])
        return self.seconds < length.total_seconds() - 2 * interval

    def merged(self, other: Coverage | None) -> Coverage:
        return self if other is None else Coverage(min(self.start, other.start), max(self.end, other.end))


def coverage(points: list[FlowPoint], asked_interval: int) -> Coverage | None:
    """From the first point's start to the last point's end. A point lasts as long as the smallest
    gap between points (what Plcloud answered, not what was asked); a lone point, the interval asked."""
    times = sorted({point.at for point in points if point.at is not None})
    if not times:
        return None
    gaps = [(later - earlier).total_seconds() for earlier, later in zip(times, times[1:], strict=False)]
    step = min(gaps) if gaps else asked_interval
    return Coverage(times[0], times[-1] + timedelta(seconds=step))


# A domain's traffic page reads 5-minute points whatever the range: the peak and the 95th
# percentile are of 5-minute averages, as CDN billing counts them. A flow call gives at most
# MAX_POINTS points and MAX_DAYS days (docs/plcloud-api.md), so a long range takes several calls.
CHART_INTERVAL = 300
MAX_POINTS = 2016
MAX_DAYS = 31


@dataclass(frozen=True)
class Range:
    """The time a domain's traffic page shows: a period up to now, or days the member chose."""

    start: datetime
    end: datetime
    period: str  # one of PERIODS, or "custom"

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def chunks(self) -> list[tuple[datetime, datetime]]:
        """Windows of at most MAX_POINTS points each, oldest first."""
        step = timedelta(seconds=MAX_POINTS * CHART_INTERVAL)
        found, start = [], self.start
        while start < self.end:
            found.append((start, min(start + step, self.end)))
            start += step
        return found

    def short(self, covered: Coverage | None) -> bool:
        """Plcloud's points cover clearly less than the range (more than two points missing)."""
        return covered is not None and covered.seconds < self.seconds - 2 * CHART_INTERVAL


def period_range(period: str, now: datetime | None = None) -> Range:
    length, _interval = PERIODS.get(period, PERIODS["24h"])
    now = now or datetime.now(UTC)
    end = datetime.fromtimestamp(now.timestamp() // CHART_INTERVAL * CHART_INTERVAL, UTC)
    return Range(end - length, end, period if period in PERIODS else "24h")


def day_range(first: date, last: date, zone: tzinfo, now: datetime | None = None) -> Range:
    """From the start of ``first`` to the end of ``last`` in the member's time zone, up to now."""
    now = now or datetime.now(UTC)
    start = datetime.combine(first, time.min, zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(UTC)
    latest = datetime.fromtimestamp(now.timestamp() // CHART_INTERVAL * CHART_INTERVAL, UTC)
    return Range(start, min(end, latest), "custom")


@dataclass(frozen=True)
class Totals:
    flow: int
    requests: int
    peak_bandwidth: int
    p95_bandwidth: int

    @property
    def flow_gb(self) -> float:
        return self.flow / GB


def percentile_95(values: list[int]) -> int:
    """The 95th percentile as CDN billing takes it: the samples sorted, the top 5% left out, the
    highest of the rest (nearest rank)."""
    if not values:
        return 0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def totals(points: list[FlowPoint]) -> Totals:
    bandwidth = [p.bandwidth for p in points]
    return Totals(
        flow=sum(p.flow for p in points),
        requests=sum(p.requests for p in points),
        peak_bandwidth=max(bandwidth, default=0),
        p95_bandwidth=percentile_95(bandwidth),
    )


def bandwidth_series(points: list[FlowPoint]) -> dict:
    """What the chart draws: times (Unix seconds) and bandwidth (bit/s)."""
    dated = [p for p in points if p.at is not None]
    return {
        "unit": "bps",
        "t": [int(p.at.timestamp()) for p in dated],
        "series": [{"values": [p.bandwidth for p in dated]}],
    }


@dataclass(frozen=True)
class Forecast:
    balance_gb: float
    daily_gb: float
    days_left: float | None
    warn_days: int

    @property
    def warning(self) -> bool:
        return self.days_left is not None and self.days_left <= self.warn_days


def forecast(balance_gb: float, flow_last_days: int, days: float, warn_days: int) -> Forecast:
    daily = flow_last_days / GB / days if days else 0.0
    return Forecast(balance_gb, daily, balance_gb / daily if daily > 0 else None, warn_days)
