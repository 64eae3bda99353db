"""A prefetch job's work: its calls submitted once each (jobs.writes), then each request polled
until all its URLs have ended, under jobs.runner's step."""

from __future__ import annotations

from django.utils import timezone

from jobs import runner, writes
from jobs.models import ItemState, Job, JobItem, Kind
from jobs.plans import prefetch_batches
from plcloud import ProtocolError


def _submit_prefetch(client, chunk: list[JobItem]) -> object:
    """Plcloud's request id for a new prefetch of ``chunk``: an answer without one is unreadable
    (the prefetch may exist, but it cannot be followed)."""
    request_id = client.cdn.prefetch([i.url for i in chunk]).get("request_id")
    if request_id in (None, "") or not isinstance(request_id, str | int):
        raise ProtocolError("the prefetch answer has no request_id", method="PUT", path="/cdn/prefetch")
    return request_id


def _prefetch_work(job: Job, client) -> float | None:
    if writes.unanswered(job):
        return None
    runner.start(job)
    items = list(job.items.all())
    batches = prefetch_batches(items)
    for index in range(len(job.upstream_ids), len(batches)):
        if runner.owner_gone(job):
            return None
        chunk = batches[index]
        # Stored before any poll: a later step never submits the same URLs again.
        request_id = writes.send_change(
            job, index, len(batches), chunk, lambda chunk=chunk: _submit_prefetch(client, chunk)
        )
        if request_id is None or not writes.answered(job, request_id, []):
            return None
    by_url = {i.url: i for i in items}
    moved = False
    for request_id in job.upstream_ids:
        if not request_id:
            continue  # a call its member chose not to send again: nothing to follow
        if runner.owner_gone(job) or not _touch(job):
            return None
        changed = _polled(client, request_id, by_url)
        if changed:  # saved poll by poll: a later poll's bad answer loses nothing
            JobItem.objects.bulk_update(changed, ["state", "progress", "error"])
            moved = True
    job.bad_reads = 0
    if moved:
        job.crashes = 0  # progress: a worker that dies from here on starts the count again
    if all(i.state in (ItemState.SUCCEEDED, ItemState.FAILED) for i in items):
        runner.finish(job)
        return None
    return runner.again(job, _next_poll(job, sum(i.progress for i in items) // max(len(items), 1)))


def _touch(job: Job) -> bool:
    """Say that a worker is on the job now (its page tells that from a job waiting for one)."""
    job.worked_at = timezone.now()
    return runner.save(job, ["worked_at"])


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
    countdown = runner.backoff(job.attempts)
    if job.polled_at and 0 < job.progress < progress:
        rate = (progress - job.progress) / max((now - job.polled_at).total_seconds(), 0.001)
        countdown = min(runner.MAX_POLL, max(runner.FIRST_POLL, (100 - progress) / rate * 1.05 + 0.25))
    job.progress, job.polled_at = progress, now
    return countdown


def prefetch_step(job_id: int, *, owner: str) -> float | None:
    return runner.step(job_id, owner, _prefetch_work, Kind.PREFETCH)
