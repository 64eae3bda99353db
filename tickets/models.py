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
    # The Plcloud tenant the ticket belongs to (connections.tenancy): ticket ids are Plcloud's,
    # unique only within a tenant.
    tenant_id = models.CharField(_("tenant"), max_length=64, blank=True, db_index=True)
    ticket_id = models.CharField(_("ticket"), max_length=255)
    reply_count = models.PositiveIntegerField(_("replies seen"), default=0)
    seen_at = models.DateTimeField(_("last opened"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant_id", "ticket_id"], name="ticket_seen_once_per_member")
        ]
        verbose_name = _("ticket seen")
        verbose_name_plural = _("tickets seen")

    def __str__(self) -> str:
        return f"{self.user} saw {self.ticket_id} ({self.reply_count})"


class TicketEvent(models.Model):
    """A change made to a ticket through the panel (today: its status)."""

    # The Plcloud tenant the ticket belongs to (connections.tenancy): ticket ids are Plcloud's,
    # unique only within a tenant.
    tenant_id = models.CharField(_("tenant"), max_length=64, blank=True, db_index=True)
    ticket_id = models.CharField(_("ticket"), max_length=255, db_index=True)
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


class TicketWatch(models.Model):
    """The reply count the checker last saw on a member's open or answered ticket."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The Plcloud tenant the ticket belongs to (connections.tenancy): ticket ids are Plcloud's,
    # unique only within a tenant.
    tenant_id = models.CharField(_("tenant"), max_length=64, blank=True, db_index=True)
    ticket_id = models.CharField(_("ticket"), max_length=255)
    reply_count = models.PositiveIntegerField(_("replies seen"), default=0)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant_id", "ticket_id"], name="ticket_watch_once_per_member")
        ]
        verbose_name = _("watched ticket")
        verbose_name_plural = _("watched tickets")

    def __str__(self) -> str:
        return f"{self.user} watches {self.ticket_id} ({self.reply_count})"


class CheckOutcome(models.TextChoices):
    OK = "ok", _("Checked")
    WAITING = "waiting", _("Waiting for the member to connect again")
    FAILED = "failed", _("Failed")


class TicketCheck(models.Model):
    """The reply checker's last visit to a member: when, and what it found (never a secret)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ticket_check")
    # The tenant last checked: a member now connected to another starts from a fresh baseline.
    tenant_id = models.CharField(_("tenant"), max_length=64, blank=True)
    checked_at = models.DateTimeField(_("checked at"), default=timezone.now)
    # The last check that read the member's tickets; none yet means the next one only sets the baseline.
    ok_at = models.DateTimeField(_("last successful check"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=CheckOutcome.choices)
    tickets = models.PositiveIntegerField(_("open tickets"), default=0)
    new_replies = models.PositiveIntegerField(_("new replies"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("ticket check")
        verbose_name_plural = _("ticket checks")

    def __str__(self) -> str:
        return f"{self.user} {self.outcome} at {self.checked_at:%Y-%m-%d %H:%M}"
