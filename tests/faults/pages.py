"""Every page a member can open, and every form that changes something upstream."""

from __future__ import annotations

import uuid


def pages(objects: dict, job_id: int) -> list[str]:
    domain, ticket = objects["domain_id"], objects["ticket_id"]
    return [
        "/",
        "/dashboard/domains/",
        "/dashboard/tickets/",
        "/dashboard/balance/",
        "/dashboard/identity/",
        "/cdn/",
        "/cdn/new/",
        "/cdn/balance/",
        "/cdn/traffic/",
        "/cdn/urls/",
        f"/cdn/{domain}/",
        f"/cdn/{domain}/flow/",
        f"/cdn/{domain}/row/",
        "/tickets/",
        "/tickets/new/",
        "/tickets/notifications/",
        f"/tickets/{ticket}/",
        f"/tickets/{ticket}/accept/",
        "/jobs/",
        f"/jobs/flush/new/?domain={domain}",
        "/jobs/prefetch/new/",
        f"/jobs/{job_id}/",
        f"/jobs/{job_id}/progress/",
        "/connection/",
        "/audit/",
    ]


# Pages that show nothing from Plcloud (empty forms, the panel's own records): no message expected.
# The identity block asks the identity service only (the faults here are the CDN and ticket services).
# /cdn/traffic/ shows the sums a worker read and kept, and calls nothing itself: what a read under
# a fault says there is tests/faults/test_kept_traffic.py's.
QUIET = ("/cdn/new/", "/tickets/new/", "/tickets/notifications/", "/jobs/", "/jobs/prefetch/new/", "/connection/",
         "/audit/", "/progress/", "/cdn/traffic/", "/dashboard/identity/")  # fmt: skip


def quiet(path: str) -> bool:
    """A page that need not say Plcloud failed: it shows nothing read from Plcloud now (the
    dashboard itself reads the database only; its blocks are listed apart)."""
    return path == "/" or path.endswith(QUIET)


# What explain() says for each kind of failure (connections.problems.explain).
MESSAGES = (
    "Plcloud did not answer within",
    "Plcloud is not reachable right now",
    "could not read",
    "Connect again",
    "Plcloud is unavailable",
    "The connection to Plcloud was lost",
    "Plcloud identity did not answer",
    "could not reach Plcloud identity",
    "Plcloud failed to answer",
)


def forms(objects: dict) -> list[tuple[str, dict, str]]:
    """(path, fields, a value the page must show again when the change failed)."""
    domain, ticket = objects["domain_id"], objects["ticket_id"]
    name = f"f{uuid.uuid4().hex[:10]}.faults-test.com"
    reply = f"Reply kept {uuid.uuid4().hex[:8]}"
    summary = f"Summary kept {uuid.uuid4().hex[:8]}"
    url = f"http://www.faults-test.com/{uuid.uuid4().hex[:8]}.js"
    return [
        ("/cdn/new/", {"domain": name, "origin_ips": "114.114.114.114", "areas": ["hk"], "type": "web"}, name),
        (f"/tickets/{ticket}/reply/", {"content": reply}, reply),
        ("/tickets/new/", {"summary": summary, "description": "What happened."}, summary),
        ("/cdn/urls/", {"urls": url}, url),
        ("/cdn/balance/", {"flow": "7", "confirm": "on"}, 'value="7"'),
        (f"/cdn/{domain}/toggle/", {"enable": "1"}, ""),
    ]
