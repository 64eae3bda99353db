from django.db.models import QuerySet

from accounts.models import Role
from accounts.roles import has_role
from audit.models import AuditEntry
from connections.tenancy import Tenant


def entries_for(
    user, *, tenant: Tenant, action: str = "", outcome: str = "", actor: str = "", obj: str = ""
) -> QuerySet:
    """What ``user`` may read: rows about the panel itself and rows made under ``tenant`` (the
    reader's Plcloud tenant; another tenant's rows never show); admins see every member's such
    rows, everyone else only their own."""
    rows = AuditEntry.objects.filter(tenant_id__in={"", tenant.tenant_id})
    if not has_role(user, Role.ADMIN):
        rows = rows.filter(actor=user)
    elif actor:
        rows = rows.filter(actor_name=actor)
    if action:
        rows = rows.filter(action__startswith=action)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if obj:
        rows = rows.filter(object_id__icontains=obj)
    return rows
