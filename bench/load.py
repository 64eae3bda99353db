"""Closed-loop load from signed-in members, and the CPU that processes and the machine spent, from /proc."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.workers import children

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU of each process (all its threads) so far; a process gone is left out."""
    found = {}
    for pid in pids:
        try:
            # Fields after the command (which may hold spaces) are read from its closing bracket.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return found


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings, over the processes present in both."""
    return sum(after[pid] - before[pid] for pid in after if pid in before)


def family(pid: int) -> list[int]:
    """A process and its children (gunicorn's master and its workers)."""
    return [pid, *children(pid)]


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    """The share of all cores' time spent busy between two readings (0-1)."""
    total = after[1] - before[1]
    return (after[0] - before[0]) / total if total else 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")


@dataclass
class Run:
    """What one closed loop measured."""

    seconds: float
    times_ms: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    @property
    def pages(self) -> int:
        return len(self.times_ms)

    @property
    def rate(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def p(self, share: float) -> float:
        return percentile(self.times_ms, share)


def closed_loop(
    sessions: list[requests.Session],
    url: str | Callable[[int], requests.Response],
    check: Callable[[requests.Response], bool],
    *,
    seconds: float | None = None,
    count: int | None = None,
    prepare: Callable[[int], object] | None = None,
) -> Run:
    """Each session asks for ``url`` again as soon as its last page came (for ``seconds``, or
    ``count`` pages each); ``prepare(member index)`` runs before each page, untimed. ``url`` may
    be a function of the member's index that loads a page as a browser would (its parts too)."""
    start = threading.Barrier(len(sessions) + 1)
    lock = threading.Lock()
    run = Run(seconds=0.0)
    deadline = [0.0]

    def member(index: int) -> None:
        session = sessions[index]
        start.wait()
        done = 0
        while (count is None or done < count) and (seconds is None or time.perf_counter() < deadline[0]):
            if prepare:
                prepare(index)
            began = time.perf_counter()
            try:
                response = url(index) if callable(url) else session.get(url, allow_redirects=False, timeout=60)
                ok, why = check(response), f"{response.status_code} {response.reason}"
            except requests.RequestException as error:
                ok, why = False, error.__class__.__name__
            took = (time.perf_counter() - began) * 1000
            with lock:
                if ok:
                    run.times_ms.append(took)
                else:
                    run.errors += 1
                    run.first_error = run.first_error or why
            done += 1

    threads = [threading.Thread(target=member, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + (seconds or 0)
    start.wait()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - began
    return run


def most_at_once(
    sessions: list[requests.Session],
    url: str | Callable[[int], requests.Response],
    check: Callable[[requests.Response], bool],
    *,
    alone_p95: float,
    limit: float,
    seconds: float,
    prepare: Callable[[int], object] | None = None,
) -> tuple[int, Run | None]:
    """The most members at once (of 2, 4, 6 ... all) whose p95 stays within ``limit`` times one
    member's alone, with their run: what the machine carries within a goal it misses at full load."""
    best: tuple[int, Run | None] = (1, None)
    for members in range(2, len(sessions) + 1, 2):
        closed_loop(sessions[:members], url, check, seconds=1, prepare=prepare)  # the queue filled
        run = closed_loop(sessions[:members], url, check, seconds=seconds, prepare=prepare)
        if run.errors or run.p(0.95) > limit * alone_p95:
            break
        best = (members, run)
    return best
