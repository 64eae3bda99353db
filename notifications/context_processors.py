from connections.tenancy import request_tenant
from notifications.selectors import unread_count


def unread_notifications(request):
    """The member's unread notices (of the tenant they are connected to) for the nav badge; reads
    the database only, never Plcloud."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": unread_count(user=user, tenant=request_tenant(request))}
