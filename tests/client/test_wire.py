"""What the client puts on the wire, call by call, checked against WIRE.md's table.

A response hook reads each request as it was sent (method, path, body, headers), so these
tests see the real HTTP exchange with the sandbox, not the client's intentions.
"""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from plcloud import Client, ProtocolError


class Wire:
    def __init__(self, client: Client):
        self.sent: list[dict] = []
        client.session.hooks["response"].append(self._record)

    def _record(self, response, *args, **kwargs):
        request = response.request
        parts = urlsplit(request.url)
        body = json.loads(request.body) if request.body else None
        self.sent.append(
            {
                "method": request.method,
                "path": parts.path,
                "query": parse_qs(parts.query),
                "body": body,
                "headers": request.headers,
                "status": response.status_code,
            }
        )

    def last(self) -> dict:
        return self.sent[-1]


@pytest.fixture
def wire(client):
    client.authenticate()
    return Wire(client)


def service_path(client: Client, sent: dict) -> str:
    prefix = urlsplit(client.endpoint).path
    assert sent["path"].startswith(prefix)
    return sent["path"][len(prefix) :]


def test_it_asks_keystone_for_a_token_with_password_credentials(sandbox):
    client = Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url)
    wire = Wire(client)
    client.authenticate()
    sent = wire.last()
    assert (sent["method"], sent["path"]) == ("POST", "/v2.0/tokens")
    assert sent["body"] == {
        "auth": {"passwordCredentials": {"username": "demo", "password": "secreetword"}, "tenantName": "demo"}
    }
    assert "X-Auth-Token" not in sent["headers"]


def test_it_sends_every_cdn_call_as_wire_md_says(client, wire, online_domain):
    domain_id = online_domain["domainId"]
    name = online_domain["domainName"]
    calls = [
        (client.cdn.list, "GET", "/cdn/domain", None),
        (lambda: client.cdn.get(domain_id), "GET", f"/cdn/domain/{domain_id}", None),
        (
            lambda: client.cdn.update(domain_id, origin_ips=["114.114.114.114"], areas=["hk"]),
            "PUT",
            f"/cdn/domain/{domain_id}",
            {"domain": {"origin_ips": ["114.114.114.114"], "areas": ["hk"]}},
        ),
        (lambda: client.cdn.flow(domain_id), "GET", f"/cdn/flow/{domain_id}", None),
        (lambda: client.cdn.recharge(5), "POST", f"/recharge/{client.tenant_id}/cdn_flow", {"flow": 5}),
        (
            lambda: client.cdn.create_urls([f"http://{name}/a.js"]),
            "POST",
            "/cdn/urls",
            {"urls": [f"http://{name}/a.js"]},
        ),
        (client.cdn.list_urls, "GET", "/cdn/urls", None),
        (
            lambda: client.cdn.cache_flush(domain_id, urls=[f"http://{name}/a.js"]),
            "PUT",
            "/cdn/cache_flush",
            {"domain": {"domain_id": domain_id, "urls": [f"http://{name}/a.js"]}},
        ),
        (
            lambda: client.cdn.cache_flush(domain_id, dirs=[f"http://{name}/img/"]),
            "PUT",
            "/cdn/cache_flush",
            {"domain": {"domain_id": domain_id, "dirs": [f"http://{name}/img/"]}},
        ),
        (
            lambda: client.cdn.prefetch([f"http://{name}/a.js"]),
            "PUT",
            "/cdn/prefetch",
            {"urls": [f"http://{name}/a.js"]},
        ),
    ]
    for call, method, path, body in calls:
        call()
        sent = wire.last()
        assert (sent["method"], service_path(client, sent), sent["body"]) == (method, path, body)
        assert sent["headers"]["X-Auth-Token"] == client.token
        if body is not None:
            assert sent["headers"]["Content-Type"] == "application/json"


def test_it_sends_create_with_the_sdk_keyword_arguments(client, wire, fresh_name):
    client.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    sent = wire.last()
    assert (sent["method"], service_path(client, sent)) == ("POST", "/cdn/domain")
    assert sent["body"] == {
        "domain": {
            "domain": fresh_name,
            "origin_ips": ["114.114.114.114"],
            "areas": ["hk"],
            "type": "web",
            "icp_record": None,
        }
    }


def test_it_sends_request_log_times_as_iso_8601_query(client, wire, online_domain):
    client.cdn.request_log(online_domain["domainId"], "cache", "2026-11-01T00:00:00Z", "2026-11-01T00:10:00Z")
    sent = wire.last()
    assert (sent["method"], service_path(client, sent)) == ("GET", "/cdn/request_log")
    assert sent["query"] == {
        "domain_id": [str(online_domain["domainId"])],
        "type": ["cache"],
        "start_at": ["2026-11-01T00:00:00Z"],
        "end_at": ["2026-11-01T00:10:00Z"],
    }


def test_it_sends_every_ticket_call_as_wire_md_says(client, wire):
    created = client.ticket.create("Wire check", "Checking the body is not wrapped.")
    sent = wire.last()
    assert (sent["method"], service_path(client, sent)) == ("POST", "/ticket")
    assert sent["body"] == {"summary": "Wire check", "description": "Checking the body is not wrapped."}
    ticket_id = created["id"]
    calls = [
        (client.ticket.list, "GET", "/ticket", None),
        (lambda: client.ticket.list(client.user_id), "GET", f"/ticket/{client.user_id}/list", None),
        (lambda: client.ticket.get(ticket_id), "GET", f"/ticket/{ticket_id}", None),
        (
            lambda: client.ticket.reply(ticket_id, "More detail"),
            "POST",
            f"/ticket/reply/{ticket_id}",
            {"content": "More detail"},
        ),
        (lambda: client.ticket.list_reply(ticket_id), "GET", f"/ticket/reply/{ticket_id}", None),
        (lambda: client.ticket.update(ticket_id, "closed"), "PUT", f"/ticket/{ticket_id}", {"status": "closed"}),
    ]
    for call, method, path, body in calls:
        call()
        sent = wire.last()
        assert (sent["method"], service_path(client, sent), sent["body"]) == (method, path, body)


def test_it_sends_deletes_and_returns_none(client, wire, fresh_name):
    domain = client.cdn.create(fresh_name, ["114.114.114.114"], ["ov"])
    url = client.cdn.create_urls([f"http://{fresh_name}/x.css"])[0]
    assert client.cdn.delete_urls(url["id"]) is None
    assert (wire.last()["method"], service_path(client, wire.last())) == ("DELETE", f"/cdn/urls/{url['id']}")
    assert client.cdn.delete(domain["domainId"]) is None
    assert (wire.last()["method"], service_path(client, wire.last())) == ("DELETE", f"/cdn/domain/{domain['domainId']}")
    assert wire.last()["status"] == 204


def test_it_never_follows_a_redirect_with_the_token(redirecting_server):
    # The sandbox never redirects, so a one-route local server stands in for a misbehaving proxy.
    client = Client(token="t" * 32, endpoint=redirecting_server.url, tenant_id="x")
    with pytest.raises(ProtocolError):
        client.cdn.list()
    assert redirecting_server.paths == ["/cdn/domain"]
