import uuid

import pytest

from plcloud import Client


@pytest.fixture
def fresh_name():
    return f"p{uuid.uuid4().hex[:10]}.panel-test.com"


@pytest.fixture
def op(client, operator, connect_demo):
    """An operator, connected to the sandbox as demo and signed in to the panel."""
    connect_demo(operator)
    client.force_login(operator)
    return client


@pytest.fixture
def demo(sandbox):
    """The same Plcloud account, straight through the client: to see what really happened upstream."""
    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as c:
        yield c


def upstream_names(demo) -> set[str]:
    return {d["domainName"] for d in demo.cdn.list()}
