"""What the alerts page shows of a tenant: channels with their last delivery, rules with their
state, the last incidents and deliveries. The database only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from alerts.models import Channel, Delivery, Incident, Rule
from connections.tenancy import Tenant

SHOWN = 30


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel
    last: Delivery | None


@dataclass(frozen=True)
class RuleRow:
    rule: Rule
    open_incident: Incident | None

    @property
    def state(self) -> str:
        if self.open_incident is not None:
            return "firing"
        return "ok" if self.rule.checked_at else "unchecked"


def channels(*, tenant: Tenant) -> list[ChannelRow]:
    rows = Channel.objects.filter(tenant_id=tenant.tenant_id)
    last = {}
    for delivery in Delivery.objects.filter(channel__in=rows).order_by("channel_id", "-at", "-pk"):
        last.setdefault(delivery.channel_id, delivery)
    return [ChannelRow(channel, last.get(channel.pk)) for channel in rows]


def rules(*, tenant: Tenant) -> list[RuleRow]:
    open_ones = Incident.objects.filter(closed_at__isnull=True)
    rows = Rule.objects.filter(tenant_id=tenant.tenant_id).prefetch_related(
        "channels", Prefetch("incidents", queryset=open_ones, to_attr="open_incidents")
    )
    return [RuleRow(rule, rule.open_incidents[0] if rule.open_incidents else None) for rule in rows]


def incidents(*, tenant: Tenant) -> list[Incident]:
    return list(Incident.objects.filter(rule__tenant_id=tenant.tenant_id).select_related("rule")[:SHOWN])


def deliveries(*, tenant: Tenant) -> list[Delivery]:
    return list(Delivery.objects.filter(tenant_id=tenant.tenant_id)[:SHOWN])


def channel_of(*, tenant: Tenant, pk: int) -> Channel | None:
    return Channel.objects.filter(tenant_id=tenant.tenant_id, pk=pk).first()


def rule_of(*, tenant: Tenant, pk: int) -> Rule | None:
    return Rule.objects.filter(tenant_id=tenant.tenant_id, pk=pk).first()
