"""The sdk wire profile (``--wire=sdk``): only the shapes the vendor's SDK reads (WIRE.md), nothing more."""

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.sandbox.support import assert_error
from tests.sandbox.test_domains import PROJECT_FIELDS, SDK_FIELDS
from tests.sandbox.test_request_log import ENTRY, RATE, midnight, z

PAYLOAD_KEYS = {"cdn", "ticket"}


def payload(response: requests.Response, shape: type) -> object:
    """The one wrapped payload of a 200, of the shape the SDK's manager method reads."""
    assert response.status_code == 200, response.text
    document = response.json()
    assert len(document) == 1 and set(document) <= PAYLOAD_KEYS, document
    (value,) = document.values()
    assert isinstance(value, shape), document
    return value


def test_it_answers_each_call_in_the_shape_the_sdk_reads(sdk_demo, fresh_name):
    api = sdk_demo
    run = uuid.uuid4().hex[:8]
    domains = payload(api.get("/cdn/domain"), list)
    assert domains and all(set(d) == SDK_FIELDS | PROJECT_FIELDS for d in domains)
    created = payload(api.post("/cdn/domain", json={"domain": {"domain": fresh_name, "origin_ips": ["114.114.114.114"],
                                                                  "areas": ["hk"]}}), dict)  # fmt: skip
    path = f"/cdn/domain/{created['domainId']}"
    assert set(payload(api.put(path, json={"domain": {"areas": ["ov"]}}), dict)) == SDK_FIELDS | PROJECT_FIELDS
    assert payload(api.get(path), dict)["areas"] == ["ov"]
    busy = next(d for d in domains if d["domainName"] == "www.demo-shop.com")
    assert payload(api.get(f"/cdn/flow/{busy['domainId']}"), list)
    payload(api.post(f"/recharge/{api.tenant_id}/cdn_flow", json={"flow": 1}), dict)
    item = payload(api.post("/cdn/urls", json={"urls": [f"https://www.demo-shop.com/{run}.js"]}), dict)["urls"][0]
    assert item["id"] in {i["id"] for i in payload(api.get("/cdn/urls"), list)}
    assert api.delete(f"/cdn/urls/{item['id']}").status_code == 204
    flush = {"domain": {"domain_id": busy["domainId"], "urls": [f"https://www.demo-shop.com/{run}.css"]}}
    payload(api.put("/cdn/cache_flush", json=flush), dict)
    query = {"domain_id": busy["domainId"], "type": "cache", "start_at": z(midnight(2)),
             "end_at": z(midnight(2) + timedelta(seconds=1))}  # fmt: skip
    assert len(payload(api.get("/cdn/request_log", params=query), list)) == RATE
    job = payload(api.put("/cdn/prefetch", json={"urls": [f"https://www.demo-shop.com/{run}.png"]}), dict)
    payload(api.get(f"/cdn/prefetch/{job['request_id']}"), dict)
    ticket = payload(api.post("/ticket", json={"summary": "Shapes", "description": "Checking shapes."}), dict)
    assert ticket["id"] in {t["id"] for t in payload(api.get("/ticket"), list)}
    assert ticket["id"] in {t["id"] for t in payload(api.get(f"/ticket/{api.user_id}/list"), list)}
    payload(api.get(f"/ticket/{ticket['id']}"), dict)
    payload(api.post(f"/ticket/reply/{ticket['id']}", json={"content": "More."}), dict)
    payload(api.get(f"/ticket/reply/{ticket['id']}"), list)
    payload(api.put(f"/ticket/{ticket['id']}", json={"status": "closed"}), dict)
    assert api.delete(path).status_code == 204


def test_it_answers_create_urls_with_one_object_that_holds_the_items(sdk_demo):
    run = uuid.uuid4().hex[:8]
    first = f"https://www.demo-shop.com/{run}/1.js"
    existing = payload(sdk_demo.post("/cdn/urls", json={"urls": [first]}), dict)
    assert set(existing) == {"urls"}
    sent = [f"https://www.demo-shop.com/{run}/2.js", first]
    answer = payload(sdk_demo.post("/cdn/urls", json={"urls": sent}), dict)
    assert [item["url"] for item in answer["urls"]] == sent
    assert answer["urls"][1] == existing["urls"][0]  # a URL the tenant has comes back as it is


def test_it_has_no_balance_call(sdk_demo, demo):
    path = f"/recharge/{sdk_demo.tenant_id}/cdn_flow"
    answer = sdk_demo.get(path)
    assert_error(answer, 405)
    assert answer.headers["Allow"] == "POST"
    recharged = payload(sdk_demo.post(path, json={"flow": 2}), dict)
    assert set(recharged) == {"project_id", "flow", "balance", "recharged_at"}
    assert set(demo.ok("GET", f"/recharge/{demo.tenant_id}/cdn_flow")) == {"project_id", "balance", "updated_at"}


