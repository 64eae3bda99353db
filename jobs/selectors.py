"""Reads of the job ledger: a tenant's jobs and the domains they were on (no Plcloud call).

Members connected to the same Plcloud tenant (connections.tenancy) work on one account: each of
them, whatever their role, sees every job made under it, whoever made it (its state, its items,
an export's file). Another tenant's jobs never show. Acting on a job is another matter: see
``may_act_on``.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.models import Role
from accounts.roles import has_role
from connections.tenancy import Tenant
from jobs.models import ItemState, Job, JobDomain, Kind


def visible_jobs(*, user, tenant: Tenant) -> QuerySet[Job]:
    """The jobs of the member's tenant now (none without a tenant, or without a role)."""
    if not tenant or not has_role(user, Role.VIEWER):
        return Job.objects.none()
    return Job.objects.filter(tenant_id=tenant.tenant_id)


def may_act_on(job: Job, *, user) -> bool:
    """Whether the member may act on a job they see (cancel it, retry it, run it again, decide on
    an unknown call): an operator on any job of the tenant; anyone else only on an export of their
    own (an export only reads, so a viewer makes and manages theirs)."""
    if has_role(user, Role.OPERATOR):
        return True
    return job.kind == Kind.EXPORT and job.owner_id == user.pk and has_role(user, Role.VIEWER)


def job_domains(*, user, tenant: Tenant) -> list[tuple[str, str]]:
    """(id, name) of every domain the tenant's jobs were on, by name (the newest job's; "" if no
    job recorded one)."""
    names: dict[str, str] = {}
    rows = JobDomain.objects.filter(job__in=visible_jobs(user=user, tenant=tenant)).order_by("-job__created_at")
    for domain_id, name in rows.values_list("domain_id", "domain_name"):
        if not names.get(domain_id):
            names[domain_id] = name
    return sorted(names.items(), key=lambda pair: pair[1] or f"#{pair[0]}")


def jobs_for(*, user, tenant: Tenant, kind: str = "", state: str = "", domain_id: str | None = None) -> QuerySet[Job]:
    """The tenant's jobs, newest first, with who made them and their item counts (items, failed);
    ``domain_id``: Plcloud's id of a domain the jobs were on (prefetches over several domains
    included)."""
    jobs = visible_jobs(user=user, tenant=tenant).select_related("owner")
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
