"""Reading a window of a request log in time slices, whether or not the service pages.

WIRE.md: the SDK's ``cdn.request_log`` sends a window (``start_at``, ``end_at``) and reads one
list; it has no paging, and whether the real service caps, pages or streams a long window is not
known. A busy day is about 1.3 million entries (500 MB of JSON), so the client never asks for a
whole window: it asks for slices of it, each sized from what the answers so far turned out to be,
and holds one answer at a time.

The decisions (docs/plcloud-api.md, "How the client reads a window"):

- **Slice size.** The first slice is ``Sizing.first_span`` seconds (a few minutes). After each
  answer the next slice is sized so that, at the rate just seen, it holds about
  ``target_entries`` entries and ``target_bytes`` bytes; it grows at most ``GROW`` times per answer
  while answers stay small, shrinks at once after a large one, and is halved after a slow one.
  So no slice is asked for with more than the cap's worth of expected entries, once one answer
  has shown the rate.
- **Answer cap.** Each answer is read no further than ``max_bytes`` (``Client.call``); a longer one
  (a service answering far more than expected) is dropped unread past the cap, the slice halved
  and asked for again, down to ``MIN_SPAN``.
- **Paging only when offered.** ``limit`` goes with every slice: a service that pages honours it
  and answers at most that many, one that does not ignores it (as the sdk profile does) and
  answers the slice, which is bounded anyway. ``marker`` is sent only when the slice's own answer
  came with a ``next`` link, and then with the same slice, until it has none.
- **Boundaries.** Slices are half-open, ``[start, end)``, as the sandbox's window is. Whether the
  real service counts an entry exactly on a bound is not known, so each slice is asked for 1 ms
  wider on both sides and only its entries with ``start <= time < end`` are kept: an entry on a
  boundary belongs to exactly one slice whatever the service does with its bounds. Boundaries
  inside the window are whole seconds, so a service that cuts the times it is sent to the second
  still answers at least the slice. An entry without a readable time is kept where it came.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from plcloud.errors import AnswerTooLarge

if TYPE_CHECKING:
    from plcloud.cdn import CdnManager

MB = 1024 * 1024
# A slice is never shorter: a second of a log that does not fit in one answer cannot be read.
MIN_SPAN = 1.0
# Nor longer: far below the service's 31-day window, so a slice asked 1 ms wider stays inside it.
MAX_SPAN = 7 * 86400.0
# How much a slice may grow after one answer: a quiet stretch can be crossed in a few answers,
# and a busy one after it costs one answer cut at the cap at most.
GROW = 4.0
# An answer slower than this halves the next slice.
SLOW_SECONDS = 10.0
# Each slice is asked for this much wider on both sides (see "Boundaries" above).
EDGE = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Sizing:
    """How big the answers of one reader may be."""

    limit: int = 10_000  # entries asked for per answer (``limit``), honoured by a service that pages
    target_entries: int = 8_000  # a slice is sized to hold about this many, below ``limit``
    target_bytes: int = 4 * MB  # ... and about this many bytes of JSON
    max_bytes: int = 16 * MB  # an answer is never read past this (AnswerTooLarge)
    first_span: float = 300.0  # seconds: the first slice, before any answer has shown the rate

    @classmethod
    def for_limit(cls, limit: int, **more: float) -> Sizing:
        """Answers of at most ``limit`` entries: slices aimed at four fifths of it, so that one
        slightly busier than expected still fits in one answer of a service that pages."""
        return cls(limit=limit, target_entries=max(1, limit * 4 // 5), **more)


@dataclass(frozen=True)
class Position:
    """Where a read of a window stands: every entry before ``at`` has been read; the slice from
    ``at`` is ``span`` seconds long; ``marker`` is the service's next page within that slice (when
    its answer paged) and ``seen`` how many entries the slice's earlier pages held."""

    at: datetime
    span: float
    marker: str | None = None
    seen: int = 0


