"""Submissions of jobs: planned by jobs.plans, recorded here, sent by jobs.tasks."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from jobs import exports
from jobs.models import ENDED, Export, ItemKind, ItemState, Job, JobItem, Kind, State
from jobs.plans import PlanRefused, plan_flush, plan_prefetch


def _deadline():
    return timezone.now() + timedelta(minutes=settings.PREFETCH_DEADLINE_MINUTES)


def create_job(
    *, user, kind: str, domain_id, domain_name: str, items: list[tuple[str, str]], parent: Job | None = None
) -> Job:
    """The job and its items, queued; nothing is sent (see ``_enqueue``)."""
    job = Job.objects.create(
        owner=user, kind=kind, domain_id=domain_id, domain_name=domain_name, deadline=_deadline(), parent=parent
    )
    JobItem.objects.bulk_create(JobItem(job=job, url=url, kind=item_kind) for url, item_kind in items)
    return job


def _enqueue(job: Job) -> None:
    """Queue the job's task once the job is saved. If the broker is down the job stays queued
    (``job.not_sent`` tells the page) and the reconciler sends it when the broker is back."""
    from jobs import tasks

    def send() -> None:
        job.not_sent = not tasks.send(job)

    job.not_sent = False
    transaction.on_commit(send)


def _refused(user, action: str, object_id: object, error: PlanRefused) -> None:
    record(actor=user, action=action, object_type="job", object_id=object_id, ok=False, error=str(error))


def submit_flush(*, user, domain: dict, urls_text: str, dirs_text: str) -> Job:
    try:
        plan = plan_flush(domain=domain, urls_text=urls_text, dirs_text=dirs_text)
    except PlanRefused as error:
        _refused(user, "jobs.flush", domain.get("domainName", ""), error)
        raise
    items = [(u, ItemKind.URL) for u in plan.urls] + [(d, ItemKind.DIR) for d in plan.dirs]
    with transaction.atomic():
        job = create_job(
            user=user, kind=Kind.FLUSH, domain_id=domain["domainId"], domain_name=domain["domainName"], items=items
        )
        detail = {"domain": domain["domainName"], "urls": len(plan.urls), "dirs": len(plan.dirs)}
        record(actor=user, action="jobs.flush", object_type="job", object_id=job.pk, detail=detail)
        _enqueue(job)
    return job


def submit_prefetch(*, user, urls_text: str, domains: list[dict]) -> Job:
    try:
        plan = plan_prefetch(urls_text=urls_text, domains=domains)
    except PlanRefused as error:
        _refused(user, "jobs.prefetch", "", error)
        raise
    with transaction.atomic():
        job = create_job(
            user=user,
            kind=Kind.PREFETCH,
            domain_id=plan.domain_id,
            domain_name=plan.domain_name,
            items=[(u, ItemKind.URL) for u in plan.urls],
        )
        record(actor=user, action="jobs.prefetch", object_type="job", object_id=job.pk, detail={"urls": len(plan.urls)})
        _enqueue(job)
    return job


def retry_failed(*, user, job: Job) -> Job:
    """A new job (child of ``job``) for its failed items."""
    failed = [(i.url, i.kind) for i in job.items.filter(state=ItemState.FAILED)]
    if not job.ended or not failed:
        error = PlanRefused([_("Only an ended job with failed items can be retried.")])
        _refused(user, f"jobs.{job.kind}.retry", job.pk, error)
        raise error
    with transaction.atomic():
        child = create_job(
            user=user, kind=job.kind, domain_id=job.domain_id, domain_name=job.domain_name, items=failed, parent=job
        )
        detail = {"parent": job.pk, "items": len(failed)}
        record(actor=user, action=f"jobs.{job.kind}.retry", object_type="job", object_id=child.pk, detail=detail)
        _enqueue(child)
    return child


def submit_export(*, user, domain: dict, window: dict, parent: Job | None = None) -> Job:
    """Queue an export of ``window`` (log_type, start_at, end_at and the log page's filters)."""
    with transaction.atomic():
        job = Job.objects.create(
            owner=user,
            kind=Kind.EXPORT,
            domain_id=domain["domainId"],
            domain_name=domain["domainName"],
            deadline=timezone.now() + timedelta(minutes=settings.EXPORT_DEADLINE_MINUTES),
            parent=parent,
        )
        Export.objects.create(job=job, **window)
        detail = {"domain": domain["domainName"], **{k: str(v) for k, v in window.items() if v}}
        record(actor=user, action="jobs.export", object_type="job", object_id=job.pk, detail=detail)
        _enqueue(job)
    return job


def retry_export(*, user, job: Job) -> Job:
    """A new export of the same window and filters (the old one ended: failed, cancelled or expired)."""
    if not job.ended:
        error = PlanRefused([_("Only an ended export can be run again.")])
        _refused(user, "jobs.export.retry", job.pk, error)
        raise error
    export = job.export
    window = {
        field: getattr(export, field)
        for field in ("log_type", "start_at", "end_at", "status_class", "cache_state", "url_contains")
    }
    domain = {"domainId": job.domain_id, "domainName": job.domain_name}
    return submit_export(user=user, domain=domain, window=window, parent=job)


def cancel_export(*, user, job: Job) -> bool:
    """Stop an export: at once if no worker holds it, else at the worker's next page. True if ended now."""
    if job.kind != Kind.EXPORT or job.ended:
        error = PlanRefused([_("Only an export that has not ended can be cancelled.")])
        _refused(user, "jobs.export.cancel", job.pk, error)
        raise error
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    with transaction.atomic():
        Export.objects.filter(job=job).update(cancel_requested=True)
        ended = Job.objects.filter(free, pk=job.pk).exclude(state__in=ENDED)
        ended_now = bool(ended.update(state=State.CANCELLED, finished_at=now, progress=100, lease_owner=""))
        record(actor=user, action="jobs.export.cancel", object_type="job", object_id=job.pk)
    if ended_now:
        exports.discard(job.export)
    return ended_now
