"""Keystone v2.0: the version document, tokens, tenants, the catalog, and 401 everywhere it is due."""

import re
from datetime import datetime

import pytest
import requests

from tests.helpers import wait_for
from tests.sandbox.support import Api, assert_error, token_request

REGIONS = ["BeiJing-1(PEK-1)", "ShenZhen-1(SZX-1)", "GuangDong-1(GD-1)"]
SLUGS = ["pek-1", "szx-1", "gd-1"]
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


@pytest.mark.parametrize("path", ["/v2.0/", "/v2.0"])
def test_it_answers_the_version_document_without_a_token(sandbox, path):
    answer = requests.get(sandbox.base_url + path, timeout=5)
    assert answer.status_code == 200
    version = answer.json()["version"]
    assert (version["id"], version["status"]) == ("v2.0", "stable")
    assert {"rel": "self", "href": f"{sandbox.auth_url}/"} in version["links"]


def test_it_issues_a_token_in_the_keystone_shape(sandbox):
    answer = requests.post(f"{sandbox.auth_url}/tokens", json=token_request("demo", "secreetword", "demo"), timeout=5)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    access = answer.json()["access"]
    token = access["token"]
    assert re.fullmatch(r"[0-9a-f]{32}", token["id"])
    assert ISO_Z.match(token["issued_at"]) and ISO_Z.match(token["expires"])
    assert (parse(token["expires"]) - parse(token["issued_at"])).total_seconds() == 3600
    tenant = token["tenant"]
    assert (tenant["name"], tenant["enabled"]) == ("demo", True)
    assert re.fullmatch(r"[0-9a-f]{32}", tenant["id"]) and isinstance(tenant["description"], str)
    user = access["user"]
    assert (user["name"], user["username"], user["roles"]) == ("demo", "demo", [{"name": "admin"}])
    assert access["metadata"]["is_admin"] == 0 and len(access["metadata"]["roles"]) == 1


def test_it_lists_both_services_in_every_region_in_the_catalog(sandbox):
    access = Api(sandbox.auth_url, "demo", "secreetword", "demo").access
    services = {(s["type"], s["name"]): s["endpoints"] for s in access["serviceCatalog"]}
    assert set(services) == {("plcloud", "plcloud"), ("identity", "keystone")}
    plcloud = services[("plcloud", "plcloud")]
    assert [e["region"] for e in plcloud] == REGIONS
    for endpoint, slug in zip(plcloud, SLUGS, strict=True):
        url = f"{sandbox.base_url}/plcloud/{slug}"
        assert (endpoint["publicURL"], endpoint["internalURL"], endpoint["adminURL"]) == (url, url, url)
        assert endpoint["id"]
    assert [e["publicURL"] for e in services[("identity", "keystone")]] == [sandbox.auth_url] * 3


def test_it_builds_the_catalog_from_the_host_the_client_used(sandbox):
    answer = requests.post(
        f"{sandbox.auth_url}/tokens",
        json=token_request("demo", "secreetword", "demo"),
        headers={"Host": "sandbox.internal:8080"},
        timeout=5,
    )
    plcloud = answer.json()["access"]["serviceCatalog"][0]
    assert plcloud["endpoints"][0]["publicURL"] == "http://sandbox.internal:8080/plcloud/pek-1"


def test_it_takes_a_tenant_id_in_place_of_the_name(sandbox, demo):
    body = {
        "auth": {"passwordCredentials": {"username": "demo", "password": "secreetword"}, "tenantId": demo.tenant_id}
    }
    answer = requests.post(f"{sandbox.auth_url}/tokens", json=body, timeout=5)
    assert answer.status_code == 200
    assert answer.json()["access"]["token"]["tenant"]["name"] == "demo"


def test_it_rescopes_a_token_keeping_its_expiry(sandbox, demo):
    body = {"auth": {"token": {"id": demo.token}, "tenantName": "demo"}}
    answer = requests.post(f"{sandbox.auth_url}/tokens", json=body, timeout=5)
    assert answer.status_code == 200
    token = answer.json()["access"]["token"]
    assert token["id"] != demo.token
    assert token["expires"] == demo.access["token"]["expires"]


