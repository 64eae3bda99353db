"""A real Celery worker process, through Redis, runs a prefetch job to its end."""

import pytest
from kombu import Connection

from cdn.objects import Domain
from jobs import services
from jobs.models import ItemKind, Job, Kind
from jobs.tasks import poll_prefetch, run_flush
from tests.helpers import wait_for

HOST = "https://www.demo-shop.com"


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_follows_a_prefetch_to_its_end(redis_worker, operator, connect_demo):
    broker, process = redis_worker
    connect_demo(operator)
    urls = [f"{HOST}/worker-ok.js", f"{HOST}/worker-404.js"]
    job = services.create_job(user=operator, kind=Kind.PREFETCH, domains=[], items=[(u, ItemKind.URL) for u in urls])
    with Connection(broker) as conn:
        poll_prefetch.apply_async(args=[job.pk], connection=conn)

    def ended():
        assert process.poll() is None, "the worker stopped"
        job.refresh_from_db()
        return job.ended

    wait_for(ended, timeout=60, interval=0.3)
    states = dict(job.items.values_list("url", "state"))
    assert states[f"{HOST}/worker-404.js"] == "failed"
    assert job.state == ("partial" if states[f"{HOST}/worker-ok.js"] == "succeeded" else "failed")
    assert len(job.upstream_ids) == 1 and job.attempts >= 1  # polled more than once, by retries
    assert Job.objects.get(pk=job.pk).lease_until is None


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_a_flush_in_calls_under_the_cap(redis_worker, operator, connect_demo, www, sandbox):
    from tests.jobs.conftest import flushes_sent

    broker, process = redis_worker
    connect_demo(operator)
    before = flushes_sent(sandbox)
    urls = "\n".join(f"{HOST}/flush/{n}.js" for n in range(150))
    job = services.submit_flush(user=operator, domain=Domain.from_wire(www), urls_text=urls, dirs_text=f"{HOST}/img/")
    with Connection(broker) as conn:
        run_flush.apply_async(args=[job.pk], connection=conn)
    wait_for(lambda: process.poll() is None and Job.objects.get(pk=job.pk).ended, timeout=60, interval=0.3)
    job.refresh_from_db()
    assert job.state == "succeeded" and len(job.upstream_ids) == 2
    assert flushes_sent(sandbox) - before == 2  # 150 URLs: two calls of at most 100
    assert set(job.items.values_list("state", flat=True)) == {"succeeded"}
