"""A real Celery worker process, through Redis, runs a prefetch job to its end."""

import pytest
from kombu import Connection

from jobs import services
from jobs.models import ItemKind, Job, Kind
from jobs.tasks import poll_prefetch
from tests.helpers import wait_for

HOST = "https://www.demo-shop.com"


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_follows_a_prefetch_to_its_end(redis_worker, operator, connect_demo):
    broker, process = redis_worker
    connect_demo(operator)
    urls = [f"{HOST}/worker-ok.js", f"{HOST}/worker-404.js"]
    job = services.create_job(
        user=operator, kind=Kind.PREFETCH, domain_id=None, domain_name="", items=[(u, ItemKind.URL) for u in urls]
    )
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
