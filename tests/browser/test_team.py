"""A team on one Plcloud account, in real browsers: an operator flushes a domain; a viewer of the
same account, in a browser of their own, finds the job on the domain's page and follows it live to
its end; a member of another account gets 404 on it. A real worker process on Redis runs the job,
started only once the viewer has the page open, so the page is seen to change without a reload."""

from contextlib import contextmanager

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD

URL = "https://www.demo-shop.com/team-shared.css"


@contextmanager
def browser_of(page, live_server, username: str):
    """A member signed in to the panel in a browser context of their own (own cookies)."""
    context = page.context.browser.new_context(locale="en-US", base_url=live_server.url)
    context.set_default_timeout(10_000)
    try:
        theirs = context.new_page()
        sign_in(theirs, username, PASSWORD)
        yield theirs
    finally:
        context.close()


def test_a_viewer_follows_a_teammates_flush_live_and_another_account_gets_404(
    page, live_server, operator, viewer, connect_demo, sandbox, www, tina
):
    from connections.services import connect
    from tests.worker_fixtures import panel_broker, redis_or_skip, worker_process

    connect_demo(operator)
    connect(user=viewer, username="alice", password="alice-password", tenant_name="demo", auth_url=sandbox.auth_url)
    broker = redis_or_skip()
    with panel_broker(broker):  # the pages queue on Redis; no worker takes anything yet
        sign_in(page, "otto", PASSWORD)
        page.goto(f"/cdn/{www['domainId']}/")
        page.get_by_role("link", name="Flush cache").click()
        page.get_by_label("URLs").fill(URL)
        page.get_by_role("button", name="Review").click()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Cache flush job")).to_be_visible()
        expect(page.locator("#job-state")).to_have_text("Queued")
        job_page = page.url

        with browser_of(page, live_server, "vera") as vera:
            vera.goto(f"/cdn/{www['domainId']}/")
            jobs = vera.locator("li", has_text="Cache flush")
            expect(jobs.first).to_contain_text("otto")
            jobs.first.get_by_role("link").click()
            assert vera.url == job_page
            expect(vera.locator("#job-state")).to_have_text("Queued")
            expect(vera.locator("tr", has_text=URL)).to_contain_text("Pending")
            vera.evaluate("window.notReloaded = true")

            with worker_process({"CELERY_BROKER_URL": broker}, "team") as worker:
                expect(vera.locator("#job-state")).to_have_text("Succeeded", timeout=30_000)
                expect(vera.locator("tr", has_text=URL)).to_contain_text("Succeeded")
                expect(vera.locator("#job-percent")).to_have_text("100%")
                assert vera.evaluate("window.notReloaded") is True
                assert worker.poll() is None, "the worker stopped"
            # A viewer reads; the job is not theirs to act on.
            expect(vera.get_by_text("Submitted by")).to_be_visible()
            assert vera.get_by_role("button", name="Retry failed items").count() == 0
            vera.goto("/audit/?action=jobs.flush")
            expect(vera.locator("tbody")).to_contain_text("otto")

        with browser_of(page, live_server, "tina") as other:
            assert other.goto(job_page).status == 404
            assert other.goto(f"{job_page}progress/").status == 404
            other.goto("/jobs/")
            expect(other.locator("tbody")).to_contain_text("No jobs yet.")
