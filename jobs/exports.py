"""Request-log exports: a window written as one gzip CSV, in constant memory, resumable.

The window is read in time slices (``plcloud.log_window``: each answer holds about 8,000 entries
whether Plcloud pages or not), and the file is a chain of gzip members, one per answer (a valid
gzip stream: readers join members). After each answer the row records how many bytes and lines
are final and where the next answer starts (the end of the last slice fully written, and the
marker within a slice that pages); a run that resumes after a crash cuts the file back to that
point, so no line is ever written twice and no work before the checkpoint is lost. The file is
written as ``.part`` and renamed into place only once complete, so a half file is never served.
"""

from __future__ import annotations

import csv
import gzip
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from operator import itemgetter
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cdn.log_filters import matcher
from cdn.log_stats import Tally
from jobs import reasons
from jobs.models import Export
from plcloud.log_window import LogWindow, Piece, Position, Sizing

COLUMNS = ("time", "client_ip", "method", "url", "status", "bytes", "cache", "response_ms", "referer", "user_agent")
# Entries asked for per answer (honoured by a service that pages); slices aim at 4/5 of it.
PAGE_SIZE = 10_000
# The first slice of a window, before an answer has shown the domain's rate: five minutes of the
# busiest seeded domain are 4,500 entries.
FIRST_SLICE_SECONDS = 300.0
# What a checkpoint saves (jobs.models.Export).
CHECKPOINT_FIELDS = ["covered_until", "marker", "slice_seconds", "rows", "scanned", "committed_bytes"]
# Fast zlib: the file is written once and read a few times; level 6 costs twice the CPU for ~10%.
COMPRESS_LEVEL = 3
_row = itemgetter(*COLUMNS)
MB = 1024 * 1024
# Visitors' IP addresses, URLs and user agents: readable by the panel's own user only, whatever
# the umask of the process that writes them (a worker started with 022 would make them 0644).
FOLDER_MODE = 0o700
FILE_MODE = 0o600


class ExportStopped(Exception):
    """The export must stop here: it was cancelled, or another worker has taken it over."""


class OutOfRoom(Exception):
    """The next page would take the export folder past EXPORT_DISK_BUDGET_MB: the export fails."""


def export_root() -> Path:
    return Path(settings.EXPORT_ROOT)


def stored_bytes() -> int:
    """What the export folder's files take: every member's, finished or still ``.part``."""
    total = 0
    for folder, _folders, names in os.walk(export_root()):
        for name in names:
            with suppress(FileNotFoundError):  # expired or renamed since the folder was listed
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def _check_room(adding: int) -> None:
    budget = settings.EXPORT_DISK_BUDGET_MB * MB
    if stored_bytes() + adding > budget:
        raise OutOfRoom(_(reasons.OUT_OF_ROOM) % {"budget": filesizeformat(budget)})


def _private_folder(folder: Path) -> None:
    for path in (export_root(), folder):
        path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        path.chmod(FOLDER_MODE)  # mkdir's mode is cut by the umask, and an older folder may be wider


def final_path(export: Export) -> Path:
    return export_root() / str(export.job.owner_id) / f"job-{export.job_id}.csv.gz"


def part_path(export: Export) -> Path:
    return final_path(export).with_suffix(".part")


def served_path(export: Export) -> Path | None:
    """The export's file if it may be served: a regular file (no symlink) inside the export folder."""
    if not export.file_name:
        return None
    root = export_root().resolve()
    path = root / export.file_name
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if path.is_symlink() or not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved


