"""Reads: the member's tickets from Plcloud as typed objects (tickets.objects), filtered and
ordered, with the panel's own records beside them (what the member has read, the history). The
ticket pages read fresh; only blocks on other apps' pages read through the member's short cache."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

from connections import member_cache
from connections.tenancy import Tenant
from plcloud import Client
from tickets.models import TicketEvent, TicketSeen
from tickets.objects import Reply, Ticket, replies_from, tickets_from

_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)


def list_tickets(*, client: Client, user_id: str | None = None) -> list[Ticket]:
    """The client's user's tickets, or (for an admin) another Plcloud user's."""
    return tickets_from(client.ticket.list(user_id))


def recent_tickets(*, client: Client, user) -> list[Ticket]:
    """The member's tickets as Plcloud listed them at most CDN_CACHE_SECONDS ago (the domain
    page's block: the page reads its domain fresh, and within that time its tickets cost no second
    call after it). Kept as Plcloud's rows, under the member's cache version: their own
    change to a ticket (tickets.services) forgets it."""
    return recent_tickets_read(client=client, user=user)[0]


def recent_tickets_read(*, client: Client, user) -> tuple[list[Ticket], datetime]:
    """``recent_tickets``, and when Plcloud listed them."""
    key = member_cache.key(user, "tickets")
    kept = cache.get(key)
    # A miss, the cache down, or an entry of another shape (an earlier release).
    if not (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[1], list)):
        kept = (time.time(), client.ticket.list())
        cache.set(key, kept, settings.CDN_CACHE_SECONDS)
    return tickets_from(kept[1]), datetime.fromtimestamp(kept[0], UTC)


def get_ticket(*, client: Client, ticket_id: str) -> Ticket:
    return Ticket.from_wire(client.ticket.get(ticket_id))


def list_replies(*, client: Client, ticket_id: str) -> list[Reply]:
    """Oldest first, as Plcloud answers them."""
    return replies_from(client.ticket.list_reply(ticket_id))


def newest_first(tickets: Iterable[Ticket]) -> list[Ticket]:
    return sorted(tickets, key=lambda ticket: ticket.activity or _LONG_AGO, reverse=True)


def browse(tickets: list[Ticket], *, user, tenant: Tenant, status: str = "", query: str = "") -> list[Ticket]:
    """The tickets matching status and summary search, newest activity first, each marked
    ``unread`` when support answered since the member last opened it."""
    needle = query.casefold()
    shown = [t for t in tickets if (not status or t.status == status) and (not needle or t.mentions({needle}))]
    refs = [ticket.ref for ticket in shown if ticket.ref]
    seen_rows = TicketSeen.objects.filter(user=user, tenant_id=tenant.tenant_id, ticket_id__in=refs)
    seen = dict(seen_rows.values_list("ticket_id", "reply_count"))
    marked = [
        replace(ticket, unread=ticket.support_answered and ticket.reply_count > seen.get(ticket.ref, -1))
        for ticket in shown
    ]
    return newest_first(marked)


def history(*, tenant: Tenant, ticket_id: str):
    """The panel's own record of changes to the ticket (``ticket_id`` as routed)."""
    return TicketEvent.objects.filter(tenant_id=tenant.tenant_id, ticket_id=ticket_id).select_related("who")


def mentioning(tickets: Iterable[Ticket | dict], *names: str) -> list[Ticket]:
    """The open or answered tickets (Plcloud's ticket objects, or Tickets) whose summary mentions
    one of ``names`` (a domain's ASCII and display names), newest activity first."""
    needles = {name.casefold().rstrip(".") for name in names if name and name.strip(".")}
    read = [t if isinstance(t, Ticket) else Ticket.from_wire(t) for t in tickets if isinstance(t, Ticket | dict)]
    return newest_first(t for t in read if t.in_progress and t.mentions(needles))
