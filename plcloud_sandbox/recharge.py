"""The prepaid CDN traffic balance, in whole GB; only recharges change it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from plcloud_sandbox import validation as v
from plcloud_sandbox.wire import Request, Response, iso, not_found

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox

MAX_RECHARGE_GB = 100_000


def _own_project(req: Request) -> None:
    if req.params["project_id"] != req.auth.tenant_id:
        raise not_found("No such project.")


def recharge(ctx: Sandbox, req: Request) -> Response:
    _own_project(req)
    body = v.expect_object(req.json(), "request body")
    v.only_keys(body, ("flow",), "request body")
    if "flow" not in body:
        raise v.bad_request("flow: is required")
    gb = v.whole_number(body["flow"], "flow", 1, MAX_RECHARGE_GB)
    now = time.time()
    with ctx.store.write() as conn:
        conn.execute(
            "UPDATE tenants SET balance_gb = balance_gb + ?, balance_updated_at = ? WHERE id = ?",
            (gb, now, req.auth.tenant_id),
        )
        conn.execute(
            "INSERT INTO recharges (tenant_id, flow, created_at) VALUES (?, ?, ?)", (req.auth.tenant_id, gb, now)
        )
        balance = conn.execute("SELECT balance_gb FROM tenants WHERE id = ?", (req.auth.tenant_id,)).fetchone()[0]
    return Response(
        200, {"cdn": {"project_id": req.auth.tenant_id, "flow": gb, "balance": balance, "recharged_at": iso(now)}}
    )


def balance(ctx: Sandbox, req: Request) -> Response:
    _own_project(req)
    with ctx.store.read() as conn:
        row = conn.execute(
            "SELECT balance_gb, balance_updated_at FROM tenants WHERE id = ?", (req.auth.tenant_id,)
        ).fetchone()
    return Response(
        200,
        {
            "cdn": {
                "project_id": req.auth.tenant_id,
                "balance": row["balance_gb"],
                "updated_at": iso(row["balance_updated_at"]),
            }
        },
    )
