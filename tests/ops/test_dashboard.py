"""The dashboard: the page reads the panel's database only, and each block that needs Plcloud
loads on its own, showing what Plcloud holds, or why it could not, while the rest still shows."""

import html
import re
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from cdn.models import AccountFlow
from cdn.objects import FlowPoint, display, status_label
from cdn.traffic import GB, window
from connections.member_cache import forget
from jobs.models import Job, Kind, State
from tests.cdn.test_traffic import worker_reads


def block(op, name: str) -> str:
    response = op.get(f"/dashboard/{name}/")
    assert response.status_code == 286, response.status_code  # final: htmx loads it once
    return response.content.decode()


def test_the_page_calls_nothing_and_loads_each_plcloud_block_apart(op, sandbox):
    sandbox.forget_requests()
    page = op.get("/").content.decode()
    assert sandbox.calls() == []
    for name in ("domains", "tickets", "balance", "identity"):
        assert f'hx-get="/dashboard/{name}/" hx-trigger="load"' in page
        assert f'href="/dashboard/{name}/"' in page  # and a way to it without script
    assert op.get("/dashboard/nothing/").status_code == 404


def test_the_domains_block_counts_the_states_plcloud_gives_and_names_those_configuring(op, operator, sandbox, demo):
    sandbox.set_timings(config_delay=60)
    try:
        name = f"d{uuid.uuid4().hex[:10]}.dashboard-test.com"
        demo.cdn.create(name, ["114.114.114.114"], ["hk"])
        forget(operator)
        sandbox.forget_requests()
        text = block(op, "domains")
    finally:
        sandbox.reset_timings()
    assert len(sandbox.calls("GET", "/cdn/domain")) == 1
    listed = demo.cdn.list()
    assert f"{len(listed)} domains" in text
    for status, n in Counter(d["status"] for d in listed).items():
        assert f'<dt class="status-{status}">{status_label(status)}</dt><dd>{n}</dd>' in text
    assert "Configuring:" in text and name in text
    assert re.search(r"Read at \d\d:\d\d\.", text)
    sandbox.forget_requests()
    assert block(op, "domains") == text  # within the cache time: the same read, no call
    assert sandbox.calls() == []


def test_the_tickets_block_tells_whose_turn_it_is(op, operator, sandbox, demo):
    summary = f"Dashboard {uuid.uuid4().hex[:8]}"
    demo.ticket.create(summary, "Waiting for support.")
    forget(operator)
    text = block(op, "tickets")
    tickets = demo.ticket.list()
    answered = sum(t.get("status") == "answered" for t in tickets)
    waiting = sum(t.get("status") == "open" for t in tickets)
    assert waiting >= 1
    assert re.search(rf"{answered} answered by support, waiting for the team", text)
    assert re.search(rf"{waiting} waiting for support", text)


def test_one_service_failing_leaves_the_other_blocks_showing(op, operator, sandbox, clean_faults):
    forget(operator)
    sandbox.set_faults(error_rate=1.0, scope="ticket")
    tickets = block(op, "tickets")
    assert "Plcloud could not give this" in tickets and 'role="alert"' in tickets
    domains = block(op, "domains")
    assert "Plcloud could not give this" not in domains and re.search(r"\d+ domains", domains)
    page = op.get("/")
    assert page.status_code == 200 and 'id="block-jobs"' in page.content.decode()


def test_the_jobs_and_changes_blocks_read_the_panels_own_records(op, operator):
    tenant = operator.plcloud.tenant_id
    running = Job.objects.create(owner=operator, tenant_id=tenant, kind=Kind.FLUSH, domain_name="run.example.com",
                                 state=State.RUNNING)  # fmt: skip
    Job.objects.create(owner=operator, tenant_id=tenant, kind=Kind.PREFETCH, domain_name="old.example.com",
                       state=State.FAILED, finished_at=timezone.now() - timedelta(days=2))  # fmt: skip
    failed = Job.objects.create(owner=operator, tenant_id=tenant, kind=Kind.PREFETCH, domain_name="bad.example.com",
                                state=State.FAILED, finished_at=timezone.now())  # fmt: skip
    Job.objects.create(owner=operator, tenant_id="another-tenant", kind=Kind.FLUSH, state=State.FAILED,
                       domain_name="theirs.example.com", finished_at=timezone.now())  # fmt: skip
    op.post("/cdn/urls/", {"urls": f"http://www.demo-shop.com/{uuid.uuid4().hex[:6]}.js"})
    page = op.get("/").content.decode()
    assert "1 running or waiting" in page and f'href="/jobs/{running.pk}/"' in page
    assert "1 failed in the last 24 hours" in page and f'href="/jobs/{failed.pk}/"' in page
    assert "old.example.com" not in page and "theirs.example.com" not in page
    changes = page[page.index('id="block-changes"') :]
    assert "to the common URLs" in changes and "cdn.urls" not in changes


def test_the_traffic_block_shows_the_last_24_hours_against_the_24_before_as_the_wire_gives(
    op, operator, sandbox, demo, wire
):
    assert "being read from Plcloud" in op.get("/").content.decode()
    worker_reads(operator, "24h")
    row = AccountFlow.objects.get(tenant_id=operator.plcloud.tenant_id, period="24h")
    start, end, _interval = window("24h", now=row.read_at)
    flows, peak_at, before = {}, Counter(), 0
    for domain in demo.cdn.list():
        points = FlowPoint.from_wire_list(
            demo.cdn.flow(domain["domainId"], start_at=start - (end - start), end_at=end, interval=300)
        )
        flows[display(domain["domainName"])] = sum(p.flow for p in points if p.at >= start)
        before += sum(p.flow for p in points if p.at < start)
        for point in points:
            if point.at >= start:
                peak_at[point.at] += point.bandwidth
    page = html.unescape(op.get("/").content.decode()).replace(",", "")  # whatever the number grouping
    assert shown(page, "traffic-24h") == approx(sum(flows.values()) / GB)
    assert shown(page, "traffic-peak") == approx(max(peak_at.values()) / 1e6)
    top = max(flows, key=flows.get)
    assert re.search(rf"<td>{re.escape(top)}</td><td>{flows[top] / GB:.2f}</td>", page)
    if wire == "sdk":  # its flow call has no window: the last day only, so nothing before it
        assert "not given by Plcloud" in page
    else:
        assert before > 0 and shown(page, "traffic-before") == approx(before / GB)


def shown(page: str, element_id: str) -> float:
    """The number an element of the page shows (GB, Mbit/s)."""
    return float(re.search(rf'id="{element_id}">([\d.]+) ', page)[1])


def approx(value: float):
    return pytest.approx(value, abs=0.011)  # two decimals shown, rounded or cut
