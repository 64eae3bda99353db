"""A real worker process consumes a real task, through Redis and through the embedded transport."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from kombu import Connection

from ops.models import WorkerPing
from ops.tasks import answer_ping
from tests.helpers import wait_for

ROOT = Path(settings.BASE_DIR)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def redis_or_skip() -> str:
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {TEST_REDIS_URL}; .ci/run should have started it")
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    return TEST_REDIS_URL


@pytest.fixture(params=["redis", "filesystem"])
def broker(request, tmp_path):
    if request.param == "redis":
        return {"CELERY_BROKER_URL": redis_or_skip()}, {}
    folder = tmp_path / "broker"
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
    }
    for path in options.values():
        Path(path).mkdir(parents=True, exist_ok=True)
    return {"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_FOLDER": str(folder)}, options


@pytest.fixture
def worker(broker):
    environment, _ = broker
    env = {**os.environ, **environment, "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "plcloud_panel",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "-n",
            "test-worker@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    if process.returncode not in (0, -15):
        print(output)


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
