"""A change whose outcome is unknown is never sent again by a worker: after a read timeout, a
dropped connection or a 5xx on a prefetch or flush call, and after a worker died between sending
a call and saving its answer, the job stops and asks its member, who decides (audited).

Real processes: the sandbox (which carries out a slow call after the client has given up on it),
Redis, worker processes with a short read timeout, fast leases and beat's reconciler."""

import os
import signal
import time

import pytest
from kombu import Connection

from audit.models import AuditEntry
from cdn.objects import Domain
from jobs import services
from jobs.models import ItemKind, Job, Kind
from jobs.tasks import STEPS, TASKS, reconcile
from tests.helpers import wait_for
from tests.jobs.conftest import recorded
from tests.report import count
from tests.worker_fixtures import panel_broker, redis_or_skip, worker_process

HOST = "https://www.demo-shop.com"
# Fast leases and reconciler (a dead worker's job is taken over within seconds), and a read
# timeout of 2 s, so the sandbox's latency can sit just under or just over it.
FAST = {"JOB_LEASE_SECONDS": "3", "JOB_REQUEUE_SECONDS": "2", "JOB_RECONCILE_SECONDS": "1"}
READ_TIMEOUT = {"PLCLOUD_READ_TIMEOUT": "2", "PLCLOUD_BREAKER_THRESHOLD": "0"}
LINE = "writes"
THREADS = ("--pool", "threads", "--concurrency", "4")


@pytest.fixture
def broker(tmp_path, sandbox, clean_faults):
    """The test Redis, this process sending to it (the job page's buttons queue the job again),
    and the environment of a worker with beat on it."""
    url = redis_or_skip()
    sandbox.forget_requests()
    with panel_broker(url), Connection(url) as conn:
        yield conn, {"CELERY_BROKER_URL": url, **FAST, **READ_TIMEOUT}, ["-B", "--schedule", str(tmp_path / "beat")]


def submit(conn, job: Job) -> Job:
    TASKS[job.kind].apply_async(args=[job.pk], connection=conn)
    return job


def prefetch(operator, www, name: str, n: int = 3) -> Job:
    urls = [(f"{HOST}/{name}-{i}.js", ItemKind.URL) for i in range(n)]
    return services.create_job(user=operator, kind=Kind.PREFETCH, domains=[Domain.from_wire(www)], items=urls)


def flush(operator, www, name: str) -> Job:
    items = [(f"{HOST}/{name}.css", ItemKind.URL), (f"{HOST}/{name}/", ItemKind.DIR)]
    return services.create_job(user=operator, kind=Kind.FLUSH, domains=[Domain.from_wire(www)], items=items)


def state(job: Job) -> str:
    return Job.objects.get(pk=job.pk).state


def asked_or_sent_twice(job: Job, sent) -> bool:
    """The job asks its member, or (the fault) the call went out again."""
    return state(job) == "attention" or len(sent()) >= 2


def ended(job: Job, worker) -> bool:
    assert worker.poll() is None, "the worker stopped by itself"
    return Job.objects.get(pk=job.pk).ended


def nothing_resends(job: Job, settings) -> None:
    """Neither the reconciler (to which every job looks overdue here) nor a stale task touches a
    job that waits for its member."""
    settings.JOB_REQUEUE_SECONDS = 0
    assert reconcile() == {"failed": 0, "queued": 0}
    assert STEPS[job.kind](job.pk, owner="stale-task") is None
    assert state(job) == "attention"


@pytest.mark.django_db(transaction=True)
def test_a_prefetch_answered_after_the_read_timeout_is_created_once_and_its_member_asked(
    broker, sandbox, op, operator, www, settings
):
    conn, env, beat = broker
    puts = lambda: sandbox.calls("PUT", "/cdn/prefetch")  # noqa: E731
    before = recorded(sandbox, "prefetches")
    with worker_process(env, "slow-answers", *beat) as worker:
        # Just under the read timeout: answered, created once, followed to its end.
        sandbox.set_faults(latency_ms=1200, scope="service")
        under = submit(conn, prefetch(operator, www, "under"))
        wait_for(lambda: ended(under, worker), timeout=60, interval=0.3)
        assert recorded(sandbox, "prefetches") == before + 1 and len(puts()) == 1
        assert state(under) in ("succeeded", "partial", "failed")

        # Just over it: the client gives up at 2 s, the sandbox creates the prefetch at 2.6 s.
        sandbox.forget_requests()
        sandbox.set_faults(latency_ms=2600, scope="service")
        over = submit(conn, prefetch(operator, www, "over"))
        wait_for(lambda: asked_or_sent_twice(over, puts), timeout=60, interval=0.2)
        wait_for(lambda: recorded(sandbox, "prefetches") >= before + 2, timeout=10)
        assert len(puts()) == 1 and recorded(sandbox, "prefetches") == before + 2
        nothing_resends(over, settings)

    page = op.get(f"/jobs/{over.pk}/").content.decode()
    assert "Needs your decision" in page and "Plcloud did not answer within 2 seconds." in page
    assert "Call 1 of 1, carrying 3 URLs or directories, may have been carried out by Plcloud" in page
    assert all(f"{HOST}/over-{i}.js" in page for i in range(3))
    assert 'id="job-resend"' in page and 'id="job-skip"' in page
    assert 'hx-trigger="every 2s"' not in page  # nothing changes until the member decides
    count(LINE, "writes whose outcome was unknown")
    count(LINE, "sent again", len(puts()) - 1)

    # The member has checked (here: looked at the sandbox) and sends it again anyway: audited.
    sandbox.clear_faults()
    with worker_process(env, "after-decision", *beat) as worker:
        op.post(f"/jobs/{over.pk}/resend/")
        wait_for(lambda: ended(over, worker), timeout=60, interval=0.3)
    over.refresh_from_db()
    assert len(puts()) == 2 and recorded(sandbox, "prefetches") == before + 3
    assert len(over.upstream_ids) == 1 and over.state in ("succeeded", "partial", "failed")
    entry = AuditEntry.objects.get(action="jobs.prefetch.resend")
    assert (entry.actor, entry.object_id, entry.detail) == (operator, str(over.pk), {"call": 1, "items": 3})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", [{"drop_rate": 1.0}, {"error_rate": 1.0}], ids=["dropped", "5xx"])
