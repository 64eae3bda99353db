"""The panel on a phone (390 x 844): the header's links behind a menu button, and the list pages'
tables as readable cards, with nothing wider than the screen."""

from playwright.sync_api import expect

from jobs.models import ItemKind, ItemState, Job, JobItem, Kind, State
from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD

WWW = "www.demo-shop.com"
# How far the page and each table reach to the right, in CSS pixels.
WIDTHS = """() => ({
  page: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll("main table")].map((t) => Math.ceil(t.getBoundingClientRect().right)),
})"""


def test_a_phone_gets_a_menu_and_tables_that_fit(page, admin, connect_demo, demo):
    connect_demo(admin)
    domain = next(d for d in demo.cdn.list() if d["domainName"] == WWW)
    job = Job.objects.create(
        owner=admin, tenant_id=admin.plcloud.tenant_id, kind=Kind.FLUSH, domain_id=str(domain["domainId"]),
        domain_name=WWW, state=State.FAILED, progress=100, error="origin refused",
    )  # fmt: skip
    JobItem.objects.create(
        job=job, url=f"https://{WWW}/a/rather/long/path/to/a/stylesheet/that/was/flushed.css",
        kind=ItemKind.URL, state=ItemState.FAILED, error="Plcloud refused the URL: not under the domain",
    )  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ada", PASSWORD)
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Jobs")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(WIDTHS)["page"] <= 390
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(menu).to_be_focused()
    menu.click()
    nav.get_by_role("link", name="Jobs").click()
    expect(page.get_by_role("heading", name="Jobs")).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")  # a new page starts with it closed

    ref = domain["domainId"]
    lists = ("/cdn/", "/jobs/", f"/jobs/{job.pk}/", "/tickets/", "/audit/", "/team/", "/cdn/urls/")
    others = (f"/cdn/{ref}/", f"/cdn/{ref}/flow/", f"/cdn/{ref}/logs/", "/cdn/traffic/", "/cdn/balance/")
    others += (f"/jobs/flush/new/?domain={ref}", "/jobs/prefetch/new/", "/tickets/new/", "/connection/", "/")
    others += ("/alerts/", f"/cdn/{ref}/logs/analytics/")
    assert_fits(page, lists + others)
    # A card names each value with its column's heading.
    page.goto("/jobs/")
    cell = page.locator("main tbody tr", has_text=f"#{job.pk}").locator("td").nth(1)
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"Kind"'
    # Rows htmx swaps in get their labels too: a running job's page redraws its items every 2 s.
    job.state = State.RUNNING
    job.save()
    page.goto(f"/jobs/{job.pk}/")
    page.evaluate("document.body.addEventListener('htmx:afterSwap', () => { window.swapped = true; })")
    page.wait_for_function("() => window.swapped === true")
    assert page.locator("#job-progress tbody td").first.get_attribute("data-label") == "URL"

    # The domain list's "select all" stays in reach above the cards, with its words beside it.
    page.goto("/cdn/")
    every = page.get_by_label("Select all domains on this page")
    expect(every).to_be_visible()
    expect(page.locator("label[for=pick-all]")).to_be_visible()
    every.check()
    boxes = page.locator('main input[name="ids"]')
    assert boxes.count() > 1 and all(boxes.nth(n).is_checked() for n in range(boxes.count()))
    assert page.evaluate(WIDTHS)["page"] <= 390

    # A wide screen shows the table and the header as before, with no menu button.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(menu).to_be_hidden()
    expect(nav.get_by_role("link", name="Jobs")).to_be_visible()
    expect(page.locator("main thead").first).to_be_visible()

    # The same in Chinese: the language switch is in the menu.
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#menu-toggle").click()
    page.locator("#language").select_option("zh-hans")
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#menu-toggle")).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    assert_fits(page, lists)
    page.goto("/jobs/")
    cell = page.locator("main tbody tr", has_text=f"#{job.pk}").locator("td").nth(1)
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") == '"类型"'


def assert_fits(page, urls) -> None:
    for url in urls:
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        widths = page.evaluate(WIDTHS)
        assert widths["page"] <= 390, f"{url}: {widths}"
        assert max(widths["tables"], default=0) <= 390, f"{url}: {widths}"
