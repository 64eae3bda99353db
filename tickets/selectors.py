"""Reads on top of what Plcloud answers: filtering, ordering, times, and the unread marker."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tickets.models import Notification, Status, TicketEvent, TicketSeen, status_label

_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


def when(value) -> datetime | None:
    try:
        return parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None


def dressed(ticket: dict) -> dict:
    """A copy of the ticket with parsed times, its last activity and its status label."""
    ticket = dict(ticket)
    ticket["created"], ticket["updated"] = when(ticket.get("created_at")), when(ticket.get("updated_at"))
    ticket["last_reply"] = when(ticket.get("last_reply_at"))
    ticket["activity"] = max((t for t in (ticket["updated"], ticket["last_reply"]) if t), default=None)
    ticket["status_label"] = status_label(ticket.get("status", ""))
    return ticket


def dressed_replies(replies: list[dict]) -> list[dict]:
    return [{**reply, "created": when(reply.get("created_at"))} for reply in replies]


def browse(user, tickets: list[dict], *, status: str = "", query: str = "") -> list[dict]:
    """The tickets matching status and summary search, newest activity first, with ``unread``."""
    ids = [str(ticket.get("id", "")) for ticket in tickets]
    seen = dict(TicketSeen.objects.filter(user=user, ticket_id__in=ids).values_list("ticket_id", "reply_count"))
    shown = []
    for ticket in map(dressed, tickets):
        if (status and ticket.get("status") != status) or (
            query and query.casefold() not in str(ticket.get("summary", "")).casefold()
        ):
            continue
        replies = ticket.get("reply_count") or 0
        ticket["unread"] = ticket.get("last_reply_by") == "support" and replies > seen.get(ticket.get("id"), -1)
        shown.append(ticket)
    return sorted(shown, key=lambda ticket: ticket["activity"] or _LONG_AGO, reverse=True)


def mark_seen(user, ticket: dict, replies: list[dict] | None = None) -> None:
    count = max(ticket.get("reply_count") or 0, len(replies or []))
    now = timezone.now()
    TicketSeen.objects.update_or_create(
        user=user, ticket_id=ticket["id"], defaults={"reply_count": count, "seen_at": now}
    )
    # Opening the ticket reads what support wrote: its reply notifications are read too.
    Notification.objects.filter(user=user, ticket_id=ticket["id"], read_at__isnull=True).update(read_at=now)


def history(ticket_id: str):
    return TicketEvent.objects.filter(ticket_id=ticket_id).select_related("who")


def unread_notifications(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).select_related("job")


def mark_all_read(user) -> int:
    return unread_notifications(user).update(read_at=timezone.now())


def mentioning(tickets: list[dict], *names: str) -> list[dict]:
    """The open or answered tickets whose summary mentions one of ``names`` (a domain's ASCII and
    display names), newest activity first."""
    needles = {name.casefold().rstrip(".") for name in names if name and name.strip(".")}
    found = [
        ticket
        for ticket in map(dressed, tickets)
        if ticket.get("status") in (Status.OPEN, Status.ANSWERED)
        and any(needle in str(ticket.get("summary", "")).casefold() for needle in needles)
    ]
    return sorted(found, key=lambda ticket: ticket["activity"] or _LONG_AGO, reverse=True)
