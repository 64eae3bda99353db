"""Workers run the jobs: send a flush's calls, submit a prefetch and follow it to its end.

Tasks take only a job id. Each step first claims the job's lease (one worker at a time), then
works on the rows and says when it wants to run again: Celery's retry with a countdown.

A change (a flush or prefetch call) is never sent twice by a worker: it is marked on the job as
being sent before it leaves, and the mark is cleared in the transaction that saves its answer.
If the answer is lost (a timeout, a dropped connection, a 5xx, an unreadable answer) or the
worker dies before saving it, Plcloud may have carried the call out, and WIRE.md has no call to
look it up without its id: the job stops as "needs your decision" and its member chooses. Reads
(polls, log pages) are safe to repeat and are retried with the job's backoff.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from connections.problems import ReconnectNeeded, explain
from connections.services import client_for
from connections.tenancy import Tenant
from jobs import exports
from jobs.models import HALTED, Export, ItemState, Job, JobItem, Kind, State
from jobs.plans import flush_batches, prefetch_batches
from jobs.services import owner_deactivated
from notifications.models import Notification
from plcloud import (
    AuthError,
    CircuitOpen,
    Forbidden,
    NotFound,
    PlcloudError,
    ProtocolError,
    TimedOut,
    Unavailable,
    ValidationError,
)

logger = logging.getLogger(__name__)

# Seconds: the first poll and the cap of the backoff, the wait for a reconnect.
FIRST_POLL = 1.0
MAX_POLL = 30.0
WAIT_FOR_RECONNECT = 60.0
LEASE_MARGIN = 60
# An export writes for this long, then queues its next slice: tasks stay short (a killed worker
# loses one slice at most) and the lease is renewed after every page.
EXPORT_SLICE = 60.0


class OutcomeUnknown(Exception):
    """The change just sent may have been carried out by Plcloud, and nobody can tell: its member decides."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def backoff(attempt: int) -> float:
    """Capped exponential backoff with jitter, so many jobs do not poll in step."""
    return min(MAX_POLL, FIRST_POLL * 1.5 ** min(attempt, 20)) * random.uniform(0.8, 1.2)


def _lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _claim(job_id: int, owner: str, kind: str | None = None) -> Job | None:
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
    lease_until = now + _lease()
    taken = (
        Job.objects.filter(pk=job_id, lease_owner=job.lease_owner, lease_until=job.lease_until)
        .exclude(state__in=HALTED)
        .update(lease_owner=owner, lease_until=lease_until, crashes=crashes, worked_at=now)
    )
    if not taken:
        return None
    job.lease_owner, job.lease_until, job.crashes, job.worked_at = owner, lease_until, crashes, now
    return job


def _again(job: Job, countdown: float) -> float | None:
    """Keep the lease until the next step is due, and say when that is."""
    if job.deadline:  # never sleep past the deadline: the next step ends the job
        countdown = max(0.2, min(countdown, (job.deadline - timezone.now()).total_seconds() + 1))
    job.lease_until = timezone.now() + timedelta(seconds=countdown + min(LEASE_MARGIN, settings.JOB_LEASE_SECONDS))
    job.enqueued_at = timezone.now() + timedelta(seconds=countdown)
    job.attempts += 1
    job.worked_at = timezone.now()
    fields = ["state", "error", "progress", "lease_until", "enqueued_at", "attempts", "upstream_ids", "started_at"]
    fields += ["polled_at", "crashes", "bad_reads", "worked_at"]
    return countdown if _save(job, fields) else None


# What a worker writes when it ends a job.
ENDING_FIELDS = ["state", "error", "progress", "finished_at", "lease_owner", "lease_until"]
ENDING_FIELDS += ["started_at", "upstream_ids", "polled_at", "crashes", "bad_reads", "worked_at"]


def _save(job: Job, fields: list[str], held_by: str | None = None) -> bool:
    """Write ``fields`` only while the job has not ended and its lease is still this worker's
    (``held_by``, by default ``job.lease_owner``); False if nothing was written. A job ended under
    a worker (cancelled when its owner was deactivated) is never brought back by its next save."""
    held = Job.objects.filter(pk=job.pk, lease_owner=job.lease_owner if held_by is None else held_by)
    return bool(held.exclude(state__in=HALTED).update(**{name: getattr(job, name) for name in fields}))


