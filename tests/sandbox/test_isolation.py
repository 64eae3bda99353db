"""Tenants never see each other's objects: another tenant's object answers 404, never 403."""

from tests.sandbox.support import assert_error


def test_it_keeps_each_tenants_domain_list_to_itself(demo, team2):
    mine = {d["domainId"] for d in demo.ok("GET", "/cdn/domain")}
    theirs = {d["domainId"] for d in team2.ok("GET", "/cdn/domain")}
    assert mine and theirs and not mine & theirs
    assert {d["project_name"] for d in team2.ok("GET", "/cdn/domain")} == {"team2"}


def test_it_answers_404_to_team2_for_every_call_on_a_demo_domain(demo, team2):
    domain_id = demo.domain_named("www.demo-shop.com")["domainId"]
    calls = [
        ("GET", f"/cdn/domain/{domain_id}", None),
        ("PUT", f"/cdn/domain/{domain_id}", {"domain": {"enable": False}}),
        ("DELETE", f"/cdn/domain/{domain_id}", None),
        ("GET", f"/cdn/flow/{domain_id}", None),
        ("PUT", "/cdn/cache_flush", {"domain": {"domain_id": domain_id, "urls": ["https://www.demo-shop.com/a"]}}),
    ]
    for method, path, body in calls:
        assert_error(team2.call(method, path, json=body), 404)
    assert_error(team2.get("/cdn/request_log", params={"domain_id": domain_id}), 404)
    assert demo.ok("GET", f"/cdn/domain/{domain_id}")["enabled"] is True


def test_it_refuses_team2_a_prefetch_of_a_demo_host(team2):
    assert_error(
        team2.put("/cdn/prefetch", json={"urls": ["https://www.demo-shop.com/a.js"]}), 400, "www.demo-shop.com"
    )


def test_it_answers_404_to_team2_for_a_demo_prefetch_request(demo, team2):
    job = demo.ok("PUT", "/cdn/prefetch", json={"urls": ["https://www.demo-shop.com/isolation.js"]})
    assert_error(team2.get(f"/cdn/prefetch/{job['request_id']}"), 404)
    assert demo.ok("GET", f"/cdn/prefetch/{job['request_id']}")["total"] == 1


def test_it_answers_404_to_team2_for_demo_tickets_and_users(demo, team2):
    ticket = demo.ok("POST", "/ticket", json={"summary": "Private", "description": "demo only"})
    assert_error(team2.get(f"/ticket/{ticket['id']}"), 404)
    assert_error(team2.put(f"/ticket/{ticket['id']}", json={"status": "closed"}), 404)
    assert_error(team2.get(f"/ticket/reply/{ticket['id']}"), 404)
    assert_error(team2.post(f"/ticket/reply/{ticket['id']}", json={"content": "hello"}), 404)
    assert_error(team2.get(f"/ticket/{demo.user_id}/list"), 404)
    assert ticket["id"] not in {t["id"] for t in team2.ok("GET", "/ticket")}


def test_it_keeps_common_urls_per_tenant(demo, team2):
    url = "https://www.demo-shop.com/isolation/shared.css"
    mine = demo.ok("POST", "/cdn/urls", json={"urls": [url]})[0]
    theirs = team2.ok("POST", "/cdn/urls", json={"urls": [url]})[0]
    assert mine["id"] != theirs["id"]
    assert mine["id"] not in {item["id"] for item in team2.ok("GET", "/cdn/urls")}
    assert_error(team2.delete(f"/cdn/urls/{mine['id']}"), 404)
    assert mine in demo.ok("GET", "/cdn/urls")


def test_it_answers_404_to_a_recharge_of_another_project(demo, team2):
    assert_error(team2.post(f"/recharge/{demo.tenant_id}/cdn_flow", json={"flow": 10}), 404)
