from accounts.models import Role
from accounts.roles import holds, role_of


def role(request):
    user = getattr(request, "user", None)
    held = role_of(user) if user is not None else None
    return {"role": held, "can_change": holds(held, Role.OPERATOR), "is_admin": holds(held, Role.ADMIN)}
