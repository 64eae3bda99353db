"""/health/ for load balancers and container healthchecks.

Every dependency is checked by name, all at once in threads, each within HEALTH_CHECK_SECONDS,
so the answer is bounded in time however many of them hang.

The endpoint answers anyone, so a hit must stay cheap however many come: each check's result is
shared by every hit of the process (one run in flight at a time, waited on by the hits that come
meanwhile), and reused for a while: Plcloud's for HEALTH_PLCLOUD_SECONDS (one Keystone call then,
not one a hit), the local ones (database, broker, worker heartbeat) for LOCAL_SECONDS. The
threads come from one small pool per process, not a pool a hit.

Fatal (HTTP 503, status "failing"): the database and the broker. Without the database no page
works; without the broker no job, flush or prefetch can be queued.
Degraded (HTTP 200, status "degraded"): no recent worker heartbeat, Plcloud unreachable. The
pages still answer, and taking every web process out of rotation because a worker or Plcloud is
down would make things worse, not better; monitoring should alert on "degraded".

Reasons are short fixed phrases for an operator (not translated: no person reads this page in
the browser), never a stack trace, a URL or a credential.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)
# The database, broker and heartbeat checks run at most once a second a process, however many hits
# come: an answer never more than a second old, and a burst of hits costs one query and one
# broker connection, not one each.
LOCAL_SECONDS = 1.0
# Past its time bound, a check's answer is waited for this much longer before it is "timed out".
GRACE_SECONDS = 0.5
# Threads for the checks, per process: four checks, and room for as many stuck past their bound.
POOL_SIZE = 8


class Failed(Exception):
    """A check's failure; the message is its reason as shown."""


def _local_seconds() -> float:
    return LOCAL_SECONDS


def _nothing() -> str:
    return ""


@dataclass(frozen=True)
class Check:
    name: str
    fatal: bool
    run: Callable[[float], str]  # returns a short note when healthy, raises Failed otherwise
    # What the answer depends on (a result for another URL is not reused) and how long it is reused.
    target: Callable[[], str] = _nothing
    keep: Callable[[], float] = _local_seconds


def check_database(timeout: float) -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        raise Failed(_connection_reason(exc)) from None
    return ""


def check_broker(timeout: float) -> str:
    url = settings.CELERY_BROKER_URL
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if url.startswith("filesystem"):
        # The embedded transport has no server: healthy when its folders can be written.
        for key in ("data_folder_in", "control_folder"):
            folder = options.get(key)
            if not folder or not os.access(folder, os.W_OK):
                raise Failed("broker folder missing or not writable")
        return "filesystem transport"
    from kombu import Connection

    transport_options = {**options, "socket_timeout": timeout, "socket_connect_timeout": timeout}
    try:
        with Connection(url, connect_timeout=timeout, transport_options=transport_options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=timeout)
    except Exception as exc:
        raise Failed(_connection_reason(exc)) from None
    return ""


def check_worker(timeout: float) -> str:
    from ops.models import WorkerPing

    try:
        last = (
            WorkerPing.objects.filter(answered_at__isnull=False)
            .order_by("-answered_at")
            .values_list("answered_at", flat=True)
            .first()
        )
    except DatabaseError:
        raise Failed("cannot tell: the heartbeats are in the database") from None
    if last is None:
        raise Failed("no worker has answered yet (are a worker and beat running?)")
    age = max(0, int((timezone.now() - last).total_seconds()))
    if age > settings.WORKER_STALE_SECONDS:
        raise Failed(f"no worker answered for {age} s (are a worker and beat running?)")
    return f"last answer {age} s ago"


def check_plcloud(timeout: float) -> str:
    from plcloud import AuthError, PlcloudError, ProtocolError, identity_version

    try:
        identity_version(settings.PLCLOUD_AUTH_URL, timeout=(timeout, timeout))
    except PlcloudError as exc:
        if isinstance(exc, ProtocolError):
            raise Failed("identity answered, but not with a Keystone version document") from None
        if isinstance(exc, AuthError):
            raise Failed(f"identity refused the request (HTTP {exc.status_code})") from None
        if exc.status_code:
            raise Failed(f"identity answered HTTP {exc.status_code}") from None
        # The client's own fixed phrases ("could not reach ...", "did not answer in time", "not a
        # Keystone version document"): they never carry a URL or a credential.
        raise Failed(exc.message) from None
    return ""


