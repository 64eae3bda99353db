"""Submissions of jobs: planned by jobs.plans, recorded and queued here, run by jobs.tasks (jobs.runner)."""

from __future__ import annotations

import logging
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from cdn.objects import Domain
from connections.tenancy import tenant_of
from jobs import exports, limits, reasons
from jobs.errors import PlanRefused, Refused
from jobs.models import ENDED, Export, ItemKind, ItemState, Job, JobDomain, JobItem, Kind, State
from jobs.plans import plan_flush, plan_prefetch

logger = logging.getLogger(__name__)


def _deadline():
    return timezone.now() + timedelta(minutes=settings.PREFETCH_DEADLINE_MINUTES)


def new_job(*, user, kind: str, domains: list[Domain], deadline, parent: Job | None = None) -> Job:
    """The job row, under the member's tenant now, with the domains it works on (those without a
    usable id are left out); nothing is queued."""
    tenant = tenant_of(user)
    by_id = {d.ref: d for d in domains if d.ref is not None}
    one = next(iter(by_id.values())) if len(by_id) == 1 else None
    names = sorted(d.name for d in by_id.values())
    job = Job.objects.create(
        owner=user,
        kind=kind,
        tenant_id=tenant.tenant_id,
        region=tenant.region,
        domain_id=next(iter(by_id)) if one else "",
        domain_ref=one.wire_id if one else None,
        domain_name=", ".join(names)[:255],
        deadline=deadline,
        parent=parent,
    )
    JobDomain.objects.bulk_create(
        JobDomain(job=job, domain_id=ref, domain_name=d.name[:255]) for ref, d in by_id.items()
    )
    return job


def create_job(
    *, user, kind: str, domains: list[Domain], items: list[tuple[str, str]], parent: Job | None = None
) -> Job:
    """The job and its items, queued; nothing is sent (see ``_enqueue``)."""
    job = new_job(user=user, kind=kind, domains=domains, deadline=_deadline(), parent=parent)
    JobItem.objects.bulk_create(JobItem(job=job, url=url, kind=item_kind) for url, item_kind in items)
    return job


def _domains_of(job: Job) -> list[Domain]:
    """The domains a job worked on (their ids and names, as it kept them), for a job made again from it."""
    if job.domain_id:
        return [Domain.from_wire({"domainId": job.upstream_domain_id, "domainName": job.domain_name})]
    return [Domain.from_wire({"domainId": d.domain_id, "domainName": d.domain_name}) for d in job.domains.all()]


def _enqueue(job: Job) -> None:
    """Queue the job's task once the job is saved. If the broker is down the job stays queued
    (``job.not_sent`` tells the page) and the reconciler sends it when the broker is back."""

    def queue() -> None:
        job.not_sent = not send(job)

    job.not_sent = False
    transaction.on_commit(queue)


def send(job: Job) -> bool:
    """Queue the job's task now; False (and the job left for the reconciler) if the broker is down."""
    from jobs.tasks import TASKS  # not at the top: jobs.tasks imports this module (through jobs.runner)

    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now())
    try:
        TASKS[job.kind].apply_async(args=[job.pk])
    except Exception:  # kombu and redis raise many kinds: any failure to publish means "not queued"
        logger.warning("job %s: the task queue is unreachable; the reconciler will queue it", job.pk, exc_info=True)
        return False
    return True


def _refused(user, action: str, object_id: object, error: Refused) -> None:
    record(actor=user, action=action, object_type="job", object_id=object_id, ok=False, error=str(error))


def submit_flush(*, user, domain: Domain, urls_text: str, dirs_text: str) -> Job:
    try:
        plan = plan_flush(domain=domain, urls_text=urls_text, dirs_text=dirs_text)
    except PlanRefused as error:
        _refused(user, "jobs.flush", domain.name, error)
        raise
    items = [(u, ItemKind.URL) for u in plan.urls] + [(d, ItemKind.DIR) for d in plan.dirs]
    with transaction.atomic():
        job = create_job(user=user, kind=Kind.FLUSH, domains=[domain], items=items)
        detail = {"domain": domain.name, "urls": len(plan.urls), "dirs": len(plan.dirs)}
        record(actor=user, action="jobs.flush", object_type="job", object_id=job.pk, detail=detail)
        _enqueue(job)
    return job