def test_it_lists_the_tokens_tenants(sandbox, demo):
    answer = requests.get(f"{sandbox.auth_url}/tenants", headers={"X-Auth-Token": demo.token}, timeout=5)
    assert answer.status_code == 200
    assert answer.json() == {
        "tenants": [{"id": demo.tenant_id, "name": "demo", "enabled": True, "description": "Demo Shop Ltd. (sandbox)"}],
        "tenants_links": [],
    }
    assert_error(requests.get(f"{sandbox.auth_url}/tenants", timeout=5), 401)


@pytest.mark.parametrize(
    ("username", "password", "tenant"),
    [
        ("demo", "not-the-password", "demo"),
        ("nobody", "secreetword", "demo"),
        ("demo", "secreetword", "team2"),
        ("demo", "secreetword", "no-such-tenant"),
        ("demo", "", "demo"),
    ],
)
def test_it_answers_401_to_wrong_credentials(sandbox, username, password, tenant):
    answer = requests.post(f"{sandbox.auth_url}/tokens", json=token_request(username, password, tenant), timeout=5)
    message = assert_error(answer, 401)
    assert "not-the-password" not in message
    assert answer.headers["WWW-Authenticate"].startswith("Keystone uri=")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"",
        b"[]",
        b"{}",
        b'{"auth": {}}',
        b'{"auth": {"passwordCredentials": {"username": "demo"}, "tenantName": "demo"}}',
        b'{"auth": {"passwordCredentials": {"password": "x"}, "tenantName": "demo"}}',
        b'{"auth": {"passwordCredentials": {"username": "demo", "password": "secreetword"}, "tenantName": 7}}',
        b'{"auth": {"token": {}}}',
    ],
)
def test_it_answers_400_to_a_malformed_token_request(sandbox, body):
    answer = requests.post(
        f"{sandbox.auth_url}/tokens", data=body, headers={"Content-Type": "application/json"}, timeout=5
    )
    assert_error(answer, 400)


@pytest.mark.parametrize(
    "headers", [{}, {"X-Auth-Token": ""}, {"X-Auth-Token": "0" * 32}, {"X-Auth-Token": "not even hex"}]
)
def test_it_answers_401_to_a_service_call_without_a_valid_token(demo, headers):
    answer = requests.get(demo.endpoint + "/cdn/domain", headers=headers, timeout=5)
    assert_error(answer, 401)


def test_it_answers_401_to_a_service_call_with_an_unscoped_token(sandbox, demo):
    body = {"auth": {"passwordCredentials": {"username": "demo", "password": "secreetword"}}}
    access = requests.post(f"{sandbox.auth_url}/tokens", json=body, timeout=5).json()["access"]
    assert "tenant" not in access["token"] and access["serviceCatalog"] == []
    answer = requests.get(demo.endpoint + "/cdn/domain", headers={"X-Auth-Token": access["token"]["id"]}, timeout=5)
    assert_error(answer, 401, "not scoped")


def test_it_expires_a_token_after_token_ttl(sandbox, demo):
    sandbox.set_timings(token_ttl=1)
    try:
        short = Api(sandbox.auth_url, "demo", "secreetword", "demo")
    finally:
        sandbox.reset_timings()
    assert (parse(short.access["token"]["expires"]) - parse(short.access["token"]["issued_at"])).total_seconds() == 1
    assert short.get("/cdn/domain").status_code == 200
    wait_for(lambda: short.get("/cdn/domain").status_code == 401, timeout=5)
    assert_error(short.get("/ticket"), 401, "expired")
    assert demo.get("/cdn/domain").status_code == 200


def test_it_serves_the_same_tenant_data_in_every_region(demo):
    lists = []
    for slug in SLUGS:
        endpoint = demo.endpoint.replace("/pek-1", f"/{slug}")
        answer = demo.session.get(endpoint + "/cdn/domain", timeout=5)
        assert answer.status_code == 200
        lists.append([d["domainId"] for d in answer.json()["cdn"]])
    assert lists[0] == lists[1] == lists[2]
    assert_error(demo.session.get(demo.endpoint.replace("/pek-1", "/mars-1") + "/cdn/domain", timeout=5), 404)
