from django.db.models import QuerySet

from accounts.models import Role
from accounts.roles import has_role
from audit.models import AuditEntry


def entries_for(user, *, action: str = "", outcome: str = "", actor: str = "", obj: str = "") -> QuerySet:
    """Admins see every row; everyone else only their own."""
    rows = AuditEntry.objects.all()
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
