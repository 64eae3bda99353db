"""What a member should look at: support replied to a ticket, or one of their jobs ended. The
reply checker (tickets.checker) and the job workers make them (notifications.services)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something the member should look at: support replied to a ticket (made by the reply checker),
    or one of their jobs ended (made by the worker that ended it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_notifications")
    # The tenant of the ticket or job it is about: a member sees the notices of the tenant they
    # are connected to.
    tenant_id = models.CharField(_("tenant"), max_length=64, blank=True, db_index=True)
    ticket_id = models.CharField(_("ticket"), max_length=255, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    summary = models.CharField(_("summary"), max_length=255)
    # The ticket's reply count when the reply was noticed: one notification per member, ticket and count.
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    created_at = models.DateTimeField(_("noticed at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        # Made as tickets.Notification: the table kept its name when the model moved here.
        db_table = "tickets_notification"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tenant_id", "ticket_id", "reply_count"],
                condition=models.Q(job__isnull=True),
                name="notification_once_per_reply",
            ),
            # A job ends once: a redelivered task cannot notify twice.
            models.UniqueConstraint(fields=["job"], name="notification_once_per_job"),
        ]
        indexes = [models.Index(fields=["user", "tenant_id", "read_at"], name="notification_unread_by_tenant")]
        verbose_name = _("ticket notification")
        verbose_name_plural = _("ticket notifications")

    def __str__(self) -> str:
        return f"{self.user} {self.ticket_id} ({self.reply_count})"