def _owner_gone(job: Job) -> bool:
    """Whether the job's owner has been deactivated, read now (not as claimed): then the job ends
    as cancelled with the reason, and nothing more is sent upstream for it."""
    if get_user_model().objects.filter(pk=job.owner_id, is_active=True).exists():
        return False
    _finish(job, owner_deactivated(job.owner), state=State.CANCELLED)
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


def _finish(job: Job, error: str = "", state: str | None = None) -> None:
    """End the job (from its items unless ``state`` is given; any item not ended fails with ``error``)."""
    job.state = state or _end_state(job, error)
    job.error, job.progress, job.finished_at = error, 100, timezone.now()
    held_by, job.lease_owner, job.lease_until = job.lease_owner, "", None
    if job.kind == Kind.EXPORT and job.state != State.SUCCEEDED:
        _keep_or_discard(job.export, failed=job.state == State.FAILED)
    with transaction.atomic():
        if not _save(job, ENDING_FIELDS, held_by=held_by):
            return  # it ended under this worker (cancelled), or another worker holds it now
        _notify(job)
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


def _notify(job: Job) -> None:
    """Tell the member their job ended or needs them: one notice per job (a redelivered task
    never adds one); a job that asked them and has now ended brings its notice back as unread."""
    notice, made = Notification.objects.get_or_create(
        job=job, defaults={"user": job.owner, "tenant_id": job.tenant_id, "summary": job.domain_name[:255]}
    )
    if not made:
        Notification.objects.filter(pk=notice.pk).update(read_at=None, created_at=timezone.now())


def _keep_or_discard(export: Export, *, failed: bool) -> None:
    """A cancelled export's file goes at once. A failed one keeps the lines it has checkpointed
    until it would have expired, and "Export again" carries on from them (services.retry_export)."""
    if failed and export.committed_bytes and exports.part_path(export).exists():
        export.expires_at = timezone.now() + timedelta(hours=settings.EXPORT_EXPIRY_HOURS)
        export.save(update_fields=["expires_at"])
    else:
        exports.discard(export)


def _ask(job: Job, reason: str) -> None:
    """Stop the job until its member decides about the call marked in ``job.sending``: no worker,
    no reconciler and no deadline touches it meanwhile (jobs.services.resend_call, skip_call)."""
    job.state, job.error, job.worked_at = State.ATTENTION, reason, timezone.now()
    held_by, job.lease_owner, job.lease_until = job.lease_owner, "", None
    with transaction.atomic():
        fields = ["state", "error", "started_at", "sending", "worked_at", "lease_owner", "lease_until"]
        if not _save(job, fields, held_by=held_by):
            return
        _notify(job)
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


def _maybe_done(error: PlcloudError) -> bool:
    """Whether Plcloud may have carried out the change whose call raised ``error``.

    Known not done: a call that never left (refused connection, connect timeout, open circuit),
    a failed sign-in before it, and a refusal (4xx, 429). Unknown: no answer in time, a connection
    dropped after the request left, a 5xx (a gateway or the service may fail after acting), and an
    answer that could not be read or lacks what a call must return.
    """
    if not error.sent or error.path == "/tokens":
        return False
    if isinstance(error, AuthError | NotFound | ValidationError):
        return False
    if isinstance(error, Unavailable):
        return error.status_code != 429
    return isinstance(error, ProtocolError)


def _send_change(job: Job, index: int, calls: int, items: list[JobItem], send):
    """Send the job's change number ``index`` (of ``calls``, carrying ``items``) once: marked on
    the job before it leaves, in its own transaction. Its answer, or None if the job is no longer
    this worker's. Raises OutcomeUnknown when Plcloud may have carried it out without saying so."""
    job.sending = {"call": index, "calls": calls, "items": [i.pk for i in items]}
    job.worked_at = timezone.now()
    if not _save(job, ["state", "error", "started_at", "sending", "worked_at"]):
        return None
    try:
        return send()
    except PlcloudError as error:
        if _maybe_done(error):
            raise OutcomeUnknown(explain(error).message) from error
        job.sending = None  # known not carried out: it may be sent again later
        _save(job, ["sending"])
        raise


