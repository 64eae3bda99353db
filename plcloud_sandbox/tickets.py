"""Support tickets and replies. Support answers ``support_delay`` after each user message.

An owed answer is a row in ``support_due``; the first ticket call after it falls due writes the
reply, dated when it fell due, so no background thread is needed and the dates are right.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from typing import TYPE_CHECKING

from plcloud_sandbox import validation as v
from plcloud_sandbox.wire import ApiError, Request, Response, bad_request, iso, not_found, quoted

if TYPE_CHECKING:
    from plcloud_sandbox.identity import Auth
    from plcloud_sandbox.server import Sandbox

SUPPORT_NAME = "Plcloud Support"
USER_STATUSES = ("accepted", "closed")
MAX_SUMMARY = 200
MAX_TEXT = 10_000

FIRST_ANSWERS = (
    'Hello {user},\n\nThank you for contacting Plcloud Support about "{summary}". We have checked the '
    "CDN nodes serving your domains and found no platform-wide incident. Please send us a request URL and "
    "the time you saw the problem, and we will trace it through our edge logs.\n\nPlcloud Support",
    'Hello {user},\n\nWe have received your ticket "{summary}". A configuration change usually reaches '
    "every edge node within a few minutes; if it does not, flushing the affected directory and waiting "
    "for the domain to leave the configuring state solves most cases.\n\nPlcloud Support",
    'Hello {user},\n\nThanks for reaching out about "{summary}". We looked at your traffic for the past '
    "24 hours and the cache hit ratio is normal. If you still see the issue, tell us which area "
    "(cn, hk or ov) your visitors are in.\n\nPlcloud Support",
)
FOLLOW_UPS = (
    "Thank you for the details. We have passed them to the CDN operations team and will update this "
    "ticket as soon as we know more.\n\nPlcloud Support",
    "Thanks, {user}. With that information we could reproduce it; the fix is being rolled out to the "
    "edge nodes now. Please check again in half an hour and let us know.\n\nPlcloud Support",
    "Understood. There is no limit on that in your plan; the per-call limits in the API documentation "
    "still apply (for example 100 URLs and 20 directories per cache flush).\n\nPlcloud Support",
)

TICKET_QUERY = """
SELECT t.*, u.name AS user_name,
  (SELECT COUNT(*) FROM replies r WHERE r.ticket_id = t.id) AS reply_count,
  (SELECT r.created_at FROM replies r WHERE r.ticket_id = t.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)
    AS last_reply_at,
  (SELECT r.author FROM replies r WHERE r.ticket_id = t.id ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)
    AS last_reply_by
