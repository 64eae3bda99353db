"""Members connected to the same Plcloud tenant share its jobs: the domain page's jobs, the job
list, a job's page and its history read the same for each of them, whoever made the job. A viewer
reads; acting on a teammate's job takes an operator. A member of another tenant sees none of it."""

from audit.models import AuditEntry
from jobs.models import Job
from tests.jobs.conftest import run_to_end
from tests.jobs.test_job_detail import HOST


def test_a_viewer_sees_a_teammates_flush_where_they_look_and_cannot_act_on_it(
    op, client, operator, viewer, connect_demo, www, tina
):
    form = {"urls": f"{HOST}/team-shared.css", "dirs": "", "action": "send"}
    assert op.post(f"/jobs/flush/new/?domain={www['domainId']}", form).status_code == 302
    job = run_to_end(Job.objects.get(owner=operator))
    Job.objects.filter(pk=job.pk).update(state="partial")  # something left to retry
    job.items.update(state="failed", error="origin answered 404")
    connect_demo(viewer)
    client.force_login(viewer)

    domain_page = client.get(f"/cdn/{www['domainId']}/").content.decode()
    assert f'href="/jobs/{job.pk}/"' in domain_page and "otto" in domain_page
    assert "No jobs for this domain yet." not in domain_page
    assert f'href="/jobs/{job.pk}/"' in client.get(f"/jobs/?domain={www['domainId']}").content.decode()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Cache flush job" in page and f"{HOST}/team-shared.css" in page and "otto" in page
    assert "Retry failed items" not in page
    audit = client.get("/audit/?action=jobs.flush").content.decode()
    assert f"<td>{job.pk}</td>" in audit and "otto" in audit

    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 403
    assert client.post(f"/jobs/{job.pk}/resend/").status_code == 403
    assert Job.objects.count() == 1

    # Another Plcloud account: the job does not exist, and its domain page lists nothing of it.
    client.force_login(tina)
    for url in ("", "progress/"):
        assert client.get(f"/jobs/{job.pk}/{url}").status_code == 404
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
    assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()
    assert "otto" not in client.get("/audit/").content.decode()
    assert Job.objects.count() == 1


def test_an_operator_retries_a_teammates_job_as_their_own(op, client, operator, admin, connect_demo, www):
    from tests.jobs.test_job_detail import make_prefetch

    connect_demo(admin)
    job = run_to_end(make_prefetch(admin, www, [f"{HOST}/team-404.js"]))
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert "ada" in page and "Retry failed items" in page
    response = op.post(f"/jobs/{job.pk}/retry/")
    child = Job.objects.get(parent=job)
    assert response["Location"] == f"/jobs/{child.pk}/"
    assert (child.owner, child.tenant_id) == (operator, job.tenant_id)
    retried = AuditEntry.objects.get(action="jobs.prefetch.retry")
    assert (retried.actor_name, retried.detail["parent"]) == ("otto", job.pk)
    # The admin who made the first sees the retry on their page.
    client.force_login(admin)
    assert f'href="/jobs/{child.pk}/"' in client.get(f"/jobs/{job.pk}/").content.decode()
