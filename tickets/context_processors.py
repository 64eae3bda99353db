from tickets.models import Notification


def ticket_notifications(request):
    """The member's unread reply notifications for the nav badge; reads the database only, never Plcloud."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"ticket_notifications_unread": Notification.objects.filter(user=user, read_at__isnull=True).count()}
