"""Keystone v2.0 as the Plcloud SDK uses it: the version document, tokens, tenants, the catalog."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plcloud_sandbox.wire import ApiError, Request, Response, bad_request, iso

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox

# The real cloud's region names, and the path each region's endpoint has in the sandbox.
REGIONS = (("BeiJing-1(PEK-1)", "pek-1"), ("ShenZhen-1(SZX-1)", "szx-1"), ("GuangDong-1(GD-1)", "gd-1"))
REGION_SLUGS = tuple(slug for _, slug in REGIONS)
PASSWORD_ROUNDS = 20_000
NEEDS_AUTH = "The request you have made requires authentication."
# Spent on unknown user names too, so a wrong name costs as long as a wrong password.
_DUMMY_SALT = b"plcloud-sandbox-dummy-salt"


@dataclass(frozen=True)
class Auth:
    """Who a valid, tenant-scoped token speaks for."""

    user_id: str
    user_name: str
    tenant_id: str
    tenant_name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    salt = salt if salt is not None else secrets.token_bytes(16)
    return salt, hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PASSWORD_ROUNDS)


def token_digest(token_id: str) -> str:
    return hashlib.sha256(token_id.encode()).hexdigest()


def unauthorized(ctx: Sandbox, req: Request, message: str = NEEDS_AUTH) -> ApiError:
    return ApiError(401, message, {"WWW-Authenticate": f'Keystone uri="{ctx.base_url(req)}/v2.0"'})


def _stable_id(*parts: str) -> str:
    return hashlib.blake2b(":".join(parts).encode(), digest_size=16).hexdigest()


# Handlers


def version(ctx: Sandbox, req: Request) -> Response:
    base = ctx.base_url(req)
    return Response(
        200,
        {
            "version": {
                "id": "v2.0",
                "status": "stable",
                "updated": "2014-04-17T00:00:00Z",
                "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v2.0+json"}],
                "links": [
                    {"rel": "self", "href": f"{base}/v2.0/"},
                    {"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
                ],
            }
        },
    )


def issue_token(ctx: Sandbox, req: Request) -> Response:
    auth = _auth_section(req.json())
    now = time.time()
    with ctx.store.write() as conn:
        if "passwordCredentials" in auth:
            user = _check_password(ctx, req, conn, auth["passwordCredentials"])
            expires_at = now + ctx.timings.current().token_ttl
        else:
            user, expires_at = _check_token(ctx, req, conn, auth["token"], now)
        tenant = _pick_tenant(ctx, req, conn, user, auth)
        token_id = secrets.token_hex(16)
        conn.execute(
            "INSERT INTO tokens (digest, user_id, tenant_id, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (token_digest(token_id), user["id"], tenant["id"] if tenant else None, now, expires_at),
        )
        # Old tokens go when new ones come, so the table stays small without a sweeper thread.
        conn.execute("DELETE FROM tokens WHERE expires_at < ?", (now - 86400,))
    return Response(200, {"access": _access(ctx, req, token_id, now, expires_at, user, tenant)})


def list_tenants(ctx: Sandbox, req: Request) -> Response:
    token_id = req.headers.get("X-Auth-Token", "")
    with ctx.store.read() as conn:
        row = _token_row(conn, token_id, time.time())
        if row is None:
            raise unauthorized(ctx, req)
        tenant = conn.execute(
            "SELECT t.* FROM tenants t JOIN users u ON u.tenant_id = t.id WHERE u.id = ?", (row["user_id"],)
        ).fetchone()
    return Response(200, {"tenants": [_tenant_view(tenant)], "tenants_links": []})


def authenticate(ctx: Sandbox, req: Request) -> Auth:
    """The caller of a service call, or 401."""
    token_id = req.headers.get("X-Auth-Token", "").strip()
    if not token_id:
        raise unauthorized(ctx, req)
    with ctx.store.read() as conn:
        row = _token_row(conn, token_id, time.time())
        if row is None:
            raise unauthorized(ctx, req, "The token is unknown or has expired.")
        if row["tenant_id"] is None:
            raise unauthorized(ctx, req, "The token is not scoped to a tenant.")
        found = conn.execute(
            "SELECT u.id, u.name, u.role, t.id AS tenant_id, t.name AS tenant_name, t.enabled "
            "FROM users u JOIN tenants t ON t.id = ? WHERE u.id = ?",
            (row["tenant_id"], row["user_id"]),
        ).fetchone()
    if found is None or not found["enabled"]:
        raise unauthorized(ctx, req, "The token's tenant is disabled.")
    return Auth(found["id"], found["name"], found["tenant_id"], found["tenant_name"], found["role"])


# Helpers


def _auth_section(body: object) -> dict:
    auth = body.get("auth") if isinstance(body, dict) else None
    if not isinstance(auth, dict):
        raise bad_request('auth: expected {"auth": {"passwordCredentials": {...}, "tenantName": ...}}')
    if "passwordCredentials" in auth:
        creds = auth["passwordCredentials"]
        if not isinstance(creds, dict) or not isinstance(creds.get("username"), str) or not creds.get("username"):
            raise bad_request("auth.passwordCredentials: expecting to find username")
        if not isinstance(creds.get("password"), str):
            raise bad_request("auth.passwordCredentials: expecting to find password")
    elif "token" in auth:
        token = auth["token"]
        if not isinstance(token, dict) or not isinstance(token.get("id"), str) or not token.get("id"):
            raise bad_request("auth.token: expecting to find id")
    else:
        raise bad_request("auth: expecting to find passwordCredentials or token")
    for key in ("tenantName", "tenantId"):
        if key in auth and auth[key] is not None and not isinstance(auth[key], str):
            raise bad_request(f"auth.{key}: must be a string")
    return auth


def _check_password(ctx: Sandbox, req: Request, conn: sqlite3.Connection, creds: dict) -> sqlite3.Row:
    user = conn.execute("SELECT * FROM users WHERE name = ?", (creds["username"],)).fetchone()
    salt = user["password_salt"] if user else _DUMMY_SALT
    _, digest = hash_password(creds["password"], salt)
    if user is None or not hmac.compare_digest(digest, user["password_hash"]):
        raise unauthorized(ctx, req, "Invalid user / password")
    return user


def _check_token(
    ctx: Sandbox, req: Request, conn: sqlite3.Connection, token: dict, now: float
) -> tuple[sqlite3.Row, float]:
    """A re-scope keeps the user and the original expiry, as Keystone v2.0 does."""
    row = _token_row(conn, token["id"], now)
    if row is None:
        raise unauthorized(ctx, req, "The token is unknown or has expired.")
    user = conn.execute("SELECT * FROM users WHERE id = ?", (row["user_id"],)).fetchone()
    return user, row["expires_at"]


def _pick_tenant(
    ctx: Sandbox, req: Request, conn: sqlite3.Connection, user: sqlite3.Row, auth: dict
) -> sqlite3.Row | None:
    name, tenant_id = auth.get("tenantName"), auth.get("tenantId")
    if not name and not tenant_id:
        return None  # an unscoped token: it can list the user's tenants and nothing else
    if tenant_id:
        tenant = conn.execute("SELECT * FROM tenants WHERE id = ?", (tenant_id,)).fetchone()
    else:
        tenant = conn.execute("SELECT * FROM tenants WHERE name = ?", (name,)).fetchone()
    if tenant is None or tenant["id"] != user["tenant_id"]:
        raise unauthorized(ctx, req, "The user has no role in that tenant.")
    if not tenant["enabled"]:
        raise unauthorized(ctx, req, "The tenant is disabled.")
    return tenant


def _token_row(conn: sqlite3.Connection, token_id: str, now: float) -> sqlite3.Row | None:
    if not token_id:
        return None
    row = conn.execute("SELECT * FROM tokens WHERE digest = ?", (token_digest(token_id),)).fetchone()
    if row is None or row["expires_at"] <= now:
        return None
    return row


def _tenant_view(tenant: sqlite3.Row) -> dict:
    return {
        "id": tenant["id"],
        "name": tenant["name"],
        "enabled": bool(tenant["enabled"]),
        "description": tenant["description"],
    }


def _access(
    ctx: Sandbox,
    req: Request,
    token_id: str,
    issued_at: float,
    expires_at: float,
    user: sqlite3.Row,
    tenant: sqlite3.Row | None,
) -> dict:
    token: dict = {"id": token_id, "issued_at": iso(issued_at), "expires": iso(expires_at)}
    roles: list[dict] = []
    if tenant is not None:
        token["tenant"] = _tenant_view(tenant)
        roles = [{"name": user["role"]}]
    return {
        "token": token,
        "user": {
            "id": user["id"],
            "name": user["name"],
            "username": user["name"],
            "roles": roles,
            "roles_links": [],
        },
        "serviceCatalog": catalog(ctx.base_url(req)) if tenant is not None else [],
        "metadata": {"roles": [_stable_id("role", r["name"]) for r in roles], "is_admin": 0},
    }


def catalog(base: str) -> list[dict]:
    def endpoint(service: str, region: str, url: str) -> dict:
        return {
            "region": region,
            "publicURL": url,
            "internalURL": url,
            "adminURL": url,
            "id": _stable_id("endpoint", service, region),
        }

    return [
        {
            "type": "plcloud",
            "name": "plcloud",
            "endpoints": [endpoint("plcloud", name, f"{base}/plcloud/{slug}") for name, slug in REGIONS],
            "endpoints_links": [],
        },
        {
            "type": "identity",
            "name": "keystone",
            "endpoints": [endpoint("identity", name, f"{base}/v2.0") for name, _ in REGIONS],
            "endpoints_links": [],
        },
    ]
