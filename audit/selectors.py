from django.db.models import Q, QuerySet

from accounts.models import Role
from accounts.roles import has_role
from audit.models import AuditEntry
from connections.tenancy import Tenant


def entries_for(
    user, *, tenant: Tenant, action: str = "", outcome: str = "", actor: str = "", obj: str = ""
) -> QuerySet:
    """What ``user`` may read: every member's rows made under ``tenant`` (the reader's Plcloud
    tenant: members connected to it work on one account, so each of them reads the changes made
    to it; another tenant's rows never show), and rows about the panel itself (members, roles):
    an admin reads everyone's, anyone else only their own."""
    if not has_role(user, Role.VIEWER):
        return AuditEntry.objects.none()
    panel = Q(tenant_id="")
    if not has_role(user, Role.ADMIN):
        panel &= Q(actor=user)
    rows = AuditEntry.objects.filter((panel | Q(tenant_id=tenant.tenant_id)) if tenant else panel)
    if actor:
        rows = rows.filter(actor_name=actor)
    if action:
        rows = rows.filter(action__startswith=action)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if obj:
        rows = rows.filter(object_id__icontains=obj)
    return rows
