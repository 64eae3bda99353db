"""Retry failed items: a new job, child of the first, with only the items that failed."""

from audit.models import AuditEntry
from jobs.models import Job
from tests.jobs.conftest import run_to_end
from tests.jobs.test_job_detail import HOST, make_prefetch


def test_it_creates_a_child_job_from_the_failed_items(op, operator, www):
    job = run_to_end(make_prefetch(operator, www, [f"{HOST}/r-ok.js", f"{HOST}/r-404.js"]))
    failed = set(job.items.filter(state="failed").values_list("url", flat=True))
    assert f"{HOST}/r-404.js" in failed
    answer = op.post(f"/jobs/{job.pk}/retry/")
    child = Job.objects.get(parent=job)
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/{child.pk}/"
    assert (child.kind, child.state, child.domain_id) == ("prefetch", "queued", job.domain_id)
    assert set(child.items.values_list("url", flat=True)) == failed
    assert AuditEntry.objects.filter(action="jobs.prefetch.retry", object_id=str(child.pk)).exists()
    child = run_to_end(child)
    # The 404 fails again, as it always does; r-ok.js is only here if it failed at random the
    # first time (about one prefetch URL in ten does), and then it may well succeed now.
    assert child.items.get(url=f"{HOST}/r-404.js").state == "failed"
    others = set(child.items.exclude(url=f"{HOST}/r-404.js").values_list("state", flat=True))
    assert child.state == ("partial" if "succeeded" in others else "failed")


def test_a_job_still_running_or_all_succeeded_is_not_retried(op, operator, www):
    job = make_prefetch(operator, www, [f"{HOST}/q.js"])
    op.post(f"/jobs/{job.pk}/retry/")
    assert not Job.objects.filter(parent=job).exists()
    assert AuditEntry.objects.get(action="jobs.prefetch.retry").outcome == "failed"


def test_a_viewer_cannot_retry_and_another_member_gets_404(client, operator, viewer, admin, www, connect_demo):
    connect_demo(operator)
    job = run_to_end(make_prefetch(operator, www, [f"{HOST}/z-404.js"]))
    client.force_login(viewer)
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
    # A member made a viewer since keeps their jobs but may no longer send a prefetch.
    operator.membership.role = "viewer"
    operator.membership.save()
    client.force_login(operator)
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 403
    client.force_login(admin)
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
    assert not Job.objects.filter(parent=job).exists()
