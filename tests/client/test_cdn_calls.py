"""Every CDN call of the guide, round-tripped against the sandbox over HTTP."""

from datetime import UTC, datetime, timedelta

import pytest

from plcloud import NotFound, PlcloudError, ProtocolError, ValidationError
from plcloud.cdn import parse_domains
from tests.helpers import wait_for


def test_it_creates_a_domain_that_goes_online(client, fresh_name):
    created = client.cdn.create(fresh_name, ["114.114.114.114", "2400:3200::1"], ["hk", "ov"])
    assert created["domainName"] == fresh_name
    assert created["status"] == "configuring"
    assert created["cname"].startswith(fresh_name + ".")
    assert created["origin_ips"] == ["114.114.114.114", "2400:3200::1"]
    assert isinstance(created["domainId"], int)
    assert created["domainId"] in [d["domainId"] for d in client.cdn.list()]
    wait_for(lambda: client.cdn.get(created["domainId"])["status"] == "online", timeout=15)


def test_the_domain_list_kept_as_bytes_reads_back_the_same_and_anything_else_is_refused(client):
    kept = client.cdn.list_raw()
    assert isinstance(kept, bytes) and parse_domains(kept) == client.cdn.list()
    for damaged in (b"\xdb\x01garbage", b'{"cdn": []}', b"7", kept[:-1]):
        with pytest.raises(ProtocolError):
            parse_domains(damaged)


def test_the_guides_mainland_example_creates_a_domain_not_served_in_cn_until_it_has_an_icp_record(
    client, fresh_name, wire
):
    """The guide creates areas=['cn'] with icp_record=None: created, but not served in mainland China."""
    created = client.cdn.create(fresh_name, ["114.114.114.114"], ["cn"], icp_record=None)
    updated = client.cdn.update(created["domainId"], icp_record="京ICP备12345678号-1")
    if wire == "sdk":  # the SDK's seven fields: what is served is not in the answer
        assert created["areas"] == updated["areas"] == ["cn"]
        assert not {"icp_record", "unserved_areas"} & (created.keys() | updated.keys())
    else:
        assert (created["areas"], created.get("unserved_areas")) == (["cn"], ["cn"])
        assert (updated["icp_record"], updated.get("unserved_areas")) == ("京ICP备12345678号-1", [])


def test_it_updates_origins_areas_and_enabled(client, online_domain, wire):
    domain_id = online_domain["domainId"]
    updated = client.cdn.update(domain_id, origin_ips=["115.115.115.115"], areas=["ov"])
    assert (updated["origin_ips"], updated["areas"], updated["status"]) == (["115.115.115.115"], ["ov"], "configuring")
    client.cdn.update(domain_id, enable=False)
    wait_for(lambda: client.cdn.get(domain_id)["status"] == "offline", timeout=15)
    # "enabled" is the default profile's own field; the sdk profile shows the status alone.
    assert client.cdn.get(domain_id).get("enabled", "absent") is (False if wire == "default" else "absent")


def test_it_deletes_a_domain(client, online_domain):
    client.cdn.delete(online_domain["domainId"])
    with pytest.raises(NotFound):
        client.cdn.get(online_domain["domainId"])


def test_it_reads_a_stable_flow_series(client, wire):
    busy = next(d for d in client.cdn.list() if d["domainName"] == "www.demo-shop.com")
    first = client.cdn.flow(busy["domainId"])
    assert len(first) == 288
    assert all(point["flow"] >= 0 and "time" in point for point in first)
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    hourly = client.cdn.flow(busy["domainId"], start_at=day, end_at=day + timedelta(days=1), interval=3600)
    # The window and interval are the default profile's own; the sdk profile answers the last day.
    assert len(hourly) == (24 if wire == "default" else 288)
    assert hourly == client.cdn.flow(busy["domainId"], start_at=day, end_at=day + timedelta(days=1), interval=3600)


def test_it_recharges_the_balance(client, wire):
    before = client.cdn.recharge(1)["balance"]
    answer = client.cdn.recharge(25)
    assert answer["flow"] == 25
    assert answer["balance"] == before + 25
    if wire == "default":
        assert client.cdn.balance()["balance"] == before + 25
    else:  # the balance read is the default profile's own
        with pytest.raises(PlcloudError) as refused:
            client.cdn.balance()
        assert refused.value.status_code == 405


def test_it_refuses_a_recharge_that_is_not_a_positive_whole_number(client):
    with pytest.raises(ValidationError):
        client.cdn.recharge(0)


def test_it_manages_common_urls(client, online_domain):
    name = online_domain["domainName"]
    urls = [f"http://{name}/static/{n}.js" for n in range(1000)]
    created = client.cdn.create_urls(urls)
    assert [item["url"] for item in created] == urls
    listed = {item["url"]: item["id"] for item in client.cdn.list_urls()}
    assert set(urls) <= set(listed)
    client.cdn.delete_urls(created[0]["id"])
    assert created[0]["id"] not in {item["id"] for item in client.cdn.list_urls()}
    with pytest.raises(NotFound):
        client.cdn.delete_urls(created[0]["id"])


def test_it_flushes_urls_and_directories_of_a_domain(client, online_domain):
    name = online_domain["domainName"]
    answer = client.cdn.cache_flush(
        online_domain["domainId"], urls=[f"http://{name}/a.js"], dirs=[f"http://{name}/img/"]
    )
    assert (answer["urls"], answer["dirs"]) == (1, 1)
    assert answer["flush_id"].startswith("fl-")
    with pytest.raises(ValidationError):
        client.cdn.cache_flush(online_domain["domainId"], urls=["http://not-ours.example.org/a.js"])


def test_it_prefetches_and_follows_progress_to_the_end(client, online_domain):
    name = online_domain["domainName"]
    job = client.cdn.prefetch([f"http://{name}/app.js", f"http://{name}/missing-404.js"])
    request_id = job["request_id"]
    wait_for(lambda: client.cdn.prefetch_query(request_id)["status"] != "running", timeout=20)
    final = client.cdn.prefetch_query(request_id)
    states = {item["url"]: item["status"] for item in final["urls"]}
    assert states[f"http://{name}/missing-404.js"] == "failed"
    assert final["progress"] == 100
    assert final["failed"] >= 1


def test_it_refuses_prefetch_of_a_host_that_is_not_ours(client):
    with pytest.raises(ValidationError) as caught:
        client.cdn.prefetch(["http://not-ours.example.org/a.js"])
    assert "not-ours.example.org" in caught.value.message


def test_it_reads_the_first_log_page_like_the_sdk_and_pages_on(client, wire):
    busy = next(d for d in client.cdn.list() if d["domainName"] == "www.demo-shop.com")
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    end = start + timedelta(minutes=30)
    first = client.cdn.request_log(busy["domainId"], "cache", start, end)
    # The SDK's call reads one answer: the sandbox's first page of 1,000, or, as the SDK's service
    # answers, the whole window.
    assert len(first) == (1000 if wire == "default" else 30 * 60 * 15)
    assert all(start <= datetime.fromisoformat(e["time"]) < end for e in first)
    pages = list(client.cdn.iter_request_log(busy["domainId"], "cache", start, end, page_size=10_000))
    entries = [e for page in pages for e in page]
    assert entries[: len(first)] == first
    assert len(entries) == 30 * 60 * 15
    assert len({tuple(sorted(e.items())) for e in entries}) == len(entries)  # each entry once