def test_a_flush_whose_answer_is_lost_goes_out_once_and_ends_as_its_member_decides(
    broker, sandbox, op, operator, www, settings, fault
):
    conn, env, beat = broker
    puts = lambda: sandbox.calls("PUT", "/cdn/cache_flush")  # noqa: E731
    before = recorded(sandbox, "flushes")
    sandbox.set_faults(scope="service", **fault)
    with worker_process(env, "lost-answers", *beat):
        job = submit(conn, flush(operator, www, "lost"))
        wait_for(lambda: asked_or_sent_twice(job, puts), timeout=60, interval=0.2)
        assert [call["faults"] for call in puts()] == [["drop" if "drop_rate" in fault else "error"]]
        nothing_resends(job, settings)
        assert len(puts()) == 1
    count(LINE, "writes whose outcome was unknown")
    count(LINE, "sent again", len(puts()) - 1)

    assert f"Cache flush job {job.pk}: Needs your decision" in op.get("/tickets/notifications/").content.decode()
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert "Needs your decision" in page and f"{HOST}/lost/" in page
    # The member cannot tell (Plcloud may have flushed): not sent again, the items end with why.
    sandbox.clear_faults()
    with worker_process(env, "after-decision", *beat) as worker:
        op.post(f"/jobs/{job.pk}/skip/")
        wait_for(lambda: ended(job, worker), timeout=60, interval=0.3)
    job.refresh_from_db()
    assert job.state == "failed" and len(puts()) == 1 and recorded(sandbox, "flushes") == before
    decided = f"Not sent again, as {operator.get_username()} decided."
    reasons = set(job.items.values_list("error", flat=True))
    assert reasons == {f"Outcome unknown: Plcloud may have carried this out, but its answer was lost. {decided}"}
    page = op.get(f"/jobs/{job.pk}/").content.decode()
    assert decided in page and 'id="job-resend"' not in page
    assert AuditEntry.objects.filter(action="jobs.flush.skip", object_id=str(job.pk), actor=operator).count() == 1
    assert op.post(f"/jobs/{job.pk}/skip/").status_code == 302  # a second click: refused, nothing sent
    assert AuditEntry.objects.get(action="jobs.flush.skip", outcome="failed").object_id == str(job.pk)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_after_the_answer_and_before_saving_it_sends_nothing_again(broker, sandbox, op, operator, www):
    """The worker is frozen while its calls are on the wire, Plcloud answers them (the answers
    wait in its sockets), and it is killed: the calls were carried out, their answers never saved."""
    conn, env, beat = broker
    flushes, prefetches = recorded(sandbox, "flushes"), recorded(sandbox, "prefetches")
    sandbox.set_faults(latency_ms=1500, scope="service")
    jobs = [flush(operator, www, "frozen"), prefetch(operator, www, "frozen", n=2)]
    with worker_process(env, "frozen", *THREADS) as doomed:
        for job in jobs:
            submit(conn, job)
        wait_for(lambda: all(Job.objects.get(pk=j.pk).lease_owner for j in jobs), timeout=30, interval=0.05)
        time.sleep(0.3)  # the calls leave right after the jobs are claimed; the answers come 1.5 s later
        os.kill(doomed.pid, signal.SIGSTOP)
        answered = lambda: [c["status"] for c in sandbox.calls("PUT")]  # noqa: E731
        wait_for(lambda: answered() == [200, 200], timeout=10)
        os.kill(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    count("workers", "worker kills")
    sandbox.clear_faults()
    with worker_process(env, "heir", *beat):
        wait_for(lambda: all(state(j) == "attention" for j in jobs) or len(answered()) > 2, timeout=60, interval=0.2)
    assert answered() == [200, 200]
    assert recorded(sandbox, "flushes") == flushes + 1 and recorded(sandbox, "prefetches") == prefetches + 1
    count(LINE, "writes whose outcome was unknown", len(jobs))
    count(LINE, "sent again", len(answered()) - 2)
    for job in jobs:
        job.refresh_from_db()
        assert (job.state, job.upstream_ids) == ("attention", [])
        assert job.error == "The worker stopped while this call was being sent, before its answer was saved."
        page = op.get(f"/jobs/{job.pk}/").content.decode()
        assert "Call 1 of 1" in page and "before its answer was saved" in page