def download_name(export: Export) -> str:
    start = timezone.localtime(export.start_at).strftime("%Y%m%d-%H%M")
    safe = "".join(c if c.isalnum() or c in ".-" else "_" for c in export.job.domain_name)[:100] or "domain"
    return f"{safe}-{export.log_type}-{start}-job{export.job_id}.csv.gz"


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection"). URLs, referers and
# user agents come from anyone on the internet, so a text cell starting with one of these is written
# with a single quote in front, which Excel, LibreOffice and Google Sheets take as "this is text".
# Except a lone "-", which logs write for "none" (a missing referer): it holds no formula, and
# "'-" would only get in the way of every script that reads the file.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """One CSV field as the csv module writes it (minimal quoting; None as empty), a text cell
    that could start a formula behind a single quote. Rows built from these with str.join take a
    page in 60-70% of csv.writer's time: most fields need no quotes, and the export's worker
    spends most of its time here."""
    if value.__class__ is str:
        text = "'" + value if value.startswith(FORMULA_START) and value != "-" else value
    elif value.__class__ is int:
        return str(value)  # digits and a sign: nothing to quote, and "-5" is a number, not a formula
    elif value is None:
        return ""
    else:
        text = str(value)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _lines(entries: list[dict], keep: Callable[[dict], bool] | None) -> tuple[bytes, int]:
    rows = entries if keep is None else [e for e in entries if keep(e)]
    try:
        lines = [",".join(map(_cell, _row(e))) for e in rows]
    except KeyError:  # an entry without some field: write it empty rather than fail the export
        lines = [",".join(_cell(e.get(c)) for c in COLUMNS) for e in rows]
    lines.append("")  # every line ends with a newline
    return "\n".join(lines).encode(), len(rows)


def _progress(export: Export) -> int:
    """The share of the window written (up to when the export was asked for: later has no entries)."""
    if _complete(export):
        return 100
    end = min(export.end_at, export.job.created_at)
    span = (end - export.start_at).total_seconds()
    covered = (export.covered_until - export.start_at).total_seconds()
    return max(0, min(99, int(covered * 100 / span))) if span > 0 else 0


def _complete(export: Export) -> bool:
    """Whether the checkpoint covers the whole window."""
    return export.covered_until is not None and export.covered_until >= export.end_at


def _window(export: Export, client) -> LogWindow:
    job = export.job
    sizing = Sizing.for_limit(PAGE_SIZE, first_span=FIRST_SLICE_SECONDS)
    return LogWindow(client.cdn, job.upstream_domain_id, export.log_type, export.start_at, export.end_at, sizing=sizing)


def _resume(export: Export, window: LogWindow) -> Position | None:
    if export.covered_until is None:
        return window.first()
    span = export.slice_seconds or window.sizing.first_span
    return Position(export.covered_until, span, export.marker or None)


def _advance(export: Export, piece: Piece) -> None:
    """The checkpoint after ``piece`` (saved by the caller's ``checkpoint``)."""
    following = piece.next
    if following is None:
        export.covered_until, export.marker, export.slice_seconds = export.end_at, "", 0
    else:
        export.covered_until, export.marker = following.at, following.marker or ""
        export.slice_seconds = following.span


def write(export: Export, client, *, checkpoint: Callable[[Export, int], None], seconds: float) -> bool:
    """Write answers for about ``seconds``; True once the whole window is in the final file.

    ``checkpoint(export, progress)`` saves the row after each answer and raises ExportStopped when
    the export must not go on (cancelled, or its lease lost).
    """
    keep = matcher(status_class=export.status_class, cache_state=export.cache_state, url_contains=export.url_contains)
    part = part_path(export)
    _private_folder(part.parent)
    window = _window(export, client)

    # A checkpoint without covered_until was made before exports read time slices: its marker
    # named a page of the whole window, which no slice can go on from, so the file starts over.
    if not part.exists() or export.covered_until is None:
        if export.committed_bytes and _complete(export) and final_path(export).exists():
            return _finished(export)  # renamed by a run that died before it saved the row
        export.committed_bytes = export.rows = export.scanned = 0
        export.covered_until, export.marker, export.slice_seconds = None, "", 0
    until = time.monotonic() + seconds
    descriptor = os.open(part, os.O_RDWR | os.O_CREAT, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)  # the umask cuts os.open's mode; a part from an older run may be wider
    with os.fdopen(descriptor, "r+b") as out, ThreadPoolExecutor(1) as pool:
        out.truncate(export.committed_bytes)  # drop whatever a crashed run wrote after its checkpoint
        out.seek(export.committed_bytes)
        if export.committed_bytes == 0:
            out.write(gzip.compress(",".join(COLUMNS).encode() + b"\n", COMPRESS_LEVEL, mtime=0))
        # The next answer is fetched while this one is written: the sandbox or Plcloud works meanwhile.
        pending = pool.submit(window.read, _resume(export, window))
        while True:
            piece = pending.result()
            if piece.next is not None and time.monotonic() < until:
                pending = pool.submit(window.read, piece.next)
            data, count = _lines(piece.entries, keep)
            if data:
                member = gzip.compress(data, COMPRESS_LEVEL, mtime=0)
                _check_room(len(member))
                out.write(member)
            out.flush()
            os.fsync(out.fileno())
            export.committed_bytes = out.tell()
            _advance(export, piece)
            export.rows += count
            export.scanned += len(piece.entries)
            checkpoint(export, _progress(export))
            if piece.next is None:
                break
            if time.monotonic() >= until:
                return False
    os.replace(part, final_path(export))
    return _finished(export)


def _finished(export: Export) -> bool:
    final = final_path(export)
    export.file_name = str(final.relative_to(export_root()))
    export.size = final.stat().st_size
    return True


def discard(export: Export) -> None:
    """Remove the export's files (cancelled, failed or expired); the row stays."""
    for path in (part_path(export), final_path(export)):
        path.unlink(missing_ok=True)


def analyze(export: Export) -> dict:
    """The counts of the complete export's file (cdn.log_stats): every line it holds, read as a
    stream (a day of a busy domain is over a million lines), so what is counted is what the file
    gives for download."""
    tally = Tally(start=export.start_at, end=export.end_at)
    with gzip.open(final_path(export), "rt", encoding="utf-8", newline="") as lines:
        for row in csv.DictReader(lines):
            tally.add(row)
    return tally.report()
