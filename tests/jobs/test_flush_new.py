"""/jobs/flush/new/: the plan is shown before anything is sent; foreign hosts are refused."""

import pytest

from audit.models import AuditEntry
from jobs.models import Job
from tests.jobs.conftest import flushed, flushes_sent, run_to_end

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
    assert op.get("/jobs/flush/new/?domain=").status_code == 404


def test_without_a_domain_it_asks_for_one_of_the_members_domains(op, www):
    page = op.get("/jobs/flush/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'<option value="{www["domainId"]}">{www["domainName"]}</option>' in body
    assert '<form method="get"' in body and 'name="domain"' in body


def test_the_domain_picker_says_why_when_plcloud_cannot_list_the_domains(op, sandbox, clean_faults):
    sandbox.set_faults(error_rate=1.0, scope="service")
    page = op.get("/jobs/flush/new/")
    assert page.status_code == 200 and 'name="domain"' not in page.content.decode()
    assert page.context["problem"].message


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_viewer_cannot_flush(client, viewer, connect_demo, www, method):
    connect_demo(viewer)
    client.force_login(viewer)
    answer = getattr(client, method)(f"/jobs/flush/new/?domain={www['domainId']}", {"urls": f"{HOST}/a.js"})
    assert answer.status_code == 403
    assert Job.objects.count() == 0


def test_a_refused_line_shows_next_to_its_field_with_the_input_kept(op, www):
    data = {"urls": f"{HOST}/keep-me.js", "dirs": "https://evil.example.com/d/", "action": "send"}
    page = op.post(f"/jobs/flush/new/?domain={www['domainId']}", data)
    form = page.context["form"]
    assert form.errors == {
        "dirs": ["Line 1 of the directories: https://evil.example.com/d/ is not on www.demo-shop.com."]
    }
    assert f"{HOST}/keep-me.js</textarea>" in page.content.decode()


def test_the_plan_lists_each_request_and_what_it_changed(op, www):
    urls = "\n".join(
        [f"{HOST}/n{n}.js" for n in range(120)] + ["https://WWW.DEMO-SHOP.COM:443/n0.js#x", f"{HOST}/c.js#top"]
    )
    page = op.post(f"/jobs/flush/new/?domain={www['domainId']}", {"urls": urls, "dirs": "", "action": "plan"})
    body = page.content.decode()
    assert "This sends 121 URLs in 2 requests." in body
    assert "Request 1: 100 URLs" in body and "Request 2: 21 URLs" in body
    assert "Left out: the same as line 1 of the URLs" in body
    assert f"<code>{HOST}/c.js</code>" in body


def test_the_worker_sends_the_urls_as_the_plan_showed_them(op, operator, www, sandbox):
    lines = f"HTTPS://WWW.Demo-Shop.com:443/Img/图.png#a\n{HOST}/Img/%e5%9b%be.png\n"
    op.post(f"/jobs/flush/new/?domain={www['domainId']}", {"urls": lines, "dirs": f"{HOST}/Img/", "action": "send"})
    job = run_to_end(Job.objects.get(owner=operator))
    assert list(job.items.values_list("url", flat=True)) == [f"{HOST}/Img/%E5%9B%BE.png", f"{HOST}/Img/"]
    assert flushed(sandbox, job.upstream_ids[0]) == ([f"{HOST}/Img/%E5%9B%BE.png"], [f"{HOST}/Img/"])
