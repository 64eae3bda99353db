"""Answers to a job's reads that cannot be read (a log page, a prefetch's progress) are tried again
with the job's backoff: the job says it is retrying, keeps what it has written and fails nothing
that Plcloud did. Real processes: the sandbox mangling its answers, Redis, a worker."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu import Connection

from cdn.objects import Domain
from jobs import exports, services
from jobs.models import Export, ItemKind, Job, Kind
from jobs.tasks import TASKS
from tests.helpers import wait_for
from tests.jobs.conftest import file_rows, wire_rows
from tests.report import count
from tests.worker_fixtures import redis_or_skip, worker_process

HOST = "https://www.demo-shop.com"
LINE = "reads"
END = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)


@pytest.fixture
def worker_env(settings, tmp_path, sandbox, clean_faults):
    url = redis_or_skip()
    settings.EXPORT_ROOT = tmp_path / "media" / "exports"
    sandbox.forget_requests()
    return url, {"CELERY_BROKER_URL": url, "MEDIA_ROOT": str(tmp_path / "media")}


def malformed(sandbox, path: str) -> int:
    return sum("malformed" in call["faults"] for call in sandbox.calls("GET", path))


def ended(job: Job, worker) -> bool:
    assert worker.poll() is None, "the worker stopped by itself"
    return Job.objects.get(pk=job.pk).ended


@pytest.mark.django_db(transaction=True)
def test_an_export_whose_log_pages_come_back_unreadable_completes_with_every_line_once(
    worker_env, sandbox, op, operator, connect_demo, www, demo
):
    url, env = worker_env
    connect_demo(operator)
    window = {"log_type": "cache", "start_at": END - timedelta(hours=1), "end_at": END}
    sandbox.set_faults(latency_ms=200, scope="service")  # pages slow enough to catch it mid-file
    with Connection(url) as conn, worker_process(env, "unreadable-pages") as worker:
        job = services.submit_export(user=operator, domain=Domain.from_wire(www), window=window)
        TASKS[Kind.EXPORT].apply_async(args=[job.pk], connection=conn)
        wait_for(lambda: ended(job, worker) or Export.objects.get(job=job).rows >= 10_000, timeout=60, interval=0.05)
        # Every page unreadable for a while: the job retries, says so, and keeps its lines.
        sandbox.set_faults(malformed_rate=1.0, scope="service")
        wait_for(lambda: ended(job, worker) or malformed(sandbox, "/cdn/request_log") >= 2, timeout=60)
        retrying = "Retrying: Plcloud answered with something the panel could not read."

        def progress_once_saved() -> str:
            """The job's progress, once the worker has saved what the unreadable answers made it
            do (it saves that a moment after the answer; on a busy machine, after the next read)."""
            page = op.get(f"/jobs/{job.pk}/progress/").content.decode()
            return page if retrying in page or ended(job, worker) else ""

        page = wait_for(progress_once_saved, timeout=30, interval=0.1)
        kept = Export.objects.get(job=job)
        assert retrying in page
        assert kept.rows >= 10_000 and exports.part_path(kept).exists()
        # Then one page in five, to the end.
        sandbox.set_faults(malformed_rate=0.2, latency_ms=0, scope="service")
        wait_for(lambda: ended(job, worker), timeout=120, interval=0.3)
    bad = malformed(sandbox, "/cdn/request_log")
    sandbox.clear_faults()
    job.refresh_from_db()
    count(LINE, "malformed reads", bad)
    count(LINE, "jobs failed by one", job.state == "failed")
    assert (job.state, job.error) == ("succeeded", "")
    lines = file_rows(exports.final_path(job.export))
    assert len(lines) == 15 * 3600 and lines == wire_rows(demo, www, window)


@pytest.mark.django_db(transaction=True)
def test_a_prefetch_whose_progress_comes_back_unreadable_ends_with_the_states_plcloud_reports(
    worker_env, sandbox, op, operator, connect_demo, www, demo
):
    url, env = worker_env
    connect_demo(operator)
    urls = [f"{HOST}/unreadable-{n}.js" for n in range(4)] + [f"{HOST}/unreadable-404.js"]
    job = services.create_job(
        user=operator, kind=Kind.PREFETCH, domains=[Domain.from_wire(www)], items=[(u, ItemKind.URL) for u in urls]
    )
    with Connection(url) as conn, worker_process(env, "unreadable-polls") as worker:
        TASKS[Kind.PREFETCH].apply_async(args=[job.pk], connection=conn)
        polls = "/cdn/prefetch/" + wait_for(lambda: Job.objects.get(pk=job.pk).upstream_ids, timeout=30)[0]
        # Submitted; now every poll is answered with half a document, for a while.
        sandbox.set_faults(malformed_rate=1.0, scope="service")
        wait_for(lambda: ended(job, worker) or malformed(sandbox, polls) >= 2, timeout=60)
        page = op.get(f"/jobs/{job.pk}/progress/").content.decode()
        assert "Retrying: Plcloud answered with something the panel could not read." in page
        sandbox.clear_faults()
        wait_for(lambda: ended(job, worker), timeout=60, interval=0.3)
    bad = malformed(sandbox, polls)
    job.refresh_from_db()
    count(LINE, "malformed reads", bad)
    count(LINE, "jobs failed by one", job.state == "failed" and bool(bad))
    reported = {row["url"]: row["status"] for row in demo.cdn.prefetch_query(job.upstream_ids[0])["urls"]}
    assert dict(job.items.values_list("url", "state")) == reported
    assert reported[f"{HOST}/unreadable-404.js"] == "failed" and job.error == ""
