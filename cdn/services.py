"""Changes to a member's CDN domains and balance: each one audited, each one clears their cache."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from audit.services import record
from cdn.balance import keep_recharge
from cdn.selectors import forget
from connections.problems import explain
from connections.services import client_for_request
from connections.tenancy import request_tenant
from plcloud import Client, PlcloudError
from plcloud_panel.converters import plcloud_id

T = TypeVar("T")


def _wire_id(domain: dict) -> object:
    """The domain's id as Plcloud gave it, or else the id the page was routed by."""
    return domain["domainId"] if "domainId" in domain else domain["ref"]


def _change(request, action: str, domain: dict, call: Callable[[Client], T], detail: dict | None = None) -> T:
    """The call, audited under the domain's id (its name is in the detail: names are not unique
    across tenants, and a domain page lists its changes by id)."""
    object_id = plcloud_id(domain.get("domainId")) or ""
    detail = {"domain": domain.get("domainName") or "", **(detail or {})}
    try:
        result = call(client_for_request(request))
    except PlcloudError as error:
        record(
            actor=request.user,
            action=action,
            object_type="domain",
            object_id=object_id,
            ok=False,
            detail=detail,
            error=explain(error).message,
        )
        raise
    finally:
        forget(request.user)
    if action == "cdn.create" and isinstance(result, dict):
        object_id = plcloud_id(result.get("domainId")) or ""
    record(actor=request.user, action=action, object_type="domain", object_id=object_id, detail=detail)
    return result


def create_domain(
    request, *, domain: str, origin_ips: list[str], areas: list[str], type: str, icp_record: str = ""
) -> dict:
    return _change(
        request,
        "cdn.create",
        {"domainName": domain},
        lambda c: c.cdn.create(domain, origin_ips, areas, type=type, icp_record=icp_record or None),
        {"areas": areas, "origin_ips": origin_ips, "type": type},
    )


def update_domain(request, *, domain: dict, origin_ips: list[str], areas: list[str], icp_record: str = "") -> dict:
    changes = {"origin_ips": origin_ips, "areas": areas}
    if icp_record:
        changes["icp_record"] = icp_record
    detail = {"old": {"origin_ips": domain.get("origin_ips"), "areas": domain.get("areas")}, "new": changes}
    return _change(request, "cdn.update", domain, lambda c: c.cdn.update(_wire_id(domain), **changes), detail)


def set_enabled(request, *, domain: dict, enabled: bool) -> dict:
    return _change(
        request,
        "cdn.enable" if enabled else "cdn.disable",
        domain,
        lambda c: c.cdn.update(_wire_id(domain), enable=enabled),
    )


def delete_domain(request, *, domain: dict) -> None:
    _change(request, "cdn.delete", domain, lambda c: c.cdn.delete(_wire_id(domain)))


def recharge(request, *, flow: int) -> float | None:
    """Recharge; the balance in GB the answer carried, or None when it carried none."""
    try:
        result = client_for_request(request).cdn.recharge(flow)
    except PlcloudError as error:
        record(
            actor=request.user,
            action="cdn.recharge",
            object_type="balance",
            ok=False,
            detail={"flow_gb": flow},
            error=explain(error).message,
        )
        raise
    # The answer's fields are not known (WIRE.md): the recharge was made whatever it holds, and a
    # balance is kept only when it carries a number.
    balance_gb = keep_recharge(request, result)
    project_id = result.get("project_id")
    record(
        actor=request.user,
        action="cdn.recharge",
        object_type="balance",
        object_id=project_id if isinstance(project_id, str) else request_tenant(request).tenant_id,
        detail={"flow_gb": flow, "balance_gb": _whole(balance_gb)},
    )
    return balance_gb


def _whole(gb: float | None) -> float | int | None:
    """600.0 as 600: a balance of whole GB reads as Plcloud wrote it."""
    return int(gb) if gb is not None and gb.is_integer() else gb


def batch(request, *, action: str, domains: list[dict]) -> tuple[list[str], list[tuple[str, str]]]:
    """Apply one action to many domains; every domain is tried, whatever the others did."""
    done, failed = [], []
    for domain in domains:
        try:
            if action == "delete":
                delete_domain(request, domain=domain)
            else:
                set_enabled(request, domain=domain, enabled=action == "enable")
            done.append(domain.get("domainName") or "")
        except PlcloudError as error:
            failed.append((domain.get("domainName") or "", explain(error).message))
    return done, failed


URLS_PER_CALL = 1000  # the API's cap per create_urls call (docs/plcloud-api.md)


def add_common_urls(request, *, urls: list[str]) -> int:
    """Create in batches under the API's cap; stops at the first failed batch and says how far it got."""
    client = client_for_request(request)
    added = 0
    try:
        for start in range(0, len(urls), URLS_PER_CALL):
            batch = urls[start : start + URLS_PER_CALL]
            made = client.cdn.create_urls(batch)
            # An answer that names no items (the SDK's object) still means the batch was made.
            added += len(batch) if made is None else len(made)
    except PlcloudError as error:
        record(
            actor=request.user,
            action="cdn.urls.add",
            object_type="urls",
            ok=False,
            detail={"added": added, "asked": len(urls)},
            error=explain(error).message,
        )
        raise
    finally:
        forget(request.user)
    record(actor=request.user, action="cdn.urls.add", object_type="urls", detail={"added": added})
    return added


def delete_common_urls(request, *, items: list[dict]) -> tuple[int, list[tuple[str, str]]]:
    client = client_for_request(request)
    deleted, failed = 0, []
    for item in items:
        try:
            client.cdn.delete_urls(item["id"])
            deleted += 1
            record(actor=request.user, action="cdn.urls.delete", object_type="url", object_id=item.get("url", ""))
        except PlcloudError as error:
            message = explain(error).message
            failed.append((item.get("url", str(item["id"])), message))
            record(
                actor=request.user,
                action="cdn.urls.delete",
                object_type="url",
                object_id=item.get("url", ""),
                ok=False,
                error=message,
            )
    forget(request.user)
    return deleted, failed
