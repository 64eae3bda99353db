"""A change (a flush or prefetch call) is never sent twice by a worker.

It is marked on the job as being sent before it leaves, and the mark is cleared in the
transaction that saves its answer. If the answer is lost (a timeout, a dropped connection, a
5xx, an unreadable answer) or the worker dies before saving it, Plcloud may have carried the
call out, and WIRE.md has no call to look it up without its id: the job stops as "needs your
decision" (jobs.runner.ask) and its member chooses. Reads (polls, log pages) are safe to repeat
and are retried with the job's backoff (jobs.runner).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connections.problems import explain
from jobs import reasons, runner
from jobs.errors import OutcomeUnknown
from jobs.models import ItemState, Job, JobItem
from plcloud import AuthError, NotFound, PlcloudError, ProtocolError, Unavailable, ValidationError


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


def send_change(job: Job, index: int, calls: int, items: list[JobItem], send):
    """Send the job's change number ``index`` (of ``calls``, carrying ``items``) once: marked on
    the job before it leaves, in its own transaction. Its answer, or None if the job is no longer
    this worker's. Raises OutcomeUnknown when Plcloud may have carried it out without saying so."""
    job.sending = {"call": index, "calls": calls, "items": [i.pk for i in items]}
    job.worked_at = timezone.now()
    if not runner.save(job, ["state", "error", "started_at", "sending", "worked_at"]):
        return None
    try:
        return send()
    except PlcloudError as error:
        if _maybe_done(error):
            raise OutcomeUnknown(explain(error).message) from error
        job.sending = None  # known not carried out: it may be sent again later
        runner.save(job, ["sending"])
        raise


def answered(job: Job, upstream_id: object, done: list[JobItem]) -> bool:
    """Save a change's answer: its upstream id, the items it carried out (``done``), and the
    mark cleared, in one transaction. A saved answer is progress: the crash count starts again."""
    job.upstream_ids = [*job.upstream_ids, upstream_id]
    job.sending, job.crashes, job.worked_at = None, 0, timezone.now()
    with transaction.atomic():
        if done:
            JobItem.objects.filter(pk__in=[i.pk for i in done]).update(state=ItemState.SUCCEEDED, progress=100)
        if runner.save(job, ["state", "error", "started_at", "upstream_ids", "sending", "crashes", "worked_at"]):
            return True
        transaction.set_rollback(True)
    return False


def unanswered(job: Job) -> bool:
    """A change marked as being sent whose answer was never saved: the worker sending it died
    between sending and saving. Plcloud may have carried it out, so the member is asked."""
    if job.sending is None:
        return False
    runner.ask(job, _(reasons.WORKER_STOPPED))
    return True