def submit_prefetch(*, user, urls_text: str, domains: list[Domain]) -> Job:
    try:
        plan = plan_prefetch(urls_text=urls_text, domains=domains)
    except PlanRefused as error:
        _refused(user, "jobs.prefetch", "", error)
        raise
    with transaction.atomic():
        job = create_job(
            user=user,
            kind=Kind.PREFETCH,
            domains=plan.domains,
            items=[(u, ItemKind.URL) for u in plan.urls],
        )
        record(actor=user, action="jobs.prefetch", object_type="job", object_id=job.pk, detail={"urls": len(plan.urls)})
        _enqueue(job)
    return job


def retry_failed(*, user, job: Job) -> Job:
    """A new job (child of ``job``) for its failed items."""
    failed = [(i.url, i.kind) for i in job.items.filter(state=ItemState.FAILED)]
    if not job.ended or not failed:
        error = Refused([_("Only an ended job with failed items can be retried.")])
        _refused(user, f"jobs.{job.kind}.retry", job.pk, error)
        raise error
    return _child(user=user, job=job, items=failed, action=f"jobs.{job.kind}.retry")


def run_again(*, user, job: Job) -> Job:
    """A new job (child of ``job``) with all the items of an ended flush or prefetch."""
    items = [(i.url, i.kind) for i in job.items.all()]
    if not job.ended or job.kind == Kind.EXPORT or not items:
        error = Refused([_("Only an ended flush or prefetch can be run again.")])
        _refused(user, f"jobs.{job.kind}.again", job.pk, error)
        raise error
    return _child(user=user, job=job, items=items, action=f"jobs.{job.kind}.again")


def _child(*, user, job: Job, items: list, action: str) -> Job:
    """A new job of ``job``'s kind and domains with ``items``, linked to it, audited and queued."""
    with transaction.atomic():
        child = create_job(user=user, kind=job.kind, domains=_domains_of(job), items=items, parent=job)
        detail = {"parent": job.pk, "items": len(items)}
        record(actor=user, action=action, object_type="job", object_id=child.pk, detail=detail)
        _enqueue(child)
    return child


def submit_export(*, user, domain: Domain, window: dict, parent: Job | None = None, analyze: bool = False) -> Job:
    """Queue an export of ``window`` (log_type, start_at, end_at and the log page's filters),
    unless a limit refuses it (jobs.limits): then nothing is queued and Refused says why.
    ``analyze``: its file is counted once complete (the log analytics of a large window)."""
    try:
        return _create_export(user=user, domain=domain, window=window, parent=parent, analyze=analyze)
    except Refused as error:  # rolled back; audited here, outside that transaction
        action, about = ("jobs.export.retry", parent.pk) if parent else ("jobs.export", domain.name)
        _refused(user, action, about, error)
        raise


def _create_export(*, user, domain: Domain, window: dict, parent: Job | None, analyze: bool) -> Job:
    with transaction.atomic():
        # Counted under a lock on the member, in the transaction that creates the job.
        limits.check_export(user)
        deadline = timezone.now() + timedelta(minutes=settings.EXPORT_DEADLINE_MINUTES)
        job = new_job(user=user, kind=Kind.EXPORT, domains=[domain], deadline=deadline, parent=parent)
        export = Export.objects.create(job=job, analyze=analyze, **window)
        if parent is not None:
            _carry_on(parent.export, export)
        detail = {"domain": domain.name, **{k: str(v) for k, v in window.items() if v}}
        action = "jobs.analyze" if analyze else "jobs.export"
        record(actor=user, action=action, object_type="job", object_id=job.pk, detail=detail)
        _enqueue(job)
    return job


def _carry_on(old: Export, new: Export) -> None:
    """A failed export's checkpointed lines go to the export made again from it, which resumes
    where the old one stopped: the file is renamed (not copied) once the transaction commits,
    before the new job is queued. If the file is gone by then, the new export starts over."""
    if old.job.state != State.FAILED or not old.committed_bytes or not exports.part_path(old).exists():
        return
    for field in exports.CHECKPOINT_FIELDS:
        setattr(new, field, getattr(old, field))
    new.save(update_fields=exports.CHECKPOINT_FIELDS)
    # Its bytes now count once, against the new export (jobs.limits).
    Export.objects.filter(pk=old.pk).update(committed_bytes=0)

    def move() -> None:
        with suppress(FileNotFoundError):  # expired meanwhile: the new export finds no part, starts over
            exports.move_part(old, new)

    transaction.on_commit(move)


