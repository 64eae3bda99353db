"""The main pages under the Content-Security-Policy: they work, and the browser blocks nothing."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD


def test_the_main_pages_run_with_no_policy_violation(page, admin, connect_demo, demo):
    connect_demo(admin)
    domain = next(d for d in demo.cdn.list() if d["domainName"] == "www.demo-shop.com")
    sign_in(page, "ada", PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    for url in (
        "/",
        "/cdn/",
        f"/cdn/{domain['domainId']}/",
        "/cdn/traffic/",
        "/cdn/balance/",
        "/cdn/urls/",
        "/cdn/new/",
        "/jobs/",
        f"/jobs/flush/new/?domain={domain['domainId']}",
        f"/jobs/prefetch/new/?domain={domain['domainId']}",
        "/tickets/",
        "/tickets/new/",
        "/tickets/notifications/",
        "/audit/",
        "/team/",
        "/connection/",
    ):
        response = page.goto(url)
        assert response.status == 200, url
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        # The stylesheet applied (the header's layout comes from it), so 'self' let it through.
        assert page.locator("header.top").evaluate("e => getComputedStyle(e).display") == "flex", url

    # The domain's traffic chart: uPlot from our static files, drawing on a canvas, its styles set
    # through the DOM (which the policy allows), none inline.
    page.goto(f"/cdn/{domain['domainId']}/flow/")
    chart = page.locator("#traffic-chart canvas")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] > 100
    assert box["height"] > 50
    assert page.evaluate("typeof htmx") == "object"
    assert page.csp_violations == []


def test_it_would_see_a_violation(page, admin):
    """The listener is live: inline script and a style attribute are blocked and reported."""
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
          document.body.setAttribute("style", "background: red");
          const s = document.createElement("script");
          s.textContent = "window.inlineRan = true";
          document.body.appendChild(s);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.inlineRan") is None
    assert any("script-src" in v for v in page.csp_violations), page.csp_violations
    assert any("style-src" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # seen on purpose; the fixture's check is for the others
