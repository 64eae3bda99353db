"""Reads on top of what Plcloud answers: filtering, ordering, times, and the unread marker."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from connections.tenancy import Tenant
from plcloud_panel.converters import plcloud_id
from tickets.models import Notification, Status, TicketEvent, TicketSeen, status_label

_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


def when(value) -> datetime | None:
    """A time from Plcloud, always aware (a time without an offset is taken as UTC), or None."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def count(value) -> int:
    """A count from Plcloud; anything that is not a whole number counts as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def dressed(ticket: dict) -> dict:
    """A copy of the ticket with parsed times, its last activity and its status label."""
    ticket = dict(ticket)
    ticket["created"], ticket["updated"] = when(ticket.get("created_at")), when(ticket.get("updated_at"))
    ticket["last_reply"] = when(ticket.get("last_reply_at"))
    ticket["activity"] = max((t for t in (ticket["updated"], ticket["last_reply"]) if t), default=None)
    status = ticket.get("status")
    ticket["status"] = status if isinstance(status, str) else ""
    ticket["status_label"] = status_label(ticket["status"])
    # The id as the panel routes it; None for a row without a usable one (shown, not linked).
    ticket["ref"] = plcloud_id(ticket.get("id"))
    return ticket


def dressed_replies(replies: list[dict]) -> list[dict]:
    return [{**reply, "created": when(reply.get("created_at"))} for reply in replies if isinstance(reply, dict)]


def browse(user, tickets: list[dict], *, tenant: Tenant, status: str = "", query: str = "") -> list[dict]:
    """The tickets matching status and summary search, newest activity first, with ``unread``."""
    tickets = [dressed(ticket) for ticket in tickets if isinstance(ticket, dict)]
    ids = [ticket["ref"] for ticket in tickets if ticket["ref"]]
    seen_rows = TicketSeen.objects.filter(user=user, tenant_id=tenant.tenant_id, ticket_id__in=ids)
    seen = dict(seen_rows.values_list("ticket_id", "reply_count"))
    shown = []
    for ticket in tickets:
        if (status and ticket.get("status") != status) or (
            query and query.casefold() not in str(ticket.get("summary", "")).casefold()
        ):
            continue
        replies = count(ticket.get("reply_count"))
        ticket["unread"] = ticket.get("last_reply_by") == "support" and replies > seen.get(ticket["ref"], -1)
        shown.append(ticket)
    return sorted(shown, key=lambda ticket: ticket["activity"] or _LONG_AGO, reverse=True)


def mark_seen(user, ticket_id: str, *, tenant: Tenant, replies: int = 0) -> None:
    """The member has read the ticket (``ticket_id`` as routed) with ``replies`` replies."""
    now = timezone.now()
    TicketSeen.objects.update_or_create(
        user=user, tenant_id=tenant.tenant_id, ticket_id=ticket_id, defaults={"reply_count": replies, "seen_at": now}
    )
    # Opening the ticket reads what support wrote: its reply notifications are read too.
    unread = Notification.objects.filter(user=user, tenant_id=tenant.tenant_id, ticket_id=ticket_id)
    unread.filter(read_at__isnull=True).update(read_at=now)


def history(ticket_id: str, *, tenant: Tenant):
    return TicketEvent.objects.filter(tenant_id=tenant.tenant_id, ticket_id=ticket_id).select_related("who")


def unread_notifications(user, *, tenant: Tenant):
    rows = Notification.objects.filter(user=user, tenant_id=tenant.tenant_id, read_at__isnull=True)
    return rows.select_related("job")


def mark_all_read(user, *, tenant: Tenant) -> int:
    return unread_notifications(user, tenant=tenant).update(read_at=timezone.now())


def mentioning(tickets: list[dict], *names: str) -> list[dict]:
    """The open or answered tickets whose summary mentions one of ``names`` (a domain's ASCII and
    display names), newest activity first."""
    needles = {name.casefold().rstrip(".") for name in names if name and name.strip(".")}
    found = [
        ticket
        for ticket in map(dressed, (t for t in tickets if isinstance(t, dict)))
        if ticket.get("status") in (Status.OPEN, Status.ANSWERED)
        and any(needle in str(ticket.get("summary", "")).casefold() for needle in needles)
    ]
    return sorted(found, key=lambda ticket: ticket["activity"] or _LONG_AGO, reverse=True)
