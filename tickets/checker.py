"""The reply checker: which members' tickets support answered since the panel last looked.

One ``client.ticket.list()`` per member and run, at most ``TICKET_CHECK_MAX_MEMBERS`` members a
run, those checked longest ago first. Nothing secret is passed in, logged or stored: the client
comes from the member's stored connection, errors are kept as ``explain()`` sentences.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from connections.models import PlcloudConnection
from connections.problems import ReconnectNeeded, explain
from connections.services import client_for
from connections.tenancy import Tenant, tenant_of
from notifications.models import Notification
from plcloud import PlcloudError
from tickets.models import CheckOutcome, TicketCheck, TicketSeen, TicketWatch
from tickets.objects import Ticket
from tickets.selectors import list_tickets

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    checked: int = 0
    waiting: int = 0
    failed: int = 0
    notified: int = 0
    members: list[str] = field(default_factory=list)


def members_due(limit: int):
    """Connected team members, the ones checked longest ago (or never) first."""
    connections = PlcloudConnection.objects.filter(user__is_active=True).filter(
        Q(user__is_superuser=True) | Q(user__membership__isnull=False)
    )
    ordered = connections.select_related("user").order_by(
        F("user__ticket_check__checked_at").asc(nulls_first=True), "pk"
    )
    return [connection.user for connection in ordered[:limit]]


def check_all(limit: int | None = None) -> RunSummary:
    limit = settings.TICKET_CHECK_MAX_MEMBERS if limit is None else limit
    summary = RunSummary()
    for user in members_due(limit):
        try:
            outcome, notified = check_member(user)
        except Exception:  # one member's surprise must not stop the others
            log.exception("ticket check failed for member %s", user.pk)
            _record(user, CheckOutcome.FAILED, error=_("Unexpected error; see the worker log."))
            outcome, notified = CheckOutcome.FAILED, 0
        summary.members.append(user.get_username())
        summary.notified += notified
        if outcome == CheckOutcome.OK:
            summary.checked += 1
        elif outcome == CheckOutcome.WAITING:
            summary.waiting += 1
        else:
            summary.failed += 1
    log.info(
        "ticket check: %d members checked, %d waiting to reconnect, %d failed, %d new notifications",
        summary.checked,
        summary.waiting,
        summary.failed,
        summary.notified,
    )
    return summary


def check_member(user) -> tuple[str, int]:
    """Read the member's tickets once and notify new support replies; the outcome and how many."""
    tenant = tenant_of(user)
    try:
        tickets = list_tickets(client=client_for(user, tenant=tenant))
    except ReconnectNeeded as error:
        _record(user, CheckOutcome.WAITING, error=explain(error).message)
        return CheckOutcome.WAITING, 0
    except PlcloudError as error:
        _record(user, CheckOutcome.FAILED, error=explain(error).message)
        log.warning("ticket check: member %s: %s", user.pk, type(error).__name__)
        return CheckOutcome.FAILED, 0
    watched = [ticket for ticket in tickets if ticket.in_progress and ticket.ref]
    created = _compare(user, tenant, watched)
    if created:
        _mail(user, created)
    return CheckOutcome.OK, len(created)


def _compare(user, tenant: Tenant, tickets: list[Ticket]) -> list[Notification]:
    ids = [ticket.ref for ticket in tickets]
    now = timezone.now()
    mine = {"user": user, "tenant_id": tenant.tenant_id}
    with transaction.atomic():
        # A member's first check of this tenant (a member now connected to another starts again).
        first = not TicketCheck.objects.filter(**mine, ok_at__isnull=False).exists()
        watched = {w.ticket_id: w for w in TicketWatch.objects.filter(**mine, ticket_id__in=ids)}
        seen = dict(TicketSeen.objects.filter(**mine, ticket_id__in=ids).values_list("ticket_id", "reply_count"))
        created, new_watches, changed = [], [], []
        for ticket in tickets:
            ticket_id, count = ticket.ref, ticket.reply_count
            watch = watched.get(ticket_id)
            known = [c for c in (watch.reply_count if watch else None, seen.get(ticket_id)) if c is not None]
            # Never looked at before: on a member's first check the backlog is taken as read;
            # later, a ticket that appeared since the last check has all its replies new.
            baseline = max(known) if known else (count if first else 0)
            if count > baseline and ticket.support_answered:
                notification = _notify(user, tenant, ticket)
                if notification is not None:
                    created.append(notification)
            if watch is None:
                new_watches.append(TicketWatch(**mine, ticket_id=ticket_id, reply_count=count, checked_at=now))
            elif watch.reply_count != count:
                watch.reply_count, watch.checked_at = count, now
                changed.append(watch)
        TicketWatch.objects.bulk_create(new_watches, ignore_conflicts=True)
        TicketWatch.objects.bulk_update(changed, ["reply_count", "checked_at"])
        # Tickets no longer open or answered are not watched any more.
        TicketWatch.objects.filter(user=user).exclude(tenant_id=tenant.tenant_id, ticket_id__in=ids).delete()
        _record(user, CheckOutcome.OK, tickets=len(tickets), new_replies=len(created), ok=True, tenant=tenant)
    return created


def _notify(user, tenant: Tenant, ticket: Ticket) -> Notification | None:
    """One notification per member, ticket and reply count, even if two runs overlap."""
    try:
        with transaction.atomic():
            notification, made = Notification.objects.get_or_create(
                user=user,
                tenant_id=tenant.tenant_id,
                ticket_id=ticket.ref,
                reply_count=ticket.reply_count,
                defaults={"summary": ticket.summary[:255], "replied_at": ticket.last_reply},
            )
    except IntegrityError:
        return None
    return notification if made else None


def _record(
    user, outcome: str, *, tickets: int = 0, new_replies: int = 0, error: str = "", ok: bool = False, tenant=None
) -> None:
    now = timezone.now()
    values = {"checked_at": now, "outcome": outcome, "tickets": tickets, "new_replies": new_replies, "error": error}
    if ok:
        values["ok_at"], values["tenant_id"] = now, tenant.tenant_id
    TicketCheck.objects.update_or_create(user=user, defaults=values)


def _mail(user, notifications: list[Notification]) -> None:
    """A short mail, when the member has an address and the panel has a mail server."""
    if not user.email or not settings.EMAIL_HOST:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "Plcloud support answered %(count)d ticket",
            "Plcloud support answered %(count)d tickets",
            len(notifications),
        ) % {"count": len(notifications)}
        lines = [_("Support replied to:")]
        lines += [f"- {n.ticket_id}: {n.summary}" for n in notifications]
        lines += ["", _("Open Tickets in the Plcloud Panel to read the answers.")]
    try:
        send_mail(subject, "\n".join(lines), None, [user.email])
    except Exception:  # a mail server problem must not undo the notifications
        log.warning("ticket check: mail to member %s not sent", user.pk, exc_info=True)
