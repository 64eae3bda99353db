"""kill -9 a worker in the middle of an export and of a prefetch's polling, start another one:
every job ends, the export's file exists once and complete with no line twice, the prefetch was
submitted once. Real processes: the sandbox, Redis, two workers (the second runs beat, whose
reconciler queues again what the dead worker held)."""

import os
import signal
from datetime import timedelta

import pytest
from django.utils import timezone
from kombu import Connection

from cdn.objects import Domain
from jobs import exports, services
from jobs.models import Export, Job, Kind
from jobs.tasks import TASKS
from tests.helpers import wait_for
from tests.jobs.conftest import file_rows, recorded, wire_rows
from tests.report import count
from tests.worker_fixtures import redis_or_skip, worker_process

HOST = "https://www.demo-shop.com"
# Short leases and a fast reconciler, so a dead worker's jobs are taken over within seconds.
FAST = {"JOB_LEASE_SECONDS": "3", "JOB_REQUEUE_SECONDS": "2", "JOB_RECONCILE_SECONDS": "1"}
LINE = "workers"
# Both jobs at once in one process, so one kill -9 stops both mid-way.
THREADS = ("--pool", "threads", "--concurrency", "4")


def prefetch_requests(sandbox) -> int:
    return recorded(sandbox, "prefetches")


def alive(process):
    assert process.poll() is None, "the worker stopped by itself"
    return True


@pytest.mark.django_db(transaction=True)
def test_killed_workers_lose_no_job_and_write_no_line_twice(
    settings, tmp_path, sandbox, clean_faults, operator, connect_demo, www, demo
):
    url = redis_or_skip()
    settings.EXPORT_ROOT = tmp_path / "media" / "exports"
    env = {"CELERY_BROKER_URL": url, "MEDIA_ROOT": str(tmp_path / "media"), **FAST}
    connect_demo(operator)
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    window = {"log_type": "cache", "start_at": end - timedelta(hours=2), "end_at": end}
    # Slow pages, so the export is surely mid-file when the worker dies.
    prefetches_before = prefetch_requests(sandbox)
    sandbox.set_faults(latency_ms=300, scope="service")
    with Connection(url) as conn:
        with worker_process(env, "doomed", *THREADS) as doomed:
            export = services.submit_export(user=operator, domain=Domain.from_wire(www), window=window)
            prefetch = services.create_job(
                user=operator,
                kind=Kind.PREFETCH,
                domains=[Domain.from_wire(www)],
                items=[(f"{HOST}/kill-{n}.js", "url") for n in range(5)],
            )
            for job in (export, prefetch):
                TASKS[job.kind].apply_async(args=[job.pk], connection=conn)
            wait_for(lambda: alive(doomed) and Export.objects.get(job=export).rows >= 20_000, timeout=60, interval=0.05)
            wait_for(lambda: Job.objects.get(pk=prefetch.pk).upstream_ids, timeout=30, interval=0.05)
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=10)
            count(LINE, "worker kills")
        half = Export.objects.get(job=export)
        assert 0 < half.rows < 108_000 and not exports.final_path(half).exists()
        sandbox.clear_faults()
        beat = ["-B", "--schedule", str(tmp_path / "beat-schedule")]
        with worker_process(env, "heir", *THREADS, *beat) as heir:
            for job in (export, prefetch):
                wait_for(lambda job=job: alive(heir) and Job.objects.get(pk=job.pk).ended, timeout=90, interval=0.3)
    export.refresh_from_db()
    prefetch.refresh_from_db()
    folder = settings.EXPORT_ROOT / str(operator.pk)
    files = sorted(p.name for p in folder.iterdir())
    lines = file_rows(folder / f"job-{export.pk}.csv.gz")
    wire = wire_rows(demo, www, window)
    count(LINE, "jobs through a kill", 2)
    count(LINE, "jobs lost", sum(not job.ended for job in (export, prefetch)))
    count(LINE, "jobs duplicated", len(files) - 1 + len(prefetch.upstream_ids) - 1)
    count(LINE, "export lines lost", len(wire) - len(set(map(tuple, lines))))
    count(LINE, "export lines duplicated", len(lines) - len(set(map(tuple, lines))))
    # Each takeover was counted, and the progress made after it started the count again.
    assert export.state == "succeeded" and export.crashes == 0
    assert prefetch.state in ("succeeded", "partial", "failed") and prefetch.crashes == 0
    assert len(prefetch.upstream_ids) == 1 and prefetch_requests(sandbox) - prefetches_before == 1
    assert files == [f"job-{export.pk}.csv.gz"]  # one complete file, no .part left
    assert len(wire) == 15 * 7200 and lines == wire


@pytest.mark.django_db(transaction=True)
def test_a_job_sent_three_times_to_two_workers_runs_once_at_a_time(
    settings, tmp_path, sandbox, clean_faults, operator, connect_demo, www, demo
):
    url = redis_or_skip()
    settings.EXPORT_ROOT = tmp_path / "media" / "exports"
    env = {"CELERY_BROKER_URL": url, "MEDIA_ROOT": str(tmp_path / "media")}
    connect_demo(operator)
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    window = {"log_type": "cache", "start_at": end - timedelta(minutes=30), "end_at": end}
    sandbox.set_faults(latency_ms=100, scope="service")  # each page longer than a poll
    with Connection(url) as conn, worker_process(env, "one", *THREADS), worker_process(env, "two", *THREADS):
        job = services.submit_export(user=operator, domain=Domain.from_wire(www), window=window)
        for _ in range(3):
            TASKS[Kind.EXPORT].apply_async(args=[job.pk], connection=conn)
        wait_for(lambda: Job.objects.get(pk=job.pk).ended, timeout=60, interval=0.2)
    sandbox.clear_faults()
    job.refresh_from_db()
    lines = file_rows(exports.final_path(job.export))
    wire = wire_rows(demo, www, window)
    count(LINE, "duplicate deliveries", 2)
    count(LINE, "export lines duplicated", len(lines) - len(set(map(tuple, lines))))
    assert job.state == "succeeded" and job.crashes == 0
    assert len(wire) == 15 * 1800 and lines == wire
