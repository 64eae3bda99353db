"""The CDN pages against a sandbox in the sdk wire profile: only what the vendor's SDK reads.

No balance read (405), flow answering the last day whatever was asked, domains with only the
seven SDK fields (no ``enabled``, ``icp_record``, ``unserved_areas``, ``created_at``,
``updated_at``). Every page and action must work and say nothing false. These run in every
session, whatever PLCLOUD_TEST_WIRE says (the rest of the suite runs in both via .ci/run).
"""

import re
from datetime import datetime, timedelta

import pytest

from audit.models import AuditEntry
from cdn.tasks import read_account_flow
from tests.cdn.conftest import balance_upstream, enabled_upstream, icp_upstream
from tests.cdn.test_traffic import chart_data


@pytest.fixture
def sandbox(sdk_sandbox):
    """Every fixture of this module (op, demo, connect_demo) talks to the sdk-profile sandbox."""
    return sdk_sandbox


def busy_id(demo) -> int:
    return next(d["domainId"] for d in demo.cdn.list() if d["domainName"] == "www.demo-shop.com")


def test_the_balance_page_says_plcloud_offers_no_balance_read_and_asks_once(op, sandbox):
    sandbox.forget_requests()
    response = op.get("/cdn/balance/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Plcloud offers no balance read, so the balance now is not known here." in page
    assert "The forecast needs the balance now" in page
    assert 'role="alert"' not in page and "prepaid traffic left" not in page
    op.get("/cdn/balance/")
    op.get("/dashboard/balance/")
    # One read, answered 405 and not tried again (no retry, and remembered for the tenant).
    assert [c["status"] for c in sandbox.calls("GET", "/cdn_flow")] == [405]


def test_a_recharge_works_and_its_answers_balance_is_shown_with_its_time(op, sandbox):
    before = balance_upstream(sandbox)
    text = op.post("/cdn/balance/", {"flow": "40", "confirm": "on"}, follow=True).content.decode()
    assert balance_upstream(sandbox) == before + 40
    assert f"Recharged 40 GB; the balance is now {before + 40} GB." in text
    said = re.search(r"After the recharge at (\d{4}-\d\d-\d\d \d\d:\d\d), Plcloud said (\d+) GB were left", text)
    assert said and int(said.group(2)) == before + 40
    assert "traffic since then is not taken off" in text and "it lasts about" not in text
    assert AuditEntry.objects.get(action="cdn.recharge").detail == {"flow_gb": 40, "balance_gb": before + 40}


def test_the_domain_page_shows_what_plcloud_does_not_say_as_not_known(op, demo, sandbox, fresh_name):
    domain = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    page = op.get(f"/cdn/{domain['domainId']}/").content.decode()
    assert re.search(r"<dt>Enabled</dt><dd><span class=\"muted\">not known</span>", page)
    assert re.search(r"<dt>ICP record</dt><dd><span class=\"muted\">not known</span>", page)
    # Without "enabled", both buttons rather than a guess.
    assert 'name="enable" value="1">Enable</button>' in page and 'name="enable" value="0">Disable</button>' in page
    op.post(f"/cdn/{domain['domainId']}/toggle/", {"enable": "0", "confirmed": "1"})
    assert enabled_upstream(sandbox, domain["domainId"]) is False
    op.post(f"/cdn/{domain['domainId']}/toggle/", {"enable": "1"})
    assert enabled_upstream(sandbox, domain["domainId"]) is True


def test_a_mainland_domain_without_an_icp_record_is_created_and_nothing_false_is_said(op, demo, sandbox, fresh_name):
    data = {"domain": fresh_name, "origin_ips": "114.114.114.114", "areas": ["cn"], "type": "web", "icp_later": "on"}
    created = op.post("/cdn/new/", data, follow=True)
    page = created.content.decode()
    domain = next(d for d in demo.cdn.list() if d["domainName"] == fresh_name)
    assert icp_upstream(sandbox, domain["domainId"]) is None
    assert "It is not served in mainland China (cn) until it has an ICP record" in page  # what was sent says so
    # The domain's fields do not say which areas are served: the page claims nothing either way.
    again = op.get(f"/cdn/{domain['domainId']}/").content.decode()
    assert 'id="icp-warning"' not in again and "(not served:" not in again


def test_a_longer_period_of_a_domains_traffic_says_plcloud_gave_the_last_24_hours(op, demo):
    page = op.get(f"/cdn/{busy_id(demo)}/flow/", {"period": "7d"}).content.decode()
    assert len(chart_data(page, "traffic-chart")["t"]) == 288  # the same day from each of the calls, once
    assert "Plcloud gave the last 24 hours only, not all the time asked for" in page
    start, end = re.search(r"The figures cover (\S+ \S+) to (\S+ \S+)\.", page).groups()
    assert datetime.fromisoformat(end) - datetime.fromisoformat(start) == timedelta(hours=24)
    day = op.get(f"/cdn/{busy_id(demo)}/flow/", {"period": "24h"}).content.decode()
    assert "The figures cover" in day and 'id="covered-short"' not in day


def test_the_accounts_week_is_not_presented_as_a_week(op, operator):
    op.get("/cdn/traffic/", {"period": "7d"})  # queues the read, which a worker would do:
    read_account_flow(operator.pk, operator.plcloud.tenant_id, "7d")
    page = op.get("/cdn/traffic/", {"period": "7d"}).content.decode()
    assert "Plcloud gave the last 24 hours, not the 7 days asked for" in page
    start, end = re.search(r"The figures cover (\S+ \S+) to (\S+ \S+)\.", page).groups()
    assert datetime.fromisoformat(end) - datetime.fromisoformat(start) == timedelta(hours=24)


def test_the_domain_list_sorts_by_newest_without_creation_times_and_says_so(op, demo, fresh_name):
    demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    response = op.get("/cdn/", {"sort": "-created"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Plcloud gives no creation times, so they are in Plcloud&#x27;s order." in page
    assert fresh_name in page and "Stuck" not in page
