"""/jobs/flush/new/: the plan is shown before anything is sent; foreign hosts are refused."""

import pytest

from audit.models import AuditEntry
from jobs.models import Job
from tests.jobs.conftest import flushes_sent, run_to_end

HOST = "https://www.demo-shop.com"


def test_it_shows_the_plan_and_sends_nothing_yet(op, www, sandbox):
    before = flushes_sent(sandbox)
    data = {"urls": f"{HOST}/a.js\n{HOST}/a.js\n{HOST}/b.js", "dirs": f"{HOST}/img/", "action": "plan"}
    page = op.post(f"/jobs/flush/new/?domain={www['domainId']}", data)
    assert page.status_code == 200
    assert "This sends 2 URLs and 1 directory in 1 request." in page.content.decode()
    assert (Job.objects.count(), flushes_sent(sandbox)) == (0, before)


def test_it_refuses_a_foreign_host_naming_the_line_and_sends_nothing(op, www, sandbox):
    before = flushes_sent(sandbox)
    data = {"urls": f"{HOST}/a.js\nhttps://evil.example.com/a.js", "dirs": "", "action": "send"}
    page = op.post(f"/jobs/flush/new/?domain={www['domainId']}", data)
    assert "Line 2 of the URLs: https://evil.example.com/a.js is not on www.demo-shop.com." in page.content.decode()
    assert (Job.objects.count(), flushes_sent(sandbox)) == (0, before)
    refusal = AuditEntry.objects.get(action="jobs.flush")
    assert refusal.outcome == "failed" and "evil.example.com" in refusal.error


def test_it_queues_a_flush_that_a_worker_sends_in_batches(op, operator, www, sandbox):
    before = flushes_sent(sandbox)
    urls = "\n".join(f"{HOST}/f{n}.js" for n in range(150))
    page = op.post(f"/jobs/flush/new/?domain={www['domainId']}", {"urls": urls, "dirs": f"{HOST}/", "action": "send"})
    job = Job.objects.get(owner=operator)
    assert page.status_code == 302 and page["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.state, job.domain_name, job.items.count()) == ("flush", "queued", www["domainName"], 151)
    assert AuditEntry.objects.get(action="jobs.flush").outcome == "ok"
    run_to_end(job)
    assert job.state == "succeeded" and len(job.upstream_ids) == 2
    assert all(i.startswith("fl-") for i in job.upstream_ids)
    assert flushes_sent(sandbox) == before + 2
    assert set(job.items.values_list("state", flat=True)) == {"succeeded"}


def test_another_tenants_or_unknown_domain_answers_404(op):
    assert op.get("/jobs/flush/new/?domain=999999999").status_code == 404
    assert op.get("/jobs/flush/new/").status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_viewer_cannot_flush(client, viewer, connect_demo, www, method):
    connect_demo(viewer)
    client.force_login(viewer)
    answer = getattr(client, method)(f"/jobs/flush/new/?domain={www['domainId']}", {"urls": f"{HOST}/a.js"})
    assert answer.status_code == 403
    assert Job.objects.count() == 0
