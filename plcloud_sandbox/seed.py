"""The accounts and history a fresh sandbox starts with, so the vendor guide's example works as is.

Dates are relative to the moment of seeding, so the seeded domains always have about 90 days
of traffic and logs behind them.
"""

from __future__ import annotations

import json
import secrets
import sqlite3

from plcloud_sandbox.identity import hash_password
from plcloud_sandbox.tickets import FIRST_ANSWERS

DAY = 86400.0

TENANTS = (
    # name, description, balance in GB
    ("demo", "Demo Shop Ltd. (sandbox)", 500),
    ("team2", "Team 2 (sandbox)", 120),
)
USERS = (
    # name, password, tenant, role
    ("demo", "secreetword", "demo", "admin"),
    ("alice", "alice-password", "demo", "member"),
    ("team2", "team2-password", "team2", "admin"),
)
DOMAINS = (
    # tenant, name, areas, origins, type, icp, enabled, days before seeding, request-log rate per second
    ("demo", "www.demo-shop.com", ["hk", "ov"], ["47.95.12.34", "120.76.10.5"], "web", None, True, 90, 15.0),
    ("demo", "static.demo-shop.cn", ["cn", "hk"], ["120.76.10.5"], "web", "京ICP备20231234号-1", True, 89, 4.0),
    ("demo", "download.demo-shop.com", ["ov"], ["2400:3200::1"], "download", None, True, 88, 0.5),
    ("demo", "video.demo-shop.com", ["hk", "ov"], ["47.95.12.34"], "media", None, False, 87, 0.2),
    ("team2", "www.team2-example.net", ["ov"], ["139.162.20.15"], "web", None, True, 30, 1.0),
)
COMMON_URLS = (
    ("demo", "https://www.demo-shop.com/"),
    ("demo", "https://www.demo-shop.com/index.html"),
    ("demo", "https://static.demo-shop.cn/css/site.css"),
    ("demo", "https://download.demo-shop.com/downloads/setup-3.8.exe"),
)


def seed(conn: sqlite3.Connection, now: float) -> None:
    tenant_ids = {}
    for name, description, balance in TENANTS:
        tenant_ids[name] = secrets.token_hex(16)
        conn.execute(
            "INSERT INTO tenants (id, name, description, enabled, balance_gb, balance_updated_at)"
            " VALUES (?, ?, ?, 1, ?, ?)",
            (tenant_ids[name], name, description, balance, now - 90 * DAY),
        )
    user_ids = {}
    for name, password, tenant, role in USERS:
        user_ids[name] = secrets.token_hex(16)
        salt, digest = hash_password(password)
        conn.execute(
            "INSERT INTO users (id, name, tenant_id, role, email, password_salt, password_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_ids[name], name, tenant_ids[tenant], role, f"{name}@example.com", salt, digest),
        )
    for tenant, name, areas, origins, kind, icp, enabled, age, rate in DOMAINS:
        created = now - age * DAY
        # A disabled domain was switched off later than it was created.
        updated = created if enabled else now - 10 * DAY
        conn.execute(
            "INSERT INTO domains (tenant_id, name, areas, origin_ips, service_type, enabled, icp_record, created_at,"
            " updated_at, configured_at, log_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                tenant_ids[tenant],
                name,
                json.dumps(areas),
                json.dumps(origins),
                kind,
                int(enabled),
                icp,
                created,
                updated,
                updated + 20,
                rate,
            ),
        )
    for offset, (tenant, url) in enumerate(COMMON_URLS):
        conn.execute(
            "INSERT INTO common_urls (tenant_id, url, created_at) VALUES (?, ?, ?)",
            (tenant_ids[tenant], url, now - (60 - offset) * DAY),
        )
    _seed_tickets(conn, now, tenant_ids, user_ids)


def _seed_tickets(conn: sqlite3.Connection, now: float, tenant_ids: dict, user_ids: dict) -> None:
    tickets = (
        # tenant, user, summary, description, final status, days ago, [(author, hours after opening, text)]
        (
            "demo",
            "demo",
            "Raise request-log retention?",
            "We need request logs for more than 31 days for an audit. Is that possible?",
            "closed",
            40,
            [
                (
                    "support",
                    3,
                    "Hello demo,\n\nRequest logs can be read for any window of up to 31 days per call; "
                    "older days stay available, so page through them month by month.\n\nPlcloud Support",
                ),
                ("user", 5, "Thanks, that works for us."),
            ],
        ),
        (
            "demo",
            "demo",
            "HTTPS certificate for static.demo-shop.cn",
            "Visitors in Beijing see a certificate warning on static.demo-shop.cn since this morning.",
            "answered",
            5,
            [("support", 2, FIRST_ANSWERS[0].format(user="demo", summary="HTTPS certificate for static.demo-shop.cn"))],
        ),
        (
            "demo",
            "alice",
            "No traffic shown for video.demo-shop.com",
            "The traffic chart for video.demo-shop.com is flat for the last ten days.",
            "accepted",
            9,
            [
                (
                    "support",
                    1,
                    "Hello alice,\n\nvideo.demo-shop.com was disabled ten days ago, so the CDN no longer "
                    "serves it. Enable it again to resume service.\n\nPlcloud Support",
                )
            ],
        ),
        (
            "team2",
            "team2",
            "How do we add our first domain?",
            "We are new to Plcloud CDN. Which origin addresses are accepted?",
            "answered",
            7,
            [
                (
                    "support",
                    4,
                    "Hello team2,\n\nAny public IPv4 or IPv6 address of your origin server works; "
                    "private and loopback addresses are refused.\n\nPlcloud Support",
                )
            ],
        ),
    )
    for tenant, user, summary, description, status, age, replies in tickets:
        ticket_id = "tk-" + secrets.token_hex(4)
        created = now - age * DAY
        last = created
        conn.execute(
            "INSERT INTO tickets (id, tenant_id, user_id, summary, description, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, tenant_ids[tenant], user_ids[user], summary, description, status, created, created),
        )
        for author, hours, content in replies:
            last = created + hours * 3600
            conn.execute(
                "INSERT INTO replies (id, ticket_id, author, user_id, content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    "rp-" + secrets.token_hex(8),
                    ticket_id,
                    author,
                    user_ids[user] if author == "user" else None,
                    content,
                    last,
                ),
            )
        closed_later = 3600.0 if status in ("closed", "accepted") else 0.0
        conn.execute("UPDATE tickets SET updated_at = ? WHERE id = ?", (last + closed_later, ticket_id))
