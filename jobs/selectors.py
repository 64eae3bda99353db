"""Reads of the job ledger: a member's jobs and the domains they were on (no Plcloud call)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from jobs.models import ItemState, Job


def job_domains(*, user) -> list[tuple[int, str]]:
    """(id, name) of every domain the member has a single-domain job on, by name (the newest
    job's; "" if no job recorded one)."""
    names: dict[int, str] = {}
    rows = Job.objects.filter(owner=user, domain_id__isnull=False).order_by("-created_at")
    for domain_id, name in rows.values_list("domain_id", "domain_name"):
        if not names.get(domain_id):
            names[domain_id] = name
    return sorted(names.items(), key=lambda pair: pair[1] or f"#{pair[0]}")


def _on_domain(domain_id: int, name: str) -> Q:
    """Jobs on the domain, including prefetches that spanned it and others (named "a, b, c")."""
    spanned = Q(domain_id__isnull=True) & (
        Q(domain_name__startswith=f"{name}, ")
        | Q(domain_name__endswith=f", {name}")
        | Q(domain_name__contains=f", {name}, ")
    )
    return Q(domain_id=domain_id) | spanned if name else Q(domain_id=domain_id)


def jobs_for(*, user, kind: str = "", state: str = "", domain: tuple[int, str] | None = None) -> QuerySet[Job]:
    """The member's jobs, newest first, with their item counts (items, failed); ``domain`` is
    (id, name) as job_domains gives it."""
    jobs = Job.objects.filter(owner=user)
    if kind:
        jobs = jobs.filter(kind=kind)
    if state:
        jobs = jobs.filter(state=state)
    if domain is not None:
        jobs = jobs.filter(_on_domain(*domain))
    counted = jobs.annotate(
        item_count=Count("items"), failed_count=Count("items", filter=Q(items__state=ItemState.FAILED))
    )
    return counted.order_by(*Job._meta.ordering)  # a GROUP BY query drops the model's ordering
