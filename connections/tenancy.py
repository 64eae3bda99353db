"""The Plcloud tenant a member works in: what the panel keys everything it keeps about upstream
objects by (audit rows, jobs, exports, notifications, its records of tickets).

Members of one team may be connected to different Plcloud tenants (accounts). What the panel
stores about a domain, a ticket or a job belongs to the tenant it was made under, never to a
name: two tenants may both have a domain ``www.example.com`` or a ticket ``tk-1``. The key is
Keystone's tenant id; tenant ids are taken as unique across the identity endpoints one panel
offers (PLCLOUD_AUTH_URLS). The region is recorded beside it, but does not split a tenant:
domains and tickets are the same in every region (docs/plcloud-api.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from connections.models import PlcloudConnection


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    region: str = ""

    def __bool__(self) -> bool:
        return bool(self.tenant_id)


# Rows about the panel itself (members and roles): no tenant.
PANEL = Tenant("")


def tenant_of(user) -> Tenant:
    """The tenant of the member's connection now (read from the database), PANEL when none."""
    found = PlcloudConnection.objects.filter(user_id=user.pk).values_list("tenant_id", "region").first()
    return Tenant(*found) if found else PANEL


def request_tenant(request) -> Tenant:
    """The tenant of the connection loaded with the request's member (accounts.backends)."""
    return member_tenant(request.user)


def member_tenant(user) -> Tenant:
    """The tenant of the connection loaded with the member (no query when it was loaded with
    them, as accounts.backends does for a request's member), PANEL when none."""
    try:
        connection = user.plcloud
    except PlcloudConnection.DoesNotExist:
        return PANEL
    return Tenant(connection.tenant_id, connection.region)
