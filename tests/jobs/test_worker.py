"""A real Celery worker process, through Redis, runs a prefetch job to its end."""

import os
import subprocess
import sys

import pytest
from kombu import Connection

from jobs import services
from jobs.models import ItemKind, Job, Kind
from jobs.tasks import poll_prefetch
from tests.helpers import PROJECT_ROOT, wait_for
from tests.workers.test_worker import database_url, redis_or_skip

HOST = "https://www.demo-shop.com"


@pytest.fixture
def redis_worker():
    broker = redis_or_skip()
    env = {**os.environ, "CELERY_BROKER_URL": broker, "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "celery", "-A", "plcloud_panel", "worker", "--pool", "solo", "--loglevel", "INFO"]
    command += ["--without-mingle", "--without-gossip", "-n", "jobs-test-worker@%h"]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    yield broker, process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    if process.returncode not in (0, -15):
        print(output.decode(errors="replace"))


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
