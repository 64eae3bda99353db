"""A support ticket from start to end, in a real browser."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.helpers import wait_for
from tests.panel_fixtures import PASSWORD


def test_it_opens_a_ticket_replies_gets_an_answer_and_closes_it(page, operator, connect_demo):
    connect_demo(operator)
    summary = f"Slow images {uuid.uuid4().hex[:8]}"
    sign_in(page, "otto", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tickets").click()
    page.get_by_role("link", name="New ticket").click()
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Description").fill("Images from **www.demo-shop.com** load slowly.")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_text("Ticket opened.")).to_be_visible()
    expect(page.get_by_role("heading", name=summary)).to_be_visible()
    expect(page.locator(".md strong", has_text="www.demo-shop.com")).to_be_visible()

    page.get_by_label("Your reply").fill("It happens in the **hk** area.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()

    def support_answered_twice():
        page.reload()
        return page.locator(".reply-support").count() >= 2

    wait_for(support_answered_twice, timeout=20, interval=0.5, message="support did not answer")
    expect(page.locator("#ticket-status")).to_have_text("Answered by support")

    page.get_by_role("link", name="Close ticket").click()
    expect(page.get_by_role("heading", name="Close this ticket?")).to_be_visible()
    page.get_by_role("button", name="Yes, close the ticket").click()
    expect(page).to_have_url(re.compile(r"/tickets/tk-[0-9a-f]+/$"))
    expect(page.get_by_text("Ticket closed.")).to_be_visible()
    expect(page.locator("#ticket-status")).to_have_text("Closed")
    expect(page.get_by_label("Your reply")).to_have_count(0)
    expect(page.get_by_text("changed the status from")).to_be_visible()


def test_it_shows_the_badge_for_supports_answer_and_keeps_a_failed_reply(
    page, operator, connect_demo, sandbox, clean_faults, demo
):
    from tickets.tasks import check_ticket_replies

    connect_demo(operator)
    summary = f"Badge check {uuid.uuid4().hex[:8]}"
    sign_in(page, "otto", PASSWORD)
    page.goto("/tickets/new/")
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("Description").fill("Please confirm the badge works.")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_text("Ticket opened.")).to_be_visible()
    ticket_url = page.url

    wait_for(lambda: any(t["summary"] == summary and t["reply_count"] for t in demo.ticket.list()), timeout=20)
    check_ticket_replies()  # what beat runs; the worker-process version is tests/workers/
    page.goto("/cdn/")
    badge = page.locator("#ticket-notifications-badge")
    expect(badge).to_have_text("1")
    badge.click()
    page.get_by_role("link", name=summary).click()
    expect(page.locator("#ticket-notifications-badge")).to_have_count(0)

    sandbox.set_faults(error_rate=1.0, scope="service")
    typed = "<script>alert('x')</script> still slow"
    page.get_by_label("Your reply").fill(typed)
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Plcloud is not reachable right now").first).to_be_visible()
    expect(page.get_by_label("Your reply")).to_have_value(typed)
    sandbox.clear_faults()
    page.get_by_role("button", name=re.compile("Retry sending|Send reply")).first.click()
    expect(page.get_by_text("Reply sent.")).to_be_visible()
    expect(page.get_by_text(typed)).to_be_visible()  # shown as text, never run
    assert page.url.startswith(ticket_url.split("?")[0])
