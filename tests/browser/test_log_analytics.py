"""Log analytics in a real browser: a busy hour is too much for the page, so a job on a real
worker counts all of it; its hit ratio and top URL match a direct count over the same entries."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.cdn.test_log_analytics import counts, direct, shown
from tests.panel_fixtures import PASSWORD


def test_an_analytics_job_counts_a_busy_hour_as_the_wire_gives_it(page, worker, operator, connect_demo, demo, www):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)
    end = timezone.localtime(timezone.now() - timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(hours=1)
    page.goto(f"/cdn/{www['domainId']}/logs/")
    page.get_by_label("From").fill(f"{start:%Y-%m-%dT%H:%M}")
    page.get_by_label("To").fill(f"{end:%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Analytics of this window").click()
    expect(page.locator("#report-cut")).to_be_visible()  # 54,000 entries: more than the page counts
    page.get_by_role("button", name="Count the whole window in the background").click()
    expect(page.locator("#job-state")).to_have_text("Succeeded", timeout=60_000)
    expect(page.locator("#report-entries")).to_have_text(re.compile(r"^54,?000$"))
    wire = counts(direct(demo, www, start, end))
    seen = shown(page.content())
    assert seen["entries"] == wire["entries"] == 54_000
    assert seen["hit_ratio"] == round(wire["hit_ratio"] * 100, 1)
    assert seen["top_url"][1] == wire["top_url"][1]
    expect(page.locator("#status-chart")).to_have_attribute("data-drawn", "1")
