"""Redis stops while a prefetch is being polled and another is submitted; it starts again:
both jobs end, and the page that queued work while it was down said so. Real processes: a
Redis of this test's own (the shared one is left alone), a worker running beat, the sandbox."""

import subprocess
from contextlib import contextmanager
from shutil import which

import pytest
import redis

from jobs.models import Job
from tests.helpers import free_port, wait_for
from tests.report import count
from tests.worker_fixtures import panel_broker, worker_process

HOST = "https://www.demo-shop.com"
FAST = {"JOB_LEASE_SECONDS": "3", "JOB_REQUEUE_SECONDS": "2", "JOB_RECONCILE_SECONDS": "1"}
LINE = "broker"


@contextmanager
def redis_server(port: int):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)
    try:
        wait_for(lambda: _pings(client), timeout=10)
        yield process
    finally:
        process.kill()
        process.wait()


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis.RedisError:
        return False


def send_prefetch(op, name: str):
    return op.post("/jobs/prefetch/new/", {"urls": f"{HOST}/{name}.js", "action": "send"}, follow=True)


@pytest.mark.skipif(which("redis-server") is None, reason="needs redis-server")
@pytest.mark.django_db(transaction=True)
def test_jobs_end_after_redis_comes_back_and_the_page_said_it_was_down(tmp_path, op, operator):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    env = {"CELERY_BROKER_URL": url, **FAST}
    beat = ("-B", "--schedule", str(tmp_path / "beat-schedule"), "--pool", "threads", "--concurrency", "4")
    with panel_broker(url), worker_process(env, "outage", *beat) as worker:
        with redis_server(port) as first:
            page = send_prefetch(op, "outage-polled").content.decode()
            assert "Prefetch queued as job" in page and "unreachable" not in page
            polled = Job.objects.get(owner=operator)
            wait_for(lambda: Job.objects.get(pk=polled.pk).upstream_ids, timeout=30, interval=0.1)
            first.kill()
            first.wait()
        count(LINE, "broker outages")
        page = send_prefetch(op, "outage-queued").content.decode()
        assert "The task queue is unreachable right now" in page
        waiting = Job.objects.exclude(pk=polled.pk).get(owner=operator)
        assert waiting.state == "queued"
        with redis_server(port):
            for job in (polled, waiting):
                wait_for(lambda job=job: Job.objects.get(pk=job.pk).ended, timeout=90, interval=0.3)
        assert worker.poll() is None
    jobs = Job.objects.filter(owner=operator)
    count(LINE, "jobs queued around it", len(jobs))
    count(LINE, "jobs lost", sum(not job.ended for job in jobs))
    assert all(len(job.upstream_ids) == 1 for job in jobs)
