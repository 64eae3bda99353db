"""Every page a member reaches, in both languages, checked by axe-core in the browser: no
violation, and no needs-review result of critical impact. Each page's counts are a line of the
test report ("accessibility (axe-core)").

axe-core comes from npm (package.json at the repo root; ``npm ci``) and is used by the tests
only: it is read from node_modules and injected into the page. The panel's CSP forbids inline
script, so this test's browser context bypasses the policy (tests/browser/test_csp.py checks the
policy itself)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from jobs.models import ItemKind, ItemState, Job, JobItem, Kind, State
from tests.panel_fixtures import PASSWORD
from tests.report import count

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WWW = "www.demo-shop.com"
REPORT = "accessibility (axe-core)"
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations", "incomplete"]});
  const brief = (r) => `${r.id} (${r.impact}): ${r.nodes.map((n) => n.target.join(" ")).join(", ")}`;
  return {
    violations: results.violations.map(brief),
    critical: results.incomplete.filter((r) => r.impact === "critical").map(brief),
  };
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"no axe-core at {AXE}; .ci/run runs npm ci")
        pytest.skip(f"no axe-core at {AXE} (npm ci)")
    return AXE.read_text()


@pytest.fixture
def a11y_page(browser, live_server, panel_settings, transactional_db, request):
    """A page with the language's Accept-Language; the CSP is bypassed to inject axe-core."""
    locale = {"en": "en-US", "zh-hans": "zh-CN"}[request.param]
    context = browser.new_context(locale=locale, base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.language = request.param
    yield page
    context.close()


def check(page, axe_source: str, label: str, found: dict) -> None:
    """Run axe on the page as it stands; count its results in the report and keep any problem."""
    expect(page.locator("html")).to_have_attribute("lang", page.language)
    page.add_script_tag(content=axe_source)
    results = page.evaluate(RUN_AXE)
    line = f"{page.language} {label}"
    count(line, "violations", len(results["violations"]), section=REPORT)
    count(line, "critical needs-review", len(results["critical"]), section=REPORT)
    problems = results["violations"] + results["critical"]
    if problems:
        found[line] = problems


def visit(page, axe_source: str, found: dict, label: str, url: str, status: int = 200) -> None:
    response = page.goto(url)
    assert response.status == status, f"{url}: {response.status}"
    check(page, axe_source, label, found)


def finished_job(member, domain: dict) -> Job:
    job = Job.objects.create(
        owner=member, tenant_id=member.plcloud.tenant_id, kind=Kind.PREFETCH, domain_id=str(domain["domainId"]),
        domain_name=WWW, state=State.PARTIAL, progress=100,
    )  # fmt: skip
    JobItem.objects.create(job=job, url=f"https://{WWW}/a11y-ok.js", kind=ItemKind.URL, state=ItemState.SUCCEEDED)
    JobItem.objects.create(
        job=job, url=f"https://{WWW}/a11y-404.js", kind=ItemKind.URL, state=ItemState.FAILED, error="404"
    )
    return job


@pytest.mark.parametrize("a11y_page", ["en", "zh-hans"], indirect=True)
def test_every_page_has_no_accessibility_violation(a11y_page, axe_source, admin, connect_demo, sandbox, demo):
    page, found = a11y_page, {}
    visit(page, axe_source, found, "login", "/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", "not-the-password")
    page.locator("form button[type=submit]").last.click()
    check(page, axe_source, "login, wrong password", found)
    sign_in_as_ada(page)
    visit(page, axe_source, found, "connect, not connected", "/connection/")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "secreetword")
    page.fill("input[name=tenant_name]", "demo")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".messages")).to_be_visible()
    check(page, axe_source, "connect, connected (a message)", found)

    admin.refresh_from_db()
    domain = next(d for d in demo.cdn.list() if d["domainName"] == WWW)
    job = finished_job(admin, domain)
    ticket = demo.ticket.create("a11y: the CDN is slow", "Since this morning.")
    demo.ticket.reply(ticket["id"], "Any news?")
    ref = domain["domainId"]
    pages = {
        "dashboard": "/",
        "domain list": "/cdn/",
        "new domain": "/cdn/new/",
        "domain detail": f"/cdn/{ref}/",
        "domain traffic": f"/cdn/{ref}/flow/",
        "domain logs": f"/cdn/{ref}/logs/",
        "account traffic": "/cdn/traffic/",
        "balance": "/cdn/balance/",
        "common URLs": "/cdn/urls/",
        "flush form": f"/jobs/flush/new/?domain={ref}",
        "prefetch form": f"/jobs/prefetch/new/?domain={ref}",
        "jobs": "/jobs/",
        "job": f"/jobs/{job.pk}/",
        "tickets": "/tickets/",
        "ticket": f"/tickets/{ticket['id']}/",
        "new ticket": "/tickets/new/",
        "notifications": "/tickets/notifications/",
        "audit": "/audit/",
        "team": "/team/",
        "password": "/accounts/password/",
        "alerts": "/alerts/",
        "new alert channel": "/alerts/channels/new/",
        "new alert rule": "/alerts/rules/new/",
        "log analytics": f"/cdn/{ref}/logs/analytics/",
    }
    for label, url in pages.items():
        visit(page, axe_source, found, label, url)
    visit(page, axe_source, found, "not found", "/jobs/999999/", status=404)

    # Forms with an error next to a field, and the review step of a flush.
    page.goto(f"/jobs/flush/new/?domain={ref}")
    page.fill("textarea[name=urls]", "not a url")
    page.locator("button[value=plan]").click()
    expect(page.locator(".field-error").first).to_be_visible()
    check(page, axe_source, "flush form, bad URL", found)
    page.fill("textarea[name=urls]", f"https://{WWW}/a11y.css")
    page.locator("button[value=plan]").click()
    expect(page.locator("button[value=send]")).to_be_visible()
    check(page, axe_source, "flush form, review", found)
    page.goto("/tickets/new/")
    page.fill("input[name=summary]", " ")  # blank to the server, not to the browser's own check
    page.fill("textarea[name=description]", " ")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".field-error").first).to_be_visible()
    check(page, axe_source, "new ticket, empty", found)

    # A phone: the header's menu open, and the tables as cards.
    page.set_viewport_size({"width": 390, "height": 844})
    for label, url in (("domain list, phone", "/cdn/"), ("job, phone", f"/jobs/{job.pk}/")):
        page.goto(url)
        page.locator("#menu-toggle").click()
        expect(page.locator("header nav")).to_be_visible()
        check(page, axe_source, f"{label}, menu open", found)

    assert found == {}, "\n".join(f"{line}: {problem}" for line, problems in found.items() for problem in problems)


def sign_in_as_ada(page) -> None:
    """Signs in whatever the page's language (tests.browser.conftest.sign_in reads English labels)."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("header nav")).to_be_visible()
