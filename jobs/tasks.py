"""Celery's entry points for jobs: each takes a job id and runs one step of it (jobs.runner holds
the lease, crash and deadline machine; jobs.flush_run, prefetch_run and export_run the work).
A step that wants to run again says when, and its task retries itself with that countdown.

The names are pinned: messages already queued and beat's schedule (settings) name these tasks.
"""

from __future__ import annotations

from celery import shared_task

from jobs import export_run, runner
from jobs.export_run import export_step
from jobs.flush_run import flush_step
from jobs.models import Kind
from jobs.prefetch_run import prefetch_step


def _run(task, job_id: int, step) -> None:
    # Run in-process (apply()), a step is one step: the caller decides when to run the next.
    owner = f"in-process-{job_id}" if task.request.is_eager else task.request.id
    countdown = step(job_id, owner=owner)
    if countdown is not None and not task.request.is_eager:
        raise task.retry(countdown=countdown)


@shared_task(name="jobs.tasks.run_flush", bind=True, ignore_result=True, max_retries=None)
def run_flush(self, job_id: int) -> None:
    """Send a flush job's calls (retried while Plcloud is unreachable or the member must reconnect)."""
    _run(self, job_id, flush_step)


@shared_task(name="jobs.tasks.poll_prefetch", bind=True, ignore_result=True, max_retries=None)
def poll_prefetch(self, job_id: int) -> None:
    """Submit a prefetch job (once) and follow it to its end, backing off between polls."""
    _run(self, job_id, prefetch_step)


@shared_task(name="jobs.tasks.run_export", bind=True, ignore_result=True, max_retries=None)
def run_export(self, job_id: int) -> None:
    """Write an export's file a slice at a time, resuming from its checkpoint after any stop."""
    _run(self, job_id, export_step)


@shared_task(name="jobs.tasks.expire_exports", ignore_result=True)
def expire_exports() -> int:
    """Delete export files past their expiry; their rows (and the job ledger) stay."""
    return export_run.expire_exports()


@shared_task(name="jobs.tasks.reconcile", ignore_result=True)
def reconcile() -> dict[str, int]:
    """Fail jobs past their deadline and queue again jobs that no live worker holds."""
    return runner.reconcile()


STEPS = {Kind.FLUSH: flush_step, Kind.PREFETCH: prefetch_step, Kind.EXPORT: export_step}
TASKS = {Kind.FLUSH: run_flush, Kind.PREFETCH: poll_prefetch, Kind.EXPORT: run_export}
