"""Jobs in a real browser: prefetch two URLs and watch the job page reach the end without a reload,
while a real worker process on Redis runs the job; then filter its failed items and run it again."""

import re

from playwright.sync_api import expect

from jobs.models import Job
from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD

HOST = "https://www.demo-shop.com"


def test_it_follows_a_prefetch_to_its_end_on_the_job_page(page, worker, operator, connect_demo, sandbox):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)
    # Long enough that a busy machine still shows the job before it ends upstream.
    sandbox.set_timings(prefetch_seconds=6)
    try:
        page.goto("/jobs/prefetch/new/")
        page.get_by_label("URLs").fill(f"{HOST}/browser-ok.js\n{HOST}/browser-404.js")
        page.get_by_role("button", name="Review").click()
        expect(page.get_by_text("This sends 2 URLs in 1 request.")).to_be_visible()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Prefetch job")).to_be_visible()
        expect(page.locator("#job-state")).to_have_text(re.compile("Queued|Running"))
        page.evaluate("window.notReloaded = true")
        expect(page.locator("#job-percent")).to_have_text("100%", timeout=30_000)
        expect(page.locator("#job-state")).to_have_text("Partly failed" if _ok_succeeded(operator) else "Failed")
        row = page.locator("tr", has_text=f"{HOST}/browser-404.js")
        expect(row).to_contain_text("The origin answered HTTP 404.")
        # What an ended job offers comes with the last poll, not a reload.
        expect(page.get_by_role("button", name="Retry failed items")).to_be_visible()
        expect(page.get_by_role("link", name="Open a ticket about this job")).to_be_visible()
        expect(page.get_by_role("button", name="Run again")).to_be_visible()
        assert page.evaluate("window.notReloaded") is True
        # A failed item says so in words, and stands out from the rest of the table.
        expect(row.locator(".item-state")).to_have_text("✗ Failed")
        assert row.evaluate("r => getComputedStyle(r).backgroundColor") != "rgba(0, 0, 0, 0)"
        first = page.url
        ok = page.locator("tr", has_text=f"{HOST}/browser-ok.js")
        failed = 1 if _ok_succeeded(operator) else 2
        page.get_by_role("link", name=f"Failed: {failed}").click()
        expect(page.get_by_role("link", name=f"Failed: {failed}")).to_have_attribute("aria-current", "page")
        expect(row).to_be_visible()
        expect(ok).to_have_count(0 if failed == 1 else 1)
        page.get_by_role("link", name="All: 2").click()
        expect(ok).to_be_visible()
        page.get_by_role("button", name="Run again").click()
        again = Job.objects.filter(owner=operator).latest("pk")
        expect(page.get_by_text(f"Running it again as job {again.pk}.")).to_be_visible()
        assert page.url.endswith(f"/jobs/{again.pk}/") and page.url != first
        # The new job names the one it repeats (a run again, not a retry of failed items).
        expect(page.locator("dt", has_text="Repeats")).to_be_visible()
        expect(page.get_by_role("link", name=f"#{again.parent_id}", exact=True)).to_have_attribute(
            "href", f"/jobs/{again.parent_id}/"
        )
        expect(page.get_by_role("link", name="All: 2")).to_be_visible()
        expect(page.locator("tr", has_text=f"{HOST}/browser-404.js")).to_be_visible()
    finally:
        sandbox.reset_timings()


def _ok_succeeded(owner) -> bool:
    job = Job.objects.filter(owner=owner).earliest("pk")
    return job.items.get(url=f"{HOST}/browser-ok.js").state == "succeeded"
