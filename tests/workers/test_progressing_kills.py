"""Workers killed under an export that keeps making progress: the crash count starts again at every
checkpoint, so three kills do not fail it, and it completes with every line once. While no worker
is on it, its page says so and since when. Real processes: the sandbox, Redis, export workers
killed with kill -9 and their heir, and a worker of the default queue running beat, whose
reconciler queues again what a dead worker held (a killed worker's embedded beat would outlive it)."""

import os
import re
import signal
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu import Connection

from cdn.objects import Domain
from jobs import exports, services
from jobs.models import Export, Job, Kind
from jobs.tasks import TASKS
from tests.helpers import wait_for
from tests.jobs.conftest import file_rows, wire_rows
from tests.report import count
from tests.worker_fixtures import redis_or_skip, worker_process

FAST = {"JOB_LEASE_SECONDS": "3", "JOB_REQUEUE_SECONDS": "2", "JOB_RECONCILE_SECONDS": "1", "JOB_MAX_CRASHES": "3"}
SINCE = re.compile(r"Waiting for a worker since \d{4}-\d\d-\d\d (\d\d:\d\d):\d\d UTC\+0000")
END = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)


@pytest.fixture
def export_job(settings, tmp_path, sandbox, clean_faults, operator, connect_demo, www):
    """An export of two hours (108,000 lines in 11 pages), its pages slow enough to kill a worker
    mid-file, queued on the test Redis, and the reconciler running: (job, window, environment)."""
    url = redis_or_skip()
    settings.EXPORT_ROOT = tmp_path / "media" / "exports"
    connect_demo(operator)
    window = {"log_type": "cache", "start_at": END - timedelta(hours=2), "end_at": END}
    env = {"CELERY_BROKER_URL": url, "MEDIA_ROOT": str(tmp_path / "media"), **FAST}
    sandbox.set_faults(latency_ms=300, scope="service")
    job = services.submit_export(user=operator, domain=Domain.from_wire(www), window=window)
    with Connection(url) as conn:
        TASKS[Kind.EXPORT].apply_async(args=[job.pk], connection=conn)
    with worker_process(env, "reconciler", "-Q", "celery", "-B", "--schedule", str(tmp_path / "beat")):
        yield job, window, env


@contextmanager
def export_worker(env: dict, name: str):
    with worker_process(env, name, "-Q", "exports") as process:
        yield process


def rows(job: Job) -> int:
    return Export.objects.get(job=job).rows


def kill_after(process, predicate) -> None:
    def alive_and(predicate=predicate):
        assert process.poll() is None, "the worker stopped by itself"
        return predicate()

    wait_for(alive_and, timeout=60, interval=0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    count("workers", "worker kills")


def finish(job: Job, env: dict, sandbox) -> Job:
    sandbox.clear_faults()
    with export_worker(env, "heir") as heir:
        wait_for(lambda: heir.poll() is None and Job.objects.get(pk=job.pk).ended, timeout=120, interval=0.3)
    job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)
def test_an_export_making_progress_between_three_kills_completes_with_every_line_once(
    export_job, tmp_path, sandbox, demo, www
):
    job, window, env = export_job
    written = 0
    for kill in range(3):
        with export_worker(env, f"doomed-{kill}") as doomed:
            kill_after(doomed, lambda since=written: rows(job) >= since + 10_000)  # progress since the last kill
        written = rows(job)
        assert not Job.objects.get(pk=job.pk).ended
    assert written < 108_000
    job = finish(job, env, sandbox)
    assert (job.state, job.error) == ("succeeded", "")
    lines = file_rows(exports.final_path(job.export))
    count("workers", "jobs through a kill")
    count("workers", "export lines duplicated", len(lines) - len(set(map(tuple, lines))))
    assert len(lines) == 15 * 7200 and lines == wire_rows(demo, www, window)


@pytest.mark.django_db(transaction=True)
def test_the_job_page_says_since_when_a_job_waits_for_a_worker(export_job, settings, tmp_path, sandbox, op):
    job, _window, env = export_job
    # This process's page: a job untouched for twice the longest call (here 2 x 2 s) has no worker.
    settings.PLCLOUD_CONNECT_TIMEOUT = settings.PLCLOUD_READ_TIMEOUT = 1.0
    progress = f"/jobs/{job.pk}/progress/"
    with export_worker(env, "doomed") as doomed:
        wait_for(lambda: rows(job) >= 10_000, timeout=60, interval=0.05)
        running = op.get(progress).content.decode()
        assert 'id="job-state">Running<' in running and "Waiting for a worker" not in running
        kill_after(doomed, lambda: True)
        killed = timezone.localtime()
    waiting = wait_for(lambda: SINCE.search(op.get(progress).content.decode()), timeout=30, interval=0.3)
    # Since the worker last wrote a page: the moment of the kill, give or take the last page.
    assert waiting[1] in {f"{killed:%H:%M}", f"{killed - timedelta(seconds=5):%H:%M}"}
    assert waiting[0] in op.get(f"/jobs/{job.pk}/").content.decode()
    job = finish(job, env, sandbox)
    page = op.get(progress).content.decode()
    assert job.state == "succeeded" and 'id="job-state">Succeeded<' in page and "Waiting" not in page
