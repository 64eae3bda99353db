"""The workers' steps against the real sandbox, run in this process until the job has ended."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cdn.objects import Domain
from connections.models import PlcloudConnection
from jobs import prefetch_run, runner, services, tasks
from jobs.models import ItemKind, Job, Kind
from tests.jobs.conftest import run_to_end

HOST = "https://www.demo-shop.com"


@pytest.fixture
def prefetch_job(operator, connect_demo, www):
    connect_demo(operator)
    urls = [f"{HOST}/app-ok.js", f"{HOST}/missing-404.js"]
    return services.create_job(
        user=operator,
        kind=Kind.PREFETCH,
        domains=[Domain.from_wire(www)],
        items=[(u, ItemKind.URL) for u in urls],
    )


def test_a_prefetch_with_a_404_url_ends_partial_with_each_items_state(prefetch_job):
    job = run_to_end(prefetch_job)
    items = {i.url: i for i in job.items.all()}
    missing, ok = items[f"{HOST}/missing-404.js"], items[f"{HOST}/app-ok.js"]
    assert (missing.state, missing.progress, missing.error) == ("failed", 100, "origin answered 404")
    # About one URL in ten fails at random upstream; then the whole job has failed.
    assert job.state == ("partial" if ok.state == "succeeded" else "failed")
    assert ok.progress == 100
    assert len(job.upstream_ids) == 1 and job.upstream_ids[0].startswith("pf-")
    assert job.started_at and job.finished_at and job.progress == 100
    assert (job.lease_owner, job.lease_until) == ("", None)


def test_the_request_id_is_kept_and_the_urls_are_submitted_once(prefetch_job):
    assert prefetch_run.prefetch_step(prefetch_job.pk, owner="a") is not None
    prefetch_job.refresh_from_db()
    first = list(prefetch_job.upstream_ids)
    assert prefetch_job.state == "running" and len(first) == 1
    prefetch_run.prefetch_step(prefetch_job.pk, owner="a")
    prefetch_job.refresh_from_db()
    assert prefetch_job.upstream_ids == first


def test_two_pollers_never_work_on_one_job_at_once(prefetch_job):
    assert prefetch_run.prefetch_step(prefetch_job.pk, owner="first") is not None
    # The first holds the lease until its next step is due: a second poller goes away.
    assert prefetch_run.prefetch_step(prefetch_job.pk, owner="second") is None
    Job.objects.filter(pk=prefetch_job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert prefetch_run.prefetch_step(prefetch_job.pk, owner="second") is not None
    prefetch_job.refresh_from_db()
    assert prefetch_job.lease_owner == "second"


def test_an_expired_token_without_a_kept_password_makes_the_job_wait(prefetch_job, operator, connect_demo):
    PlcloudConnection.objects.filter(user=operator).update(token_expires=timezone.now() - timedelta(minutes=1))
    countdown = prefetch_run.prefetch_step(prefetch_job.pk, owner="test")
    prefetch_job.refresh_from_db()
    assert countdown is not None and countdown > 0
    assert prefetch_job.state == "waiting" and "expired" in prefetch_job.error
    assert prefetch_job.upstream_ids == []
    connect_demo(operator)
    assert run_to_end(prefetch_job).state in ("partial", "failed")
    assert prefetch_job.error == ""


def test_an_unreachable_plcloud_is_retried_with_a_bounded_backoff(prefetch_job, clean_faults):
    assert prefetch_run.prefetch_step(prefetch_job.pk, owner="test") is not None  # submitted: polls are reads
    clean_faults.set_faults(error_rate=1.0, scope="service")
    countdown = prefetch_run.prefetch_step(prefetch_job.pk, owner="test")
    prefetch_job.refresh_from_db()
    assert 0 < countdown <= runner.MAX_POLL * 1.2
    assert prefetch_job.state == "running" and "not reachable" in prefetch_job.error
    assert all(runner.backoff(n) <= runner.MAX_POLL * 1.2 for n in range(100))
    clean_faults.clear_faults()
    assert run_to_end(prefetch_job).ended


def test_a_refused_call_fails_the_job_with_the_explanation(operator, connect_demo, www):
    connect_demo(operator)
    job = services.create_job(
        user=operator,
        kind=Kind.FLUSH,
        domains=[Domain.from_wire(www)],
        items=[("https://static.demo-shop.cn/a.js", ItemKind.URL)],  # not this domain's host: Plcloud says 400
    )
    run_to_end(job)
    assert job.state == "failed" and job.error.startswith("Plcloud refused the request:")
    assert job.items.get().error == job.error


def test_a_job_past_its_deadline_fails(prefetch_job):
    Job.objects.filter(pk=prefetch_job.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert prefetch_run.prefetch_step(prefetch_job.pk, owner="d") is None
    prefetch_job.refresh_from_db()
    assert prefetch_job.state == "failed" and "deadline" in prefetch_job.error


def test_the_celery_task_applied_in_process_takes_one_step(prefetch_job):
    tasks.poll_prefetch.apply(args=[prefetch_job.pk])
    prefetch_job.refresh_from_db()
    assert prefetch_job.state == "running" and len(prefetch_job.upstream_ids) == 1
