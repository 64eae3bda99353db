"""Exports travel on a queue of their own, so a long export never holds back a flush: a worker of
the default queue sends a flush while an export submitted before it waits in Redis; a worker of
the exports queue then writes it. Real processes: Redis, two workers, the sandbox."""

import base64
import json
import stat
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from jobs import exports, tasks
from jobs.models import Export, Job
from tests.helpers import wait_for
from tests.jobs.conftest import file_rows, wire_rows
from tests.jobs.test_export_files import umask
from tests.worker_fixtures import panel_broker, redis_or_skip, worker_process

HOST = "https://www.demo-shop.com"
END = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
WINDOW = {"log_type": "cache", "start_at": END - timedelta(minutes=10), "end_at": END}
FORM = {"log_type": "cache", "start_at": f"{WINDOW['start_at']:%Y-%m-%dT%H:%M}", "end_at": f"{END:%Y-%m-%dT%H:%M}"}


def on_the_wire(url: str, queue: str) -> list[tuple[str, list]]:
    """The messages waiting in a Redis queue, as (task name, its arguments)."""
    messages = []
    for raw in redis.Redis.from_url(url).lrange(queue, 0, -1):
        message = json.loads(raw)
        args = json.loads(base64.b64decode(message["body"]))[0]
        messages.append((message["headers"]["task"], args))
    return messages


@pytest.fixture
def broker(settings, tmp_path):
    """The test Redis, this process sending to it, and the settings a worker needs to share our
    export folder: (broker URL, worker environment)."""
    url = redis_or_skip()
    settings.EXPORT_ROOT = tmp_path / "media" / "exports"
    with panel_broker(url):
        yield url, {"CELERY_BROKER_URL": url, "MEDIA_ROOT": str(tmp_path / "media")}


@pytest.mark.django_db(transaction=True)
def test_a_flush_is_sent_while_an_export_waits_for_a_worker_of_its_own_queue(broker, op, operator, www, demo):
    url, environment = broker
    op.post(f"/cdn/{www['domainId']}/logs/export/", FORM)
    export = Job.objects.get(owner=operator, kind="export")
    assert on_the_wire(url, "exports") == [("jobs.tasks.run_export", [export.pk])]
    assert on_the_wire(url, "celery") == []

    with worker_process(environment, "default-queue", "-Q", "celery") as default_worker:
        op.post(f"/jobs/flush/new/?domain={www['domainId']}", {"urls": f"{HOST}/queues.js", "action": "send"})
        flush = Job.objects.get(owner=operator, kind="flush")
        wait_for(lambda: default_worker.poll() is None and Job.objects.get(pk=flush.pk).ended, timeout=60)
        assert Job.objects.get(pk=flush.pk).state == "succeeded"
        export.refresh_from_db()
        assert (export.state, export.started_at) == ("queued", None)
        assert on_the_wire(url, "exports") == [("jobs.tasks.run_export", [export.pk])]

        # The export's worker starts under the common umask 022: its folder and file stay private.
        with umask(0o022), worker_process(environment, "exports-queue", "-Q", "exports") as exports_worker:
            wait_for(lambda: exports_worker.poll() is None and Job.objects.get(pk=export.pk).ended, timeout=120)
    export.refresh_from_db()
    assert export.state == "succeeded"
    path = exports.served_path(Export.objects.get(job=export))
    assert file_rows(path) == wire_rows(demo, www, WINDOW)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(exports.export_root().stat().st_mode) == 0o700
    assert on_the_wire(url, "exports") == []


@pytest.mark.django_db(transaction=True)
def test_the_reconciler_sends_an_export_it_queues_again_to_the_exports_queue(broker, op, operator, www):
    url, _environment = broker
    op.post(f"/cdn/{www['domainId']}/logs/export/", FORM)
    export = Job.objects.get(owner=operator, kind="export")
    redis.Redis.from_url(url).flushdb()  # the first message was lost: the broker restarted empty
    Job.objects.filter(pk=export.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    assert tasks.reconcile()["queued"] == 1
    assert on_the_wire(url, "exports") == [("jobs.tasks.run_export", [export.pk])]
    assert on_the_wire(url, "celery") == []
