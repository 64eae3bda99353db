"""The account's traffic is read by a worker and kept (cdn/flow_sums.py): a read under any fault
leaves no 500 and no silence. The traffic page says when the last read failed and why."""

import re
import time

import pytest
from django.core.cache import cache

from tests.faults.pages import MESSAGES
from tests.faults.test_every_page import KINDS, READ_TIMEOUT
from tests.helpers import wait_for


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_read_under_any_fault_says_on_the_traffic_page_that_it_failed_and_why(
    member, operator, sandbox, settings, kind, fault_tally
):
    settings.PLCLOUD_READ_TIMEOUT = READ_TIMEOUT
    assert "being read" in member.get("/cdn/traffic/").content.decode()  # and its read queued
    from cdn.tasks import read_account_flow  # here: the page's answer above comes first

    sandbox.set_faults(**KINDS[kind])
    cache.clear()  # a closed breaker: the read calls Plcloud under the fault
    read_account_flow(operator.pk, operator.plcloud.tenant_id, "7d")  # what a worker runs
    # (The sandbox records a slow call once it has slept.)
    wait_for(lambda: sandbox.requests_seen()["faulted"], timeout=5, message="no fault on the wire")
    sandbox.clear_faults()
    page = member.get("/cdn/traffic/").content.decode()
    said = re.search(r"The last read, at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0000, failed: ([^<]*)</p>", page)
    assert said and any(message in said[1] for message in MESSAGES), page
    # Nothing read is not "no traffic".
    assert "being read" not in page and not re.search(r" over \d+ domains?</p>", page)


def test_a_read_of_a_slow_plcloud_stops_at_its_deadline_and_names_the_domains_it_did_not_reach(
    member, operator, sandbox, settings, demo
):
    domains = len(demo.cdn.list())
    settings.CDN_TRAFFIC_READ_SECONDS = 2
    assert "being read" in member.get("/cdn/traffic/").content.decode()
    from cdn.tasks import read_account_flow  # here: the page's answer above comes first

    sandbox.set_faults(latency_ms=800, scope="service")
    sandbox.forget_requests()
    read_account_flow(operator.pk, operator.plcloud.tenant_id, "7d")
    # The list, then flows until the deadline: a domain or two (a call cut short by the deadline
    # may be tried again), never one a domain.
    wait_for(lambda: sandbox.requests_seen()["faulted"], timeout=5, message="no call on the wire")
    flowed = {call["path"] for call in sandbox.requests_seen()["requests"] if "/cdn/flow/" in call["path"]}
    assert len(flowed) <= 2 < domains
    sandbox.clear_faults()
    page = member.get("/cdn/traffic/").content.decode()
    said = re.search(r"(\d+) of (\d+) domains could not be read: ", page)
    assert said and int(said[1]) >= domains - 1 and int(said[2]) == domains, page
    # The read left at its deadline while a flow call still sleeps in the sandbox, which records
    # it once it has slept: let it land here, not in the next test's record of calls.
    time.sleep(0.8)
