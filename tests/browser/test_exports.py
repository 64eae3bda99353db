"""Exports in a real browser: pick a window on the request-log page, export it, watch the job
reach the end without a reload, download the file and count its lines; retry a failed prefetch.
A real worker process on Redis runs the jobs."""

import gzip
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.panel_fixtures import PASSWORD


def test_it_exports_a_window_and_downloads_the_whole_file_that_no_other_member_can_reach(
    page, worker, live_server, viewer, operator, connect_demo, www
):
    connect_demo(viewer)
    sign_in(page, "vera", PASSWORD)
    end = timezone.localtime(timezone.now() - timedelta(hours=2)).replace(second=0, microsecond=0)
    page.goto(f"/cdn/{www['domainId']}/logs/")
    page.get_by_label("From").fill(f"{end - timedelta(minutes=5):%Y-%m-%dT%H:%M}")
    page.get_by_label("To").fill(f"{end:%Y-%m-%dT%H:%M}")
    page.get_by_label("Status").select_option("2xx")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#log-summary")).to_contain_text("100 entries shown")
    page.get_by_role("button", name="Export this window as CSV").click()
    expect(page.get_by_role("heading", name="Log export job")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#job-state")).to_have_text("Succeeded", timeout=30_000)
    assert page.evaluate("window.notReloaded") is True
    rows = int(page.locator("#export-rows").inner_text().replace(",", ""))  # grouped: 4,321
    assert 0 < rows < 15 * 300  # 2xx only, of the 4,500 entries in five minutes
    with page.expect_download() as download:
        page.locator("#export-download").click()
    lines = gzip.decompress(download.value.path().read_bytes()).decode().splitlines()
    assert lines[0].startswith("time,client_ip,method,url,status") and len(lines) == rows + 1
    assert all(line.split(",")[4].startswith("2") for line in lines[1:])
    assert download.value.suggested_filename.startswith("www.demo-shop.com-cache-")
    job_page = page.url
    # Another member, in a browser of their own, knowing the job's address.
    other = page.context.browser.new_context(locale="en-US", base_url=live_server.url)
    try:
        theirs = other.new_page()
        sign_in(theirs, "otto", PASSWORD)
        assert theirs.goto(job_page).status == 404
        assert theirs.goto(f"{job_page}download/").status == 404
        theirs.goto("/jobs/")
        expect(theirs.locator("tbody")).to_contain_text("No jobs yet.")
    finally:
        other.close()


def test_it_retries_a_failed_prefetch_item_from_the_job_page(page, worker, operator, connect_demo):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)
    page.goto("/jobs/prefetch/new/")
    page.get_by_label("URLs").fill("https://www.demo-shop.com/retry-404.js")
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#job-state")).to_have_text("Failed", timeout=30_000)
    page.get_by_role("button", name="Retry failed items").click()
    expect(page.get_by_text("Retrying the failed items as job")).to_be_visible()
    expect(page.locator("#job-state")).to_have_text("Failed", timeout=30_000)
    expect(page.get_by_text("Repeats")).to_be_visible()
    expect(page.locator("tr", has_text="retry-404.js")).to_contain_text("The origin answered HTTP 404.")
