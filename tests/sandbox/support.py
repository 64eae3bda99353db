"""Raw HTTP for the wire tests: they check the bytes on the wire, so no client stands in between."""

from __future__ import annotations

import requests

ACCOUNTS = {
    "demo": ("demo", "secreetword", "demo"),
    "alice": ("alice", "alice-password", "demo"),
    "team2": ("team2", "team2-password", "team2"),
}


def token_request(username: str, password: str, tenant: str) -> dict:
    return {"auth": {"passwordCredentials": {"username": username, "password": password}, "tenantName": tenant}}


class Api:
    """One signed-in user: the Keystone answer, and calls relative to the Beijing endpoint."""

    def __init__(self, auth_url: str, username: str, password: str, tenant: str) -> None:
        answer = requests.post(f"{auth_url}/tokens", json=token_request(username, password, tenant), timeout=10)
        answer.raise_for_status()
        self.access = answer.json()["access"]
        self.token = self.access["token"]["id"]
        self.tenant_id = self.access["token"]["tenant"]["id"]
        self.user_id = self.access["user"]["id"]
        plcloud = next(s for s in self.access["serviceCatalog"] if s["type"] == "plcloud")
        self.endpoint = plcloud["endpoints"][0]["publicURL"]
        self.session = requests.Session()
        self.session.headers["X-Auth-Token"] = self.token

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 15)
        return self.session.request(method, self.endpoint + path, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        return self.call("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.call("DELETE", path, **kwargs)

    def ok(self, method: str, path: str, **kwargs) -> object:
        """The unwrapped payload of a 200 answer."""
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, response.text
        document = response.json()
        assert len(document) == 1 or path.startswith("/cdn/request_log"), document
        return document["ticket" if path.startswith("/ticket") else "cdn"]

    def domain_named(self, name: str) -> dict:
        return next(d for d in self.ok("GET", "/cdn/domain") if d["domainName"] == name)

    def create_domain(self, name: str, **fields) -> dict:
        body = {"domain": name, "origin_ips": ["114.114.114.114"], "areas": ["hk"], **fields}
        return self.ok("POST", "/cdn/domain", json={"domain": body})


def assert_error(response: requests.Response, status: int, *fragments: str) -> str:
    """A Keystone-shaped JSON error with that status, whose message holds every fragment."""
    assert response.status_code == status, f"{response.status_code}: {response.text[:500]}"
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == status
    assert isinstance(error["title"], str) and error["title"]
    for fragment in fragments:
        assert fragment in error["message"], error["message"]
    return error["message"]
