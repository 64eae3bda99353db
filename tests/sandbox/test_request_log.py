"""Request logs: generated entries, paged by marker, as cheap at the end of a window as at its start."""

import ipaddress
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.sandbox.support import assert_error

RATE = 15  # www.demo-shop.com's entries a second
ENTRY = {
    "time", "client_ip", "method", "url", "status", "bytes", "cache", "response_ms", "referer", "user_agent",
    "type", "seq",
}  # fmt: skip
MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def z(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def midnight(days_ago: int) -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days_ago)


@pytest.fixture(scope="module")
def busy(demo):
    return demo.domain_named("www.demo-shop.com")


def page(api, domain_id, start, end, **extra):
    params = {"domain_id": domain_id, "type": "cache", "start_at": z(start), "end_at": z(end), **extra}
    answer = api.get("/cdn/request_log", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def next_href(document) -> str | None:
    return next((link["href"] for link in document.get("cdn_links", []) if link["rel"] == "next"), None)


def test_it_answers_the_sdk_call_with_a_first_page_of_1000(demo, busy, sandbox):
    start = midnight(3) + timedelta(hours=9)
    end = start + timedelta(minutes=30)
    document = page(demo, busy["domainId"], start, end)
    entries = document["cdn"]
    assert len(entries) == 1000
    for entry in entries:
        assert set(entry) == ENTRY
        assert MS_Z.match(entry["time"]) and z(start) <= entry["time"] < z(end)
        assert entry["type"] == "cache" and entry["url"].startswith("https://www.demo-shop.com/")
        assert entry["method"] in ("GET", "HEAD") and entry["cache"] in ("HIT", "MISS", "EXPIRED")
        assert isinstance(entry["status"], int) and entry["bytes"] >= 0 and entry["response_ms"] >= 0
    assert [e["time"] for e in entries] == sorted(e["time"] for e in entries)
    seqs = [e["seq"] for e in entries]
    assert seqs == list(range(seqs[0], seqs[0] + 1000))
    href = next_href(document)
    assert href.startswith(demo.endpoint + "/cdn/request_log?")
    query = parse_qs(urlsplit(href).query)
    assert {k: v for k, v in query.items() if k != "marker"} == {
        "domain_id": [str(busy["domainId"])], "type": ["cache"], "start_at": [z(start)], "end_at": [z(end)],
    }  # fmt: skip
    assert query["marker"][0]


def test_it_pages_on_by_following_next_and_by_sending_the_marker(demo, busy):
    start = midnight(3) + timedelta(hours=10)
    end = start + timedelta(minutes=5)
    first = page(demo, busy["domainId"], start, end)
    followed = demo.session.get(next_href(first), timeout=10).json()
    marker = parse_qs(urlsplit(next_href(first)).query)["marker"][0]
    sent = page(demo, busy["domainId"], start, end, marker=marker)
    assert followed == sent
    assert followed["cdn"][0]["seq"] == first["cdn"][-1]["seq"] + 1


def test_it_ends_a_window_with_a_page_without_next(demo, busy):
    start = midnight(4) + timedelta(hours=3)
    end = start + timedelta(seconds=10)
    first = page(demo, busy["domainId"], start, end, limit=100)
    second = demo.session.get(next_href(first), timeout=10).json()
    assert len(first["cdn"]) == 100
    assert len(second["cdn"]) == 10 * RATE - 100  # exactly RATE entries in every whole second
    assert next_href(second) is None
    whole = page(demo, busy["domainId"], start, end, limit=10_000)
    assert whole["cdn"] == first["cdn"] + second["cdn"] and next_href(whole) is None


def test_it_counts_over_a_million_entries_in_a_busy_day_without_reading_them_all(demo, busy):
    start, end = midnight(2), midnight(1)
    started = time.monotonic()
    first = page(demo, busy["domainId"], start, end, limit=10_000)
    first_page_seconds = time.monotonic() - started
    seqs = [e["seq"] for e in first["cdn"]]
    assert seqs == list(range(seqs[0], seqs[0] + 10_000))
    assert next_href(first)
    # A marker near the end of the day, taken from a query of the day's last two seconds...
    tail = page(demo, busy["domainId"], end - timedelta(seconds=2), end, limit=5)
    marker = parse_qs(urlsplit(next_href(tail)).query)["marker"][0]
    # ...continues the whole day's query from there, to its end.
    started = time.monotonic()
    last = page(demo, busy["domainId"], start, end, limit=10_000, marker=marker)
    far_page_seconds = time.monotonic() - started
    assert next_href(last) is None
    assert last["cdn"][0]["seq"] == tail["cdn"][-1]["seq"] + 1
    assert last["cdn"][-1]["time"] < z(end)
    count = last["cdn"][-1]["seq"] - seqs[0] + 1
    assert count > 1_000_000
    assert count == 86_400 * RATE
    # O(limit), not O(offset): a page at the far end costs no more than the first one.
    assert first_page_seconds < 2 and far_page_seconds < 2


def is_global_ip(text: str) -> bool:
    try:
        return ipaddress.ip_address(text).is_global
    except ValueError:
        return False


@pytest.mark.parametrize(("kind", "share"), [("cache", 1), ("origin", 5)])
def test_it_logs_every_client_as_a_valid_ip_address(profile, kind, share):
    busy = profile.demo.domain_named("www.demo-shop.com")
    start = midnight(8) + timedelta(hours=14)
    query = {"domain_id": busy["domainId"], "type": kind, "start_at": z(start),
             "end_at": z(start + timedelta(minutes=10)), "limit": 10_000}  # fmt: skip
    entries = profile.demo.ok("GET", "/cdn/request_log", params=query)
    assert len(entries) == 600 * RATE // share
    assert [e["client_ip"] for e in entries if not is_global_ip(e["client_ip"])] == []
    assert len({e["client_ip"] for e in entries}) > 100  # spread over many visitors or edge nodes


def test_it_answers_the_same_entries_for_the_same_query(demo, busy):
    start = midnight(5) + timedelta(hours=20)
    params = {"limit": 50}
    assert page(demo, busy["domainId"], start, start + timedelta(hours=1), **params) == page(
        demo, busy["domainId"], start, start + timedelta(hours=1), **params
    )


def test_it_logs_about_one_origin_request_in_five(demo, busy):
    start = midnight(6) + timedelta(hours=12)
    end = start + timedelta(minutes=1)
    cache = page(demo, busy["domainId"], start, end, limit=10_000)["cdn"]
    origin = page(demo, busy["domainId"], start, end, type="origin", limit=10_000)["cdn"]
    assert (len(cache), len(origin)) == (60 * RATE, 60 * RATE // 5)
    assert {e["type"] for e in origin} == {"origin"} and {e["cache"] for e in origin} == {"MISS"}


def test_it_has_no_entries_yet_for_the_future(demo, busy):
    now = datetime.now(UTC)
    document = page(demo, busy["domainId"], now - timedelta(seconds=5), now + timedelta(hours=1), limit=10_000)
    assert 0 < len(document["cdn"]) <= 6 * RATE + 1
    assert next_href(document) is None
    assert page(demo, busy["domainId"], now + timedelta(hours=1), now + timedelta(hours=2))["cdn"] == []


def test_it_has_no_entries_before_the_domain_was_created(demo, fresh_name):
    domain = demo.create_domain(fresh_name)
    now = datetime.now(UTC)
    assert page(demo, domain["domainId"], now - timedelta(days=2), now - timedelta(days=1))["cdn"] == []


def test_it_reads_a_quiet_domain_and_a_defaulted_window(demo):
    quiet = demo.domain_named("download.demo-shop.com")
    answer = demo.get("/cdn/request_log", params={"domain_id": quiet["domainId"]})
    assert answer.status_code == 200
    entries = answer.json()["cdn"]
    assert len(entries) == 1000  # half an entry a second: 43,200 in the default 24 hours
    query = parse_qs(urlsplit(next_href(answer.json())).query)
    assert "start_at" in query and "end_at" in query  # written out, so the window stays put while paging


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 10_001}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"type": "edge"}, "type"),
        ({"end_at": "2026-09-01T00:00:00Z", "start_at": "2026-10-02T00:00:00Z"}, "before"),
        ({"start_at": "2026-09-01T00:00:00Z", "end_at": "2026-10-02T00:00:01Z"}, "31 days"),
        ({"start_at": "soon"}, "ISO 8601"),
        ({"marker": "!!!"}, "marker"),
        ({"marker": "bm90LWEtbWFya2Vy"}, "marker"),
    ],
)
def test_it_refuses_a_query_that_breaks_a_rule(demo, busy, params, fragment):
    query = {"domain_id": busy["domainId"], "start_at": "2026-10-01T00:00:00Z", "end_at": "2026-10-01T01:00:00Z"}
    assert_error(demo.get("/cdn/request_log", params={**query, **params}), 400, fragment)


