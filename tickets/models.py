from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """A ticket's status upstream (docs/plcloud-api.md, Tickets)."""

    OPEN = "open", _("Open: waiting for support")
    ANSWERED = "answered", _("Answered by support")
    ACCEPTED = "accepted", _("Accepted")
    CLOSED = "closed", _("Closed")


def status_label(value: str) -> str:
    return dict(Status.choices).get(value, value)


class TicketSeen(models.Model):
    """When a member last opened a ticket, and how many replies it had then (for the unread marker)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ticket_id = models.CharField(_("ticket"), max_length=64)
    reply_count = models.PositiveIntegerField(_("replies seen"), default=0)
    seen_at = models.DateTimeField(_("last opened"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "ticket_id"], name="ticket_seen_once_per_member")]
        verbose_name = _("ticket seen")
        verbose_name_plural = _("tickets seen")

    def __str__(self) -> str:
        return f"{self.user} saw {self.ticket_id} ({self.reply_count})"


class TicketEvent(models.Model):
    """A change made to a ticket through the panel (today: its status)."""

    ticket_id = models.CharField(_("ticket"), max_length=64, db_index=True)
    who = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    field = models.CharField(_("field"), max_length=32)
    old = models.CharField(_("old value"), max_length=255, blank=True)
    new = models.CharField(_("new value"), max_length=255, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.field}: {self.old} -> {self.new}"

    @property
    def old_label(self) -> str:
        return status_label(self.old) if self.field == "status" else self.old

    @property
    def new_label(self) -> str:
        return status_label(self.new) if self.field == "status" else self.new
