"""/jobs/prefetch/new/: URLs on the member's domains only; the job is queued with one item a URL."""

from audit.models import AuditEntry
from jobs.models import Job

HOST = "https://www.demo-shop.com"


def test_it_shows_the_plan_before_sending(op):
    page = op.post("/jobs/prefetch/new/", {"urls": f"{HOST}/a.js\n{HOST}/b.js", "action": "plan"})
    assert "This sends 2 URLs in 1 request." in page.content.decode()
    assert Job.objects.count() == 0


def test_it_refuses_a_url_outside_the_members_domains(op):
    page = op.post("/jobs/prefetch/new/", {"urls": f"{HOST}/a.js\nhttps://not-ours.example.org/x", "action": "send"})
    assert "Line 2: https://not-ours.example.org/x is not on one of your domains." in page.content.decode()
    assert Job.objects.count() == 0
    assert AuditEntry.objects.get(action="jobs.prefetch").outcome == "failed"


def test_it_queues_a_prefetch(op, operator, www):
    page = op.post("/jobs/prefetch/new/", {"urls": f"{HOST}/a.js\n{HOST}/b.js\n{HOST}/a.js", "action": "send"})
    job = Job.objects.get(owner=operator)
    assert page.status_code == 302 and page["Location"] == f"/jobs/{job.pk}/"
    assert (job.kind, job.state, job.domain_id) == ("prefetch", "queued", str(www["domainId"]))
    assert job.domain_ref == www["domainId"]  # sent back as Plcloud gave it
    assert list(job.items.values_list("url", "state")) == [(f"{HOST}/a.js", "pending"), (f"{HOST}/b.js", "pending")]
    assert job.deadline is not None
    assert AuditEntry.objects.get(action="jobs.prefetch").outcome == "ok"


def test_a_viewer_cannot_prefetch(client, viewer, connect_demo):
    connect_demo(viewer)
    client.force_login(viewer)
    assert client.get("/jobs/prefetch/new/").status_code == 403
    assert client.post("/jobs/prefetch/new/", {"urls": f"{HOST}/a.js", "action": "send"}).status_code == 403
    assert Job.objects.count() == 0


def test_the_domain_page_link_starts_the_box_on_that_domain(op, www):
    page = op.get(f"/jobs/prefetch/new/?domain={www['domainId']}").content.decode()
    assert "https://www.demo-shop.com/</textarea>" in page


def test_an_unknown_domain_in_the_link_leaves_the_box_empty(op):
    response = op.get("/jobs/prefetch/new/?domain=999999")
    assert response.status_code == 200 and "demo-shop" not in response.content.decode().split("<textarea")[1]
