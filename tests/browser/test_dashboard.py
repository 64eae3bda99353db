"""The dashboard in a real browser: its blocks load on their own, and one failing leaves the rest."""

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD


def test_the_dashboard_shows_every_block_while_the_ticket_service_fails(
    page, operator, connect_demo, sandbox, clean_faults
):
    connect_demo(operator)
    sandbox.set_faults(error_rate=1.0, scope="ticket")
    sign_in(page, "otto", PASSWORD)
    tickets = page.locator("#block-tickets")
    expect(tickets.get_by_role("alert")).to_contain_text("Plcloud could not give this")
    domains = page.locator("#block-domains")
    expect(domains).to_contain_text("domains")
    expect(domains).to_contain_text("Read at")
    expect(domains.get_by_role("alert")).to_have_count(0)
    expect(page.locator("#block-balance")).to_contain_text("Recharge")
    expect(page.locator("#block-identity")).to_contain_text("Plcloud identity answers")
    expect(page.locator("#block-jobs")).to_contain_text("running or waiting")
    expect(page.locator("[aria-busy=true]")).to_have_count(0)  # every block came in
    domains.get_by_role("link", name="Domains").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CDN domains")
