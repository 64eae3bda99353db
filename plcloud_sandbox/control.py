"""The sandbox's own endpoints under /_sandbox/: health, faults and timings (not part of Plcloud)."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from plcloud_sandbox import validation as v
from plcloud_sandbox.config import ConfigError
from plcloud_sandbox.faults import FaultsError
from plcloud_sandbox.wire import ApiError, Request, Response, bad_request, no_content

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox

ADMIN_HEADER = "X-Sandbox-Admin-Key"


def require_key(ctx: Sandbox, req: Request) -> None:
    given = req.headers.get(ADMIN_HEADER, "")
    if not given or not hmac.compare_digest(given.encode(), ctx.admin_key.encode()):
        raise ApiError(401, f"/_sandbox/ needs the {ADMIN_HEADER} header with the sandbox's admin key.")


def health(ctx: Sandbox, req: Request) -> Response:
    return Response(200, {"status": "ok"})


def get_faults(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    return Response(200, ctx.faults.current().as_dict())


def put_faults(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    body = v.expect_object(req.json(), "request body")
    try:
        faults = ctx.faults.update(body)
    except FaultsError as error:
        raise bad_request(str(error)) from None
    return Response(200, faults.as_dict())


def delete_faults(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    ctx.faults.clear()
    return no_content()


def get_timings(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    return Response(200, ctx.timings.current().as_dict())


def put_timings(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    body = v.expect_object(req.json(), "request body")
    v.only_keys(body, ("token_ttl", "config_delay", "support_delay", "prefetch_seconds"), "request body")
    try:
        timings = ctx.timings.update(body)
    except ConfigError as error:
        raise bad_request(str(error)) from None
    return Response(200, timings.as_dict())


def get_requests(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    return Response(200, ctx.seen.snapshot())


def delete_requests(ctx: Sandbox, req: Request) -> Response:
    require_key(ctx, req)
    ctx.seen.clear()
    return no_content()


def put_ticket_id(ctx: Sandbox, req: Request) -> Response:
    """Give a ticket another id (``{"from": id, "to": new id}``): WIRE.md promises no id format,
    so a client can be tried against ids of any shape the real service may give."""
    require_key(ctx, req)
    body = v.expect_object(req.json(), "request body")
    v.only_keys(body, ("from", "to"), "request body")
    old, new = body.get("from"), body.get("to")
    if not (isinstance(old, str) and isinstance(new, str) and 0 < len(new) <= 200):
        raise bad_request("from and to: ticket ids, to of 1 to 200 characters")
    with ctx.store.write() as conn:
        if conn.execute("SELECT 1 FROM tickets WHERE id = ?", (new,)).fetchone():
            raise ApiError(409, "a ticket already has that id")
        row = conn.execute("SELECT * FROM tickets WHERE id = ?", (old,)).fetchone()
        if row is None:
            raise ApiError(404, "no such ticket")
        # A copy under the new id first: replies and owed answers refer to it by key.
        conn.execute(
            "INSERT INTO tickets SELECT ? AS id, tenant_id, user_id, summary, description, status, created_at,"
            " updated_at FROM tickets WHERE id = ?",
            (new, old),
        )
        for table in ("replies", "support_due"):
            conn.execute(f"UPDATE {table} SET ticket_id = ? WHERE ticket_id = ?", (new, old))
        conn.execute("DELETE FROM tickets WHERE id = ?", (old,))
    return Response(200, {"id": new})
