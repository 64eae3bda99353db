"""Jobs in a real browser: prefetch two URLs and watch the job page reach the end without a reload."""

import threading

from django.db import connection
from playwright.sync_api import expect

from jobs import tasks
from jobs.models import Job
from tests.browser.conftest import sign_in
from tests.helpers import wait_for
from tests.panel_fixtures import PASSWORD

HOST = "https://www.demo-shop.com"


class Worker(threading.Thread):
    """Runs the steps a Celery worker would run, in this process, once the job exists."""

    def __init__(self, owner) -> None:
        super().__init__(daemon=True)
        self.owner, self.error = owner, None

    def run(self) -> None:
        try:
            job = wait_for(lambda: Job.objects.filter(owner=self.owner).first(), timeout=30)
            wait_for(lambda: tasks.prefetch_step(job.pk, owner="browser-test") is None, timeout=60, interval=0.5)
        except Exception as error:  # reported by the test
            self.error = error
        finally:
            connection.close()


def test_it_follows_a_prefetch_to_its_end_on_the_job_page(page, operator, connect_demo):
    connect_demo(operator)
    sign_in(page, "otto", PASSWORD)
    page.goto("/jobs/prefetch/new/")
    page.get_by_label("URLs").fill(f"{HOST}/browser-ok.js\n{HOST}/browser-404.js")
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_text("This sends 2 URLs in 1 request.")).to_be_visible()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Prefetch job")).to_be_visible()
    expect(page.locator("#job-state")).to_have_text("Queued")
    page.evaluate("window.notReloaded = true")
    worker = Worker(operator)
    worker.start()
    expect(page.locator("#job-percent")).to_have_text("100%", timeout=30_000)
    expect(page.locator("#job-state")).to_have_text("Partly failed" if _ok_succeeded(operator) else "Failed")
    row = page.locator("tr", has_text=f"{HOST}/browser-404.js")
    expect(row).to_contain_text("origin answered 404")
    expect(page.get_by_role("button", name="Retry failed items")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    worker.join(timeout=30)
    assert worker.error is None


def _ok_succeeded(owner) -> bool:
    job = Job.objects.get(owner=owner)
    return job.items.get(url=f"{HOST}/browser-ok.js").state == "succeeded"
