"""How many requests the sandbox answered, by method, path and status, so a test can tell what
reached "upstream" (not part of Plcloud). Only counts: never a header, query or body."""

from __future__ import annotations

import threading
from collections import Counter
from typing import TYPE_CHECKING

from plcloud_sandbox.control import require_key
from plcloud_sandbox.wire import Request, Response, no_content

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox


# A long-running sandbox sees ever new ids in its paths; past this many distinct rows, new
# paths are counted together so the count cannot grow without bound.
MAX_ROWS = 10_000
OTHER = "(other paths)"


class RequestCount:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, str]] = Counter()

    def add(self, method: str, path: str, status: int | str) -> None:
        # The sandbox's own endpoints are not Plcloud calls; reading the count must not change it.
        if path.startswith("/_sandbox/"):
            return
        key = (method, path, str(status))
        with self._lock:
            if key not in self._counts and len(self._counts) >= MAX_ROWS:
                key = (method, OTHER, str(status))
            self._counts[key] += 1

    def rows(self) -> list[dict]:
        with self._lock:
            counted = sorted(self._counts.items())
        return [{"method": m, "path": p, "status": s, "count": n} for (m, p, s), n in counted]

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


def get_requests(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    return Response(200, {"requests": ctx.requests.rows()})


def delete_requests(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    ctx.requests.reset()
    return no_content()
