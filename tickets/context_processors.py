from connections.tenancy import request_tenant
from tickets.models import Notification


def ticket_notifications(request):
    """The member's unread notifications (of the tenant they are connected to) for the nav badge;
    reads the database only, never Plcloud."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Notification.objects.filter(user=user, tenant_id=request_tenant(request).tenant_id, read_at__isnull=True)
    return {"ticket_notifications_unread": unread.count()}
