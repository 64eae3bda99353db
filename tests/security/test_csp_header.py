"""Every answer carries the Content-Security-Policy: pages, redirects, errors, /health/, static files."""

import pytest
from django.test import Client

from plcloud_panel.csp import POLICY
from tests.security.every_url import every_endpoint


def test_the_policy_forbids_inline_script_and_style():
    directives = dict(part.split(" ", 1) for part in POLICY.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in POLICY


def test_every_url_answers_with_the_policy_signed_in(admin, connect_demo, demo):
    connect_demo(admin)
    client = Client()
    client.force_login(admin)
    domain_id = str(demo.cdn.list()[0]["domainId"])
    endpoints, _ = every_endpoint({"domain_id": domain_id})
    missing = []
    statuses = set()
    for endpoint in endpoints:
        response = client.get(endpoint.url)
        statuses.add(response.status_code)
        if response.get("Content-Security-Policy") != POLICY:
            missing.append(f"{endpoint.url}: {response.status_code}")
    assert missing == []
    assert {200, 302, 404, 405} <= statuses


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/health/", "/static/css/panel.css", "/no-such-page/"])
def test_it_answers_with_the_policy_signed_out(client, db, url):
    response = client.get(url)
    assert response["Content-Security-Policy"] == POLICY
