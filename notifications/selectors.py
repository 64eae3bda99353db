"""Reads of a member's notifications: what they have not read yet, of the tenant they are
connected to (another tenant's notices wait until they are back). The database only, never Plcloud."""

from __future__ import annotations

from connections.tenancy import Tenant
from notifications.models import Notification


def unread(*, user, tenant: Tenant):
    return Notification.objects.filter(user=user, tenant_id=tenant.tenant_id, read_at__isnull=True)


def unread_list(*, user, tenant: Tenant, limit: int = 200) -> list[Notification]:
    """Newest first, with the job each is about."""
    return list(unread(user=user, tenant=tenant).select_related("job")[:limit])


def unread_count(*, user, tenant: Tenant) -> int:
    return unread(user=user, tenant=tenant).count()
