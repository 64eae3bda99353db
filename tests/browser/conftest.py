"""The browser rig: Debian's Chromium driven by Playwright against a live panel and the sandbox."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (--dist loadgroup) the browser tests all run in one process: one
    Chromium for the run, not one in every process."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


# Reports every Content-Security-Policy violation of every page the context opens, from before
# the page's own parsing starts (init scripts run first, and the policy does not apply to them).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
}, true);
"""


@pytest.fixture
def page(browser, live_server, panel_settings, transactional_db):
    """A page on the live panel; any CSP violation in it fails the test (see ``page.csp_violations``)."""
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    context.set_default_timeout(10_000)
    violations: list[str] = []

    def report(text: str) -> None:  # a plain function: Playwright cannot wrap a bound builtin
        violations.append(text)

    context.expose_function("reportCspViolation", report)
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.csp_violations = violations
    yield page
    context.close()
    assert violations == [], "Content-Security-Policy violations"


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def worker(tmp_path, settings):
    """A real Celery worker process on the test Redis, and this process's app (which the live
    panel's pages queue work through) sending to it. Export files go under ``tmp_path``, where
    both the worker and the download view look."""
    from tests.worker_fixtures import panel_broker, redis_or_skip, worker_process

    url = redis_or_skip()
    settings.EXPORT_ROOT = tmp_path / "media" / "exports"
    with (
        panel_broker(url),
        worker_process({"CELERY_BROKER_URL": url, "MEDIA_ROOT": str(tmp_path / "media")}, "browser") as process,
    ):
        yield process
        assert process.poll() is None, "the worker stopped"
