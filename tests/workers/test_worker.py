"""A real worker process consumes a real task, through Redis and through the embedded transport."""

import os

import pytest
from kombu import Connection

from ops.models import WorkerPing
from ops.tasks import answer_ping
from tests.helpers import wait_for
from tests.worker_fixtures import filesystem_broker, redis_or_skip, worker_process


@pytest.fixture(params=["redis", "filesystem"])
def broker(request, tmp_path):
    if request.param == "redis":
        return {"CELERY_BROKER_URL": redis_or_skip()}, {}
    return filesystem_broker(tmp_path / "broker")


@pytest.fixture
def worker(broker):
    with worker_process(broker[0], "test-worker") as process:
        yield process


@pytest.mark.django_db(transaction=True)
def test_it_answers_a_ping_in_a_separate_worker_process(broker, worker):
    environment, options = broker
    ping = WorkerPing.objects.create()
    with Connection(environment["CELERY_BROKER_URL"], transport_options=options) as conn:
        answer_ping.apply_async(args=[ping.pk], connection=conn)

    def answered():
        assert worker.poll() is None, "the worker stopped"
        ping.refresh_from_db()
        return ping.answered_at is not None

    wait_for(answered, timeout=60)
    hostname, pid = ping.worker.rsplit(":", 1)
    assert int(pid) == worker.pid != os.getpid()
