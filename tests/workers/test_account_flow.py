"""The account's traffic is summed by a real worker process and kept: the dashboard and
/cdn/traffic/ never wait on one flow call per domain, even with Plcloud slow, and say when the
sums were read and which domains could not be read (real Redis, worker, sandbox)."""

import base64
import html
import json
import re

import pytest
import redis

from cdn.objects import display
from cdn.traffic import window
from tests.helpers import wait_for
from tests.worker_fixtures import panel_broker, redis_or_skip, worker_process

LATENCY_MS = 300  # every Plcloud service call (not identity)


@pytest.fixture
def broker(settings):
    """The test Redis, this process's views sending to it: its URL."""
    url = redis_or_skip()
    with panel_broker(url):
        yield url


def queued(url: str, queue: str) -> list[tuple[str, list]]:
    """The messages waiting in a Redis queue, as (task name, its arguments)."""
    found = []
    for raw in redis.Redis.from_url(url).lrange(queue, 0, -1):
        message = json.loads(raw)
        found.append((message["headers"]["task"], json.loads(base64.b64decode(message["body"]))[0]))
    return found


def page_calls(sandbox, client, path: str, **query) -> tuple[str, list[dict]]:
    """The page, and the Plcloud calls made while it was loaded (nothing else calls Plcloud then)."""
    sandbox.forget_requests()
    page = client.get(path, query).content.decode()
    return page, sandbox.requests_seen()["requests"]


def flow_calls(calls: list[dict]) -> list[dict]:
    return [call for call in calls if "/cdn/flow/" in call["path"]]


READ_AT = r"Read at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+0000\."


def in_units(size: int) -> str:
    """Bytes as the page writes them (English): in the largest unit of 1,024 that keeps 1 or more."""
    units = ["B", "KB", "MB", "GB", "TB"]
    power = 0
    while size >= 1024 ** (power + 1) and power < len(units) - 1:
        power += 1
    return f"{size}\xa0B" if power == 0 else f"{size / 1024**power:,.2f}\xa0{units[power]}"


def kept_sums():
    from cdn.models import AccountFlow  # here, not above: each test first shows what the pages call

    return AccountFlow.objects


def kept(tenant: str, period: str):
    row = kept_sums().filter(tenant_id=tenant, period=period).first()
    return row if row is not None and row.refresh_queued_at is None and row.tried_at is not None else None


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_and_traffic_page_wait_on_no_flow_call_and_show_what_a_worker_kept(
    broker, op, operator, sandbox, clean_faults, demo
):
    domains = demo.cdn.list()
    assert len(domains) >= 3
    tenant = operator.plcloud.tenant_id
    sandbox.set_faults(latency_ms=LATENCY_MS, scope="service")

    home, calls = page_calls(sandbox, op, "/")
    assert calls == []  # the dashboard reads the database; its blocks that need Plcloud load apart
    assert "The traffic of every domain is being read from Plcloud" in home
    assert 'hx-get="/dashboard/balance/"' in home and 'hx-get="/dashboard/traffic/"' in home
    balance, calls = page_calls(sandbox, op, "/dashboard/balance/")
    balance_reads = [call for call in calls if "/recharge/" in call["path"]]
    assert len(balance_reads) == 1 and not flow_calls(calls), calls
    assert "How long it lasts shows once the last week's traffic is read." in balance
    traffic, calls = page_calls(sandbox, op, "/cdn/traffic/")
    assert calls == [] and "being read" in traffic
    assert op.get("/cdn/traffic/sums/", {"period": "7d"}).status_code == 204  # polled: nothing new yet
    # One refresh a period for both pages, on the default queue, carrying ids and keys only.
    assert sorted(queued(broker, "celery"), key=str) == [
        ("cdn.tasks.read_account_flow", [operator.pk, tenant, "24h"]),
        ("cdn.tasks.read_account_flow", [operator.pk, tenant, "7d"]),
    ]

    with worker_process({"CELERY_BROKER_URL": broker}, "account-flow") as worker:

        def read():
            assert worker.poll() is None, "the worker stopped"
            return kept(tenant, "24h") and kept(tenant, "7d")

        row = wait_for(read, timeout=60, interval=0.3)
    polled = op.get("/cdn/traffic/sums/", {"period": "7d"})
    assert polled.status_code == 286 and "Read at" in polled.content.decode()

    home, calls = page_calls(sandbox, op, "/")
    assert calls == [] and re.search(READ_AT, home)
    assert 'hx-get="/dashboard/traffic/"' not in home  # read: no longer polled
    balance, calls = page_calls(sandbox, op, "/dashboard/balance/")
    assert [call for call in calls if "/cdn/" in call["path"]] == [], calls  # the balance read only
    assert re.search(r"about [\d.,]+ days at the last week's rate", balance)
    traffic, calls = page_calls(sandbox, op, "/cdn/traffic/")
    assert calls == [] and re.search(READ_AT, traffic)
    # The figures are the wire's: every domain's flow over the window the worker read.
    sandbox.clear_faults()
    start, end, _interval = window("7d", now=row.read_at)
    series = [demo.cdn.flow(d["domainId"], start_at=start, end_at=end, interval=86400) for d in domains]
    total = sum(point["flow"] for points in series for point in points)
    assert f"{in_units(total)} over {len(domains)} domains" in traffic
    assert "could not be read" not in traffic


@pytest.mark.django_db(transaction=True)
def test_the_page_names_the_domains_whose_flow_plcloud_failed(broker, op, operator, sandbox, clean_faults, demo):
    names = {str(d["domainId"]): display(d["domainName"]) for d in demo.cdn.list()}
    tenant = operator.plcloud.tenant_id
    # The breaker is not under test here: with it on, a run of failures stops the calls for a while.
    environment = {"CELERY_BROKER_URL": broker, "PLCLOUD_BREAKER_THRESHOLD": "0"}
    with worker_process(environment, "account-flow-errors") as worker:
        # Plcloud fails at random (each call after the client's retries: 0.7³ ≈ 1 in 3). Refreshed
        # until a read listed the domains and got some of their flows but not all.
        for _attempt in range(15):
            kept_sums().filter(tenant_id=tenant, period="24h").update(tried_at=None, refresh_queued_at=None)
            sandbox.set_faults(error_rate=0.7, scope="service")
            sandbox.forget_requests()
            op.get("/cdn/traffic/", {"period": "24h"})

            def read():
                assert worker.poll() is None, "the worker stopped"
                return kept(tenant, "24h")

            row = wait_for(read, timeout=90, interval=0.3)
            calls = flow_calls(sandbox.requests_seen()["requests"])
            sandbox.clear_faults()
            if not row.problem and 0 < row.unread_count < row.domain_count:
                break
        else:
            pytest.fail("no read with some domains read and some not in 15 tries")

    answered = {call["path"].rsplit("/", 1)[1] for call in calls if call["status"] == 200}
    failed = {names[ref] for ref in names.keys() - answered}
    page = op.get("/cdn/traffic/", {"period": "24h"}).content.decode()
    said = re.search(r"(\d+) of (\d+) domains? could not be read: (.*?)\.(?: And (\d+) more\.)?</p>", page)
    assert said, page
    assert (int(said[1]), int(said[2])) == (len(failed), len(names))
    named = html.unescape(said[3]).split(", ")
    assert set(named) <= failed and len(named) == min(len(failed), 20)
    assert int(said[4] or 0) == len(failed) - len(named)
    read = len(names) - len(failed)
    assert re.search(rf"[\d,.]+\xa0(B|KB|MB|GB|TB) over {read} domains?</p>", page)
