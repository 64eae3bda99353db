"""Reading a window of a domain's request log a page at a time, with the panel's filters.

Plcloud pages the log with an opaque marker and filters nothing, so the panel scans pages and
keeps the matching entries. A position in the log is (marker of an upstream page, entries of it
already shown, page size); it travels signed in the page's links, so a tampered one is refused
here instead of being sent upstream.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing

ROWS_PER_PAGE = 100
# Unfiltered, one upstream page is one panel page; filtered, bigger pages and a bounded scan.
PLAIN_LIMIT = ROWS_PER_PAGE
FILTERED_LIMIT = 2_000
MAX_SCANNED_PAGES = 10
_SALT = "cdn.logs.cursor"


@dataclass(frozen=True)
class Cursor:
    marker: str | None
    skip: int
    limit: int

    def sign(self) -> str:
        return signing.dumps([self.marker, self.skip, self.limit], salt=_SALT, compress=True)

    @classmethod
    def unsign(cls, value: str) -> Cursor | None:
        try:
            marker, skip, limit = signing.loads(value, salt=_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return cls(marker, int(skip), int(limit))


@dataclass(frozen=True)
class LogPage:
    entries: list[dict]
    next: Cursor | None
    scanned: int
    # True when the scan stopped at its bound with fewer rows than a page: more may match later.
    cut_short: bool


def scan(fetch: Callable[[str | None, int], tuple[list[dict], str | None]], keep, cursor: Cursor | None) -> LogPage:
    """Up to ROWS_PER_PAGE entries from ``cursor`` on; ``fetch(marker, limit)`` reads one upstream page."""
    if cursor is None:
        cursor = Cursor(None, 0, PLAIN_LIMIT if keep is None else FILTERED_LIMIT)
    marker, skip, limit = cursor.marker, cursor.skip, cursor.limit
    rows: list[dict] = []
    scanned = 0
    for _ in range(MAX_SCANNED_PAGES):
        entries, next_marker = fetch(marker, limit)
        for index in range(skip, len(entries)):
            scanned += 1
            if keep is None or keep(entries[index]):
                rows.append(entries[index])
                if len(rows) == ROWS_PER_PAGE:
                    if index + 1 < len(entries):
                        return LogPage(rows, Cursor(marker, index + 1, limit), scanned, False)
                    following = Cursor(next_marker, 0, limit) if next_marker else None
                    return LogPage(rows, following, scanned, False)
        if next_marker is None:
            return LogPage(rows, None, scanned, False)
        marker, skip = next_marker, 0
    return LogPage(rows, Cursor(marker, 0, limit), scanned, True)
