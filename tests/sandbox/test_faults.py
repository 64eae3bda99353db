"""Fault injection: switched at run time with the admin key; never touches /_sandbox/ itself."""

import time

import pytest
import requests

from tests.sandbox.support import assert_error, token_request


def service_call(demo) -> requests.Response:
    return demo.get("/cdn/domain")


def test_it_refuses_the_control_endpoints_without_the_admin_key(sandbox):
    for method, what in (("GET", "faults"), ("PUT", "faults"), ("DELETE", "faults"), ("GET", "timings"),
                         ("PUT", "timings")):  # fmt: skip
        url = f"{sandbox.base_url}/_sandbox/{what}"
        assert_error(requests.request(method, url, json={"drop_rate": 1.0}, timeout=5), 401)
        wrong = {"X-Sandbox-Admin-Key": "not-the-key"}
        assert_error(requests.request(method, url, json={"drop_rate": 1.0}, headers=wrong, timeout=5), 401)
    assert sandbox.control.get(f"{sandbox.base_url}/_sandbox/faults", timeout=5).json()["drop_rate"] == 0
    assert requests.get(f"{sandbox.base_url}/_sandbox/health", timeout=5).json() == {"status": "ok"}


def test_it_reports_and_merges_fault_settings(sandbox, clean_faults):
    assert sandbox.control.get(f"{sandbox.base_url}/_sandbox/faults", timeout=5).json() == {
        "latency_ms": 0, "error_rate": 0.0, "unauthorized": False, "malformed_rate": 0.0, "drop_rate": 0.0,
        "scope": "all",
    }  # fmt: skip
    sandbox.set_faults(latency_ms=5)
    assert sandbox.set_faults(scope="identity") == {
        "latency_ms": 5, "error_rate": 0.0, "unauthorized": False, "malformed_rate": 0.0, "drop_rate": 0.0,
        "scope": "identity",
    }  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [{"error_rate": 1.5}, {"drop_rate": -0.1}, {"scope": "storage"}, {"unauthorized": "yes"}, {"latency_ms": "slow"},
     {"latency": 100}, {"error_rate": True}],
)  # fmt: skip
def test_it_refuses_a_bad_fault_setting(sandbox, body):
    answer = sandbox.control.put(f"{sandbox.base_url}/_sandbox/faults", json=body, timeout=5)
    assert_error(answer, 400, next(iter(body)))


def test_it_delays_answers_in_scope(sandbox, demo, clean_faults):
    sandbox.set_faults(latency_ms=400, scope="service")
    started = time.monotonic()
    assert service_call(demo).status_code == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    assert requests.get(sandbox.auth_url + "/", timeout=5).status_code == 200
    assert time.monotonic() - started < 0.4


def test_it_answers_500_502_and_503_at_an_error_rate_of_one(sandbox, demo, clean_faults):
    sandbox.set_faults(error_rate=1.0)
    seen = {}
    for _ in range(60):
        answer = service_call(demo)
        seen.setdefault(answer.status_code, answer)
        if len(seen) == 3:
            break
    assert set(seen) == {500, 502, 503}
    assert seen[502].headers["Content-Type"] == "text/html" and b"502 Bad Gateway" in seen[502].content
    assert_error(seen[500], 500)
    assert_error(seen[503], 503)
    assert seen[503].headers["Retry-After"] == "1"


def test_it_changes_nothing_when_it_answers_an_injected_error(sandbox, demo, clean_faults, fresh_name):
    sandbox.set_faults(error_rate=1.0, scope="service")
    body = {"domain": {"domain": fresh_name, "origin_ips": ["114.114.114.114"], "areas": ["hk"]}}
    assert demo.post("/cdn/domain", json=body).status_code >= 500
    sandbox.clear_faults()
    assert fresh_name not in {d["domainName"] for d in demo.ok("GET", "/cdn/domain")}


def test_it_answers_401_everywhere_when_unauthorized(sandbox, demo, clean_faults):
    sandbox.set_faults(unauthorized=True, scope="service")
    assert_error(service_call(demo), 401)
    token = requests.post(f"{sandbox.auth_url}/tokens", json=token_request("demo", "secreetword", "demo"), timeout=5)
    assert token.status_code == 200
    sandbox.set_faults(scope="identity")
    assert_error(
        requests.post(f"{sandbox.auth_url}/tokens", json=token_request("demo", "secreetword", "demo"), timeout=5), 401
    )
    assert service_call(demo).status_code == 200


