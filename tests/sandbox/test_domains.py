"""CDN domains: the object, its life cycle, and every input rule of the contract."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import wait_for
from tests.sandbox.support import assert_error

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
# WIRE.md's fields; an administrator also sees the project.
SDK_FIELDS = {"domainId", "domainName", "cname", "areas", "origin_ips", "serviceType", "status"}
PROJECT_FIELDS = {"project_id", "project_name"}
# The default profile adds the sandbox's own.
FIELDS = SDK_FIELDS | PROJECT_FIELDS | {"enabled", "icp_record", "unserved_areas", "created_at", "updated_at"}
# The vendor guide's own create example, as its SDK sends it.
GUIDE_CREATE = {"origin_ips": ["114.114.114.114"], "areas": ["cn"], "type": "web", "icp_record": None}


def create(api, name, **fields):
    body = {"domain": name, "origin_ips": ["114.114.114.114"], "areas": ["hk"], **fields}
    return api.post("/cdn/domain", json={"domain": body})


def test_it_lists_the_seeded_domains_oldest_first(demo):
    domains = demo.ok("GET", "/cdn/domain")
    names = [d["domainName"] for d in domains]
    assert names[:4] == ["www.demo-shop.com", "static.demo-shop.cn", "download.demo-shop.com", "video.demo-shop.com"]
    assert domains[0]["domainId"] == 206813
    assert all(set(d) == FIELDS for d in domains)
    by_name = {d["domainName"]: d for d in domains}
    assert by_name["static.demo-shop.cn"]["icp_record"] and "cn" in by_name["static.demo-shop.cn"]["areas"]
    assert (by_name["video.demo-shop.com"]["status"], by_name["video.demo-shop.com"]["enabled"]) == ("offline", False)
    assert by_name["www.demo-shop.com"]["status"] == "online"


def test_it_creates_a_domain_that_is_configuring_then_online(demo, fresh_name):
    answer = create(demo, fresh_name, origin_ips=["114.114.114.114", "2400:3200::1"], areas=["hk", "ov"])
    assert answer.status_code == 200
    domain = answer.json()["cdn"]
    assert set(domain) == FIELDS
    assert domain["domainName"] == fresh_name
    assert domain["cname"] == f"{fresh_name}.cdn.plcloud-sandbox.net"
    assert (domain["status"], domain["enabled"], domain["serviceType"]) == ("configuring", True, "web")
    assert domain["origin_ips"] == ["114.114.114.114", "2400:3200::1"]
    assert domain["areas"] == ["hk", "ov"] and domain["icp_record"] is None and domain["unserved_areas"] == []
    assert ISO_Z.match(domain["created_at"]) and ISO_Z.match(domain["updated_at"])
    assert (domain["project_id"], domain["project_name"]) == (demo.tenant_id, "demo")
    assert isinstance(domain["domainId"], int) and domain["domainId"] > 206813
    path = f"/cdn/domain/{domain['domainId']}"
    wait_for(lambda: demo.ok("GET", path)["status"] == "online", timeout=5)
    assert demo.ok("GET", "/cdn/domain")[-1]["domainId"] == domain["domainId"]


def test_it_updates_a_domain_and_takes_it_offline(demo, fresh_name):
    domain_id = create(demo, fresh_name).json()["cdn"]["domainId"]
    path = f"/cdn/domain/{domain_id}"
    changed = demo.ok("PUT", path, json={"domain": {"origin_ips": ["115.115.115.115"], "areas": ["ov", "hk"]}})
    assert (changed["origin_ips"], changed["areas"], changed["status"]) == (
        ["115.115.115.115"],
        ["ov", "hk"],
        "configuring",
    )
    disabled = demo.ok("PUT", path, json={"domain": {"enable": False}})
    assert (disabled["status"], disabled["enabled"]) == ("configuring", False)
    wait_for(lambda: demo.ok("GET", path)["status"] == "offline", timeout=5)
    demo.ok("PUT", path, json={"domain": {"enable": True}})
    wait_for(lambda: demo.ok("GET", path)["status"] == "online", timeout=5)


def test_it_serves_mainland_china_only_while_the_domain_has_an_icp_record(demo, fresh_name):
    path = f"/cdn/domain/{create(demo, fresh_name).json()['cdn']['domainId']}"
    added = demo.ok("PUT", path, json={"domain": {"areas": ["cn", "hk"]}})
    assert (added["areas"], added["unserved_areas"]) == (["cn", "hk"], ["cn"])
    changed = demo.ok("PUT", path, json={"domain": {"icp_record": "沪ICP备1234567号"}})
    assert (changed["icp_record"], changed["unserved_areas"]) == ("沪ICP备1234567号", [])
    # The record on the domain covers later changes; taking it away stops cn again.
    assert demo.ok("PUT", path, json={"domain": {"areas": ["cn"]}})["unserved_areas"] == []
    removed = demo.ok("PUT", path, json={"domain": {"icp_record": None}})
    assert (removed["icp_record"], removed["areas"], removed["unserved_areas"]) == (None, ["cn"], ["cn"])


def test_it_creates_the_guides_mainland_domain_without_an_icp_record(profile, fresh_name):
    answer = profile.demo.post("/cdn/domain", json={"domain": {"domain": fresh_name, **GUIDE_CREATE}})
    assert answer.status_code == 200, answer.text
    domain = answer.json()["cdn"]
    assert (domain["domainName"], domain["areas"], domain["status"]) == (fresh_name, ["cn"], "configuring")
    path = f"/cdn/domain/{domain['domainId']}"
    # It is configured like any other domain: the status does not say that cn is not served...
    online = wait_for(lambda: (d := profile.demo.ok("GET", path))["status"] == "online" and d, timeout=5)
    if profile.name == "sdk":
        assert set(online) == SDK_FIELDS | PROJECT_FIELDS
    else:  # ...the default profile's own field does.
        assert (online["icp_record"], online["unserved_areas"]) == (None, ["cn"])


def test_it_logs_no_request_for_a_domain_that_serves_no_area(demo, fresh_name):
    unregistered = demo.ok("POST", "/cdn/domain", json={"domain": {"domain": fresh_name, **GUIDE_CREATE}})
    served = create(demo, "hk-" + fresh_name).json()["cdn"]

    def entries(domain: dict) -> list:
        now = datetime.now(UTC)
        query = {"domain_id": domain["domainId"], "start_at": (now - timedelta(minutes=1)).isoformat(),
                 "end_at": now.isoformat()}  # fmt: skip
        return demo.ok("GET", "/cdn/request_log", params=query)

    wait_for(lambda: entries(served), timeout=15, message="the hk domain logged nothing")
    assert entries(unregistered) == []
    demo.ok("PUT", f"/cdn/domain/{unregistered['domainId']}", json={"domain": {"icp_record": "京ICP备12345678号"}})
    wait_for(lambda: entries(unregistered), timeout=15, message="cn was not served once the ICP record was set")


def test_it_deletes_a_domain_and_frees_its_name(demo, fresh_name):
    domain_id = create(demo, fresh_name).json()["cdn"]["domainId"]
    answer = demo.delete(f"/cdn/domain/{domain_id}")
    assert (answer.status_code, answer.content) == (204, b"")
    assert_error(demo.get(f"/cdn/domain/{domain_id}"), 404)
    assert_error(demo.delete(f"/cdn/domain/{domain_id}"), 404)
    again = create(demo, fresh_name).json()["cdn"]
    assert again["domainId"] > domain_id  # ids are never reused


def test_it_refuses_a_name_that_exists_on_the_platform_with_409(demo, team2, fresh_name):
    assert create(demo, fresh_name).status_code == 200
    assert_error(create(demo, fresh_name), 409, fresh_name)
    assert_error(create(demo, fresh_name.upper()), 409)
    assert_error(create(team2, "www.team2-example.net"), 409)
    assert_error(create(team2, fresh_name), 409)


def test_it_stores_a_name_in_lower_case_and_takes_an_idn_in_xn_form(demo, fresh_name):
    assert create(demo, fresh_name.upper()).json()["cdn"]["domainName"] == fresh_name
    for label in ("xn--bcher-kva", "xn--strae-oqa"):  # bücher; straße, which IDNA 2003 would map to strasse
        idn = f"{label}.{fresh_name}"
        assert create(demo, idn).json()["cdn"]["domainName"] == idn


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("localhost", "two labels"),
        ("a.example.com", "2 to 63"),
        ("www." + "a" * 64 + ".com", "2 to 63"),
        (".".join(["abcdefghi"] * 26), "253"),
        ("-bad.example.com", "hyphen"),
        ("bad-.example.com", "hyphen"),
        ("ex_ample.com", "'_'"),
        ("www..example.com", "empty label"),
        ("www.example.com.", "empty label"),
        ("www.example.123", "digits"),
        ("114.114.114.114", "IP address"),
        ("[2400:3200::1]", "IP address"),
        ("2400:3200::1", "IP address"),
        ("*.example.com", "wildcard"),
        ("www.example.com:8080", "port"),
        ("http://www.example.com", "scheme"),
        ("www.example.com/path", "path"),
        ("bücher.example.com", "xn--bcher-kva.example.com"),
        ("例子.测试", "xn--"),
        ("xn--0.example.com", "IDNA"),
        ("xn--abc.example.com", "IDNA"),
        ("www example.com", "' '"),
        ("", "required"),
    ],
)
def test_it_refuses_a_domain_name_that_breaks_a_rule(demo, name, fragment):
    assert_error(create(demo, name), 400, "domain", fragment)


@pytest.mark.parametrize("name", [None, 7, ["www.example.com"], {"name": "x"}])
def test_it_refuses_a_domain_name_that_is_not_a_string(demo, name):
    assert_error(create(demo, name), 400, "domain")


@pytest.mark.parametrize(
    ("ips", "fragment"),
    [
        (["300.1.1.1"], "origin_ips: '300.1.1.1' is not an IPv4 or IPv6 address"),
        (["example.com"], "not an IPv4 or IPv6"),
        (["010.1.1.1"], "not an IPv4 or IPv6"),
        (["10.0.0.1"], "private"),
        (["192.168.1.10"], "private"),
        (["172.16.5.4"], "private"),
        (["fd00::1"], "private"),
        (["127.0.0.1"], "loopback"),
        (["::1"], "loopback"),
        (["169.254.10.1"], "link-local"),
        (["fe80::1"], "link-local"),
        (["224.0.0.1"], "multicast"),
        (["ff02::1"], "multicast"),
        (["192.0.2.10"], "documentation"),
        (["198.51.100.7"], "documentation"),
        (["203.0.113.9"], "documentation"),
        (["2001:db8::1"], "documentation"),
        (["240.0.0.1"], "reserved"),
        (["0.0.0.0"], "unspecified"),  # noqa: S104 - an origin being refused, not an address bound
        (["100.64.0.1"], "global"),
        (["::ffff:114.114.114.114"], "IPv4"),
        (["114.114.114.114", "114.114.114.114"], "twice"),
        (["2400:3200::1", "2400:3200:0:0:0:0:0:1"], "twice"),
        ([], "1 to 10"),
        ([f"114.114.114.{n}" for n in range(1, 12)], "1 to 10"),
        ("114.114.114.114", "1 to 10"),
        ([114], "not an IPv4"),
    ],
)
def test_it_refuses_origin_ips_that_break_a_rule(demo, fresh_name, ips, fragment):
    assert_error(create(demo, fresh_name, origin_ips=ips), 400, "origin_ips", fragment)


def test_it_takes_ten_origins_and_shows_ipv6_in_canonical_form(demo, fresh_name):
    ips = [f"114.114.114.{n}" for n in range(1, 10)] + ["2400:3200:0:0:0:0:0:1"]
    domain = create(demo, fresh_name, origin_ips=ips).json()["cdn"]
    assert domain["origin_ips"] == ips[:9] + ["2400:3200::1"]


@pytest.mark.parametrize(
    ("areas", "fragment"),
    [
        ([], "1 to 3"),
        (["us"], "'us' is not one of cn, hk, ov"),
        (["HK"], "not one of"),
        (["hk", "hk"], "twice"),
        (["hk", "ov", "cn", "hk"], "1 to 3"),
        ("hk", "1 to 3"),
        (None, "1 to 3"),
    ],
)
def test_it_refuses_areas_that_break_a_rule(demo, fresh_name, areas, fragment):
    assert_error(create(demo, fresh_name, areas=areas), 400, "areas", fragment)


def test_it_takes_every_service_type_and_defaults_to_web(demo):
    for kind in ("web", "download", "media"):
        name = f"{kind}-{uuid.uuid4().hex[:8]}.type-test.com"
        assert create(demo, name, type=kind).json()["cdn"]["serviceType"] == kind
    assert_error(create(demo, "x1.type-test.com", type="cdn"), 400, "type", "web, download, media")


@pytest.mark.parametrize(
    ("icp", "fragment"),
    [
        ("", "ICP record"),
        ("ICP12345678", "ICP record"),
        ("京ICP备12345号", "ICP record"),
        ("京ICP备12345678901号", "ICP record"),
        ("京ICP证12345678号", "ICP record"),
        ("BJICP备12345678号", "ICP record"),
        ("京ICP备12345678号-", "ICP record"),
        (12345678, "ICP record"),
    ],
)
def test_it_refuses_an_icp_record_that_is_not_valid(demo, fresh_name, icp, fragment):
    assert_error(create(demo, fresh_name, areas=["cn"], icp_record=icp), 400, "icp_record", fragment)


@pytest.mark.parametrize(
    "icp", ["京ICP备12345678号", "京ICP备12345678号-1", "粤ICP备123456号-12", "沪ICP备1234567890号"]
)
def test_it_takes_an_icp_record_in_the_official_format(demo, fresh_name, icp):
    assert create(demo, fresh_name, areas=["cn", "hk"], icp_record=icp).json()["cdn"]["icp_record"] == icp


@pytest.mark.parametrize(
    "body",
    [
        {"domain": {"domain": "x1.keys-test.com", "origin_ips": ["114.114.114.114"], "areas": ["hk"], "cname": "x"}},
        {"domain": {"origin_ips": ["114.114.114.114"], "areas": ["hk"]}},
        {"domain": {"domain": "x2.keys-test.com", "areas": ["hk"]}},
        {"domain": {"domain": "x3.keys-test.com", "origin_ips": ["114.114.114.114"]}},
        {"domain": "x4.keys-test.com"},
        {"name": {"domain": "x5.keys-test.com"}},
        {"domain": {"domain": "x6.keys-test.com", "origin_ips": ["114.114.114.114"], "areas": ["hk"]}, "extra": 1},
        [],
    ],
)
def test_it_refuses_a_create_body_of_the_wrong_shape(demo, body):
    assert_error(demo.post("/cdn/domain", json=body), 400)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({}, "at least one"),
        ({"type": "download"}, "ignored: 'type'"),
        ({"domain": "other.example.com", "enabled": False}, "ignored: 'domain', 'enabled'"),
        ({"enable": "false"}, "true or false"),
        ({"enable": 0}, "true or false"),
        ({"origin_ips": ["10.1.1.1"]}, "private"),
        ({"areas": ["xx"]}, "not one of"),
        ({"icp_record": "nonsense"}, "ICP record"),
    ],
)
def test_it_refuses_an_update_that_breaks_a_rule(demo, change, fragment):
    www = demo.domain_named("www.demo-shop.com")
    assert_error(demo.put(f"/cdn/domain/{www['domainId']}", json={"domain": change}), 400, fragment)


def test_it_applies_the_keys_it_knows_and_ignores_the_rest(profile, fresh_name):
    domain = profile.demo.ok("POST", "/cdn/domain", json={"domain": {"domain": fresh_name, **GUIDE_CREATE}})
    path = f"/cdn/domain/{domain['domainId']}"
    change = {"origin_ips": ["115.115.115.115"], "enable": False, "type": "download", "colour": "red"}
    changed = profile.demo.ok("PUT", path, json={"domain": change})
    assert (changed["origin_ips"], changed["serviceType"], changed["status"]) == (
        ["115.115.115.115"],
        "web",
        "configuring",
    )
    wait_for(lambda: profile.demo.ok("GET", path)["status"] == "offline", timeout=5)
    # The SDK's own test sends enable alone.
    profile.demo.ok("PUT", path, json={"domain": {"enable": True}})
    wait_for(lambda: profile.demo.ok("GET", path)["status"] == "online", timeout=5)


def test_it_shows_the_project_to_an_administrator_only(profile):
    admin, member = profile.demo.ok("GET", "/cdn/domain"), profile.alice.ok("GET", "/cdn/domain")
    assert [d["domainId"] for d in admin] == [d["domainId"] for d in member]
    assert all(d["project_id"] == profile.demo.tenant_id and d["project_name"] == "demo" for d in admin)
    assert not any(PROJECT_FIELDS & set(d) for d in member)
    one = profile.alice.ok("GET", f"/cdn/domain/{member[0]['domainId']}")
    assert set(one) == (SDK_FIELDS if profile.name == "sdk" else FIELDS - PROJECT_FIELDS)


def test_it_answers_404_for_a_domain_id_that_is_not_there(demo):
    for domain_id in ("999999999", "abc", "-1", "206813.0"):
        assert_error(demo.get(f"/cdn/domain/{domain_id}"), 404)
        assert_error(demo.put(f"/cdn/domain/{domain_id}", json={"domain": {"enable": True}}), 404)