CHECKS = (
    Check("database", True, check_database),
    Check("broker", True, check_broker, target=lambda: settings.CELERY_BROKER_URL),
    Check("worker", False, check_worker),
    Check(
        "plcloud",
        False,
        check_plcloud,
        target=lambda: settings.PLCLOUD_AUTH_URL,
        keep=lambda: settings.HEALTH_PLCLOUD_SECONDS,
    ),
)


@dataclass
class _Run:
    started: float
    future: Future
    finished: float | None = None

    def stale(self, now: float, keep: float, timeout: float) -> bool:
        if self.finished is None:
            # One stuck past its bound (a hung socket) is not waited on for ever: the next hit starts another.
            return now - self.started > timeout + GRACE_SECONDS
        return now - self.finished >= keep


@dataclass
class _Runs:
    """Each check's latest run, shared by every hit of this process."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    runs: dict[tuple[str, str], _Run] = field(default_factory=dict)
    pool: tuple[int, ThreadPoolExecutor] | None = None

    def start(self, check: Check, timeout: float) -> Future:
        """The check's run to wait for: the one in flight, a recent one, or a new one."""
        key = (check.name, check.target())
        now = time.monotonic()
        with self.lock:
            run = self.runs.get(key)
            if run is None or run.stale(now, check.keep(), timeout):
                run = _Run(started=now, future=self._pool().submit(_run, check, timeout))
                run.future.add_done_callback(lambda _future, run=run: setattr(run, "finished", time.monotonic()))
                self.runs[key] = run
            return run.future

    def forget(self) -> None:
        with self.lock:
            self.runs.clear()

    def _pool(self) -> ThreadPoolExecutor:
        # A pool's threads do not survive a fork (gunicorn --preload): each process makes its own.
        if self.pool is None or self.pool[0] != os.getpid():
            self.pool = (os.getpid(), ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="health"))
        return self.pool[1]


RUNS = _Runs()


def forget() -> None:
    """Drop every kept result: the next hit checks afresh (tests, between one setting and the next)."""
    RUNS.forget()


def _connection_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if isinstance(exc, TimeoutError) or "timed out" in text or "timeout" in text:
        return "connection timed out"
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "resolve" in text:
        return "host name not found"
    return "cannot connect"


def _run(check: Check, timeout: float) -> dict:
    started = time.monotonic()
    try:
        note = check.run(timeout)
        result = {"ok": True, "reason": note}
    except Failed as exc:
        result = {"ok": False, "reason": str(exc)}
    except Exception as exc:
        # Unexpected: the type is enough for the answer; the log gets no more (a message could
        # hold a connection string).
        logger.warning("health check %s failed with %s", check.name, type(exc).__name__)
        result = {"ok": False, "reason": f"unexpected error ({type(exc).__name__})"}
    finally:
        # Each check runs in a thread of its own, whose database connection would otherwise leak.
        connections.close_all()
    result["fatal"] = check.fatal
    result["seconds"] = round(time.monotonic() - started, 3)
    return result


def run_checks(checks: tuple[Check, ...] = CHECKS) -> dict:
    timeout = settings.HEALTH_CHECK_SECONDS
    futures = {check.name: RUNS.start(check, timeout) for check in checks}
    # A check stuck past its own timeout (a hung socket) is reported, not waited for.
    wait(futures.values(), timeout=timeout + GRACE_SECONDS)
    results = {}
    for check in checks:
        future = futures[check.name]
        if future.done() and not future.cancelled():
            results[check.name] = future.result()
        else:
            results[check.name] = {"ok": False, "reason": "timed out", "fatal": check.fatal, "seconds": timeout}
    if any(not r["ok"] and r["fatal"] for r in results.values()):
        status = "failing"
    elif all(r["ok"] for r in results.values()):
        status = "ok"
    else:
        status = "degraded"
    return {"status": status, "checks": results}


def health(request: HttpRequest) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"error": "GET only"}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    report = run_checks()
    response = JsonResponse(report, status=503 if report["status"] == "failing" else 200)
    response["Cache-Control"] = "no-store"
    return response


def prune_pings(now=None) -> int:
    """Heartbeats older than an hour tell nothing more; without this the table grows forever."""
    from ops.models import WorkerPing

    cutoff = (now or timezone.now()) - timedelta(hours=1)
    deleted, _ = WorkerPing.objects.filter(requested_at__lt=cutoff).delete()
    return deleted
