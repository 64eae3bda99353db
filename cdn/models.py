from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetAlert(models.Model):
    """When the prepaid traffic is forecast to last fewer days than this, the member is warned."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="budget_alert")
    warn_days = models.PositiveSmallIntegerField(
        _("warn when fewer days are left than"), default=7, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = _("budget alert")
        verbose_name_plural = _("budget alerts")

    def __str__(self) -> str:
        return f"{self.user}: {self.warn_days} days"


class AccountFlow(models.Model):
    """A Plcloud account's traffic over a period, summed over its domains by a worker and kept
    (cdn/flow_sums.py), so that no page waits on one flow call per domain.

    Keyed by tenant id, never by a name (connections/tenancy.py): the members connected to one
    Plcloud account share it; it is read under the token of a member of that tenant and shown only
    to members connected to it.
    """

    tenant_id = models.CharField(max_length=64)
    period = models.CharField(max_length=8)
    # When the figures were read (the window's end is taken from it); None until the first read.
    read_at = models.DateTimeField(null=True, blank=True)
    flow = models.BigIntegerField(default=0)  # bytes, over the domains read
    areas = models.JSONField(default=dict)  # area: bytes
    domain_count = models.PositiveIntegerField(default=0)  # the domains listed
    unread_count = models.PositiveIntegerField(default=0)  # of them, those whose flow could not be read
    unread_names = models.JSONField(default=list)  # the first of those, as shown
    # The last refresh's end, whether it read the figures or failed; why it failed, if it did.
    tried_at = models.DateTimeField(null=True, blank=True)
    problem = models.TextField(blank=True)
    # A refresh is queued or running since then (None: none is).
    refresh_queued_at = models.DateTimeField(null=True, blank=True)
    # The time Plcloud's points cover (first point's start, last point's end, over the domains
    # read): not always the period asked (the SDK's flow call has no window; docs/plcloud-api.md).
    covered_from = models.DateTimeField(null=True, blank=True)
    covered_to = models.DateTimeField(null=True, blank=True)
    # The highest bandwidth of any point, summed over the domains at that time (bit/s); the period
    # before's traffic (bytes; the 24 h period only, when Plcloud's points reach back to it); the
    # domains with the most traffic, [[name, bytes], ...].
    peak_bandwidth = models.BigIntegerField(default=0)
    previous_flow = models.BigIntegerField(null=True, blank=True)
    top_domains = models.JSONField(default=list)
    # The period's points summed over the domains, by area, for the chart: {"t": [Unix seconds],
    # "areas": {area: [bytes a point]}}.
    series = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant_id", "period"], name="account_flow_once_per_period")]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.period}"


class KnownBalance(models.Model):
    """What the panel knows of a tenant's prepaid traffic balance besides reading it (cdn/balance.py):
    whether Plcloud offers the read, and the balance the last recharge answer carried."""

    tenant_id = models.CharField(max_length=64, unique=True)
    # When Plcloud last answered that it has no balance read (404, 405 or 501); None: not seen.
    no_read_at = models.DateTimeField(null=True, blank=True)
    # The balance in GB the last recharge answer carried, and when (its time, or its arrival).
    recharge_balance_gb = models.FloatField(null=True, blank=True)
    recharged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.tenant_id
