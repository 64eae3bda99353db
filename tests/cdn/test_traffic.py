import csv
import html
import io
import json
import math
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cdn.models import BudgetAlert
from cdn.objects import FlowPoint
from cdn.tasks import read_account_flow
from cdn.traffic import GB


def busy_id(demo) -> int:
    return next(d["domainId"] for d in demo.cdn.list() if d["domainName"] == "www.demo-shop.com")


def test_it_charts_a_domains_5_minute_points_with_the_peak_and_95th_percentile_of_the_wire(op, demo, wire):
    domain_id = busy_id(demo)
    page = op.get(f"/cdn/{domain_id}/flow/").content.decode()
    series = chart_data(page, "traffic-chart")
    wire_points = FlowPoint.from_wire_list(demo.cdn.flow(domain_id))  # the default: the last day, 5-minute points
    assert len(series["t"]) == len(wire_points) == 288
    bandwidth = sorted(p.bandwidth for p in wire_points)
    assert series["series"][0]["values"] == [p.bandwidth for p in wire_points]
    assert shown(page, "flow-peak") == approx(bandwidth[-1] / 1e6)
    assert shown(page, "flow-p95") == approx(bandwidth[math.ceil(288 * 0.95) - 1] / 1e6)  # nearest rank
    assert "<tr><td><time" not in page  # the table loads when opened
    table = op.get(f"/cdn/{domain_id}/flow/", {"part": "table"}).content.decode()
    assert table.count("<tr><td><time datetime=") == 288 and "<html" not in table
    assert "The figures cover" in page and 'id="covered-short"' not in page
    weekly = op.get(f"/cdn/{domain_id}/flow/", {"period": "7d"}).content.decode()
    weekly_points = chart_data(weekly, "traffic-chart")["t"]
    if wire == "sdk":  # the SDK's flow call has no window: the last day, once, and the page says so
        assert len(weekly_points) == 288
        assert 'id="covered-short"' in weekly
    else:
        assert len(weekly_points) == 7 * 288 and 'id="covered-short"' not in weekly


def test_it_gives_the_points_as_csv(op, demo):
    domain_id = busy_id(demo)
    answer = op.get(f"/cdn/{domain_id}/flow/", {"format": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    assert 'filename="traffic-www.demo-shop.com.csv"' in answer["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0] == ["time", "flow_bytes", "bandwidth_bps", "requests"]
    wire_points = demo.cdn.flow(domain_id)
    assert [[p["time"], str(p["flow"]), str(p["bandwidth"]), str(p["requests"])] for p in wire_points] == rows[1:]


def test_chosen_days_are_read_in_calls_of_at_most_2016_points(op, demo, sandbox, wire):
    domain_id = busy_id(demo)
    today = timezone.localdate()
    first = today - timedelta(days=9)
    sandbox.forget_requests()
    page = op.get(f"/cdn/{domain_id}/flow/", {"first": first.isoformat(), "last": today.isoformat()}).content.decode()
    calls = sandbox.calls("GET", f"/cdn/flow/{domain_id}")
    assert len(calls) == 2  # 10 days of 5-minute points: 2,880, over two calls
    if wire != "sdk":
        assert 'id="covered-short"' not in page and 'id="traffic-chart"' in page


def test_bad_days_are_refused_next_to_their_field_without_a_call(op, demo, sandbox):
    domain_id = busy_id(demo)
    sandbox.forget_requests()
    today = timezone.localdate()
    answer = op.get(
        f"/cdn/{domain_id}/flow/", {"first": today.isoformat(), "last": (today - timedelta(days=1)).isoformat()}
    )
    page = answer.content.decode()
    assert "The last day must not be before the first." in page and f'value="{today.isoformat()}"' in page
    too_long = op.get(f"/cdn/{domain_id}/flow/", {"first": "2026-01-01", "last": "2026-03-01"}).content.decode()
    assert "At most 31 days at once." in too_long
    assert "Enter a valid date." in op.get(f"/cdn/{domain_id}/flow/", {"first": "soon", "last": ""}).content.decode()
    assert sandbox.calls() == []


def chart_data(page: str, element_id: str) -> dict:
    """What a chart on the page draws (its data-chart)."""
    return json.loads(html.unescape(re.search(rf'id="{element_id}"[^>]*? data-chart="([^"]*)"', page)[1]))


def shown(page: str, element_id: str) -> float:
    return float(re.search(rf'id="{element_id}">([\d.,]+) ', page)[1].replace(",", ""))


def approx(value: float):
    return pytest.approx(value, abs=0.011)  # two decimals shown, rounded or cut


def worker_reads(user, period: str) -> None:
    """What a worker does with the task the page queued: reads and keeps the sums (here, in this process)."""
    read_account_flow(user.pk, user.plcloud.tenant_id, period)


def test_it_sums_the_account_by_area(op, operator, sandbox):
    sandbox.forget_requests()
    page = op.get("/cdn/traffic/", {"period": "24h"}).content.decode()
    assert "The traffic of every domain is being read from Plcloud" in page
    assert sandbox.calls() == []  # the page waits on no flow call, nor any other
    worker_reads(operator, "24h")
    page = op.get("/cdn/traffic/", {"period": "24h"}).content.decode()
    for area in ("<td>Hong Kong</td>", "<td>Overseas</td>", "<td>Mainland China</td>"):
        assert area in page
    assert re.search(r"Read at \d\d:\d\d\.", page) and "being read" not in page
    # The chart draws each area's points, which add up to the area's total in the table.
    chart = chart_data(page, "account-chart")
    assert chart["unit"] == "bytes" and len(chart["t"]) >= 286  # 5-minute points of a day (the first may be missing)
    for line in chart["series"]:
        assert len(line["values"]) == len(chart["t"])
        assert f"<td>{line['label']}</td><td>{sum(line['values']) / GB:.2f}</td>" in page


def test_it_forecasts_days_left_and_warns_below_the_members_threshold(op, operator, demo, wire):
    assert "being read" in op.get("/cdn/balance/").content.decode()
    worker_reads(operator, "7d")
    page = op.get("/cdn/balance/").content.decode()
    if wire == "sdk":  # no balance read: nothing to forecast from, and no warning
        assert "The forecast needs the balance now" in page and "recharge soon" not in page
        return
    days = float(re.search(r"it lasts about ([\d.]+) more days", page).group(1))
    assert days > 0
    assert ("recharge soon" in page) == (days <= 7)  # the default threshold
    op.post("/cdn/balance/alert/", {"alert-warn_days": "1"})
    assert BudgetAlert.objects.get(user=operator).warn_days == 1
    assert ("recharge soon" in op.get("/dashboard/balance/").content.decode()) == (days <= 1)
    op.post("/cdn/balance/alert/", {"alert-warn_days": "365"})
    block = op.get("/dashboard/balance/").content.decode()
    assert ("Fewer than 365 days left: recharge soon." in block) == (days <= 365)


def test_it_refuses_a_threshold_out_of_range(op, operator):
    text = op.post("/cdn/balance/alert/", {"alert-warn_days": "0"}, follow=True).content.decode()
    assert "Enter a whole number of days from 1 to 365." in text
    assert not BudgetAlert.objects.filter(user=operator).exists()
