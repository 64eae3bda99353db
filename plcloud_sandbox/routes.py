"""Which handler answers which method and path."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plcloud_sandbox import (
    control,
    domains,
    flow,
    flush,
    identity,
    prefetch,
    recharge,
    request_log,
    tickets,
    urls,
)
from plcloud_sandbox.identity import REGION_SLUGS

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox
    from plcloud_sandbox.wire import Request, Response

Handler = Callable[["Sandbox", "Request"], "Response"]

# Every region's endpoint serves the same tenant data: CDN is global, the region only picks
# the API entry point.
SERVICE_PREFIX = r"/plcloud/(?:" + "|".join(re.escape(slug) for slug in REGION_SLUGS) + ")"


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    methods: dict[str, Handler]
    needs_token: bool
    # Methods the vendor's SDK has no call for: served in the default profile only.
    sandbox_only: frozenset[str] = frozenset()

    def methods_for(self, *, sdk: bool) -> dict[str, Handler]:
        if not sdk:
            return self.methods
        return {method: handler for method, handler in self.methods.items() if method not in self.sandbox_only}


def _route(
    path: str, methods: dict[str, Handler], *, service: bool = False, sandbox_only: tuple[str, ...] = ()
) -> Route:
    prefix = SERVICE_PREFIX if service else ""
    return Route(re.compile(f"^{prefix}{path}$"), methods, service, frozenset(sandbox_only))


ROUTES = (
    _route(r"/_sandbox/health", {"GET": control.health}),
    _route(
        r"/_sandbox/faults",
        {"GET": control.get_faults, "PUT": control.put_faults, "DELETE": control.delete_faults},
    ),
    _route(r"/_sandbox/timings", {"GET": control.get_timings, "PUT": control.put_timings}),
    _route(r"/_sandbox/requests", {"GET": control.get_requests, "DELETE": control.delete_requests}),
    _route(r"/_sandbox/ticket-id", {"PUT": control.put_ticket_id}),
    _route(r"/v2\.0/?", {"GET": identity.version}),
    _route(r"/v2\.0/tokens", {"POST": identity.issue_token}),
    _route(r"/v2\.0/tenants", {"GET": identity.list_tenants}),
    _route(r"/cdn/domain", {"GET": domains.list_domains, "POST": domains.create_domain}, service=True),
    _route(
        r"/cdn/domain/(?P<domain_id>[^/]+)",
        {"GET": domains.get_domain, "PUT": domains.update_domain, "DELETE": domains.delete_domain},
        service=True,
    ),
    _route(r"/cdn/flow/(?P<domain_id>[^/]+)", {"GET": flow.flow}, service=True),
    _route(
        r"/recharge/(?P<project_id>[^/]+)/cdn_flow",
        {"GET": recharge.balance, "POST": recharge.recharge},
        service=True,
        sandbox_only=("GET",),  # the balance: the SDK only recharges
    ),
    _route(r"/cdn/urls", {"GET": urls.list_urls, "POST": urls.create_urls}, service=True),
    _route(r"/cdn/urls/(?P<url_id>[^/]+)", {"DELETE": urls.delete_url}, service=True),
    _route(r"/cdn/cache_flush", {"PUT": flush.cache_flush}, service=True),
    _route(r"/cdn/request_log", {"GET": request_log.request_log}, service=True),
    _route(r"/cdn/prefetch", {"PUT": prefetch.submit}, service=True),
    _route(r"/cdn/prefetch/(?P<request_id>[^/]+)", {"GET": prefetch.query}, service=True),
    _route(r"/ticket", {"GET": tickets.list_mine, "POST": tickets.create_ticket}, service=True),
    _route(
        r"/ticket/reply/(?P<ticket_id>[^/]+)", {"GET": tickets.list_replies, "POST": tickets.create_reply}, service=True
    ),
    _route(r"/ticket/(?P<user_id>[^/]+)/list", {"GET": tickets.list_user}, service=True),
    _route(r"/ticket/(?P<ticket_id>[^/]+)", {"GET": tickets.get_ticket, "PUT": tickets.update_ticket}, service=True),
)


def match(path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        found = route.pattern.match(path)
        if found:
            return route, found.groupdict()
    return None


def fault_scope(path: str) -> str | None:
    """The fault scope of a path; None for the sandbox's own endpoints, which faults never touch."""
    if path.startswith("/_sandbox/"):
        return None
    if path == "/v2.0" or path.startswith("/v2.0/"):
        return "identity"
    return "ticket" if re.match(SERVICE_PREFIX + "/ticket(/|$)", path) else "cdn"
