"""Who may do what: one role per member, checked by one decorator on every view."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from accounts.models import RANK, Membership, Role


def role_of(user) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    try:
        return user.membership.role
    except Membership.DoesNotExist:
        return None


def holds(held: str | None, role: str) -> bool:
    """Whether the role ``held`` (None: no role) may do what ``role`` may."""
    return RANK.get(held, 0) >= RANK[role]


def has_role(user, role: str) -> bool:
    return holds(role_of(user), role)


def role_required(role: str):
    """Signed in, and holding at least ``role``; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, role):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
