"""The domain's traffic page reads the domain fresh and its flow through the member's short cache,
so a second page costs one upstream call, not two one after the other (bench/pages.py)."""

import pytest

from connections.member_cache import forget
from tests.cdn.test_traffic import busy_id, chart_data


@pytest.fixture
def domain(demo, fresh_name):
    return demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])


def flow_calls(sandbox, domain_id) -> list[dict]:
    return sandbox.calls("GET", f"/cdn/flow/{domain_id}")


def test_a_second_page_within_the_cache_time_makes_no_flow_call(op, operator, sandbox, demo):
    domain = {"domainId": busy_id(demo)}  # read only: a domain with traffic
    url = f"/cdn/{domain['domainId']}/flow/"
    forget(operator)  # nothing kept by an earlier test's member of the same id
    sandbox.forget_requests()
    first = op.get(url).content.decode()
    assert len(flow_calls(sandbox, domain["domainId"])) == 1
    sandbox.forget_requests()
    second = op.get(url).content.decode()
    assert flow_calls(sandbox, domain["domainId"]) == []
    # The domain itself is still read fresh, and the page shows the same figures.
    assert len(sandbox.calls("GET", f"/cdn/domain/{domain['domainId']}")) == 1
    assert chart_data(second, "traffic-chart") == chart_data(first, "traffic-chart")
    # Another period is another read.
    op.get(url, {"period": "7d"})
    assert len(flow_calls(sandbox, domain["domainId"])) == 1


def test_a_members_change_forgets_it(op, operator, sandbox, domain):
    url = f"/cdn/{domain['domainId']}/flow/"
    op.get(url)
    op.post(f"/cdn/{domain['domainId']}/toggle/", {"enable": "0", "confirmed": "1"})
    sandbox.forget_requests()
    op.get(url)
    assert len(flow_calls(sandbox, domain["domainId"])) == 1
