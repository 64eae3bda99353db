"""The lease, crash and deadline machine every job step runs under (jobs.flush_run,
prefetch_run and export_run hold the work; jobs.tasks the Celery entry points).

A step first claims the job's lease (one worker at a time), then works on the rows and says when
it wants to run again. Taking over a lease nobody gave back counts a crash; too many crashes in
a row without progress, a deadline passed, or an owner deactivated end the job. Every save lands
only while the lease is still the worker's and the job has not ended. The reconciler fails jobs
past their deadline and queues again those no live worker holds.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from connections import problems
from connections.problems import ReconnectNeeded, explain
from connections.services import client_for
from connections.tenancy import Tenant
from jobs import exports, reasons, services
from jobs.errors import OutcomeUnknown
from jobs.models import HALTED, Export, ItemState, Job, Kind, State
from notifications import services as notices
from plcloud import AuthError, CircuitOpen, Forbidden, PlcloudError, ProtocolError, TimedOut, Unavailable

# Seconds: the first poll and the cap of the backoff, the wait for a reconnect.
FIRST_POLL = 1.0
MAX_POLL = 30.0
WAIT_FOR_RECONNECT = 60.0
LEASE_MARGIN = 60


def backoff(attempt: int) -> float:
    """Capped exponential backoff with jitter, so many jobs do not poll in step."""
    return min(MAX_POLL, FIRST_POLL * 1.5 ** min(attempt, 20)) * random.uniform(0.8, 1.2)


def lease() -> timedelta:
    """How long a claim or a checkpoint holds the job."""
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def claim(job_id: int, owner: str, kind: str | None = None) -> Job | None:
    """Take the job for this step, unless another worker holds it or it has ended.

    Taking over a lease another worker never gave back counts as a crash of that worker (the
    count starts again whenever the job makes progress). The update only lands if the lease is
    still as read, so two workers never both take it. A task of another kind (a stale message
    naming this id) takes nothing, and neither does any task while the job waits for its member.
    """
    jobs = Job.objects.select_related("owner").exclude(state__in=HALTED).filter(pk=job_id)
    job = (jobs.filter(kind=kind) if kind else jobs).first()
    now = timezone.now()
    if job is None or (job.lease_until and job.lease_until >= now and job.lease_owner != owner):
        return None
    crashes = job.crashes + (job.lease_owner not in ("", owner))
    lease_until = now + lease()
    taken = (
        Job.objects.filter(pk=job_id, lease_owner=job.lease_owner, lease_until=job.lease_until)
        .exclude(state__in=HALTED)
        .update(lease_owner=owner, lease_until=lease_until, crashes=crashes, worked_at=now)
    )
    if not taken:
        return None
    job.lease_owner, job.lease_until, job.crashes, job.worked_at = owner, lease_until, crashes, now
    return job


def again(job: Job, countdown: float) -> float | None:
    """Keep the lease until the next step is due, and say when that is."""
    if job.deadline:  # never sleep past the deadline: the next step ends the job
        countdown = max(0.2, min(countdown, (job.deadline - timezone.now()).total_seconds() + 1))
    job.lease_until = timezone.now() + timedelta(seconds=countdown + min(LEASE_MARGIN, settings.JOB_LEASE_SECONDS))
    job.enqueued_at = timezone.now() + timedelta(seconds=countdown)
    job.attempts += 1
    job.worked_at = timezone.now()
    fields = ["state", "error", "progress", "lease_until", "enqueued_at", "attempts", "upstream_ids", "started_at"]
    fields += ["polled_at", "crashes", "bad_reads", "worked_at"]
    return countdown if save(job, fields) else None


# What a worker writes when it ends a job.
ENDING_FIELDS = ["state", "error", "progress", "finished_at", "lease_owner", "lease_until"]
ENDING_FIELDS += ["started_at", "upstream_ids", "polled_at", "crashes", "bad_reads", "worked_at"]


def save(job: Job, fields: list[str], held_by: str | None = None) -> bool:
    """Write ``fields`` only while the job has not ended and its lease is still this worker's
    (``held_by``, by default ``job.lease_owner``); False if nothing was written. A job ended under
    a worker (cancelled when its owner was deactivated) is never brought back by its next save."""
    held = Job.objects.filter(pk=job.pk, lease_owner=job.lease_owner if held_by is None else held_by)
    return bool(held.exclude(state__in=HALTED).update(**{name: getattr(job, name) for name in fields}))


def owner_gone(job: Job) -> bool:
    """Whether the job's owner has been deactivated, read now (not as claimed): then the job ends
    as cancelled with the reason, and nothing more is sent upstream for it."""
    if get_user_model().objects.filter(pk=job.owner_id, is_active=True).exists():
        return False
    finish(job, services.owner_deactivated(job.owner), state=State.CANCELLED)
    return True


def _end_state(job: Job, error: str) -> str:
    if job.kind == Kind.EXPORT:
        return State.FAILED if error else State.SUCCEEDED
    if error:
        job.items.exclude(state__in=(ItemState.SUCCEEDED, ItemState.FAILED)).update(state=ItemState.FAILED, error=error)
    states = set(job.items.values_list("state", flat=True))
    if states <= {ItemState.SUCCEEDED}:
        return State.SUCCEEDED
    return State.FAILED if states == {ItemState.FAILED} else State.PARTIAL


def finish(job: Job, error: str = "", state: str | None = None) -> None:
    """End the job (from its items unless ``state`` is given; any item not ended fails with ``error``)."""
    job.state = state or _end_state(job, error)
    job.error, job.progress, job.finished_at = error, 100, timezone.now()
    held_by, job.lease_owner, job.lease_until = job.lease_owner, "", None
    if job.kind == Kind.EXPORT and job.state != State.SUCCEEDED:
        _keep_or_discard(job.export, failed=job.state == State.FAILED)
    with transaction.atomic():
        if not save(job, ENDING_FIELDS, held_by=held_by):
            return  # it ended under this worker (cancelled), or another worker holds it now
        notices.job_ended(job=job)
    if job.state == State.FAILED:
        record(
            actor=job.owner,
            action=f"jobs.{job.kind}",
            object_type="job",
            object_id=job.pk,
            ok=False,
            error=error,
            tenant=Tenant(job.tenant_id, job.region),
        )


def _keep_or_discard(export: Export, *, failed: bool) -> None:
    """A cancelled export's file goes at once. A failed one keeps the lines it has checkpointed
    until it would have expired, and "Export again" carries on from them (services.retry_export)."""
    if failed and export.committed_bytes and exports.part_path(export).exists():
        export.expires_at = timezone.now() + timedelta(hours=settings.EXPORT_EXPIRY_HOURS)
        export.save(update_fields=["expires_at"])
    else:
        exports.discard(export)


def ask(job: Job, reason: str) -> None:
    """Stop the job until its member decides about the call marked in ``job.sending``: no worker,
    no reconciler and no deadline touches it meanwhile (jobs.services.resend_call, skip_call)."""
    job.state, job.error, job.worked_at = State.ATTENTION, reason, timezone.now()
    held_by, job.lease_owner, job.lease_until = job.lease_owner, "", None
    with transaction.atomic():
        fields = ["state", "error", "started_at", "sending", "worked_at", "lease_owner", "lease_until"]
        if not save(job, fields, held_by=held_by):
            return
        notices.job_ended(job=job)
    call = job.sending or {}
    detail = {"call": call.get("call", 0) + 1, "items": len(call.get("items", []))}
    record(
        actor=job.owner,
        action=f"jobs.{job.kind}.unknown",
        object_type="job",
        object_id=job.pk,
        ok=False,
        detail=detail,
        error=reason,
        tenant=Tenant(job.tenant_id, job.region),
    )


def start(job: Job) -> None:
    if job.started_at is None:
        job.started_at = timezone.now()
    job.state, job.error = State.RUNNING, ""


def step(job_id: int, owner: str, work, kind: str) -> float | None:
    """One step of a job: None when it is over (or not ours), else seconds until the next."""
    job = claim(job_id, owner, kind)
    if job is None:
        return None
    if job.deadline and timezone.now() > job.deadline:
        finish(job, _(reasons.DEADLINE))
        return None
    if job.crashes >= settings.JOB_MAX_CRASHES:
        text = _(reasons.WORKER_DIED)
        finish(job, text % {"n": job.crashes})
        return None
    if owner_gone(job):
        return None
    try:
        return work(job, client_for(job.owner, tenant=Tenant(job.tenant_id, job.region)))
    except OutcomeUnknown as unknown:
        ask(job, unknown.reason)
        return None
    except (ReconnectNeeded, AuthError) as error:
        if isinstance(error, Forbidden):
            finish(job, explain(error).message)
            return None
        job.state, job.error = State.WAITING, explain(error).message
        return again(job, WAIT_FOR_RECONNECT)
    except Unavailable as error:
        # Plcloud unreachable or failing (a change raising this was known not to be carried out):
        # tried again until the deadline.
        job.error = _(reasons.RETRYING) % {"reason": _unavailable(error)}
        return again(job, backoff(job.attempts))
    except ProtocolError:
        return _bad_read(job)
    except PlcloudError as error:
        finish(job, explain(error).message)
        return None


def _unavailable(error: Unavailable) -> str:
    if isinstance(error, CircuitOpen):
        return _(problems.CIRCUIT_OPEN)
    if isinstance(error, TimedOut):
        return _(problems.TIMED_OUT) % {"seconds": f"{settings.PLCLOUD_READ_TIMEOUT:g}"}
    return _(reasons.NOT_REACHABLE)


def _bad_read(job: Job) -> float | None:
    """An answer to a read that could not be read (a change's never gets here: it is unknown).
    Reads are safe to repeat: the step is tried again with the backoff, and the job fails only
    after settings.JOB_MAX_BAD_READS of them in a row; what it has done so far is kept."""
    job.bad_reads += 1
    if job.bad_reads >= settings.JOB_MAX_BAD_READS:
        text = _(reasons.BAD_READS)
        finish(job, text % {"n": job.bad_reads})
        return None
    unreadable = _(problems.UNREADABLE)
    job.error = _(reasons.RETRYING) % {"reason": unreadable}
    return again(job, backoff(job.bad_reads))


def reconcile() -> dict[str, int]:
    """Fail jobs past their deadline and queue again jobs that no live worker holds.

    A job is queued again when its lease is free and its task was due a while ago: the message
    was lost (broker restarted, worker killed before acknowledging) or never sent (broker down
    when it was submitted). A duplicate message is harmless: the lease lets one step run.
    """
    now = timezone.now()
    # A job waiting for its member's decision is theirs: never sent again, never failed by its deadline.
    free = (Q(lease_until__isnull=True) | Q(lease_until__lt=now)) & ~Q(state__in=HALTED)
    failed = 0
    for job_id in Job.objects.filter(free, deadline__lt=now).values_list("pk", flat=True):
        job = claim(job_id, owner="reconciler")
        if job is not None:
            finish(job, _(reasons.DEADLINE_NO_WORKER))
            failed += 1
    due = now - timedelta(seconds=settings.JOB_REQUEUE_SECONDS)
    queued = 0
    for job in Job.objects.filter(free).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=due)):
        if services.send(job):
            queued += 1
    return {"failed": failed, "queued": queued}
