"""Writes to a member's notifications: marking them read. Notices are made where what they tell
of happens: the reply checker (tickets.checker) and the worker that ends a job (jobs.tasks)."""

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
    """Opening a job's page reads its notice (the job is the member's: jobs.selectors)."""
    Notification.objects.filter(user=user, job=job, read_at__isnull=True).update(read_at=timezone.now())