FROM tickets t JOIN users u ON u.id = t.user_id
"""


def view(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "summary": row["summary"],
        "description": row["description"],
        "status": row["status"],
        "user_id": row["user_id"],
        "user_name": row["user_name"],
        "project_id": row["tenant_id"],
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
        "reply_count": row["reply_count"],
        "last_reply_at": iso(row["last_reply_at"]) if row["last_reply_at"] is not None else None,
        "last_reply_by": row["last_reply_by"],
    }


def reply_view(row: sqlite3.Row) -> dict:
    return {
        "id": row["id"],
        "ticket_id": row["ticket_id"],
        "content": row["content"],
        "author": row["author"],
        "user_name": row["user_name"] if row["author"] == "user" else SUPPORT_NAME,
        "created_at": iso(row["created_at"]),
    }


def answer_due(conn: sqlite3.Connection, now: float) -> None:
    """Write every support answer that has fallen due, in the order they fell due."""
    due = conn.execute("SELECT * FROM support_due WHERE due_at <= ? ORDER BY due_at, id", (now,)).fetchall()
    for item in due:
        ticket = conn.execute(
            "SELECT t.*, u.name AS user_name FROM tickets t JOIN users u ON u.id = t.user_id WHERE t.id = ?",
            (item["ticket_id"],),
        ).fetchone()
        if ticket is not None and ticket["status"] in ("open", "answered"):
            count = conn.execute(
                "SELECT COUNT(*) FROM replies WHERE ticket_id = ? AND author = 'support'", (ticket["id"],)
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO replies (id, ticket_id, author, user_id, content, created_at)"
                " VALUES (?, ?, 'support', NULL, ?, ?)",
                (_reply_id(), ticket["id"], support_text(ticket, count), item["due_at"]),
            )
            conn.execute(
                "UPDATE tickets SET status = 'answered', updated_at = ? WHERE id = ?", (item["due_at"], ticket["id"])
            )
        conn.execute("DELETE FROM support_due WHERE id = ?", (item["id"],))


def support_text(ticket: sqlite3.Row, answered_before: int) -> str:
    templates = FIRST_ANSWERS if answered_before == 0 else FOLLOW_UPS
    digest = hashlib.blake2b(f"{ticket['id']}:{answered_before}".encode(), digest_size=2).digest()
    template = templates[digest[0] % len(templates)]
    return template.format(user=ticket["user_name"], summary=ticket["summary"][:80])


def _reply_id() -> str:
    return "rp-" + secrets.token_hex(8)


def _load(conn: sqlite3.Connection, ticket_id: str) -> sqlite3.Row | None:
    return conn.execute(TICKET_QUERY + " WHERE t.id = ?", (ticket_id,)).fetchone()


def readable(conn: sqlite3.Connection, auth: Auth, ticket_id: str) -> sqlite3.Row:
    """The ticket when the caller is its author or an admin of its tenant; 404 for anyone else."""
    row = _load(conn, ticket_id)
    if row is None or row["tenant_id"] != auth.tenant_id or (row["user_id"] != auth.user_id and not auth.is_admin):
        raise not_found(f"No ticket {quoted(ticket_id)}.")
    return row


def authored(conn: sqlite3.Connection, auth: Auth, ticket_id: str) -> sqlite3.Row:
    row = readable(conn, auth, ticket_id)
    if row["user_id"] != auth.user_id:
        raise ApiError(403, "Only the author of a ticket can change it or reply to it.")
    return row


# Handlers


def list_mine(ctx: Sandbox, req: Request) -> Response:
    return _list_for(ctx, req.auth.user_id)


def list_user(ctx: Sandbox, req: Request) -> Response:
    user_id = req.params["user_id"]
    auth = req.auth
    if user_id != auth.user_id:
        with ctx.store.read() as conn:
            user = conn.execute("SELECT tenant_id FROM users WHERE id = ?", (user_id,)).fetchone()
        if user is None or user["tenant_id"] != auth.tenant_id:
            raise not_found(f"No user {quoted(user_id)}.")
        if not auth.is_admin:
            raise ApiError(403, "Only an admin of the tenant can list another user's tickets.")
    return _list_for(ctx, user_id)


def _list_for(ctx: Sandbox, user_id: str) -> Response:
    with ctx.store.write() as conn:
        answer_due(conn, time.time())
        rows = conn.execute(
            TICKET_QUERY + " WHERE t.user_id = ? ORDER BY t.created_at DESC, t.rowid DESC", (user_id,)
        ).fetchall()
    return Response(200, {"ticket": [view(row) for row in rows]})


def get_ticket(ctx: Sandbox, req: Request) -> Response:
    with ctx.store.write() as conn:
        answer_due(conn, time.time())
        row = readable(conn, req.auth, req.params["ticket_id"])
    return Response(200, {"ticket": view(row)})


def create_ticket(ctx: Sandbox, req: Request) -> Response:
    body = v.expect_object(req.json(), "request body")
    v.only_keys(body, ("summary", "description"), "request body")
    for key in ("summary", "description"):
        if key not in body:
            raise bad_request(f"{key}: is required")
    summary = v.text(body["summary"], "summary", MAX_SUMMARY)
    description = v.text(body["description"], "description", MAX_TEXT)
    delay = ctx.timings.current().support_delay
    with ctx.store.write() as conn:
        now = time.time()
        answer_due(conn, now)
        ticket_id = _new_ticket_id(conn)
        conn.execute(
            "INSERT INTO tickets (id, tenant_id, user_id, summary, description, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
            (ticket_id, req.auth.tenant_id, req.auth.user_id, summary, description, now, now),
        )
        conn.execute("INSERT INTO support_due (ticket_id, due_at) VALUES (?, ?)", (ticket_id, now + delay))
        row = _load(conn, ticket_id)
    return Response(200, {"ticket": view(row)})


def _new_ticket_id(conn: sqlite3.Connection) -> str:
    while True:
        ticket_id = "tk-" + secrets.token_hex(4)
        if not conn.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone():
            return ticket_id


def update_ticket(ctx: Sandbox, req: Request) -> Response:
    body = v.expect_object(req.json(), "request body")
    v.only_keys(body, ("status",), "request body")
    if "status" not in body:
        raise bad_request("status: is required")
    wanted = body["status"]
    if wanted not in USER_STATUSES:
        raise v.fail("status", wanted, "is not one of accepted, closed")
    with ctx.store.write() as conn:
        now = time.time()
        answer_due(conn, now)
        row = authored(conn, req.auth, req.params["ticket_id"])
        if row["status"] == wanted:
            return Response(200, {"ticket": view(row)})
        if row["status"] == "closed":
            raise ApiError(409, "status: the ticket is closed; a closed ticket cannot change")
        conn.execute("UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?", (wanted, now, row["id"]))
        # Support does not answer a ticket its author has accepted or closed.
        conn.execute("DELETE FROM support_due WHERE ticket_id = ?", (row["id"],))
        row = _load(conn, row["id"])
    return Response(200, {"ticket": view(row)})


def list_replies(ctx: Sandbox, req: Request) -> Response:
    with ctx.store.write() as conn:
        answer_due(conn, time.time())
        ticket = readable(conn, req.auth, req.params["ticket_id"])
        rows = conn.execute(
            "SELECT r.*, u.name AS user_name FROM replies r LEFT JOIN users u ON u.id = r.user_id"
            " WHERE r.ticket_id = ? ORDER BY r.created_at, r.rowid",
            (ticket["id"],),
        ).fetchall()
    return Response(200, {"ticket": [reply_view(row) for row in rows]})


def create_reply(ctx: Sandbox, req: Request) -> Response:
    body = v.expect_object(req.json(), "request body")
    v.only_keys(body, ("content",), "request body")
    if "content" not in body:
        raise bad_request("content: is required")
    content = v.text(body["content"], "content", MAX_TEXT)
    delay = ctx.timings.current().support_delay
    with ctx.store.write() as conn:
        now = time.time()
        answer_due(conn, now)
        ticket = authored(conn, req.auth, req.params["ticket_id"])
        if ticket["status"] == "closed":
            raise ApiError(409, "ticket: the ticket is closed; open a new ticket instead")
        reply_id = _reply_id()
        conn.execute(
            "INSERT INTO replies (id, ticket_id, author, user_id, content, created_at) VALUES (?, ?, 'user', ?, ?, ?)",
            (reply_id, ticket["id"], req.auth.user_id, content, now),
        )
        conn.execute("UPDATE tickets SET status = 'open', updated_at = ? WHERE id = ?", (now, ticket["id"]))
        conn.execute("INSERT INTO support_due (ticket_id, due_at) VALUES (?, ?)", (ticket["id"], now + delay))
        row = conn.execute(
            "SELECT r.*, u.name AS user_name FROM replies r LEFT JOIN users u ON u.id = r.user_id WHERE r.id = ?",
            (reply_id,),
        ).fetchone()
    return Response(200, {"ticket": reply_view(row)})