def test_it_answers_the_flow_call_without_window_or_interval(sdk_demo, demo):
    day = midnight(3)
    params = {"start_at": z(day), "end_at": z(day + timedelta(days=1)), "interval": 3600}
    busy = sdk_demo.domain_named("www.demo-shop.com")
    points = payload(sdk_demo.get(f"/cdn/flow/{busy['domainId']}", params=params), list)
    times = [datetime.fromisoformat(p["time"]) for p in points]
    assert len(points) == 288  # the last 24 hours in 5 minutes, as for the SDK's call
    assert all(b - a == timedelta(minutes=5) for a, b in zip(times, times[1:], strict=False))
    assert times[-1] > datetime.now(UTC) - timedelta(minutes=15)
    default = demo.ok("GET", f"/cdn/flow/{demo.domain_named('www.demo-shop.com')['domainId']}", params=params)
    assert len(default) == 24  # the default profile's extension honours them


@pytest.mark.parametrize(("kind", "share"), [("cache", 1), ("origin", 5)])
def test_it_answers_a_request_log_window_as_one_list_without_paging(sdk_demo, kind, share):
    busy = sdk_demo.domain_named("www.demo-shop.com")
    start = midnight(4) + timedelta(hours=8)
    end = start + timedelta(minutes=10)
    # limit and marker are no parameters of the SDK's call: ignored, as any unknown parameter is.
    query = {"domain_id": busy["domainId"], "type": kind, "start_at": z(start), "end_at": z(end), "limit": "many",
             "marker": "!!!"}  # fmt: skip
    answer = sdk_demo.get("/cdn/request_log", params=query)
    entries = payload(answer, list)
    assert "Content-Length" not in answer.headers and answer.headers["Transfer-Encoding"] == "chunked"
    assert len(entries) == 600 * RATE // share
    assert all(set(entry) == ENTRY - {"seq"} and entry["type"] == kind for entry in entries)
    times = [entry["time"] for entry in entries]
    assert times == sorted(times) and z(start) <= times[0] and times[-1] < z(end)


def test_it_streams_a_busy_days_log_in_one_answer_without_holding_it(sdk_demo, sdk_sandbox):
    status = Path(f"/proc/{sdk_sandbox.process.pid}/status")
    if not status.exists():
        pytest.skip("needs /proc to read the sandbox's peak memory")
    peak_before = peak_kib(status)
    busy = sdk_demo.domain_named("www.demo-shop.com")
    query = {"domain_id": busy["domainId"], "start_at": z(midnight(2)), "end_at": z(midnight(1))}
    count = size = 0
    head, tail = b"", b""
    with sdk_demo.get("/cdn/request_log", params=query, stream=True, timeout=120) as answer:
        assert answer.status_code == 200 and answer.headers["Transfer-Encoding"] == "chunked"
        for chunk in answer.iter_content(1 << 16):
            head = (head + chunk)[:32] if len(head) < 32 else head
            size += len(chunk)
            window = tail + chunk
            count += window.count(b'{"time": ')
            tail = window[-8:]  # one byte short of the marker, so none is counted twice
    assert count == 86_400 * RATE  # exactly 1,296,000 entries
    assert head.startswith(b'{"cdn": [{"time": ') and tail.endswith(b"}]}")
    assert size > 400 * 2**20
    # The answer was over 400 MB; the sandbox's peak memory grew by a small fraction of it.
    assert peak_kib(status) - peak_before < 64 * 1024


def peak_kib(status: Path) -> int:
    line = next(ln for ln in status.read_text().splitlines() if ln.startswith("VmHWM:"))
    return int(line.split()[1])


def test_it_keeps_keystone_and_the_error_body(sdk_sandbox, sdk_demo):
    assert sdk_demo.access["token"]["tenant"]["name"] == "demo"
    assert {s["type"] for s in sdk_demo.access["serviceCatalog"]} == {"plcloud", "identity"}
    assert_error(sdk_demo.get("/cdn/domain/999999999"), 404)
    assert_error(sdk_demo.get("/cdn/request_log", params={"domain_id": "www"}), 400, "domain_id")
    assert_error(requests.get(f"{sdk_sandbox.base_url}/plcloud/pek-1/cdn/domain", timeout=5), 401)


def test_it_cuts_a_streamed_answer_short_when_told_to_answer_malformed(sdk_sandbox, sdk_demo):
    busy = sdk_demo.domain_named("www.demo-shop.com")
    query = {"domain_id": busy["domainId"], "start_at": z(midnight(2)), "end_at": z(midnight(1))}
    sdk_sandbox.set_faults(malformed_rate=1.0)
    try:
        answer = sdk_demo.get("/cdn/request_log", params=query)
    finally:
        sdk_sandbox.clear_faults()
    assert answer.status_code == 200 and answer.content.startswith(b'{"cdn": [{"time": ')
    assert len(answer.content) < 2**20  # half of the first block, not the day
    with pytest.raises(ValueError):
        answer.json()
