import re

from cdn.models import BudgetAlert
from cdn.tasks import read_account_flow


def busy_id(demo) -> int:
    return next(d["domainId"] for d in demo.cdn.list() if d["domainName"] == "www.demo-shop.com")


def test_it_draws_and_tabulates_a_domains_flow_with_totals(op, demo, wire):
    page = op.get(f"/cdn/{busy_id(demo)}/flow/").content.decode()
    assert "<svg" in page and "<polyline" in page
    assert page.count("<tr><td><time datetime=") == 288
    assert re.search(r"<dt>Traffic</dt><dd>[\d,.]+\xa0(KB|MB|GB|TB)</dd>", page)
    assert "The figures cover" in page and 'id="covered-short"' not in page
    weekly = op.get(f"/cdn/{busy_id(demo)}/flow/", {"period": "7d"}).content.decode()
    if wire == "sdk":  # the SDK's flow call has no window: the last day, and the page says so
        assert weekly.count("<tr><td><time datetime=") == 288
        assert "Plcloud gave the last 24 hours, not the 7 days asked for" in weekly
    else:
        assert weekly.count("<tr><td><time datetime=") == 7 * 24
        assert 'id="covered-short"' not in weekly


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
    for area in ("<td>hk</td>", "<td>ov</td>", "<td>cn</td>"):
        assert area in page
    assert re.search(r"Read at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0000\.", page) and "being read" not in page


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
    assert ("recharge soon" in op.get("/").content.decode()) == (days <= 1)
    op.post("/cdn/balance/alert/", {"alert-warn_days": "365"})
    assert ("Fewer than 365 days left: recharge soon." in op.get("/").content.decode()) == (days <= 365)


def test_it_refuses_a_threshold_out_of_range(op, operator):
    text = op.post("/cdn/balance/alert/", {"alert-warn_days": "0"}, follow=True).content.decode()
    assert "Enter a whole number of days from 1 to 365." in text
    assert not BudgetAlert.objects.filter(user=operator).exists()
