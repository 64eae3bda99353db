"""The reconciler (beat): jobs past their deadline fail with the reason shown; jobs no live worker
holds are queued again; a job that keeps killing its worker is stopped."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu import Connection

from cdn.objects import Domain
from jobs import export_run, prefetch_run, runner, services, tasks
from jobs.models import ItemKind, Job, Kind
from tests.worker_fixtures import filesystem_broker, panel_broker

HOST = "https://www.demo-shop.com"


@pytest.fixture
def broker(tmp_path):
    """This process sends to a filesystem queue of the test's own; returns a reader of it."""
    environment, options = filesystem_broker(tmp_path / "broker")
    with panel_broker("filesystem://", options):

        def queued() -> list[int]:
            with Connection("filesystem://", transport_options=options) as conn:
                queue = conn.SimpleQueue("celery")
                ids = []
                while queue.qsize():
                    ids.append(queue.get(timeout=1).payload[0][0])
                return ids

        yield queued


@pytest.fixture
def prefetch(operator, www):
    return services.create_job(
        user=operator,
        kind=Kind.PREFETCH,
        domains=[Domain.from_wire(www)],
        items=[(f"{HOST}/r.js", ItemKind.URL)],
    )


def test_a_job_past_its_deadline_fails_with_the_reason_on_its_page(broker, op, prefetch):
    Job.objects.filter(pk=prefetch.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert tasks.reconcile() == {"failed": 1, "queued": 0}
    prefetch.refresh_from_db()
    assert prefetch.state == "failed"
    page = op.get(f"/jobs/{prefetch.pk}/").content.decode()
    assert "no worker finished it in time" in page


def test_a_job_a_live_worker_holds_is_left_alone(broker, prefetch):
    lease = timezone.now() + timedelta(minutes=1)
    Job.objects.filter(pk=prefetch.pk).update(
        deadline=timezone.now() - timedelta(seconds=1), lease_owner="alive", lease_until=lease, enqueued_at=None
    )
    assert tasks.reconcile() == {"failed": 0, "queued": 0}
    assert broker() == []


def test_a_job_whose_message_was_lost_is_queued_again_once(broker, prefetch, settings):
    long_ago = timezone.now() - timedelta(seconds=settings.JOB_REQUEUE_SECONDS + 1)
    Job.objects.filter(pk=prefetch.pk).update(enqueued_at=long_ago)
    assert tasks.reconcile() == {"failed": 0, "queued": 1}
    assert tasks.reconcile() == {"failed": 0, "queued": 0}  # just sent: not again
    assert broker() == [prefetch.pk]


def test_a_job_that_keeps_killing_its_worker_is_stopped(prefetch, settings):
    for crash in range(settings.JOB_MAX_CRASHES):
        Job.objects.filter(pk=prefetch.pk).update(lease_owner=f"dead-{crash}", lease_until=timezone.now())
        assert runner.claim(prefetch.pk, owner=f"heir-{crash}") is not None
    Job.objects.filter(pk=prefetch.pk).update(lease_owner="", lease_until=None)
    assert prefetch_run.prefetch_step(prefetch.pk, owner="last") is None
    prefetch.refresh_from_db()
    assert prefetch.state == "failed" and f"died {settings.JOB_MAX_CRASHES} times" in prefetch.error
    assert prefetch.upstream_ids == []  # nothing more was sent


def test_a_retry_by_the_same_task_is_not_a_crash(connect_demo, operator, prefetch):
    connect_demo(operator)
    assert prefetch_run.prefetch_step(prefetch.pk, owner="task-1") is not None
    Job.objects.filter(pk=prefetch.pk).update(lease_until=timezone.now())
    prefetch_run.prefetch_step(prefetch.pk, owner="task-1")
    prefetch.refresh_from_db()
    assert prefetch.crashes == 0


def test_a_task_of_another_kind_naming_the_job_takes_nothing(prefetch):
    assert export_run.export_step(prefetch.pk, owner="stale") is None
    prefetch.refresh_from_db()
    assert (prefetch.lease_owner, prefetch.state) == ("", "queued")
