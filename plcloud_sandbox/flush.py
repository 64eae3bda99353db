"""Cache flush: accepted at once; the sandbox has no cache to empty, so it only checks and records."""

from __future__ import annotations

import json
import secrets
import time
from typing import TYPE_CHECKING

from plcloud_sandbox import validation as v
from plcloud_sandbox.domains import owned
from plcloud_sandbox.wire import Request, Response, bad_request, iso

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox

MAX_URLS = 100
MAX_DIRS = 20


def cache_flush(ctx: Sandbox, req: Request) -> Response:
    data = v.wrapped(req.json(), "domain")
    v.only_keys(data, ("domain_id", "urls", "dirs"), "domain")
    if "domain_id" not in data:
        raise bad_request("domain_id: is required")
    domain_id = v.int_id(data["domain_id"], "domain_id")
    urls = _list(data.get("urls"), "urls", MAX_URLS)
    dirs = _list(data.get("dirs"), "dirs", MAX_DIRS)
    if not urls and not dirs:
        raise bad_request("domain: give at least one URL in urls or one directory in dirs")

    with ctx.store.read() as conn:
        domain = owned(conn, req.auth, domain_id)
    for field, items in (("urls", urls), ("dirs", dirs)):
        for item in items:
            if v.url_host(item) != domain["name"]:
                raise v.fail(field, item, f"is not on the domain {domain['name']}")
            if field == "dirs" and not item.endswith("/"):
                raise v.fail(field, item, "is not a directory; a directory ends with /")

    flush_id = "fl-" + secrets.token_hex(8)
    now = time.time()
    with ctx.store.write() as conn:
        conn.execute(
            "INSERT INTO flushes (id, tenant_id, domain_id, urls, dirs, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (flush_id, req.auth.tenant_id, domain["id"], json.dumps(urls), json.dumps(dirs), now),
        )
    return Response(
        200,
        {
            "cdn": {
                "flush_id": flush_id,
                "domain_id": domain["id"],
                "urls": len(urls),
                "dirs": len(dirs),
                "status": "accepted",
                "created_at": iso(now),
            }
        },
    )


def _list(value: object, field: str, high: int) -> list[str]:
    """Absent, null or empty means none; otherwise up to ``high`` distinct URLs."""
    if value is None or value == []:
        return []
    if isinstance(value, list) and len(value) > high:
        raise bad_request(f"{field}: {len(value)} given; at most {high} per call")
    return v.url_list(value, field, 1, high)
