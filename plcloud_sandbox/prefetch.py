"""Prefetch jobs: each URL's progress follows from the submission time, the request id and the URL."""

from __future__ import annotations

import hashlib
import json
import math
import secrets
import struct
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from plcloud_sandbox import validation as v
from plcloud_sandbox.wire import Request, Response, iso, not_found, quoted

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox

MAX_URLS = 500
FAILURE_SHARE = 0.1
# The share of its time a URL waits in the queue before it starts.
MAX_QUEUE_SHARE = 0.2
RANDOM_FAILURES = (
    "origin answered 502",
    "origin answered 503",
    "origin timed out after 30 s",
    "origin refused the connection",
    "origin answered 403",
)


def submit(ctx: Sandbox, req: Request) -> Response:
    body = v.expect_object(req.json(), "request body")
    v.only_keys(body, ("urls",), "request body")
    urls = v.url_list(body.get("urls"), "urls", 1, MAX_URLS)
    with ctx.store.read() as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM domains WHERE tenant_id = ?", (req.auth.tenant_id,))}
    for url in urls:
        host = v.url_host(url)
        if host not in names:
            raise v.fail("urls", url, f"is on {quoted(host)}, which is not one of your CDN domains")

    request_id = "pf-" + secrets.token_hex(8)
    now = time.time()
    seconds = ctx.timings.current().prefetch_seconds
    with ctx.store.write() as conn:
        conn.execute(
            "INSERT INTO prefetches (id, tenant_id, urls, created_at, seconds) VALUES (?, ?, ?, ?, ?)",
            (request_id, req.auth.tenant_id, json.dumps(urls), now, seconds),
        )
    return Response(
        200, {"cdn": {"request_id": request_id, "status": "running", "total": len(urls), "created_at": iso(now)}}
    )


def query(ctx: Sandbox, req: Request) -> Response:
    request_id = req.params["request_id"]
    with ctx.store.read() as conn:
        row = conn.execute(
            "SELECT * FROM prefetches WHERE id = ? AND tenant_id = ?", (request_id, req.auth.tenant_id)
        ).fetchone()
    if row is None:
        raise not_found(f"No prefetch request {quoted(request_id)}.")
    now = time.time()
    states = [url_state(request_id, url, row["created_at"], row["seconds"], now) for url in json.loads(row["urls"])]
    ended = [s for s in states if s["status"] in ("succeeded", "failed")]
    succeeded = sum(1 for s in states if s["status"] == "succeeded")
    failed = len(ended) - succeeded
    if len(ended) < len(states):
        status = "running"
    elif failed == 0:
        status = "succeeded"
    elif succeeded == 0:
        status = "failed"
    else:
        status = "partial"
    finished = max(s.pop("_ends") for s in states)  # the private key must not reach the wire
    return Response(
        200,
        {
            "cdn": {
                "request_id": request_id,
                "status": status,
                "progress": math.floor(sum(s["progress"] for s in states) / len(states)),
                "total": len(states),
                "succeeded": succeeded,
                "failed": failed,
                "created_at": iso(row["created_at"]),
                "finished_at": iso(finished) if status != "running" else None,
                "urls": states,
            }
        },
    )


def url_state(request_id: str, url: str, created: float, seconds: float, now: float) -> dict:
    digest = hashlib.blake2b(f"{request_id}\n{url}".encode(), digest_size=16).digest()
    share, queue, fate, pick = struct.unpack("<4I", digest)
    duration = seconds * (0.5 + share / 2**32)
    begins = created + duration * MAX_QUEUE_SHARE * queue / 2**32
    ends = created + duration
    if "404" in urlsplit(url).path:
        error = "origin answered 404"
    elif fate / 2**32 < FAILURE_SHARE:
        error = RANDOM_FAILURES[pick % len(RANDOM_FAILURES)]
    else:
        error = None

    if now >= ends:
        state = {"status": "failed" if error else "succeeded", "progress": 100, "error": error}
    elif now < begins:
        state = {"status": "pending", "progress": 0, "error": None}
    else:
        done = (now - begins) / (ends - begins) if ends > begins else 1.0
        state = {"status": "running", "progress": min(99, math.floor(done * 100)), "error": None}
    return {"url": url, **state, "_ends": ends}
