"""Common URLs: a tenant's bookmarked URLs, each stored once."""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

from plcloud_sandbox import validation as v
from plcloud_sandbox.wire import Request, Response, iso, no_content, not_found, quoted

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox

MAX_URLS = 1000


def _view(row: sqlite3.Row) -> dict:
    return {"id": row["id"], "url": row["url"], "created_at": iso(row["created_at"])}


def list_urls(ctx: Sandbox, req: Request) -> Response:
    with ctx.store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM common_urls WHERE tenant_id = ? ORDER BY created_at, id", (req.auth.tenant_id,)
        ).fetchall()
    return Response(200, {"cdn": [_view(row) for row in rows]})


def create_urls(ctx: Sandbox, req: Request) -> Response:
    body = v.expect_object(req.json(), "request body")
    v.only_keys(body, ("urls",), "request body")
    urls = v.url_list(body.get("urls"), "urls", 1, MAX_URLS)
    now = time.time()
    items = []
    with ctx.store.write() as conn:
        for url in urls:
            conn.execute(
                "INSERT OR IGNORE INTO common_urls (tenant_id, url, created_at) VALUES (?, ?, ?)",
                (req.auth.tenant_id, url, now),
            )
            row = conn.execute(
                "SELECT * FROM common_urls WHERE tenant_id = ? AND url = ?", (req.auth.tenant_id, url)
            ).fetchone()
            items.append(_view(row))
    if ctx.sdk:
        # The SDK reads one object under the key (WIRE.md): the items sit in it, in the order sent.
        return Response(200, {"cdn": {"urls": items}})
    return Response(200, {"cdn": items})


def delete_url(ctx: Sandbox, req: Request) -> Response:
    url_id = req.params["url_id"]
    if not (url_id.isascii() and url_id.isdigit()) or len(url_id) > 18:
        raise not_found(f"No common URL {quoted(url_id)}.")
    with ctx.store.write() as conn:
        deleted = conn.execute(
            "DELETE FROM common_urls WHERE id = ? AND tenant_id = ?", (int(url_id), req.auth.tenant_id)
        ).rowcount
    if not deleted:
        raise not_found(f"No common URL {url_id}.")
    return no_content()