def _answered(job: Job, upstream_id: object, done: list[JobItem]) -> bool:
    """Save a change's answer: its upstream id, the items it carried out (``done``), and the
    mark cleared, in one transaction. A saved answer is progress: the crash count starts again."""
    job.upstream_ids = [*job.upstream_ids, upstream_id]
    job.sending, job.crashes, job.worked_at = None, 0, timezone.now()
    with transaction.atomic():
        if done:
            JobItem.objects.filter(pk__in=[i.pk for i in done]).update(state=ItemState.SUCCEEDED, progress=100)
        if _save(job, ["state", "error", "started_at", "upstream_ids", "sending", "crashes", "worked_at"]):
            return True
        transaction.set_rollback(True)
    return False


def _unanswered(job: Job) -> bool:
    """A change marked as being sent whose answer was never saved: the worker sending it died
    between sending and saving. Plcloud may have carried it out, so the member is asked."""
    if job.sending is None:
        return False
    _ask(job, _("The worker stopped while this call was being sent, before its answer was saved."))
    return True


def _start(job: Job) -> None:
    if job.started_at is None:
        job.started_at = timezone.now()
    job.state, job.error = State.RUNNING, ""


def _step(job_id: int, owner: str, work, kind: str) -> float | None:
    """One step of a job: None when it is over (or not ours), else seconds until the next."""
    job = _claim(job_id, owner, kind)
    if job is None:
        return None
    if job.deadline and timezone.now() > job.deadline:
        _finish(job, _("The job did not end before its deadline."))
        return None
    if job.crashes >= settings.JOB_MAX_CRASHES:
        text = _("The job stopped: its worker died %(n)s times in a row without the job making progress.")
        _finish(job, text % {"n": job.crashes})
        return None
    if _owner_gone(job):
        return None
    try:
        return work(job, client_for(job.owner, tenant=Tenant(job.tenant_id, job.region)))
    except OutcomeUnknown as unknown:
        _ask(job, unknown.reason)
        return None
    except (ReconnectNeeded, AuthError) as error:
        if isinstance(error, Forbidden):
            _finish(job, explain(error).message)
            return None
        job.state, job.error = State.WAITING, explain(error).message
        return _again(job, WAIT_FOR_RECONNECT)
    except Unavailable as error:
        # Plcloud unreachable or failing (a change raising this was known not to be carried out):
        # tried again until the deadline.
        job.error = _("Retrying: %(reason)s") % {"reason": _unavailable(error)}
        return _again(job, backoff(job.attempts))
    except ProtocolError:
        return _bad_read(job)
    except PlcloudError as error:
        _finish(job, explain(error).message)
        return None


def _unavailable(error: Unavailable) -> str:
    if isinstance(error, CircuitOpen):
        return _("Plcloud is unavailable: it failed repeatedly, so the panel is not calling it for a short while.")
    if isinstance(error, TimedOut):
        return _("Plcloud did not answer within %(seconds)s seconds.") % {
            "seconds": f"{settings.PLCLOUD_READ_TIMEOUT:g}"
        }
    return _("Plcloud is not reachable right now.")


def _bad_read(job: Job) -> float | None:
    """An answer to a read that could not be read (a change's never gets here: it is unknown).
    Reads are safe to repeat: the step is tried again with the backoff, and the job fails only
    after settings.JOB_MAX_BAD_READS of them in a row; what it has done so far is kept."""
    job.bad_reads += 1
    if job.bad_reads >= settings.JOB_MAX_BAD_READS:
        text = _("The job stopped: %(n)s answers in a row from Plcloud could not be read.")
        _finish(job, text % {"n": job.bad_reads})
        return None
    unreadable = _("Plcloud answered with something the panel could not read.")
    job.error = _("Retrying: %(reason)s") % {"reason": unreadable}
    return _again(job, backoff(job.bad_reads))


def _flush_work(job: Job, client) -> None:
    if _unanswered(job):
        return
    _start(job)
    batches = flush_batches(list(job.items.all()))
    for index, (urls, dirs) in enumerate(batches):
        if index < len(job.upstream_ids):
            continue  # sent by an earlier step (or left out by its member: skip_call)
        if _owner_gone(job):
            return

        def flush(urls=urls, dirs=dirs) -> dict:
            domain = job.upstream_domain_id
            return client.cdn.cache_flush(domain, urls=[i.url for i in urls], dirs=[i.url for i in dirs])

        answer = _send_change(job, index, len(batches), urls + dirs, flush)
        if answer is None or not _answered(job, answer.get("flush_id", ""), urls + dirs):
            return
    _finish(job)


