"""Writes to a member's notifications: a job's notice, marking them read. Reply notices are made
by the reply checker (tickets.checker), with the bookkeeping they come from."""

from __future__ import annotations

from django.utils import timezone

from connections.tenancy import Tenant
from notifications.models import Notification
from notifications.selectors import unread


def mark_all_read(*, user, tenant: Tenant) -> int:
    """How many there were."""
    return unread(user=user, tenant=tenant).update(read_at=timezone.now())


def mark_ticket_read(*, user, tenant: Tenant, ticket_id: str) -> None:
    """Opening a ticket reads what support wrote: its reply notifications are read too."""
    unread(user=user, tenant=tenant).filter(ticket_id=ticket_id).update(read_at=timezone.now())


def mark_job_read(*, user, job) -> None:
    """Opening a job's page reads the member's notice of it, if they have one (a teammate's job
    brings none)."""
    Notification.objects.filter(user=user, job=job, read_at__isnull=True).update(read_at=timezone.now())


def job_ended(*, job) -> None:
    """Tell the member their job ended or needs them: one notice per job (a redelivered task
    never adds one); a job that asked them and has now ended brings its notice back as unread."""
    notice, made = Notification.objects.get_or_create(
        job=job, defaults={"user": job.owner, "tenant_id": job.tenant_id, "summary": job.domain_name[:255]}
    )
    if not made:
        Notification.objects.filter(pk=notice.pk).update(read_at=None, created_at=timezone.now())
