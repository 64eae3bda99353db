"""The job page's items filtered by state, what an ended job offers in its live part, and Run
again: a new job with every item of an ended one, for operators, audited."""

from audit.models import AuditEntry
from jobs.models import Job
from tests.jobs.conftest import run_to_end
from tests.jobs.test_job_detail import HOST, make_prefetch


def test_an_ended_jobs_live_part_offers_the_ticket_retry_and_run_again_and_filters_its_items(op, operator, www):
    running = make_prefetch(operator, www, [f"{HOST}/g-ok.js", f"{HOST}/g-404.js"])
    page = op.get(f"/jobs/{running.pk}/?show=failed").content.decode()
    assert f'hx-get="/jobs/{running.pk}/progress/?show=failed"' in page  # the poll keeps the filter
    assert "Open a ticket about this job" not in page and "Run again" not in page
    job = run_to_end(running)
    last_poll = op.get(f"/jobs/{job.pk}/progress/")
    part = last_poll.content.decode()
    assert last_poll.status_code == 286
    assert "Open a ticket about this job" in part and "Retry failed items" in part and "Run again" in part
    failed = set(job.items.filter(state="failed").values_list("url", flat=True))
    shown = op.get(f"/jobs/{job.pk}/progress/?show=failed").content.decode()
    assert f"{HOST}/g-404.js" in shown and "✗ </span>Failed" in shown
    assert (f"{HOST}/g-ok.js" in shown) == (f"{HOST}/g-ok.js" in failed)
    assert 'href="?show=failed" class="item-failed" aria-current="page"' in shown
    none = op.get(f"/jobs/{job.pk}/?show=running").content.decode()
    assert "No items in this state." in none and "All: 2" in none


def test_run_again_makes_a_new_job_with_every_item_and_is_audited(op, operator, www):
    job = run_to_end(make_prefetch(operator, www, [f"{HOST}/a-ok.js", f"{HOST}/a-404.js"]))
    answer = op.post(f"/jobs/{job.pk}/again/")
    again = Job.objects.get(parent=job)
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/{again.pk}/"
    assert (again.kind, again.state, again.domain_id, again.owner) == ("prefetch", "queued", job.domain_id, operator)
    assert sorted(again.items.values_list("url", flat=True)) == [f"{HOST}/a-404.js", f"{HOST}/a-ok.js"]
    entry = AuditEntry.objects.get(action="jobs.prefetch.again")
    assert entry.outcome == "ok" and entry.object_id == str(again.pk) and entry.detail["parent"] == job.pk
    assert f"Running it again as job {again.pk}." in op.get(answer["Location"]).content.decode()


def test_a_running_job_is_not_run_again_and_a_viewer_may_not(client, op, operator, viewer, www, connect_demo):
    running = make_prefetch(operator, www, [f"{HOST}/b.js"])
    answer = op.post(f"/jobs/{running.pk}/again/", follow=True)
    assert "Only an ended flush or prefetch can be run again." in answer.content.decode()
    assert not Job.objects.filter(parent=running).exists()
    assert AuditEntry.objects.get(action="jobs.prefetch.again").outcome == "failed"
    connect_demo(viewer)
    client.force_login(viewer)
    own = run_to_end(make_prefetch(viewer, www, [f"{HOST}/c-404.js"]))
    assert client.post(f"/jobs/{own.pk}/again/").status_code == 403
    assert "Run again" not in client.get(f"/jobs/{own.pk}/").content.decode()
    assert not Job.objects.filter(parent=own).exists()
