"""Every view refuses a POST without a CSRF token, and nothing in our code opts out of the check."""

import re

import pytest
from django.test import Client

from tests.helpers import PROJECT_ROOT
from tests.security.every_url import every_endpoint

# The panel's own page for a refused token (ops.error_views.csrf_failure).
CSRF_FAILURE = 'id="csrf-failure"'
# Built, so that this file does not name what it looks for.
EXEMPT = "csrf" + "_exempt"
OUR_DIRS_SKIPPED = {".venv", "var", ".git", "__pycache__", "node_modules", ".ruff_cache", ".pytest_cache"}
POST_FORM = re.compile(r"""<form[^>]*method="post"[^>]*action="\{% url '([\w:-]+)'""")


@pytest.fixture
def ada_csrf_client(admin, connect_demo, demo):
    connect_demo(admin)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    domain_id = str(demo.cdn.list()[0]["domainId"])
    return client, domain_id


def test_it_refuses_a_post_without_a_token_on_every_url(ada_csrf_client):
    client, domain_id = ada_csrf_client
    endpoints, unbuilt = every_endpoint({"domain_id": domain_id})
    assert unbuilt == [], "a URL pattern no test URL could be built for; extend tests/security/every_url.py"
    accepted = []
    for endpoint in endpoints:
        response = client.post(endpoint.url, {"enable": "1", "active": "0", "confirm": "x"})
        if response.status_code != 403 or CSRF_FAILURE not in response.content.decode():
            accepted.append(f"{endpoint.url} ({endpoint.name}): {response.status_code}")
    assert accepted == []
    # The enumeration reached every form the pages post: none escaped it.
    names = {endpoint.name for endpoint in endpoints}
    posted = {
        match
        for template in (PROJECT_ROOT / "templates").rglob("*.html")
        for match in POST_FORM.findall(template.read_text())
    }
    assert len(posted) > 10
    assert posted <= names, posted - names


def test_no_view_of_ours_is_exempt_from_the_check():
    found = []
    for path in PROJECT_ROOT.rglob("*"):
        if OUR_DIRS_SKIPPED & set(path.relative_to(PROJECT_ROOT).parts) or not path.is_file():
            continue
        if path.suffix in {".py", ".html", ".txt", ".cfg", ".toml"} and EXEMPT in path.read_text(errors="replace"):
            found.append(str(path.relative_to(PROJECT_ROOT)))
    assert found == []
