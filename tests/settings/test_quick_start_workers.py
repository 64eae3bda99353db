"""`dev.py run`'s workers: one for every queue a task is sent to, and exports on their own, so a
long export never holds back a flush on the quick start either."""

import os
import signal

import pytest
from django.conf import settings

import dev
from tests.helpers import wait_for
from tests.settings.test_compose import routed_queues, worker_queues
from tests.worker_fixtures import database_url, filesystem_broker


def test_the_quick_start_consumes_every_queue_with_exports_on_a_worker_of_their_own():
    workers = dev.workers("/srv/var")
    queues = {name: worker_queues(argv) for name, argv in workers.items()}
    assert routed_queues() <= set().union(*queues.values())
    assert {settings.EXPORT_QUEUE} in queues.values()
    for name, consumed in queues.items():
        assert consumed == {settings.EXPORT_QUEUE} or settings.EXPORT_QUEUE not in consumed, name
    # beat runs in exactly one of them, in the one that takes the default queue its tasks go to
    beat = [name for name, argv in workers.items() if "-B" in argv]
    assert len(beat) == 1 and settings.CELERY_TASK_DEFAULT_QUEUE in queues[beat[0]]
    assert "/srv/var/celerybeat-schedule" in workers[beat[0]]
    # two workers on one host must not share a node name (celery@host), or control commands mix them up
    names = [argv[argv.index("-n") + 1] for argv in workers.values()]
    assert len(set(names)) == len(names)


@pytest.mark.django_db
def test_ctrl_c_stops_the_quick_starts_worker_with_a_warm_shutdown(tmp_path):
    """The default queue's worker (with beat inside it), started and stopped as `dev.py run` does
    on Ctrl-C: its main process shuts down warm and ends its pool itself, so no pool process is
    reported lost, and it ends on its own, before dev.stop's bound would kill it."""
    environment = {**os.environ, "DATABASE_URL": database_url()}
    environment.pop("REDIS_URL", None)
    broker, _options = filesystem_broker(tmp_path / "broker")
    environment.update(broker)
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = dev.start(dev.workers(str(tmp_path))["worker"], environment, stdout=output, stderr=output)
    try:
        wait_for(lambda: " ready." in log.read_text() or process.poll() is not None, 60, 0.2)
    finally:
        handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
        try:
            dev.stop([process])
        finally:
            signal.signal(signal.SIGINT, handlers[0])
            signal.signal(signal.SIGTERM, handlers[1])
    text = log.read_text()
    assert " ready." in text, text[-3000:]
    assert "Warm shutdown" in text
    assert "exited with" not in text and "WorkerLostError" not in text, text[-3000:]
    # 0: it ended by itself; a worker dev.stop had to kill after its bound ends with -9.
    assert process.returncode == 0, text[-3000:]