def test_it_refuses_a_marker_of_another_domain_type_or_an_earlier_window(demo, busy):
    start = midnight(3)
    end = start + timedelta(minutes=1)
    marker = parse_qs(urlsplit(next_href(page(demo, busy["domainId"], start, end, limit=10))).query)["marker"][0]
    other = demo.domain_named("static.demo-shop.cn")["domainId"]
    for domain_id, kind in ((other, "cache"), (busy["domainId"], "origin")):
        params = {"domain_id": domain_id, "type": kind, "start_at": z(start), "end_at": z(end), "marker": marker}
        assert_error(demo.get("/cdn/request_log", params=params), 400, "marker")
    later = {"domain_id": busy["domainId"], "start_at": z(end), "end_at": z(end + timedelta(minutes=1))}
    assert_error(demo.get("/cdn/request_log", params={**later, "marker": marker}), 400, "marker")


def test_it_needs_a_domain_of_the_tenant(demo, team2, busy):
    assert_error(demo.get("/cdn/request_log"), 400, "domain_id")
    assert_error(demo.get("/cdn/request_log", params={"domain_id": "www"}), 400, "domain_id")
    assert_error(demo.get("/cdn/request_log", params={"domain_id": 999_999_999}), 404)
    assert_error(team2.get("/cdn/request_log", params={"domain_id": busy["domainId"]}), 404)


def test_it_serves_10000_entry_pages_quickly(demo, busy):
    start = midnight(7)
    entries = 0
    started = time.monotonic()
    session = requests.Session()
    session.headers["X-Auth-Token"] = demo.token
    document = page(demo, busy["domainId"], start, start + timedelta(hours=2), limit=10_000)
    for _ in range(5):
        entries += len(document["cdn"])
        document = session.get(next_href(document), timeout=10).json()
    elapsed = time.monotonic() - started
    assert entries == 50_000
    assert elapsed < 5, f"{entries / elapsed:.0f} entries/s"
