"""Exports in a real browser: pick a window on the request-log page, export it, watch the job
reach the end without a reload, download the file and count its lines; retry a failed prefetch."""

import gzip
import threading
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from jobs import tasks
from jobs.models import Job
from tests.browser.conftest import sign_in
from tests.helpers import wait_for
from tests.panel_fixtures import PASSWORD


class Worker(threading.Thread):
    """Runs a Celery worker's steps, in this process, for the member's newest job once they have
    more than ``skip`` jobs."""

    def __init__(self, owner, step, skip: int = 0) -> None:
        super().__init__(daemon=True)
        self.owner, self.step, self.skip, self.error = owner, step, skip, None

    def run(self) -> None:
        try:
            wait_for(lambda: Job.objects.filter(owner=self.owner).count() > self.skip, timeout=30)
            job = Job.objects.filter(owner=self.owner).order_by("-pk").first()
            wait_for(lambda: self.step(job.pk, owner="browser-test") is None, timeout=60, interval=0.3)
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            connection.close()


def test_it_exports_a_window_and_downloads_the_whole_file(page, settings, tmp_path, viewer, connect_demo, www):
    settings.EXPORT_ROOT = tmp_path / "exports"
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
    worker = Worker(viewer, tasks.export_step)
    worker.start()
    expect(page.locator("#job-state")).to_have_text("Succeeded", timeout=30_000)
    assert page.evaluate("window.notReloaded") is True
    rows = int(page.locator("#export-rows").inner_text())
    assert 0 < rows < 15 * 300  # 2xx only, of the 4,500 entries in five minutes
    with page.expect_download() as download:
        page.locator("#export-download").click()
    lines = gzip.decompress(download.value.path().read_bytes()).decode().splitlines()
    assert lines[0].startswith("time,client_ip,method,url,status") and len(lines) == rows + 1
    assert all(line.split(",")[4].startswith("2") for line in lines[1:])
    assert download.value.suggested_filename.startswith("www.demo-shop.com-cache-")
    worker.join(timeout=10)
    assert worker.error is None


def test_it_retries_a_failed_prefetch_item_from_the_job_page(page, operator, connect_demo):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)
    page.goto("/jobs/prefetch/new/")
    page.get_by_label("URLs").fill("https://www.demo-shop.com/retry-404.js")
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Send").click()
    first = Worker(operator, tasks.prefetch_step)
    first.start()
    expect(page.locator("#job-state")).to_have_text("Failed", timeout=30_000)
    first.join(timeout=10)
    second = Worker(operator, tasks.prefetch_step, skip=1)
    second.start()
    page.get_by_role("button", name="Retry failed items").click()
    expect(page.get_by_text("Retrying the failed items as job")).to_be_visible()
    expect(page.locator("#job-state")).to_have_text("Failed", timeout=30_000)
    expect(page.get_by_text("Retry of")).to_be_visible()
    expect(page.locator("tr", has_text="retry-404.js")).to_contain_text("origin answered 404")
    second.join(timeout=10)
    assert first.error is None and second.error is None
