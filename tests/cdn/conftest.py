import uuid

import pytest


@pytest.fixture
def fresh_name():
    return f"p{uuid.uuid4().hex[:10]}.panel-test.com"


def upstream_names(demo) -> set[str]:
    return {d["domainName"] for d in demo.cdn.list()}


def enabled_upstream(sandbox, domain_id) -> bool:
    """Whether the sandbox holds the domain as enabled (its answers show it in the default profile only)."""
    return bool(sandbox.stored("SELECT enabled FROM domains WHERE id = ?", domain_id)[0][0])


def balance_upstream(sandbox, tenant: str = "demo") -> int:
    """The tenant's prepaid balance in GB as the sandbox holds it (the sdk profile has no balance read)."""
    return sandbox.stored("SELECT balance_gb FROM tenants WHERE name = ?", tenant)[0][0]


def icp_upstream(sandbox, domain_id) -> str | None:
    """The domain's ICP record as the sandbox holds it (its answers show it in the default profile only)."""
    return sandbox.stored("SELECT icp_record FROM domains WHERE id = ?", domain_id)[0][0]
