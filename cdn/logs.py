"""Reading a window of a domain's request log a page at a time, with the panel's filters.

Plcloud filters nothing, and may page a long window or answer it whole (WIRE.md: the SDK has no
paging), so the panel reads the window in time slices (``plcloud.log_window``), oldest first,
and keeps the matching entries. A page reads at most MAX_ANSWERS answers and MAX_SCANNED entries.
A position in the log is (the slice: its start, length, and the service's marker within it when
it pages; entries of it already shown); it travels signed in the page's links, bound to the
domain and window it was made for, so a tampered or stray one is refused here instead of being
sent upstream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing

from plcloud.log_window import MAX_SPAN, MB, MIN_SPAN, LogWindow, Position, Sizing, utc

ROWS_PER_PAGE = 100
# Unfiltered, one answer of a service that pages is one panel page, and a slice of a service that
# does not holds about ten pages (read again for each, from its start): small answers, a quick
# page. Filtered, answers of about 2,000 entries and a bounded scan.
PLAIN = Sizing(limit=ROWS_PER_PAGE, target_entries=1_000, target_bytes=MB, max_bytes=4 * MB, first_span=60.0)
FILTERED = Sizing.for_limit(2_000, target_bytes=MB, max_bytes=4 * MB, first_span=60.0)
MAX_ANSWERS = 10
MAX_SCANNED = 20_000
_SALT = "cdn.logs.cursor"
# A position is the panel's own: nothing in it is ever longer than this (a marker is Plcloud's).
_MAX_MARKER = 2_000
_MAX_SKIP = 1_000_000


def sizing(filtered: bool) -> Sizing:
    return FILTERED if filtered else PLAIN


@dataclass(frozen=True)
class Cursor:
    position: Position
    skip: int

    def sign(self, window: LogWindow) -> str:
        p = self.position
        data = [*_bound_to(window), p.at.isoformat(), p.span, p.marker, p.seen, self.skip]
        return signing.dumps(data, salt=_SALT, compress=True)

    @classmethod
    def unsign(cls, value: str, window: LogWindow) -> Cursor | None:
        """The position, if it is one this panel signed for this domain and window; else None."""
        try:
            *bound, at, span, marker, seen, skip = signing.loads(value, salt=_SALT)
            position = Position(utc(at), float(span), marker, int(seen))
            skip = int(skip)
        except (signing.BadSignature, ValueError, TypeError, AttributeError):
            return None
        valid = (
            bound == _bound_to(window)
            and window.start <= position.at < window.end
            and MIN_SPAN <= position.span <= MAX_SPAN
            and (marker is None or (isinstance(marker, str) and len(marker) <= _MAX_MARKER))
            and 0 <= position.seen <= _MAX_SKIP
            and 0 <= skip <= _MAX_SKIP
        )
        return cls(position, skip) if valid else None


def _bound_to(window: LogWindow) -> list:
    """What a position belongs to: a marker is only good for the query it came from."""
    start, end = window.start.isoformat(), window.end.isoformat()
    return [str(window.domain_id), window.log_type, start, end, window.sizing.limit]


@dataclass(frozen=True)
class LogPage:
    entries: list[dict]
    next: Cursor | None
    scanned: int
    # True when the scan stopped at its bound with fewer rows than a page: more may match later.
    cut_short: bool


def scan(window: LogWindow, keep: Callable[[dict], bool] | None, cursor: Cursor | None) -> LogPage:
    """Up to ROWS_PER_PAGE matching entries from ``cursor`` on (the window's start without one)."""
    position, skip = (cursor.position, cursor.skip) if cursor else (window.first(), 0)
    rows: list[dict] = []
    scanned = answers = 0
    while position is not None and answers < MAX_ANSWERS and scanned < MAX_SCANNED:
        piece = window.read(position)
        answers += piece.calls
        entries = piece.entries
        for index in range(skip, len(entries)):
            scanned += 1
            if keep is None or keep(entries[index]):
                rows.append(entries[index])
                if len(rows) == ROWS_PER_PAGE:
                    if index + 1 < len(entries):
                        return LogPage(rows, Cursor(piece.position, index + 1), scanned, False)
                    following = Cursor(piece.next, 0) if piece.next else None
                    return LogPage(rows, following, scanned, False)
        position, skip = piece.next, 0
    if position is None:
        return LogPage(rows, None, scanned, False)
    return LogPage(rows, Cursor(position, 0), scanned, True)
