"""Traffic figures for pages: periods, totals, the account's sum by area, the budget forecast,
and the chart as an inline SVG (drawn here, so no chart library is fetched from anywhere)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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


@dataclass(frozen=True)
class Totals:
    flow: int
    requests: int
    peak_bandwidth: int

    @property
    def flow_gb(self) -> float:
        return self.flow / GB


def totals(points: list[FlowPoint]) -> Totals:
    return Totals(
        flow=sum(p.flow for p in points),
        requests=sum(p.requests for p in points),
        peak_bandwidth=max((p.bandwidth for p in points), default=0),
    )


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


def chart_points(points: list[FlowPoint], width: int = 800, height: int = 200) -> str:
    """The polyline of a flow series, scaled to the box; the SVG itself is in the template."""
    if not points:
        return ""
    peak = max(p.flow for p in points) or 1
    step = width / max(len(points) - 1, 1)
    return " ".join(f"{i * step:.1f},{height - p.flow / peak * (height - 10):.1f}" for i, p in enumerate(points))
