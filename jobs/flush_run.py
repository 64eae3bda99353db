"""A flush job's work: its calls sent one by one, each once (jobs.writes), under jobs.runner's step."""

from __future__ import annotations

from jobs import runner, writes
from jobs.models import Job, Kind
from jobs.plans import flush_batches


def _flush_work(job: Job, client) -> None:
    if writes.unanswered(job):
        return
    runner.start(job)
    batches = flush_batches(list(job.items.all()))
    for index, (urls, dirs) in enumerate(batches):
        if index < len(job.upstream_ids):
            continue  # sent by an earlier step (or left out by its member: skip_call)
        if runner.owner_gone(job):
            return

        def flush(urls=urls, dirs=dirs) -> dict:
            domain = job.upstream_domain_id
            return client.cdn.cache_flush(domain, urls=[i.url for i in urls], dirs=[i.url for i in dirs])

        answer = writes.send_change(job, index, len(batches), urls + dirs, flush)
        if answer is None or not writes.answered(job, answer.get("flush_id", ""), urls + dirs):
            return
    runner.finish(job)


def flush_step(job_id: int, *, owner: str) -> float | None:
    return runner.step(job_id, owner, _flush_work, Kind.FLUSH)
