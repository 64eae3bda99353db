from accounts.models import RANK
from accounts.roles import role_of


def role(request):
    user = getattr(request, "user", None)
    held = role_of(user) if user is not None else None
    rank = RANK.get(held, 0)
    return {"role": held, "can_change": rank >= 2, "is_admin": rank >= 3}
