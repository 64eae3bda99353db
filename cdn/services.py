"""Changes to a member's CDN domains, balance and common URLs: each one audited
(audit.services.audited), each one clears their cached reads (connections.member_cache.forget)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from audit.services import audited
from cdn.balance import keep_recharge
from cdn.objects import CommonUrl, Domain
from connections.member_cache import forget
from connections.problems import explain
from connections.tenancy import member_tenant
from plcloud import Client, PlcloudError

T = TypeVar("T")
URLS_PER_CALL = 1000  # the API's cap per create_urls call (docs/plcloud-api.md)


@contextmanager
def _changing(
    user, action: str, *, object_type: str, object_id: object = "", detail: dict | None = None
) -> Iterator[dict]:
    """``audited``, and the member's cached reads forgotten whatever the outcome (a change that
    failed may have been made all the same)."""
    try:
        with audited(actor=user, action=action, object_type=object_type, object_id=object_id, detail=detail) as row:
            yield row
    finally:
        forget(user)


def _domain_change(user, action: str, domain: Domain, call: Callable[[], T], detail: dict | None = None) -> T:
    """The call, audited under the domain's id (its name is in the detail: names are not unique
    across tenants, and a domain page lists its changes by id)."""
    with _changing(user, action, object_type="domain", object_id=domain.ref or "", detail=detail) as row:
        row["detail"] = {"domain": domain.name, **row["detail"]}
        return call()


def create_domain(
    *, client: Client, user, domain: str, origin_ips: list[str], areas: list[str], type: str, icp_record: str = ""
) -> Domain:
    detail = {"domain": domain, "areas": areas, "origin_ips": origin_ips, "type": type}
    with _changing(user, "cdn.create", object_type="domain", detail=detail) as row:
        answer = client.cdn.create(domain, origin_ips, areas, type=type, icp_record=icp_record or None)
        created = Domain.from_wire(answer)
        row["object_id"] = created.ref or ""
    return created


def update_domain(
    *, client: Client, user, domain: Domain, origin_ips: list[str], areas: list[str], icp_record: str = ""
) -> Domain:
    changes = {"origin_ips": origin_ips, "areas": areas}
    if icp_record:
        changes["icp_record"] = icp_record
    detail = {"old": {"origin_ips": list(domain.origin_ips), "areas": list(domain.areas)}, "new": changes}
    answer = _domain_change(user, "cdn.update", domain, lambda: client.cdn.update(domain.wire_id, **changes), detail)
    return Domain.from_wire(answer)


def set_enabled(*, client: Client, user, domain: Domain, enabled: bool) -> None:
    action = "cdn.enable" if enabled else "cdn.disable"
    _domain_change(user, action, domain, lambda: client.cdn.update(domain.wire_id, enable=enabled))


def delete_domain(*, client: Client, user, domain: Domain) -> None:
    _domain_change(user, "cdn.delete", domain, lambda: client.cdn.delete(domain.wire_id))


def batch(*, client: Client, user, action: str, domains: list[Domain]) -> tuple[list[str], list[tuple[str, str]]]:
    """Apply one action to many domains; every domain is tried, whatever the others did."""
    done, failed = [], []
    for domain in domains:
        try:
            if action == "delete":
                delete_domain(client=client, user=user, domain=domain)
            else:
                set_enabled(client=client, user=user, domain=domain, enabled=action == "enable")
            done.append(domain.name)
        except PlcloudError as error:
            failed.append((domain.name, explain(error).message))
    return done, failed


def recharge(*, client: Client, user, flow: int) -> float | None:
    """Recharge; the balance in GB the answer carried, or None when it carried none."""
    with audited(actor=user, action="cdn.recharge", object_type="balance", detail={"flow_gb": flow}) as row:
        result = client.cdn.recharge(flow)
        # The answer's fields are not known (WIRE.md): the recharge was made whatever it holds, and
        # a balance is kept only when it carries a number.
        balance_gb = keep_recharge(user=user, answer=result)
        project_id = result.get("project_id")
        row["object_id"] = project_id if isinstance(project_id, str) else member_tenant(user).tenant_id
        row["detail"]["balance_gb"] = _whole(balance_gb)
    return balance_gb


def _whole(gb: float | None) -> float | int | None:
    """600.0 as 600: a balance of whole GB reads as Plcloud wrote it."""
    return int(gb) if gb is not None and gb.is_integer() else gb


def add_common_urls(*, client: Client, user, urls: list[str]) -> int:
    """Create in batches under the API's cap; stops at the first failed batch and says how far it got."""
    added = 0
    with _changing(user, "cdn.urls.add", object_type="urls", detail={"added": 0, "asked": len(urls)}) as row:
        for start in range(0, len(urls), URLS_PER_CALL):
            batch = urls[start : start + URLS_PER_CALL]
            made = client.cdn.create_urls(batch)
            # An answer that names no items (the SDK's object) still means the batch was made.
            added += len(batch) if made is None else len(made)
            row["detail"]["added"] = added
        row["detail"] = {"added": added}  # all made: how many were asked is how many were added
    return added


def delete_common_urls(*, client: Client, user, items: list[CommonUrl]) -> tuple[int, list[tuple[str, str]]]:
    """Delete each; every one is tried, whatever the others did."""
    deleted, failed = 0, []
    for item in items:
        try:
            with audited(actor=user, action="cdn.urls.delete", object_type="url", object_id=item.url):
                client.cdn.delete_urls(item.wire_id)
            deleted += 1
        except PlcloudError as error:
            failed.append((item.url or str(item.wire_id), explain(error).message))
    forget(user)
    return deleted, failed