def _submit_prefetch(client, chunk: list[JobItem]) -> object:
    """Plcloud's request id for a new prefetch of ``chunk``: an answer without one is unreadable
    (the prefetch may exist, but it cannot be followed)."""
    request_id = client.cdn.prefetch([i.url for i in chunk]).get("request_id")
    if request_id in (None, "") or not isinstance(request_id, str | int):
        raise ProtocolError("the prefetch answer has no request_id", method="PUT", path="/cdn/prefetch")
    return request_id


def _prefetch_work(job: Job, client) -> float | None:
    if _unanswered(job):
        return None
    _start(job)
    items = list(job.items.all())
    batches = prefetch_batches(items)
    for index in range(len(job.upstream_ids), len(batches)):
        if _owner_gone(job):
            return None
        chunk = batches[index]
        # Stored before any poll: a later step never submits the same URLs again.
        request_id = _send_change(job, index, len(batches), chunk, lambda chunk=chunk: _submit_prefetch(client, chunk))
        if request_id is None or not _answered(job, request_id, []):
            return None
    by_url = {i.url: i for i in items}
    moved = False
    for request_id in job.upstream_ids:
        if not request_id:
            continue  # a call its member chose not to send again: nothing to follow
        if _owner_gone(job) or not _touch(job):
            return None
        changed = _polled(client, request_id, by_url)
        if changed:  # saved poll by poll: a later poll's bad answer loses nothing
            JobItem.objects.bulk_update(changed, ["state", "progress", "error"])
            moved = True
    job.bad_reads = 0
    if moved:
        job.crashes = 0  # progress: a worker that dies from here on starts the count again
    if all(i.state in (ItemState.SUCCEEDED, ItemState.FAILED) for i in items):
        _finish(job)
        return None
    return _again(job, _next_poll(job, sum(i.progress for i in items) // max(len(items), 1)))


def _touch(job: Job) -> bool:
    """Say that a worker is on the job now (its page tells that from a job waiting for one)."""
    job.worked_at = timezone.now()
    return _save(job, ["worked_at"])


def _polled(client, request_id: object, by_url: dict[str, JobItem]) -> list[JobItem]:
    """The items whose state Plcloud's answer for ``request_id`` changes, changed in place."""
    rows = client.cdn.prefetch_query(request_id).get("urls")
    if not isinstance(rows, list):
        raise ProtocolError("the prefetch status has no list of urls", method="GET", path="/cdn/prefetch")
    changed = []
    for row in rows:
        item = by_url.get(row.get("url")) if isinstance(row, dict) else None
        if item is not None and row.get("status") in ItemState.values:
            seen = (row["status"], int(row.get("progress") or 0), row.get("error") or "")
            if seen != (item.state, item.progress, item.error):
                item.state, item.progress, item.error = seen
                changed.append(item)
    return changed


def _next_poll(job: Job, progress: int) -> float:
    """When to poll again: the backoff, or sooner or later if the progress so far tells when the
    prefetch will end. Polling right after the end shows it sooner; skipping polls in between
    spares Plcloud and the workers when hundreds of jobs run at once."""
    now = timezone.now()
    countdown = backoff(job.attempts)
    if job.polled_at and 0 < job.progress < progress:
        rate = (progress - job.progress) / max((now - job.polled_at).total_seconds(), 0.001)
        countdown = min(MAX_POLL, max(FIRST_POLL, (100 - progress) / rate * 1.05 + 0.25))
    job.progress, job.polled_at = progress, now
    return countdown


def _export_work(job: Job, client) -> float | None:
    export = job.export
    if export.cancel_requested:
        _cancel(job, export)
        return None
    _start(job)
    if not _save(job, ["state", "error", "started_at"]):
        return None  # ended meanwhile (its owner deactivated), or no longer this worker's

    def checkpoint(export: Export, progress: int) -> None:
        # A page read and written is progress: the crash count and the bad reads start again.
        now = timezone.now()
        with transaction.atomic():
            held = Job.objects.filter(pk=job.pk, lease_owner=job.lease_owner).exclude(state__in=HALTED)
            if not held.update(progress=progress, lease_until=now + _lease(), crashes=0, bad_reads=0, worked_at=now):
                raise exports.ExportStopped("lease lost")
            export.save(update_fields=exports.CHECKPOINT_FIELDS)
        job.progress, job.crashes, job.bad_reads, job.worked_at = progress, 0, 0, now
        if _owner_gone(job):
            raise exports.ExportStopped("owner deactivated")
        if Export.objects.filter(pk=export.pk, cancel_requested=True).exists():
            raise exports.ExportStopped("cancelled")

    try:
        done = exports.write(export, client, checkpoint=checkpoint, seconds=EXPORT_SLICE)
    except exports.ExportStopped:
        export.refresh_from_db(fields=["cancel_requested"])
        if export.cancel_requested:
            _cancel(job, export)
        return None  # lease lost: the worker that holds it carries on
    except exports.OutOfRoom as error:
        exports.discard(export)  # the room is given back at once
        _finish(job, str(error))
        return None
    except OSError as error:
        exports.discard(export)
        _finish(job, _("The export file could not be written: %(reason)s") % {"reason": error.strerror or error})
        return None
    if not done:
        return _again(job, 0)
    export.expires_at = timezone.now() + timedelta(hours=settings.EXPORT_EXPIRY_HOURS)
    export.save(update_fields=["file_name", "size", "expires_at"])
    _finish(job)
    return None


def _cancel(job: Job, export: Export) -> None:
    exports.discard(export)
    _finish(job, state=State.CANCELLED)


def flush_step(job_id: int, *, owner: str) -> float | None:
    return _step(job_id, owner, _flush_work, Kind.FLUSH)


def prefetch_step(job_id: int, *, owner: str) -> float | None:
    return _step(job_id, owner, _prefetch_work, Kind.PREFETCH)


def export_step(job_id: int, *, owner: str) -> float | None:
    return _step(job_id, owner, _export_work, Kind.EXPORT)


def _run(task, job_id: int, step) -> None:
    # Run in-process (apply()), a step is one step: the caller decides when to run the next.
    owner = f"in-process-{job_id}" if task.request.is_eager else task.request.id
    countdown = step(job_id, owner=owner)
    if countdown is not None and not task.request.is_eager:
        raise task.retry(countdown=countdown)


@shared_task(bind=True, ignore_result=True, max_retries=None)
def run_flush(self, job_id: int) -> None:
    """Send a flush job's calls (retried while Plcloud is unreachable or the member must reconnect)."""
    _run(self, job_id, flush_step)


@shared_task(bind=True, ignore_result=True, max_retries=None)
def poll_prefetch(self, job_id: int) -> None:
    """Submit a prefetch job (once) and follow it to its end, backing off between polls."""
    _run(self, job_id, prefetch_step)


@shared_task(bind=True, ignore_result=True, max_retries=None)
def run_export(self, job_id: int) -> None:
    """Write an export's file a slice at a time, resuming from its checkpoint after any stop."""
    _run(self, job_id, export_step)


@shared_task(ignore_result=True)
def expire_exports() -> int:
    """Delete export files past their expiry; their rows (and the job ledger) stay."""
    count = 0
    for export in Export.objects.filter(expired=False, expires_at__lt=timezone.now()).select_related("job"):
        exports.discard(export)
        export.expired = True
        export.save(update_fields=["expired"])
        count += 1
    return count


@shared_task(ignore_result=True)
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
        job = _claim(job_id, owner="reconciler")
        if job is not None:
            _finish(job, _("The job did not end before its deadline: no worker finished it in time."))
            failed += 1
    due = now - timedelta(seconds=settings.JOB_REQUEUE_SECONDS)
    queued = 0
    for job in Job.objects.filter(free).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=due)):
        if send(job):
            queued += 1
    return {"failed": failed, "queued": queued}


def send(job: Job) -> bool:
    """Queue the job's task now; False (and the job left for the reconciler) if the broker is down."""
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now())
    try:
        TASKS[job.kind].apply_async(args=[job.pk])
    except Exception:  # kombu and redis raise many kinds: any failure to publish means "not queued"
        logger.warning("job %s: the task queue is unreachable; the reconciler will queue it", job.pk, exc_info=True)
        return False
    return True


STEPS = {Kind.FLUSH: flush_step, Kind.PREFETCH: prefetch_step, Kind.EXPORT: export_step}
TASKS = {Kind.FLUSH: run_flush, Kind.PREFETCH: poll_prefetch, Kind.EXPORT: run_export}
