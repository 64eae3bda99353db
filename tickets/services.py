"""Every change to a ticket: the Plcloud call, the audit record (failures too), the panel's history."""

from __future__ import annotations

from django.db import transaction

from audit.services import record
from connections.problems import explain
from connections.services import client_for_request
from connections.tenancy import request_tenant
from plcloud import PlcloudError
from plcloud_panel.converters import plcloud_id
from tickets.models import TicketEvent
from tickets.selectors import count, mark_seen


def _failed(request, action: str, ticket_id: str, error: PlcloudError, detail: dict) -> None:
    record(
        actor=request.user,
        action=action,
        object_type="ticket",
        object_id=ticket_id,
        ok=False,
        detail=detail,
        error=explain(error).message,
    )


def create_ticket(request, *, summary: str, description: str) -> dict:
    detail = {"summary": summary}
    try:
        ticket = client_for_request(request).ticket.create(summary, description)
    except PlcloudError as error:
        _failed(request, "ticket.create", "", error, detail)
        raise
    ticket_id = plcloud_id(ticket.get("id")) or ""
    record(actor=request.user, action="ticket.create", object_type="ticket", object_id=ticket_id, detail=detail)
    if ticket_id:  # nothing unread in one's own new ticket
        mark_seen(request.user, ticket_id, tenant=request_tenant(request), replies=count(ticket.get("reply_count")))
    return ticket


def reply(request, *, ticket_id: str, content: str) -> dict:
    detail = {"length": len(content)}
    try:
        answer = client_for_request(request).ticket.reply(ticket_id, content)
    except PlcloudError as error:
        _failed(request, "ticket.reply", ticket_id, error, detail)
        raise
    record(actor=request.user, action="ticket.reply", object_type="ticket", object_id=ticket_id, detail=detail)
    return answer


def change_status(request, *, ticket_id: str, status: str) -> dict:
    """Accept or close; the status before the change is read first, for the history."""
    old = ""
    try:
        client = client_for_request(request)
        old = str(client.ticket.get(ticket_id).get("status", ""))
        ticket = client.ticket.update(ticket_id, status)
    except PlcloudError as error:
        _failed(request, "ticket.status", ticket_id, error, {"old": old, "new": status})
        raise
    new = str(ticket.get("status", status))
    with transaction.atomic():
        if new != old:
            TicketEvent.objects.create(
                tenant_id=request_tenant(request).tenant_id,
                ticket_id=ticket_id,
                who=request.user,
                field="status",
                old=old,
                new=new,
            )
        record(
            actor=request.user,
            action="ticket.status",
            object_type="ticket",
            object_id=ticket_id,
            detail={"old": old, "new": new},
        )
    return ticket