@dataclass(frozen=True)
class Piece:
    """One answer: the slice's entries inside ``[position.at, end)``, in the order they came."""

    entries: list[dict]
    position: Position  # what was read; its span may be shorter than asked (halved after a large answer)
    end: datetime
    next: Position | None  # None: the window is done
    calls: int  # answers asked for, those dropped at the cap included
    size: int  # bytes of the answer kept


def utc(value: datetime | str) -> datetime:
    """A time as an aware UTC datetime; one without an offset is taken as UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(UTC)


def entry_time(entry: object) -> datetime | None:
    try:
        return utc(entry["time"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None


def inside(entries: list, start: datetime, end: datetime) -> list:
    """The entries with ``start <= time < end``, and those without a readable time."""
    kept = []
    for entry in entries:
        moment = entry_time(entry)
        if moment is None or start <= moment < end:
            kept.append(entry)
    return kept


class LogWindow:
    """The window ``[start_at, end_at)`` of one domain's log of one type, read a slice at a time.

    ``first()`` gives the first position and ``read(position)`` one answer and the position after
    it; a position can be kept (an export's checkpoint, a log page's link) and read from later.
    """

    def __init__(
        self,
        cdn: CdnManager,
        domain_id: int | str,
        log_type: str,
        start_at: datetime | str,
        end_at: datetime | str,
        *,
        sizing: Sizing | None = None,
    ) -> None:
        self.cdn = cdn
        self.domain_id = domain_id
        self.log_type = log_type
        self.start = utc(start_at)
        self.end = utc(end_at)
        self.sizing = sizing or Sizing()

    def first(self) -> Position | None:
        return Position(self.start, self.sizing.first_span) if self.start < self.end else None

    def slice_end(self, position: Position) -> datetime:
        """Where the slice from ``position`` ends: a whole second, or the window's end."""
        end = position.at + timedelta(seconds=position.span)
        whole = datetime.fromtimestamp(math.ceil(end.timestamp()), UTC)
        return min(self.end, whole)

    def read(self, position: Position) -> Piece:
        calls = 0
        while True:
            end = self.slice_end(position)
            started = time.monotonic()
            calls += 1
            try:
                answer = self.cdn.request_log_answer(
                    self.domain_id,
                    self.log_type,
                    position.at - EDGE,
                    end + EDGE,
                    limit=self.sizing.limit,
                    marker=position.marker,
                    max_bytes=self.sizing.max_bytes,
                )
                break
            except AnswerTooLarge:
                # A page of a slice that pages cannot be asked for in part: its marker belongs to it.
                if position.marker is not None or position.span <= MIN_SPAN:
                    raise
                position = replace(position, span=max(MIN_SPAN, position.span / 2))
        elapsed = time.monotonic() - started
        entries = inside(answer.entries, position.at, end)
        if answer.marker is not None:
            following = replace(position, marker=answer.marker, seen=position.seen + len(answer.entries))
        elif end >= self.end:
            following = None
        else:
            following = Position(end, self._next_span(position, end, answer, elapsed))
        return Piece(entries, position, end, following, calls, answer.size)

    def _next_span(self, position: Position, end: datetime, answer, elapsed: float) -> float:
        """The next slice's length, from what this slice held (all its pages) over its length."""
        sizing = self.sizing
        count = position.seen + len(answer.entries)
        size = answer.size * count / len(answer.entries) if answer.entries else answer.size
        factor = GROW
        if count:
            factor = min(factor, sizing.target_entries / count)
        if size:
            # Never aimed closer than a quarter of the cap, so an answer a little busier than the
            # last is not cut at the cap and asked for again.
            factor = min(factor, min(sizing.target_bytes, sizing.max_bytes / 4) / size)
        if elapsed > SLOW_SECONDS:
            factor = min(factor, 0.5)
        length = (end - position.at).total_seconds()
        return min(MAX_SPAN, max(MIN_SPAN, length * factor))
