"""The Celery settings a worker really runs with, read from a process configured as one on Redis."""

import json
import os
import subprocess
import sys

from django.conf import settings

from tests.worker_fixtures import PROJECT_ROOT, redis_or_skip

PROBE = """
import json, django
django.setup()
from plcloud_panel.celery import app
conn = app.connection_for_write()
print(json.dumps({
    "transport": conn.transport_cls,
    "visibility_timeout": conn.default_channel.visibility_timeout,
    "acks_late": app.conf.task_acks_late,
    "reject_on_worker_lost": app.conf.task_reject_on_worker_lost,
    "prefetch": app.conf.worker_prefetch_multiplier,
    "time_limit": app.conf.task_time_limit,
    "soft_time_limit": app.conf.task_soft_time_limit,
    "beat": sorted(app.conf.beat_schedule),
}))
conn.release()
"""


def probe(**env: str) -> dict:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "plcloud_panel.settings", **env}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_it_applies_the_visibility_timeout_on_the_redis_channel_and_it_outlasts_any_task():
    seen = probe(CELERY_BROKER_URL=redis_or_skip(), CELERY_VISIBILITY_TIMEOUT="4000")
    assert seen["transport"] == "redis" and seen["visibility_timeout"] == 4000
    default = probe(CELERY_BROKER_URL=redis_or_skip())["visibility_timeout"]
    # Longer than a task may run, and than the longest countdown a job step asks for.
    assert default == settings.BROKER_VISIBILITY_TIMEOUT > seen["time_limit"] + 60


def test_workers_acknowledge_late_and_give_back_work_of_a_dead_process():
    seen = probe(CELERY_BROKER_URL=redis_or_skip())
    assert (seen["acks_late"], seen["reject_on_worker_lost"], seen["prefetch"]) == (True, True, 1)
    assert seen["soft_time_limit"] < seen["time_limit"] < settings.JOB_LEASE_SECONDS
    assert {"jobs.reconcile", "jobs.expire_exports", "tickets.check_ticket_replies"} <= set(seen["beat"])


def test_a_visibility_timeout_shorter_than_a_task_is_refused_at_start():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "plcloud_panel.settings", "CELERY_VISIBILITY_TIMEOUT": "30"}
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0 and "CELERY_VISIBILITY_TIMEOUT" in out.stderr
