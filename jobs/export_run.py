"""An export job's work: its file written a slice at a time (jobs.exports), checkpointed page by
page under the job's lease, under jobs.runner's step; and the expiry of old export files."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs import exports, reasons, runner
from jobs.models import HALTED, Export, Job, Kind, State

# An export writes for this long, then queues its next slice: tasks stay short (a killed worker
# loses one slice at most) and the lease is renewed after every page.
EXPORT_SLICE = 60.0


def _export_work(job: Job, client) -> float | None:
    export = job.export
    if export.cancel_requested:
        _cancel(job, export)
        return None
    runner.start(job)
    if not runner.save(job, ["state", "error", "started_at"]):
        return None  # ended meanwhile (its owner deactivated), or no longer this worker's

    def checkpoint(export: Export, progress: int) -> None:
        # A page read and written is progress: the crash count and the bad reads start again.
        now = timezone.now()
        with transaction.atomic():
            held = Job.objects.filter(pk=job.pk, lease_owner=job.lease_owner).exclude(state__in=HALTED)
            if not held.update(
                progress=progress, lease_until=now + runner.lease(), crashes=0, bad_reads=0, worked_at=now
            ):
                raise exports.ExportStopped("lease lost")
            export.save(update_fields=exports.CHECKPOINT_FIELDS)
        job.progress, job.crashes, job.bad_reads, job.worked_at = progress, 0, 0, now
        if runner.owner_gone(job):
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
        runner.finish(job, str(error))
        return None
    except OSError as error:
        exports.discard(export)
        runner.finish(job, _(reasons.NOT_WRITTEN) % {"reason": error.strerror or error})
        return None
    if not done:
        return runner.again(job, 0)
    export.expires_at = timezone.now() + timedelta(hours=settings.EXPORT_EXPIRY_HOURS)
    if export.analyze:
        export.report = exports.analyze(export)
    export.save(update_fields=["file_name", "size", "expires_at", "report"])
    runner.finish(job)
    return None


def _cancel(job: Job, export: Export) -> None:
    exports.discard(export)
    runner.finish(job, state=State.CANCELLED)


def export_step(job_id: int, *, owner: str) -> float | None:
    return runner.step(job_id, owner, _export_work, Kind.EXPORT)


def expire_exports() -> int:
    """Delete export files past their expiry; their rows (and the job ledger) stay."""
    count = 0
    for export in Export.objects.filter(expired=False, expires_at__lt=timezone.now()).select_related("job"):
        exports.discard(export)
        export.expired = True
        export.save(update_fields=["expired"])
        count += 1
    return count
