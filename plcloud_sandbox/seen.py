"""The Plcloud calls the sandbox has answered, so a test can see on the wire what a client sent.

A bounded record of method, path (never the query or a header), status and the faults applied;
the counts keep counting after old entries fall off. Read and cleared at /_sandbox/requests.
"""

from __future__ import annotations

import threading
from collections import Counter, deque

MAX_ENTRIES = 5000


class RequestsSeen:
    """The calls this sandbox answered (not a domain's request log, which plcloud_sandbox.request_log
    generates)."""

    def __init__(self, size: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict] = deque(maxlen=size)
        self._total = 0
        self._faulted = 0
        self._faults: Counter[str] = Counter()
        self._methods: Counter[str] = Counter()  # every call, also those whose entry fell off

    def add(self, method: str, path: str, status: int | str, faults: list[str]) -> None:
        with self._lock:
            self._total += 1
            self._faulted += bool(faults)
            self._faults.update(faults)
            self._methods[method] += 1
            self._entries.append({"method": method, "path": path, "status": status, "faults": faults})

    def snapshot(self) -> dict:
        """``total`` calls, ``faulted`` calls that met at least one fault, counts per fault kind,
        and the last calls, oldest first."""
        with self._lock:
            return {
                "total": self._total,
                "faulted": self._faulted,
                "faults": dict(self._faults),
                "methods": dict(self._methods),
                "requests": list(self._entries),
            }

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._total = self._faulted = 0
            self._faults.clear()
            self._methods.clear()
