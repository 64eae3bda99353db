"""Changes to a tenant's alert channels and rules, each audited (never with the channel's target),
and "send a test"."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from alerts import checker
from alerts.models import Channel, Delivery, DeliveryKind, Rule
from alerts.senders import hint
from audit.services import record
from connections.tenancy import Tenant
from plcloud_panel import crypto


def create_channel(*, user, tenant: Tenant, name: str, kind: str, target: str) -> Channel:
    channel = Channel.objects.create(
        tenant_id=tenant.tenant_id,
        name=name,
        kind=kind,
        target_encrypted=crypto.encrypt(target),
        hint=hint(kind, target),
        created_by=user,
    )
    record(
        actor=user, action="alerts.channel.create", object_type="alert channel", object_id=name, detail={"kind": kind}
    )
    return channel


def delete_channel(*, user, channel: Channel) -> None:
    name = channel.name
    channel.delete()
    record(actor=user, action="alerts.channel.delete", object_type="alert channel", object_id=name)


def send_test(*, user, channel: Channel) -> Delivery:
    """Deliver a test message now (bounded by alerts.senders.TIMEOUT), recorded as any delivery."""
    subject = _("Test alert from the Plcloud Panel")
    text = _("This is a test message from the Plcloud Panel: alerts sent to %(channel)s arrive here.") % {
        "channel": channel.name
    }
    delivery = checker.deliver(channel, subject=subject, text=text, kind=DeliveryKind.TEST)
    record(
        actor=user,
        action="alerts.channel.test",
        object_type="alert channel",
        object_id=channel.name,
        ok=delivery.ok,
        error=delivery.error,
    )
    return delivery


@transaction.atomic
def create_rule(*, user, tenant: Tenant, fields: dict, channels) -> Rule:
    rule = Rule.objects.create(tenant_id=tenant.tenant_id, region=tenant.region, created_by=user, **fields)
    rule.channels.set(channels)
    record(
        actor=user,
        action="alerts.rule.create",
        object_type="alert rule",
        object_id=rule.name,
        detail={"kind": rule.kind, "domain": rule.domain_name, "threshold": rule.threshold},
    )
    return rule


def delete_rule(*, user, rule: Rule) -> None:
    name = rule.name
    rule.delete()
    record(actor=user, action="alerts.rule.delete", object_type="alert rule", object_id=name)


def set_paused(*, user, rule: Rule, paused: bool) -> None:
    """Pause a rule, or resume it: then it is due now, checked at the beat's next run rather than
    an interval later."""
    fields = {"paused": paused}
    if not paused:
        fields["due_at"] = None
    Rule.objects.filter(pk=rule.pk).update(**fields)
    action = "alerts.rule.pause" if paused else "alerts.rule.resume"
    record(actor=user, action=action, object_type="alert rule", object_id=rule.name)


def reencrypt_channels() -> tuple[int, int]:
    """Every channel's target under the newest key (reencrypt_secrets); those no key opens are counted."""
    done = unreadable = 0
    for channel in Channel.objects.select_for_update().iterator():
        try:
            channel.target_encrypted = crypto.rotate(channel.target_encrypted)
        except crypto.Undecryptable:
            unreadable += 1
            continue
        channel.save(update_fields=["target_encrypted"])
        done += 1
    return done, unreadable
