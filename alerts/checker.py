"""The beat task's work: each due rule checked by one worker, its incident opened or closed, and
its channels told once when it opens and once when it closes.

A rule is claimed with UPDATE ... WHERE checked_at = <as read> AND due: of two workers that read
it at once, one updates the row, the other updates nothing and moves on. Each run checks at most
MAX_RULES rules, the longest due first. A rule's upstream reads go under the token of a member
connected to its tenant (its author first), as the kept traffic sums are (cdn/flow_sums.py).
Nothing secret is passed in, logged or stored: tasks take no arguments, errors are sentences.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts import conditions, senders
from alerts.models import Channel, Delivery, DeliveryKind, Incident, Rule
from connections.models import PlcloudConnection
from connections.problems import ReconnectNeeded, explain
from connections.services import client_for
from connections.tenancy import Tenant
from plcloud import PlcloudError
from plcloud_panel.crypto import Undecryptable, decrypt

log = logging.getLogger(__name__)

MAX_RULES = 50  # a run's bound; the rest wait for the next minute, longest due first
# No rule is claimed after this many seconds of a run: a rule's check (at most 4 Plcloud calls) and
# its deliveries (at most 10 s a channel) end well before the task's soft time limit.
RUN_SECONDS = 60


def due_rules(now: datetime, limit: int = MAX_RULES) -> list[Rule]:
    rules = Rule.objects.filter(Q(due_at__isnull=True) | Q(due_at__lte=now), paused=False)
    return list(rules.order_by(F("due_at").asc(nulls_first=True), "pk")[:limit])


def claim(rule: Rule, now: datetime) -> bool:
    """Take the rule for this check, unless another worker just did."""
    rows = Rule.objects.filter(pk=rule.pk, paused=False).filter(Q(due_at__isnull=True) | Q(due_at__lte=now))
    rows = rows.filter(checked_at__isnull=True) if rule.checked_at is None else rows.filter(checked_at=rule.checked_at)
    due = now + timedelta(minutes=rule.interval_minutes)
    return bool(rows.update(checked_at=now, due_at=due))


def check_due() -> int:
    """Check every due rule (at most MAX_RULES); the number checked."""
    now, stop = timezone.now(), time.monotonic() + RUN_SECONDS
    checked = 0
    for rule in due_rules(now):
        if time.monotonic() >= stop:
            break  # the rest are still due: the next run takes them
        since = rule.checked_at or rule.created_at
        if not claim(rule, now):
            continue
        try:
            check(rule, since=since, now=now)
        except Exception:  # one rule's surprise must not stop the others
            log.exception("alert rule %s: check failed", rule.pk)
            Rule.objects.filter(pk=rule.pk).update(problem=_("Unexpected error; see the worker log."))
        checked += 1
    return checked


def member_for(rule: Rule):
    """An active member of the team connected to the rule's tenant: its author first."""
    connections = PlcloudConnection.objects.filter(tenant_id=rule.tenant_id, user__is_active=True)
    team = Q(user__is_superuser=True) | Q(user__membership__isnull=False)
    connections = connections.filter(team).select_related("user")
    found = connections.filter(user_id=rule.created_by_id).first() or connections.order_by("pk").first()
    if found is None:
        raise ReconnectNeeded(_("No member of the team is connected to this Plcloud account."))
    return found.user


def check(rule: Rule, *, since: datetime, now: datetime) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        try:
            client = user = None
            if rule.kind in conditions.UPSTREAM:
                user = member_for(rule)
                client = client_for(user, tenant=Tenant(rule.tenant_id))
            finding = conditions.evaluate(rule, client=client, user=user, since=since, now=now)
        except conditions.Unknown as unknown:
            Rule.objects.filter(pk=rule.pk).update(problem=str(unknown))
            return
        except PlcloudError as error:
            Rule.objects.filter(pk=rule.pk).update(problem=explain(error).message)
            return
        Rule.objects.filter(pk=rule.pk).update(problem="")
        _move(rule, finding, now)


def _move(rule: Rule, finding: conditions.Finding, now: datetime) -> None:
    """Open an incident when the condition became true, close it when it cleared; tell the
    channels about either, once. Nothing while it stays as it was."""
    open_incident = Incident.objects.filter(rule=rule, closed_at__isnull=True).first()
    if finding.firing and open_incident is None:
        try:
            with transaction.atomic():
                incident = Incident.objects.create(rule=rule, opened_at=now, summary=finding.summary)
        except IntegrityError:  # opened meanwhile: told already
            return
        notify(rule, incident, DeliveryKind.FIRING, finding.summary)
    elif (
        not finding.firing
        and open_incident is not None
        and Incident.objects.filter(pk=open_incident.pk, closed_at__isnull=True).update(closed_at=now)
    ):
        notify(rule, open_incident, DeliveryKind.RESOLVED, finding.summary)


def message(rule: Rule, kind: str, summary: str) -> tuple[str, str]:
    """The subject and the text."""
    values = {"rule": rule.name, "summary": summary}
    if kind == DeliveryKind.FIRING:
        subject = _("Alert firing: %(rule)s") % values
    else:
        subject = _("Alert resolved: %(rule)s") % values
    return subject, f"[{_('Plcloud Panel')}] {subject}\n{summary}"


def notify(rule: Rule, incident: Incident, kind: str, summary: str) -> None:
    subject, text = message(rule, kind, summary)
    for channel in rule.channels.filter(tenant_id=rule.tenant_id):
        deliver(channel, subject=subject, text=text, kind=kind, incident=incident)


def deliver(channel: Channel, *, subject: str, text: str, kind: str, incident: Incident | None = None) -> Delivery:
    """One attempt, recorded whatever happens; never raises for the channel's sake."""
    try:
        target = decrypt(channel.target_encrypted)
    except Undecryptable:
        error = _("The channel's address can no longer be read (its key was retired). Add it again.")
    else:
        error = senders.send(channel.kind, target, subject=subject, text=text)
    if error:
        log.warning("alert delivery to channel %s (%s) failed: %s", channel.pk, kind, error)
    return Delivery.objects.create(
        tenant_id=channel.tenant_id,
        channel=channel,
        channel_name=channel.name,
        incident=incident,
        rule_name=incident.rule.name if incident else "",
        kind=kind,
        ok=not error,
        error=error,
    )
