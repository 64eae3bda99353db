"""Traffic figures for pages: periods, totals, the account's sum by area, the budget forecast,
and the chart as an inline SVG (drawn here, so no chart library is fetched from anywhere)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

GB = 1024**3
# period: (length, interval in seconds)
PERIODS = {"24h": (timedelta(hours=24), 300), "7d": (timedelta(days=7), 3600), "30d": (timedelta(days=30), 86400)}


def window(period: str, now: datetime | None = None) -> tuple[datetime, datetime, int]:
    length, interval = PERIODS.get(period, PERIODS["24h"])
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    end = datetime.fromtimestamp(now.timestamp() // interval * interval, UTC)
    return end - length, end, interval


@dataclass(frozen=True)
class Totals:
    flow: int
    requests: int
    peak_bandwidth: int

    @property
    def flow_gb(self) -> float:
        return self.flow / GB


def totals(points: list[dict]) -> Totals:
    return Totals(
        flow=sum(int(p.get("flow") or 0) for p in points),
        requests=sum(int(p.get("requests") or 0) for p in points),
        peak_bandwidth=max((int(p.get("bandwidth") or 0) for p in points), default=0),
    )


def by_area(series: list[list[dict]]) -> dict[str, int]:
    summed: dict[str, int] = {}
    for points in series:
        for point in points:
            for area, flow in (point.get("areas") or {}).items():
                summed[area] = summed.get(area, 0) + int(flow or 0)
    return dict(sorted(summed.items()))


@dataclass(frozen=True)
class Forecast:
    balance_gb: float
    daily_gb: float
    days_left: float | None
    warn_days: int

    @property
    def warning(self) -> bool:
        return self.days_left is not None and self.days_left <= self.warn_days


def forecast(balance_gb: float, flow_last_days: int, days: int, warn_days: int) -> Forecast:
    daily = flow_last_days / GB / days if days else 0.0
    return Forecast(balance_gb, daily, balance_gb / daily if daily > 0 else None, warn_days)


def chart_points(points: list[dict], width: int = 800, height: int = 200) -> str:
    """The polyline of a flow series, scaled to the box; the SVG itself is in the template."""
    if not points:
        return ""
    peak = max(int(p.get("flow") or 0) for p in points) or 1
    step = width / max(len(points) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{height - int(p.get('flow') or 0) / peak * (height - 10):.1f}" for i, p in enumerate(points)
    )
