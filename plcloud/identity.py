"""Keystone v2.0: the token request body and the reading of its ``access`` answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from plcloud.errors import EndpointNotFound, ProtocolError

SERVICE_TYPE = "plcloud"
SERVICE_NAME = "plcloud"
ENDPOINT_TYPES = ("publicURL", "internalURL", "adminURL")


@dataclass(frozen=True)
class Access:
    token: str = field(repr=False)
    expires: datetime | None
    tenant_id: str
    tenant_name: str
    user_id: str
    user_name: str
    roles: tuple[str, ...]
    catalog: tuple[dict, ...] = field(repr=False)

    def plcloud_endpoints(self) -> list[dict]:
        for service in self.catalog:
            if service.get("type") == SERVICE_TYPE and service.get("name") == SERVICE_NAME:
                return [e for e in service.get("endpoints") or [] if isinstance(e, dict)]
        return []

    def regions(self) -> list[str]:
        names = (e.get("region") for e in self.plcloud_endpoints())
        return list(dict.fromkeys(name for name in names if name))

    def endpoint(self, region_name: str | None, endpoint_type: str) -> tuple[str, str | None]:
        """The service URL for a region (the first one when none is asked for)."""
        for entry in self.plcloud_endpoints():
            if region_name and entry.get("region") != region_name:
                continue
            url = entry.get(endpoint_type)
            if isinstance(url, str) and url:
                return url.rstrip("/"), entry.get("region")
        where = f"region {region_name!r}" if region_name else "any region"
        raise EndpointNotFound(f"the catalog has no {SERVICE_TYPE} {endpoint_type} for {where}")


def token_request(username: str, password: str, *, tenant_name: str | None, tenant_id: str | None) -> dict:
    body: dict = {"auth": {"passwordCredentials": {"username": username, "password": password}}}
    if tenant_id:
        body["auth"]["tenantId"] = tenant_id
    elif tenant_name:
        body["auth"]["tenantName"] = tenant_name
    return body


def parse_time(value: str | None) -> datetime | None:
    """ISO 8601 as Keystone writes it; a time without an offset is UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ProtocolError(f"token expiry {value!r} is not an ISO 8601 time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_access(document: object) -> Access:
    try:
        access = document["access"]  # type: ignore[index]
        token = access["token"]
        tenant = token.get("tenant") or {}
        user = access.get("user") or {}
        catalog = access.get("serviceCatalog") or []
        token_id = token["id"]
    except (KeyError, TypeError, AttributeError):
        raise ProtocolError("the identity answer is not a Keystone v2.0 access document") from None
    if not isinstance(token_id, str) or not isinstance(catalog, list):
        raise ProtocolError("the identity answer is not a Keystone v2.0 access document")
    return Access(
        token=token_id,
        expires=parse_time(token.get("expires")),
        tenant_id=str(tenant.get("id") or ""),
        tenant_name=str(tenant.get("name") or ""),
        user_id=str(user.get("id") or ""),
        user_name=str(user.get("name") or user.get("username") or ""),
        roles=tuple(r.get("name", "") for r in user.get("roles") or [] if isinstance(r, dict)),
        catalog=tuple(s for s in catalog if isinstance(s, dict)),
    )
