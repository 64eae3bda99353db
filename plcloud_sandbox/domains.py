"""CDN domains: create, read, change, delete; status follows from when the last change was made."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from typing import TYPE_CHECKING

from plcloud_sandbox import validation as v
from plcloud_sandbox.wire import ApiError, Request, Response, bad_request, iso, no_content, not_found, quoted

if TYPE_CHECKING:
    from plcloud_sandbox.identity import Auth
    from plcloud_sandbox.server import Sandbox

CNAME_SUFFIX = "cdn.plcloud-sandbox.net"
CREATE_KEYS = ("domain", "origin_ips", "areas", "type", "icp_record")
# An update applies these and ignores any other key: the SDK's update forwards whatever keyword
# it is given, so a service built for it takes what it knows rather than refusing the rest.
UPDATE_KEYS = ("origin_ips", "areas", "icp_record", "enable")
# Request-log rates (entries a second) for domains created through the API: quiet sites.
NEW_DOMAIN_RATES = (0.5, 1.0, 2.0)


def status(row: sqlite3.Row, now: float) -> str:
    if now < row["configured_at"]:
        return "configuring"
    return "online" if row["enabled"] else "offline"


def served_areas(areas: list[str], icp_record: str | None) -> list[str]:
    """The areas the CDN serves: mainland China (cn) only with an ICP record, as the guide says."""
    return [area for area in areas if area != "cn" or icp_record]


def view(row: sqlite3.Row, auth: Auth, now: float, *, sdk: bool = False) -> dict:
    """The domain as WIRE.md shows it; the default profile adds the sandbox's own fields."""
    areas = json.loads(row["areas"])
    domain = {
        "domainId": row["id"],
        "domainName": row["name"],
        "cname": f"{row['name']}.{CNAME_SUFFIX}",
        "areas": areas,
        "origin_ips": json.loads(row["origin_ips"]),
        "serviceType": row["service_type"],
        "status": status(row, now),
    }
    if not sdk:
        served = served_areas(areas, row["icp_record"])
        domain |= {
            "enabled": bool(row["enabled"]),
            "icp_record": row["icp_record"],
            "unserved_areas": [area for area in areas if area not in served],
            "created_at": iso(row["created_at"]),
            "updated_at": iso(row["updated_at"]),
        }
    if auth.is_admin:  # WIRE.md: an administrator also sees the project
        domain |= {"project_id": row["tenant_id"], "project_name": auth.tenant_name}
    return domain


def owned(conn: sqlite3.Connection, auth: Auth, domain_id: object) -> sqlite3.Row:
    """The tenant's domain, or 404: another tenant's domain is not there for this caller."""
    text = str(domain_id)
    if isinstance(domain_id, bool) or not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise not_found(f"No domain {quoted(text)}.")
    row = conn.execute("SELECT * FROM domains WHERE id = ? AND tenant_id = ?", (int(text), auth.tenant_id)).fetchone()
    if row is None:
        raise not_found(f"No domain {text}.")
    return row


def list_domains(ctx: Sandbox, req: Request) -> Response:
    now = time.time()
    with ctx.store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM domains WHERE tenant_id = ? ORDER BY created_at, id", (req.auth.tenant_id,)
        ).fetchall()
    return Response(200, {"cdn": [view(row, req.auth, now, sdk=ctx.sdk) for row in rows]})


def get_domain(ctx: Sandbox, req: Request) -> Response:
    with ctx.store.read() as conn:
        row = owned(conn, req.auth, req.params["domain_id"])
    return Response(200, {"cdn": view(row, req.auth, time.time(), sdk=ctx.sdk)})


def create_domain(ctx: Sandbox, req: Request) -> Response:
    data = v.wrapped(req.json(), "domain")
    v.only_keys(data, CREATE_KEYS, "domain")
    for key in ("domain", "origin_ips", "areas"):
        if key not in data:
            raise bad_request(f"{key}: is required")
    name = v.domain_name(data["domain"])
    origins = v.origin_ips(data["origin_ips"])
    area_list = v.areas(data["areas"])
    kind = v.service_type(data.get("type"))
    # A mainland (cn) domain without an ICP record is created, as the guide's own example
    # sends it; the CDN just does not serve cn until a record is set (served_areas).
    icp = v.icp_record(data.get("icp_record"))

    now = time.time()
    delay = ctx.timings.current().config_delay
    with ctx.store.write() as conn:
        if conn.execute("SELECT 1 FROM domains WHERE name = ?", (name,)).fetchone():
            raise ApiError(409, f"domain: {quoted(name)} already exists on the platform")
        cursor = conn.execute(
            "INSERT INTO domains (tenant_id, name, areas, origin_ips, service_type, enabled, icp_record,"
            " created_at, updated_at, configured_at, log_rate) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, 0)",
            (req.auth.tenant_id, name, json.dumps(area_list), json.dumps(origins), kind, icp, now, now, now + delay),
        )
        domain_id = cursor.lastrowid
        conn.execute("UPDATE domains SET log_rate = ? WHERE id = ?", (_new_domain_rate(domain_id), domain_id))
        row = conn.execute("SELECT * FROM domains WHERE id = ?", (domain_id,)).fetchone()
    return Response(200, {"cdn": view(row, req.auth, now, sdk=ctx.sdk)})


def update_domain(ctx: Sandbox, req: Request) -> Response:
    data = v.wrapped(req.json(), "domain")
    if not any(key in data for key in UPDATE_KEYS):
        # Nothing to apply: refused, so a misspelt key cannot pass for a change that was made.
        names = [quoted(key, 40) for key in list(data)[:5]] + (["…"] if len(data) > 5 else [])
        ignored = f" (ignored: {', '.join(names)})" if data else ""
        raise bad_request(f"domain: give at least one of {', '.join(UPDATE_KEYS)}{ignored}")
    origins = v.origin_ips(data["origin_ips"]) if "origin_ips" in data else None
    area_list = v.areas(data["areas"]) if "areas" in data else None
    enabled = v.boolean(data["enable"], "enable") if "enable" in data else None
    icp_given = "icp_record" in data
    icp = v.icp_record(data["icp_record"]) if icp_given else None

    now = time.time()
    delay = ctx.timings.current().config_delay
    with ctx.store.write() as conn:
        row = owned(conn, req.auth, req.params["domain_id"])
        new_areas = area_list if area_list is not None else json.loads(row["areas"])
        new_icp = icp if icp_given else row["icp_record"]
        conn.execute(
            "UPDATE domains SET areas = ?, origin_ips = ?, icp_record = ?, enabled = ?, updated_at = ?,"
            " configured_at = ? WHERE id = ?",
            (
                json.dumps(new_areas),
                json.dumps(origins) if origins is not None else row["origin_ips"],
                new_icp,
                int(enabled) if enabled is not None else row["enabled"],
                now,
                now + delay,
                row["id"],
            ),
        )
        row = conn.execute("SELECT * FROM domains WHERE id = ?", (row["id"],)).fetchone()
    return Response(200, {"cdn": view(row, req.auth, now, sdk=ctx.sdk)})


def delete_domain(ctx: Sandbox, req: Request) -> Response:
    with ctx.store.write() as conn:
        row = owned(conn, req.auth, req.params["domain_id"])
        conn.execute("DELETE FROM domains WHERE id = ?", (row["id"],))
    return no_content()


def _new_domain_rate(domain_id: int) -> float:
    digest = hashlib.blake2b(f"rate:{domain_id}".encode(), digest_size=2).digest()
    return NEW_DOMAIN_RATES[digest[0] % len(NEW_DOMAIN_RATES)]
