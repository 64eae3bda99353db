import uuid

import pytest


@pytest.fixture
def fresh_name():
    return f"p{uuid.uuid4().hex[:10]}.panel-test.com"


def upstream_names(demo) -> set[str]:
    return {d["domainName"] for d in demo.cdn.list()}
