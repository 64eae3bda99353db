"""Real Celery worker processes for tests: on Redis (database 15, or one a test process under
xdist) or the filesystem transport, reading the test database."""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from plcloud_panel.celery import app
from tests.helpers import PROJECT_ROOT


def _worker_redis_url(base: str) -> str:
    """This test process's own Redis database: the base's for a serial run or xdist's first
    worker, and one further down for each other worker (gw1 on 14 when the base is 15), so that
    two workers never empty, or take tasks from, each other's queues."""
    index = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    parts = urlsplit(base)
    number = int(parts.path.strip("/") or 0) - index
    if number < 0:
        raise pytest.UsageError(f"TEST_REDIS_URL={base}: too low a database number for {index + 1} xdist workers")
    return urlunsplit(parts._replace(path=f"/{number}"))


TEST_REDIS_URL = _worker_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def redis_or_skip() -> str:
    """The test Redis, emptied; a skip without one, a failure under CI."""
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {TEST_REDIS_URL}; .ci/run should have started it")
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    return TEST_REDIS_URL


@contextmanager
def worker_process(environment: dict[str, str], name: str, *extra: str) -> Iterator[subprocess.Popen]:
    """``celery worker`` as its own process on the given broker settings (``extra`` added to its
    command line, e.g. ``-B``); its output is printed if it stopped badly. It consumes every queue
    (short jobs and exports alike) unless ``extra`` picks some with ``-Q``."""
    env = {**os.environ, **environment, "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    if "-Q" not in extra:
        extra = ("-Q", f"{settings.CELERY_TASK_DEFAULT_QUEUE},{settings.EXPORT_QUEUE}", *extra)
    command = [
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
        f"{name}@%h",
        *extra,
    ]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        if process.returncode not in (0, -15):
            print(output)


@pytest.fixture
def redis_worker(request) -> Iterator[tuple[str, subprocess.Popen]]:
    """A worker on the test Redis: (broker URL, process)."""
    url = redis_or_skip()
    with worker_process({"CELERY_BROKER_URL": url}, request.node.name[:40]) as process:
        yield url, process


def filesystem_broker(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
    }
    for path in options.values():
        Path(path).mkdir(parents=True, exist_ok=True)
    return {"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_FOLDER": str(folder)}, options


@contextmanager
def panel_broker(url: str, options: dict | None = None):
    """This process's Celery app (the panel's views send through it) on the given broker."""
    # The app reads Django's namespaced names, which win over Celery's own.
    before = (app.conf.CELERY_BROKER_URL, app.conf.CELERY_BROKER_TRANSPORT_OPTIONS)
    app.conf.CELERY_BROKER_URL, app.conf.CELERY_BROKER_TRANSPORT_OPTIONS = url, options or {"visibility_timeout": 3600}
    _drop_pools()
    try:
        yield
    finally:
        app.conf.CELERY_BROKER_URL, app.conf.CELERY_BROKER_TRANSPORT_OPTIONS = before
        _drop_pools()


def _drop_pools() -> None:
    """Forget the app's connections and producers, so the next send connects to the new broker.
    (Not closed: kombu's shared producer pools may still hand them out, and a closed one raises.)"""
    app._pool = None
    app.amqp._producer_pool = None