def test_it_answers_200_with_truncated_json_when_malformed(sandbox, demo, clean_faults):
    sandbox.set_faults(malformed_rate=1.0, scope="service")
    answer = service_call(demo)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    assert answer.content.startswith(b'{"cdn": [')
    with pytest.raises(ValueError):
        answer.json()


def test_it_closes_the_connection_without_an_answer_when_dropping(sandbox, demo, clean_faults):
    sandbox.set_faults(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        service_call(demo)
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{sandbox.auth_url}/tokens", json=token_request("demo", "secreetword", "demo"), timeout=5)
    # The control endpoints are never subject to faults.
    assert requests.get(f"{sandbox.base_url}/_sandbox/health", timeout=5).status_code == 200
    sandbox.clear_faults()
    assert service_call(demo).status_code == 200


def test_it_applies_a_partial_rate_to_some_requests_only(sandbox, demo, clean_faults):
    sandbox.set_faults(error_rate=0.5, scope="service")
    statuses = [service_call(demo).status_code for _ in range(40)]
    assert 200 in statuses and any(status >= 500 for status in statuses)


def test_it_changes_timings_at_run_time_and_refuses_bad_ones(sandbox):
    url = f"{sandbox.base_url}/_sandbox/timings"
    assert sandbox.control.get(url, timeout=5).json() == sandbox.timings
    try:
        assert sandbox.set_timings(config_delay=0.5)["config_delay"] == 0.5
        for body in ({"token_ttl": 0}, {"config_delay": -1}, {"support_delay": "soon"}, {"speed": 1}, []):
            assert_error(sandbox.control.put(url, json=body, timeout=5), 400)
    finally:
        sandbox.reset_timings()
    assert sandbox.control.get(url, timeout=5).json() == sandbox.timings


def test_it_records_every_plcloud_call_with_the_faults_it_met(sandbox, demo, clean_faults):
    url = f"{sandbox.base_url}/_sandbox/requests"
    assert_error(requests.get(url, timeout=5), 401)
    assert_error(requests.delete(url, timeout=5), 401)
    sandbox.forget_requests()
    assert service_call(demo).status_code == 200
    sandbox.set_faults(error_rate=1.0, scope="service")
    assert service_call(demo).status_code >= 500
    sandbox.set_faults(error_rate=0.0, drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        demo.post("/ticket", json={"summary": "s", "description": "d"})
    sandbox.set_faults(drop_rate=0.0, malformed_rate=1.0, latency_ms=50)
    assert service_call(demo).status_code == 200
    sandbox.clear_faults()
    assert requests.get(sandbox.auth_url + "/", timeout=5).status_code == 200
    seen = sandbox.requests_seen()
    # The control calls above are not Plcloud calls and are not recorded.
    assert [(e["method"], e["status"], e["faults"]) for e in seen["requests"]] == [
        ("GET", 200, []),
        ("GET", seen["requests"][1]["status"], ["error"]),
        ("POST", "dropped", ["drop"]),
        ("GET", 200, ["latency", "malformed"]),
        ("GET", 200, []),
    ]
    assert seen["requests"][2]["path"].endswith("/ticket") and seen["requests"][4]["path"] == "/v2.0/"
    assert seen["total"] == 5 and seen["faulted"] == 3
    assert seen["faults"] == {"error": 1, "drop": 1, "latency": 1, "malformed": 1}
    assert seen["methods"] == {"GET": 4, "POST": 1}
    sandbox.forget_requests()
    assert sandbox.requests_seen() == {"total": 0, "faulted": 0, "faults": {}, "methods": {}, "requests": []}


def test_it_fails_one_service_alone_when_scoped_to_it(sandbox, demo, clean_faults):
    sandbox.set_faults(error_rate=1.0, scope="ticket")
    assert demo.get("/ticket").status_code >= 500
    assert service_call(demo).status_code == 200
    sandbox.set_faults(scope="cdn")
    assert service_call(demo).status_code >= 500
    assert demo.get("/ticket").status_code == 200
