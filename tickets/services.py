"""Every change to a ticket: the Plcloud call, audited either way (audit.services.audited), and
the panel's own records of it (what the member has read, the status history). ``tenant`` is the
Plcloud tenant the member's client works in: what the panel keeps is keyed by it. Each change
clears the member's cached reads (connections.member_cache.forget), whatever its outcome (a change
that failed may have been made all the same), so their next domain page lists the ticket as it is."""

from __future__ import annotations

from contextlib import contextmanager

from django.utils import timezone

from audit.services import audited
from connections.member_cache import forget
from connections.tenancy import Tenant
from notifications import services as notifications
from plcloud import Client
from tickets.models import TicketEvent, TicketSeen
from tickets.objects import Reply, Ticket


@contextmanager
def _changing(user, action: str, *, object_id: str = "", detail: dict):
    """``audited``, and the member's cached reads forgotten whatever the outcome."""
    try:
        with audited(actor=user, action=action, object_type="ticket", object_id=object_id, detail=detail) as row:
            yield row
    finally:
        forget(user)


def create_ticket(*, client: Client, user, tenant: Tenant, summary: str, description: str) -> Ticket:
    with _changing(user, "ticket.create", detail={"summary": summary}) as row:
        ticket = Ticket.from_wire(client.ticket.create(summary, description))
        row["object_id"] = ticket.ref or ""
    if ticket.ref:  # nothing unread in one's own new ticket
        mark_seen(user=user, tenant=tenant, ticket_id=ticket.ref, replies=ticket.reply_count)
    return ticket


def reply(*, client: Client, user, ticket_id: str, content: str) -> Reply:
    detail = {"length": len(content)}
    with _changing(user, "ticket.reply", object_id=ticket_id, detail=detail):
        return Reply.from_wire(client.ticket.reply(ticket_id, content))


def change_status(*, client: Client, user, tenant: Tenant, ticket_id: str, status: str) -> Ticket:
    """Accept or close; the status before the change is read first, for the history."""
    with _changing(user, "ticket.status", object_id=ticket_id, detail={"old": "", "new": status}) as row:
        old = row["detail"]["old"] = Ticket.from_wire(client.ticket.get(ticket_id)).status
        ticket = Ticket.from_wire(client.ticket.update(ticket_id, status))
        new = row["detail"]["new"] = ticket.status or status
        if new != old:
            TicketEvent.objects.create(
                tenant_id=tenant.tenant_id, ticket_id=ticket_id, who=user, field="status", old=old, new=new
            )
    return ticket


def mark_seen(*, user, tenant: Tenant, ticket_id: str, replies: int = 0) -> None:
    """The member has read the ticket (``ticket_id`` as routed) with ``replies`` replies."""
    TicketSeen.objects.update_or_create(
        user=user,
        tenant_id=tenant.tenant_id,
        ticket_id=ticket_id,
        defaults={"reply_count": replies, "seen_at": timezone.now()},
    )
    notifications.mark_ticket_read(user=user, tenant=tenant, ticket_id=ticket_id)
