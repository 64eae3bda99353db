"""CDN pages in a real browser: live status, batch actions, recharge, and what a viewer sees."""

import uuid

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.cdn.conftest import balance_upstream
from tests.panel_fixtures import PASSWORD


def test_it_shows_a_new_domain_go_online_without_a_reload(page, operator, connect_demo, sandbox):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)
    # Long enough that a busy machine still shows the list before the domain is online.
    sandbox.set_timings(config_delay=6)
    try:
        name = f"live-{uuid.uuid4().hex[:8]}.panel-test.com"
        page.goto("/cdn/new/")
        page.get_by_label("Domain name").fill(name)
        page.get_by_label("Origin IPs").fill("114.114.114.114")
        page.get_by_label("Hong Kong (hk)").check()
        page.get_by_role("button", name="Create domain").click()
        page.goto(f"/cdn/?q={name}")
        row = page.locator("tr", has_text=name)
        expect(row.get_by_text("Configuring")).to_be_visible()
        page.evaluate("window.notReloaded = true")
        expect(row.get_by_text("Online")).to_be_visible(timeout=20_000)
        assert page.evaluate("window.notReloaded") is True
    finally:
        sandbox.reset_timings()


def test_it_deletes_every_domain_on_the_page_after_its_confirmation_and_returns_to_the_list(
    page, operator, connect_demo, demo, sandbox
):
    connect_demo(operator)
    tag = uuid.uuid4().hex[:8]
    names = [f"{x}-{tag}.panel-test.com" for x in ("a", "b", "c")]
    sandbox.set_timings(config_delay=6)  # still configuring when ticked: their rows are polled
    try:
        for name in names:
            demo.cdn.create(name, ["114.114.114.114"], ["ov"])
        sign_in(page, "otto", PASSWORD)
        page.goto(f"/cdn/?q={tag}&area=ov&sort=name")
        expect(page.locator("tr", has_text=names[0]).get_by_text("configuring")).to_be_visible()
        every = page.get_by_label("Select all domains on this page")
        every.check()
        for name in names:
            # Each row is swapped in again once its domain is online: the tick stays.
            expect(page.locator("tr", has_text=name).get_by_text("online")).to_be_visible(timeout=20_000)
            expect(page.get_by_label(f"Select {name}")).to_be_checked()
    finally:
        sandbox.reset_timings()
    page.get_by_label(f"Select {names[0]}").uncheck()
    expect(every).not_to_be_checked()
    every.check()
    page.get_by_label("With the selected domains").select_option("delete")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Delete domains")).to_be_visible()
    targets = page.locator("#batch-targets tbody tr")
    expect(targets).to_have_count(3)
    for name in names:
        expect(targets.filter(has_text=name)).to_have_count(1)
    assert {d["domainName"] for d in demo.cdn.list()} >= set(names)  # nothing sent yet
    page.get_by_label("Type the number of domains to delete").fill("2")
    page.get_by_role("button", name="Delete 3 domains").click()
    expect(page.get_by_text("Type 3, the number of domains that will be deleted.")).to_be_visible()
    page.get_by_label("Type the number of domains to delete").fill("3")
    page.get_by_role("button", name="Delete 3 domains").click()
    expect(page.get_by_text(f"Done for {', '.join(names)}.")).to_be_visible()
    assert page.url.endswith(f"/cdn/?q={tag}&area=ov&sort=name")
    expect(page.get_by_label("Search")).to_have_value(tag)
    expect(page.get_by_label("Area")).to_have_value("ov")
    expect(page.get_by_text("No domain matches these filters.")).to_be_visible()
    assert not {d["domainName"] for d in demo.cdn.list()} & set(names)


def test_it_recharges_and_shows_the_new_balance(page, operator, connect_demo, sandbox):
    connect_demo(operator)
    before = balance_upstream(sandbox)
    sign_in(page, "otto", PASSWORD)
    page.goto("/cdn/balance/")
    page.get_by_label("Traffic to add (GB)").fill("12")
    page.get_by_label("I confirm this recharge").check()
    page.get_by_role("button", name="Recharge").click()
    expect(page.get_by_text(f"the balance is now {before + 12} GB")).to_be_visible()


def test_it_shows_a_viewer_no_change_controls(page, viewer, connect_demo):
    connect_demo(viewer)
    sign_in(page, "vera", PASSWORD)
    page.goto("/cdn/?q=demo-shop")  # domains other tests leave behind may fill the first page
    expect(page.get_by_role("cell", name="www.demo-shop.com", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Add domain")).to_have_count(0)
    expect(page.get_by_role("button", name="Apply")).to_have_count(0)
    page.get_by_role("link", name="www.demo-shop.com", exact=True).click()
    expect(page.get_by_role("button", name="Disable")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete domain")).to_have_count(0)


def test_the_dashboard_forecast_and_account_traffic_fill_in_without_a_reload_once_a_worker_read_them(
    page, operator, connect_demo, worker, wire
):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)  # lands on the dashboard, which queues the week's read
    forecast = page.locator("#forecast")
    # The sdk profile has no balance read: the card says so, and still fills in the week's traffic.
    expect(forecast).to_contain_text("GB prepaid traffic left" if wire == "default" else "offers no balance read")
    page.evaluate("window.notReloaded = true")
    if wire == "default":
        expect(forecast).to_contain_text("more days", timeout=30_000)
    expect(forecast.get_by_text("Read at")).to_be_visible(timeout=30_000)
    assert page.evaluate("window.notReloaded") is True
    page.goto("/cdn/traffic/?period=30d")
    sums = page.locator("#traffic-sums")
    page.evaluate("window.notReloaded = true")
    expect(sums.get_by_role("cell", name="hk", exact=True)).to_be_visible(timeout=30_000)
    expect(sums.get_by_text("Read at")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
