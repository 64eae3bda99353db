"""A domain's traffic chart in a real browser: drawn from our own static files under the panel's
CSP, with axes, a value under the pointer, and the table when it is opened."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.cdn.test_traffic import busy_id, worker_reads
from tests.panel_fixtures import PASSWORD


def test_the_chart_has_axes_and_reads_a_value_under_the_pointer(page, operator, connect_demo, demo):
    connect_demo(operator)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, "otto", PASSWORD)
    page.goto(page.url.rstrip("/") + f"/cdn/{busy_id(demo)}/flow/")
    chart = page.locator("#traffic-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(chart.locator(".u-axis")).to_have_count(2)
    value = chart.locator(".u-legend .u-series").nth(1).locator(".u-value")
    box = chart.locator(".u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    expect(value).to_have_text(re.compile(r"^[\d.,]+ (bit/s|Kbit/s|Mbit/s|Gbit/s)$"))
    page.get_by_text(re.compile(r"The 288 points as a table")).click()
    expect(page.locator("#flow-table tbody tr")).to_have_count(288)
    assert errors == []  # no CSP refusal, no script error


def test_the_account_chart_draws_a_line_an_area(page, operator, connect_demo):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)
    page.goto(page.url.rstrip("/") + "/cdn/traffic/?period=7d")  # queues the week's read
    expect(page.locator("#traffic-sums")).to_be_attached()
    worker_reads(operator, "7d")  # what the worker does with the task the page queued
    page.reload()
    chart = page.locator("#account-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    for area in ("Mainland China", "Hong Kong", "Overseas"):
        expect(chart.locator(".u-legend .u-series", has_text=area)).to_have_count(1)
