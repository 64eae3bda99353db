"""/_sandbox/requests: what reached the sandbox, counted by method, path and status."""

import requests

from tests.sandbox.support import assert_error


def count_of(sandbox, method: str, path_end: str, status: str) -> int:
    return sum(
        row["count"]
        for row in sandbox.requests_answered()
        if row["method"] == method and row["path"].endswith(path_end) and row["status"] == status
    )


def test_it_counts_calls_by_method_path_and_status_until_reset(sandbox, demo):
    sandbox.reset_requests()
    assert sandbox.requests_answered() == []
    demo.get("/cdn/domain")
    demo.get("/cdn/domain")
    assert demo.post("/cdn/domain", json={"domain": {"domain": "no"}}).status_code == 400
    answered = sandbox.requests_answered()
    assert count_of(sandbox, "GET", "/cdn/domain", "200") == 2
    assert count_of(sandbox, "POST", "/cdn/domain", "400") == 1
    # Only counts: no query, header or body is kept, and the control calls do not count themselves.
    assert all(set(row) == {"method", "path", "status", "count"} for row in answered)
    assert not any(row["path"].startswith("/_sandbox/") for row in answered)
    assert len(answered) == 2
    sandbox.reset_requests()
    assert sandbox.requests_answered() == []


def test_it_counts_injected_faults_too(sandbox, demo, clean_faults):
    sandbox.reset_requests()
    sandbox.set_faults(unauthorized=True, scope="service")
    assert demo.get("/cdn/domain").status_code == 401
    assert count_of(sandbox, "GET", "/cdn/domain", "401") == 1


def test_it_refuses_the_count_without_the_admin_key(sandbox):
    url = f"{sandbox.base_url}/_sandbox/requests"
    for method in ("GET", "DELETE"):
        assert_error(requests.request(method, url, timeout=5), 401)
        assert_error(requests.request(method, url, headers={"X-Sandbox-Admin-Key": "wrong"}, timeout=5), 401)


def test_it_counts_past_its_row_limit_together():
    from plcloud_sandbox.request_count import MAX_ROWS, OTHER, RequestCount

    count = RequestCount()
    for n in range(MAX_ROWS + 5):
        count.add("GET", f"/cdn/domain/{n}", 404)
    rows = count.rows()
    assert len(rows) == MAX_ROWS + 1
    assert {"method": "GET", "path": OTHER, "status": "404", "count": 5} in rows
