"""Plans and submissions of cache flushes and prefetches: checked here, sent by jobs.tasks."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import record
from cdn.validators import MAX_URL_LENGTH, is_http_url
from jobs import exports
from jobs.models import ENDED, Export, ItemKind, ItemState, Job, JobItem, Kind, State

FLUSH_URLS_PER_CALL = 100
FLUSH_DIRS_PER_CALL = 20
PREFETCH_URLS_PER_CALL = 500
T = TypeVar("T")


class PlanRefused(ValueError):
    """The lines cannot be sent as they are; ``problems`` says which and why. Nothing was sent."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class FlushPlan:
    urls: list[str]
    dirs: list[str]
    batches: list[tuple[list[str], list[str]]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        urls = ngettext("%(n)s URL", "%(n)s URLs", len(self.urls)) % {"n": len(self.urls)}
        dirs = ngettext("%(n)s directory", "%(n)s directories", len(self.dirs)) % {"n": len(self.dirs)}
        calls = ngettext("%(n)s request", "%(n)s requests", len(self.batches)) % {"n": len(self.batches)}
        return _("%(urls)s and %(dirs)s in %(calls)s") % {"urls": urls, "dirs": dirs, "calls": calls}


@dataclass(frozen=True)
class PrefetchPlan:
    urls: list[str]
    domain_id: int | None
    domain_name: str

    @property
    def summary(self) -> str:
        count = math.ceil(len(self.urls) / PREFETCH_URLS_PER_CALL)
        urls = ngettext("%(n)s URL", "%(n)s URLs", len(self.urls)) % {"n": len(self.urls)}
        calls = ngettext("%(n)s request", "%(n)s requests", count) % {"n": count}
        return _("%(urls)s in %(calls)s") % {"urls": urls, "calls": calls}


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-empty stripped lines with their line numbers, duplicates dropped (first one kept)."""
    seen: set[str] = set()
    kept = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if line and line not in seen:
            seen.add(line)
            kept.append((number, line))
    return kept


def _host(url: str) -> str | None:
    """The URL's host if it is one the API takes (see cdn.validators.is_http_url), else None."""
    if len(url) > MAX_URL_LENGTH or not is_http_url(url):
        return None
    return (urlsplit(url).hostname or "").lower()


def plan_flush(*, domain: dict, urls_text: str, dirs_text: str) -> FlushPlan:
    name = (domain.get("domainName") or "").lower()
    problems: list[str] = []
    checked: dict[str, list[str]] = {"urls": [], "dirs": []}
    for label, what, text in (("urls", _("URLs"), urls_text), ("dirs", _("directories"), dirs_text)):
        for number, line in _lines(text):
            where = {"n": number, "what": what, "line": line, "domain": name}
            if _host(line) is None:
                problems.append(_("Line %(n)s of the %(what)s: %(line)s is not an http(s) URL.") % where)
            elif _host(line) != name:
                problems.append(_("Line %(n)s of the %(what)s: %(line)s is not on %(domain)s.") % where)
            elif label == "dirs" and not line.endswith("/"):
                problems.append(_("Line %(n)s of the %(what)s: %(line)s must end with /.") % where)
            else:
                checked[label].append(line)
    urls, dirs = checked["urls"], checked["dirs"]
    if not problems and not urls and not dirs:
        problems.append(_("Enter at least one URL or directory."))
    if problems:
        raise PlanRefused(problems)
    batches = _split(urls, dirs)
    return FlushPlan(urls=urls, dirs=dirs, batches=batches)


def _split(urls: list[T], dirs: list[T]) -> list[tuple[list[T], list[T]]]:
    """URLs and directories in calls under the caps (100 URLs and 20 directories a call)."""
    count = max(math.ceil(len(urls) / FLUSH_URLS_PER_CALL), math.ceil(len(dirs) / FLUSH_DIRS_PER_CALL))
    u, d = FLUSH_URLS_PER_CALL, FLUSH_DIRS_PER_CALL
    return [(urls[i * u : (i + 1) * u], dirs[i * d : (i + 1) * d]) for i in range(count)]


def flush_batches(items: list[JobItem]) -> list[tuple[list[JobItem], list[JobItem]]]:
    """A flush job's items in the calls that send them (the same split as its plan)."""
    return _split([i for i in items if i.kind == ItemKind.URL], [i for i in items if i.kind == ItemKind.DIR])


def plan_prefetch(*, urls_text: str, domains: list[dict]) -> PrefetchPlan:
    """URLs whose hosts are among the member's domains (``domains`` as selectors.domains reads them)."""
    by_name = {(d.get("domainName") or "").lower(): d for d in domains}
    problems, urls, used = [], [], {}
    for number, line in _lines(urls_text):
        host = _host(line)
        if host is None:
            problems.append(_("Line %(n)s: %(line)s is not an http(s) URL.") % {"n": number, "line": line})
        elif host not in by_name:
            problems.append(_("Line %(n)s: %(line)s is not on one of your domains.") % {"n": number, "line": line})
        else:
            urls.append(line)
            used[host] = by_name[host]
    if not problems and not urls:
        problems.append(_("Enter at least one URL."))
    if problems:
        raise PlanRefused(problems)
    only = next(iter(used.values())) if len(used) == 1 else None
    return PrefetchPlan(
        urls=urls,
        domain_id=only["domainId"] if only else None,
        domain_name=only["domainName"] if only else ", ".join(sorted(used)),
    )


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
