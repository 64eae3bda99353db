"""Tickets and replies as the panel reads them: built in one place from Plcloud's answer
(docs/plcloud-api.md, Tickets), whatever fields it carries or leaves out. A missing field reads as
empty (None for a time), never as an error: a page shows what is there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Self

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from plcloud_panel.converters import plcloud_id
from tickets.models import Status, status_label

# Open or answered: support may still write, so the checker watches it and the CDN and job pages
# list it.
IN_PROGRESS = (Status.OPEN, Status.ANSWERED)


def when(value: object) -> datetime | None:
    """A time from Plcloud, always aware (a time without an offset is taken as UTC), or None."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def count(value: object) -> int:
    """A count from Plcloud; anything that is not a whole number counts as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _word(value: object) -> str:
    """A keyword field (a status, an author): anything but text reads as missing."""
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Ticket:
    # The id exactly as Plcloud gave it (shown, and sent back on the wire).
    wire_id: object
    # The id as the panel routes and records it (plcloud_id); None: shown, not linked.
    ref: str | None
    summary: str = ""
    description: str = ""
    status: str = ""
    user_name: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    last_reply: datetime | None = None
    reply_count: int = 0
    last_reply_by: str = ""
    # The member has not read support's last answer (selectors.browse sets it, from TicketSeen).
    unread: bool = False

    @classmethod
    def from_wire(cls, data: dict) -> Self:
        return cls(
            wire_id=data.get("id"),
            ref=plcloud_id(data.get("id")),
            summary=_text(data.get("summary")),
            description=_text(data.get("description")),
            status=_word(data.get("status")),
            user_name=_text(data.get("user_name")),
            created=when(data.get("created_at")),
            updated=when(data.get("updated_at")),
            last_reply=when(data.get("last_reply_at")),
            reply_count=count(data.get("reply_count")),
            last_reply_by=_word(data.get("last_reply_by")),
        )

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def activity(self) -> datetime | None:
        """The last time anything happened to it: its last change or its last reply."""
        return max((t for t in (self.updated, self.last_reply) if t), default=None)

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def support_answered(self) -> bool:
        """Support wrote the last reply."""
        return self.last_reply_by == "support"

    def mentions(self, needles: set[str]) -> bool:
        """Whether the summary contains one of ``needles`` (casefolded)."""
        summary = self.summary.casefold()
        return any(needle in summary for needle in needles)


@dataclass(frozen=True)
class Reply:
    wire_id: object
    content: str = ""
    # "user" or "support"; "" when Plcloud did not say.
    author: str = ""
    user_name: str = ""
    created: datetime | None = None

    @classmethod
    def from_wire(cls, data: dict) -> Self:
        return cls(
            wire_id=data.get("id"),
            content=_text(data.get("content")),
            author=_word(data.get("author")),
            user_name=_text(data.get("user_name")),
            created=when(data.get("created_at")),
        )


def tickets_from(items: object) -> list[Ticket]:
    """A list answer as tickets, skipping anything that is not an object."""
    return [Ticket.from_wire(item) for item in items or () if isinstance(item, dict)]


def replies_from(items: object) -> list[Reply]:
    return [Reply.from_wire(item) for item in items or () if isinstance(item, dict)]
