"""Retries on the wire: reads are tried again after a 5xx or a dropped connection, quickly and a
bounded number of times; a change (POST, PUT, DELETE) is never sent twice."""

import contextlib
import time
import uuid

import pytest

from plcloud import Client, PlcloudError, RetryPolicy, TimedOut, Unavailable
from tests.helpers import wait_for


@pytest.fixture
def client(sandbox):
    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as client:
        client.authenticate()
        yield client


@pytest.mark.parametrize("fault", [{"error_rate": 1.0}, {"drop_rate": 1.0}])
def test_it_tries_a_read_three_times_within_a_second(client, sandbox, clean_faults, fault):
    sandbox.set_faults(scope="service", **fault)
    sandbox.forget_requests()
    started = time.monotonic()
    with pytest.raises(Unavailable):
        client.cdn.list()
    elapsed = time.monotonic() - started
    calls = sandbox.calls("GET", "/cdn/domain")
    assert len(calls) == 3 and all(call["faults"] for call in calls)
    # Two waits, each at most its capped step (0.2 s, then 0.4 s), plus three local round trips.
    assert elapsed < 1.0


def test_it_jitters_the_waits_and_caps_them(monkeypatch):
    policy = RetryPolicy(attempts=6, backoff=0.2, cap=0.5)
    waits = [[policy.wait(retry) for retry in range(5)] for _ in range(200)]
    assert all(0 <= w <= min(0.5, 0.2 * 2**i) for row in waits for i, w in enumerate(row))
    assert len({round(row[0], 6) for row in waits}) > 150  # spread out, not in step


def test_a_read_that_succeeds_on_a_later_try_answers_normally(client, sandbox, clean_faults):
    sandbox.set_faults(error_rate=0.5, scope="service")

    def recovered_call():
        sandbox.forget_requests()
        try:
            answer = client.cdn.list()
        except Unavailable:
            return None
        statuses = [call["status"] for call in sandbox.calls("GET", "/cdn/domain")]
        return (answer, statuses) if len(statuses) > 1 else None

    # A call fails first and then answers about 3 times in 8; 40 calls all missing that is ~1e-8.
    answer, statuses = next(found for found in (recovered_call() for _ in range(40)) if found)
    assert isinstance(answer, list) and answer
    assert statuses[-1] == 200 and all(status >= 500 for status in statuses[:-1])


def test_a_failing_read_is_retried_with_the_default_policy_but_not_with_none(sandbox, clean_faults):
    with Client(
        username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url,
        retry=RetryPolicy(attempts=1),
    ) as once:  # fmt: skip
        once.authenticate()
        sandbox.set_faults(error_rate=1.0, scope="service")
        sandbox.forget_requests()
        with pytest.raises(Unavailable):
            once.ticket.list()
    assert len(sandbox.calls("GET", "/ticket")) == 1


@pytest.mark.parametrize("fault", [{"error_rate": 1.0}, {"drop_rate": 1.0}, {"malformed_rate": 1.0}])
def test_it_never_sends_a_change_twice(client, sandbox, clean_faults, fault):
    domain = client.cdn.list()[0]
    name = f"t{uuid.uuid4().hex[:10]}.panel-test.com"
    sandbox.set_faults(scope="service", **fault)
    sandbox.forget_requests()
    calls = [
        lambda: client.cdn.create(name, ["114.114.114.114"], ["hk"]),
        lambda: client.cdn.update(domain["domainId"], areas=domain["areas"]),
        lambda: client.cdn.delete(10**9),
        lambda: client.ticket.create("faults", "never twice"),
    ]
    for call in calls:
        # Which error depends on the fault; a malformed answer to a DELETE is not read at all.
        with contextlib.suppress(PlcloudError):
            call()
    sent = [(call["method"], call["path"].rsplit("/", 1)[-1]) for call in sandbox.requests_seen()["requests"]]
    assert sent == [
        ("POST", "domain"),
        ("PUT", str(domain["domainId"])),
        ("DELETE", str(10**9)),
        ("POST", "ticket"),
    ]


def test_it_does_not_retry_a_read_that_timed_out(sandbox, clean_faults):
    unique = str(uuid.uuid4().int % 10**12)  # a path no other call uses
    with Client(
        username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url, timeout=(2, 0.4)
    ) as slow:
        slow.authenticate()
        sandbox.set_faults(latency_ms=700, scope="service")
        started = time.monotonic()
        with pytest.raises(TimedOut):
            slow.cdn.get(unique)
        assert time.monotonic() - started < 0.4 + 0.5
    # The sandbox records the call once it has slept; only one ever arrives.
    wait_for(lambda: sandbox.calls("GET", "/cdn/domain/" + unique), timeout=3)
    time.sleep(0.8)
    assert len(sandbox.calls("GET", "/cdn/domain/" + unique)) == 1