def retry_export(*, user, job: Job) -> Job:
    """A new export of the same window and filters (the old one ended: failed, cancelled or expired)."""
    if not job.ended:
        error = Refused([_("Only an ended export can be run again.")])
        _refused(user, "jobs.export.retry", job.pk, error)
        raise error
    export = job.export
    window = {
        field: getattr(export, field)
        for field in ("log_type", "start_at", "end_at", "status_class", "cache_state", "url_contains")
    }
    domain = _domains_of(job)[0]
    return submit_export(user=user, domain=domain, window=window, parent=job, analyze=export.analyze)


def cancel_export(*, user, job: Job) -> bool:
    """Stop an export: at once if no worker holds it, else at the worker's next page. True if ended now."""
    if job.kind != Kind.EXPORT or job.ended:
        error = Refused([_("Only an export that has not ended can be cancelled.")])
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


def resend_call(*, user, job: Job) -> Job:
    """Send again the call whose outcome was unknown: its member has checked that Plcloud did not
    carry it out. Audited; the job goes back to its workers with a fresh deadline."""
    return _decide(user=user, job=job, action="resend")


def skip_call(*, user, job: Job) -> Job:
    """Do not send again the call whose outcome was unknown (Plcloud did carry it out, or nobody
    can tell): its items end failed with the reason, and the job carries on without it (the
    calls after it are sent, prefetches before it are followed). Audited."""
    return _decide(user=user, job=job, action="skip")


def _decide(*, user, job: Job, action: str) -> Job:
    call = job.sending or {}
    detail = {"call": call.get("call", 0) + 1, "items": len(call.get("items", []))}
    try:
        with transaction.atomic():
            # The update lands once: a second click, or another tab, is refused.
            changes = {"state": State.QUEUED, "sending": None, "error": "", "deadline": _deadline()}
            if action == "skip":
                changes["upstream_ids"] = [*job.upstream_ids, ""]  # this call's place, with no id
            waiting = Job.objects.filter(pk=job.pk, state=State.ATTENTION)
            if job.sending is None or not waiting.update(lease_owner="", lease_until=None, **changes):
                raise Refused([_("This job is not waiting for a decision: someone may have made it already.")])
            if action == "skip":
                reason = _(reasons.SKIPPED) % {"name": user.get_username()}
                unended = JobItem.objects.filter(job=job, pk__in=call.get("items", [])).exclude(
                    state__in=(ItemState.SUCCEEDED, ItemState.FAILED)
                )
                unended.update(state=ItemState.FAILED, error=reason)
            record(actor=user, action=f"jobs.{job.kind}.{action}", object_type="job", object_id=job.pk, detail=detail)
            job.refresh_from_db()
            _enqueue(job)
    except Refused as error:
        _refused(user, f"jobs.{job.kind}.{action}", job.pk, error)
        raise
    return job


def owner_deactivated(user) -> str:
    """Why a job was cancelled when its owner was deactivated (shown on the job's page)."""
    return _(reasons.DEACTIVATED) % {"name": user.get_username()}


def cancel_owner_jobs(*, user) -> int:
    """End every job of ``user`` that has not ended (queued, running, waiting) as cancelled, with
    the reason; how many. A worker that holds one now stops at its next check, and its saves no
    longer land (jobs.runner). Exports' files are removed."""
    now = timezone.now()
    with transaction.atomic():
        # Locked in id order: a worker ending one of these at the same moment lands first or not at all.
        open_jobs = Job.objects.select_for_update().filter(owner=user).exclude(state__in=ENDED).order_by("pk")
        ids = list(open_jobs.values_list("pk", flat=True))
        Export.objects.filter(job_id__in=ids).update(cancel_requested=True)
        Job.objects.filter(pk__in=ids).update(
            state=State.CANCELLED,
            error=owner_deactivated(user),
            finished_at=now,
            progress=100,
            lease_owner="",
            lease_until=None,
        )
        _discard_exports(ids)
    return len(ids)


def _discard_exports(job_ids: list[int]) -> None:
    for export in Export.objects.filter(job_id__in=job_ids, job__state=State.CANCELLED).select_related("job"):
        exports.discard(export)
