"""Traffic series: deterministic, windowed, summed over intervals, and bounded."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.sandbox.support import assert_error


def z(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


@pytest.fixture(scope="module")
def busy(demo):
    return demo.domain_named("www.demo-shop.com")


def test_it_answers_the_last_24_hours_in_5_minute_points_by_default(demo, busy):
    before = datetime.now(UTC)
    points = demo.ok("GET", f"/cdn/flow/{busy['domainId']}")
    assert len(points) == 288
    times = [parse(p["time"]) for p in points]
    assert all(b - a == timedelta(minutes=5) for a, b in zip(times, times[1:], strict=False))
    last_whole = before.replace(second=0, microsecond=0) - timedelta(minutes=before.minute % 5)
    assert times[-1] + timedelta(minutes=5) in (last_whole, last_whole + timedelta(minutes=5))
    for point in points:
        assert set(point) == {"time", "flow", "bandwidth", "requests", "areas"}
        assert point["flow"] > 0 and point["requests"] > 0
        assert point["bandwidth"] == round(point["flow"] * 8 / 300)
        assert set(point["areas"]) == set(busy["areas"])
        assert sum(point["areas"].values()) == point["flow"]


def test_it_answers_the_same_numbers_for_the_same_window(demo, busy):
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=3)
    params = {"start_at": z(day), "end_at": z(day + timedelta(hours=6))}
    first = demo.ok("GET", f"/cdn/flow/{busy['domainId']}", params=params)
    assert len(first) == 72
    assert demo.ok("GET", f"/cdn/flow/{busy['domainId']}", params=params) == first


def test_it_sums_5_minute_points_into_hours_and_days(demo, busy):
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)
    window = {"start_at": z(day), "end_at": z(day + timedelta(days=1))}
    path = f"/cdn/flow/{busy['domainId']}"
    fine = demo.ok("GET", path, params=window)
    hourly = demo.ok("GET", path, params={**window, "interval": 3600})
    daily = demo.ok("GET", path, params={**window, "interval": 86400})
    assert (len(fine), len(hourly), len(daily)) == (288, 24, 1)
    for hour, point in enumerate(hourly):
        twelve = fine[hour * 12 : hour * 12 + 12]
        assert point["time"] == twelve[0]["time"]
        assert point["flow"] == sum(p["flow"] for p in twelve)
        assert point["requests"] == sum(p["requests"] for p in twelve)
        assert point["bandwidth"] == round(point["flow"] * 8 / 3600)
    assert daily[0]["flow"] == sum(p["flow"] for p in fine)
    # A busy shop is busier in the Beijing evening (12:00 UTC) than before dawn (20:00 UTC).
    assert hourly[12]["requests"] > hourly[20]["requests"]


def days_ago(days: int) -> datetime:
    """Midnight UTC some days back: inside the seeded domains' 90 days of history."""
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days)


def test_it_takes_times_with_any_offset_or_none(demo, busy):
    path = f"/cdn/flow/{busy['domainId']}"
    day = days_ago(10)
    utc = demo.ok("GET", path, params={"start_at": z(day), "end_at": z(day + timedelta(hours=1))})
    beijing = demo.ok(
        "GET",
        path,
        params={
            "start_at": (day + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
            "end_at": (day + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )
    assert utc == beijing and len(utc) == 12


def test_it_leaves_out_time_before_the_domain_and_in_the_future(demo, fresh_name):
    domain = demo.create_domain(fresh_name)
    assert demo.ok("GET", f"/cdn/flow/{domain['domainId']}") == []
    now = datetime.now(UTC)
    later = {"start_at": z(now + timedelta(hours=1)), "end_at": z(now + timedelta(hours=2)), "interval": 3600}
    assert demo.ok("GET", f"/cdn/flow/{demo.domain_named('www.demo-shop.com')['domainId']}", params=later) == []


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"interval": 60}, "interval"),
        ({"interval": "hour"}, "interval"),
        ({"start_at": "2026-11-02T00:00:00Z", "end_at": "2026-11-01T00:00:00Z"}, "before"),
        ({"start_at": "2026-11-01T00:00:00Z", "end_at": "2026-11-01T00:00:00Z"}, "before"),
        ({"start_at": "2026-09-01T00:00:00Z", "end_at": "2026-10-03T00:00:00Z", "interval": 86400}, "31 days"),
        ({"start_at": "2026-10-01T00:00:00Z", "end_at": "2026-10-08T00:05:00Z"}, "2016"),
        ({"start_at": "yesterday"}, "ISO 8601"),
        ({"end_at": "2026-13-01T00:00:00Z"}, "ISO 8601"),
    ],
)
def test_it_refuses_a_window_that_breaks_a_limit(demo, busy, params, fragment):
    assert_error(demo.get(f"/cdn/flow/{busy['domainId']}", params=params), 400, fragment)


def test_it_takes_the_largest_windows_the_limits_allow(demo, busy):
    path = f"/cdn/flow/{busy['domainId']}"
    start = days_ago(40)
    week = demo.ok("GET", path, params={"start_at": z(start), "end_at": z(start + timedelta(days=7))})
    month = {"start_at": z(start), "end_at": z(start + timedelta(days=31)), "interval": 86400}
    assert (len(week), len(demo.ok("GET", path, params=month))) == (2016, 31)
