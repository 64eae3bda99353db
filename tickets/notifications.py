"""A member's notifications (tickets.models.Notification): what they have not read yet, and
marking them read. Read from the database only, never from Plcloud. The reply checker
(tickets.checker) and the job workers make them."""

from __future__ import annotations

from django.utils import timezone

from connections.tenancy import Tenant
from tickets.models import Notification


def unread(*, user, tenant: Tenant):
    """Of the tenant the member is connected to: another tenant's notices wait until they are back."""
    rows = Notification.objects.filter(user=user, tenant_id=tenant.tenant_id, read_at__isnull=True)
    return rows.select_related("job")


def unread_count(*, user, tenant: Tenant) -> int:
    return Notification.objects.filter(user=user, tenant_id=tenant.tenant_id, read_at__isnull=True).count()


def mark_all_read(*, user, tenant: Tenant) -> int:
    """How many there were."""
    return unread(user=user, tenant=tenant).update(read_at=timezone.now())


def mark_ticket_read(*, user, tenant: Tenant, ticket_id: str) -> None:
    """Opening a ticket reads what support wrote: its reply notifications are read too."""
    unread(user=user, tenant=tenant).filter(ticket_id=ticket_id).update(read_at=timezone.now())
