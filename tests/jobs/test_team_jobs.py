"""Members connected to the same Plcloud tenant share its jobs: the domain page's jobs, the job
list, a job's page and its history read the same for each of them, whoever made the job. A viewer
reads; acting on a teammate's job takes an operator. A member of another tenant sees none of it."""

from audit.models import AuditEntry
from jobs.models import Export, Job
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


def test_an_operator_exports_again_a_teammates_failed_export_and_carries_on_from_its_lines(
    settings, tmp_path, operator, viewer, connect_demo, www, demo, sandbox, clean_faults, op, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """The kept lines move from the viewer's folder to the operator's, who makes the new export."""
    from datetime import timedelta

    from django.utils import timezone

    from cdn.objects import Domain
    from jobs import export_run, exports, services
    from tests.jobs.conftest import file_rows, wire_rows

    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.JOB_MAX_BAD_READS = 1
    monkeypatch.setattr(exports, "PAGE_SIZE", 1000)
    monkeypatch.setattr(export_run, "EXPORT_SLICE", 0)  # one page a step
    connect_demo(viewer)
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    window = {"log_type": "cache", "start_at": end - timedelta(minutes=10), "end_at": end}
    job = services.submit_export(user=viewer, domain=Domain.from_wire(www), window=window)
    assert export_run.export_step(job.pk, owner="w") is not None
    sandbox.set_faults(malformed_rate=1.0, scope="service")
    assert export_run.export_step(job.pk, owner="w") is None
    sandbox.clear_faults()
    kept = Export.objects.get(job=job)
    failed = Job.objects.get(pk=job.pk)
    assert failed.state == "failed" and kept.rows > 0 and exports.part_path(kept).exists()

    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert "vera" in page and "Export again" in page
    with django_capture_on_commit_callbacks(execute=True):  # the file moves once the new job is saved
        response = op.post(f"/jobs/{job.pk}/retry/")
    again = Job.objects.get(parent=job)
    assert response["Location"] == f"/jobs/{again.pk}/" and again.owner == operator
    assert exports.part_path(again.export).exists() and not exports.part_path(kept).exists()
    assert again.export.rows == kept.rows  # carried on, not started over
    again = run_to_end(again)
    assert again.state == "succeeded"
    assert file_rows(exports.final_path(again.export)) == wire_rows(demo, www, window)
