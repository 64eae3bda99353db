"""Reads of the job ledger: a member's jobs and the domains they were on (no Plcloud call).

A member sees the jobs they made under the Plcloud tenant they are connected to now
(connections.tenancy): another tenant's jobs, theirs or not, never show.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from connections.tenancy import Tenant
from jobs.models import ItemState, Job, JobDomain


def visible_jobs(*, user, tenant: Tenant) -> QuerySet[Job]:
    return Job.objects.filter(owner=user, tenant_id=tenant.tenant_id) if tenant else Job.objects.none()


def job_domains(*, user, tenant: Tenant) -> list[tuple[str, str]]:
    """(id, name) of every domain the member's jobs were on, by name (the newest job's; "" if no
    job recorded one)."""
    names: dict[str, str] = {}
    rows = JobDomain.objects.filter(job__in=visible_jobs(user=user, tenant=tenant)).order_by("-job__created_at")
    for domain_id, name in rows.values_list("domain_id", "domain_name"):
        if not names.get(domain_id):
            names[domain_id] = name
    return sorted(names.items(), key=lambda pair: pair[1] or f"#{pair[0]}")


def jobs_for(*, user, tenant: Tenant, kind: str = "", state: str = "", domain_id: str | None = None) -> QuerySet[Job]:
    """The member's jobs, newest first, with their item counts (items, failed); ``domain_id``:
    Plcloud's id of a domain the jobs were on (prefetches over several domains included)."""
    jobs = visible_jobs(user=user, tenant=tenant)
    if kind:
        jobs = jobs.filter(kind=kind)
    if state:
        jobs = jobs.filter(state=state)
    if domain_id is not None:
        jobs = jobs.filter(pk__in=JobDomain.objects.filter(domain_id=domain_id).values("job"))
    counted = jobs.annotate(
        item_count=Count("items"), failed_count=Count("items", filter=Q(items__state=ItemState.FAILED))
    )
    return counted.order_by(*Job._meta.ordering)  # a GROUP BY query drops the model's ordering
