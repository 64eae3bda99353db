"""Alert channels and rules of a Plcloud tenant, the incidents the rules open and close, and every
delivery attempt. Keyed by tenant id (connections/tenancy.py), as everything the panel keeps."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    DINGTALK = "dingtalk", _("DingTalk group robot")
    WECOM = "wecom", _("WeCom group robot")
    SLACK = "slack", _("Slack-style incoming webhook")


class Channel(models.Model):
    """Where alerts go. The target (a webhook URL with its robot token, or e-mail addresses) is a
    secret, encrypted at rest like Plcloud tokens (plcloud_panel.crypto); pages show ``hint``."""

    tenant_id = models.CharField(max_length=64, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=ChannelKind.choices)
    target_encrypted = models.TextField()
    hint = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("alert channel")
        verbose_name_plural = _("alert channels")

    def __str__(self) -> str:
        return self.name


class RuleKind(models.TextChoices):
    BALANCE_DAYS = "balance_days", _("Balance below N days")
    JOB_FAILED = "job_failed", _("A job failed")
    DOMAIN_STUCK = "domain_stuck", _("A domain stuck in configuring")
    ERROR_SHARE = "error_share", _("5xx share above a threshold")
    BANDWIDTH = "bandwidth", _("Bandwidth above a threshold")
    TICKET_ANSWERED = "ticket_answered", _("A ticket answered by support")


class Rule(models.Model):
    tenant_id = models.CharField(max_length=64, db_index=True)
    region = models.CharField(max_length=128, blank=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("condition"), max_length=20, choices=RuleKind.choices)
    # Days (balance), percent (5xx share) or Mbit/s (bandwidth); unused by the other kinds.
    threshold = models.FloatField(_("threshold"), null=True, blank=True)
    window_minutes = models.PositiveIntegerField(
        _("window (minutes)"), default=15, validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    domain_name = models.CharField(_("domain"), max_length=255, blank=True)
    channels = models.ManyToManyField(Channel, related_name="rules", verbose_name=_("channels"))
    interval_minutes = models.PositiveIntegerField(
        _("check every (minutes)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Claimed by one worker at a time with UPDATE ... WHERE checked_at = <as read> (alerts.checker).
    checked_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)  # None: due now
    problem = models.TextField(blank=True)  # why the last check could not tell (a sentence, no secret)
    # Not checked while paused (maintenance, a known outage); an open incident stays open, unsent,
    # until the first check after it is resumed tells whether the condition cleared.
    paused = models.BooleanField(default=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.name

    @property
    def threshold_text(self) -> str:
        """The threshold with its unit, as the rules table shows it ("" for kinds without one)."""
        units = {
            RuleKind.BALANCE_DAYS: _("fewer than %(n)g days"),
            RuleKind.ERROR_SHARE: _("above %(n)g%% over %(minutes)d min"),
            RuleKind.BANDWIDTH: _("above %(n)g Mbit/s")
            if not self.domain_name
            else _("above %(n)g Mbit/s over %(minutes)d min"),
        }
        if self.kind not in units or self.threshold is None:
            return ""
        return str(units[self.kind]) % {"n": self.threshold, "minutes": self.window_minutes}


class Incident(models.Model):
    """A rule's condition true from ``opened_at`` until ``closed_at``: "firing" is sent when it
    opens, "resolved" when it closes, nothing in between. At most one open incident a rule."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="incidents")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule"], condition=Q(closed_at__isnull=True), name="alert_one_open_incident"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.opened_at:%Y-%m-%d %H:%M}"


class DeliveryKind(models.TextChoices):
    FIRING = "firing", _("Firing")
    RESOLVED = "resolved", _("Resolved")
    TEST = "test", _("Test")


class Delivery(models.Model):
    """One attempt to send one message to one channel, whatever its outcome. ``error``: a sentence
    with no secret in it (alerts.senders)."""

    tenant_id = models.CharField(max_length=64, db_index=True)
    channel = models.ForeignKey(Channel, null=True, on_delete=models.SET_NULL, related_name="deliveries")
    channel_name = models.CharField(max_length=100)
    # Kept when the rule (and its incidents) or the channel is deleted: every attempt stays listed.
    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    rule_name = models.CharField(max_length=100, blank=True)  # "" for a test
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.channel_name} {self.kind} {'ok' if self.ok else 'failed'}"
