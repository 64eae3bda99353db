"""The security tests' rig: a probe that sends one bad input and checks what the panel and the
sandbox did with it, and the report lines at the end of the run (tests.report prints them)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from tests.security.tally import TALLY

# Every security fuzz test runs these settings: reproducible (derandomize), no example database
# left behind, no per-example deadline (some inputs are 10,000-line pastes).
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)
# Markers a page may only ever hold escaped: they come from the inputs and upstream data.
LIVE_MARKUP = ("<script>alert(1)", "<img src=x onerror")
WRITES = ("POST", "PUT", "DELETE", "PATCH")


class Probe:
    """Sends bad inputs to the panel in process and counts the writes that reached the sandbox.

    The sandbox counts what it answered (/_sandbox/requests); only this process calls it during
    a test, so the writes between two reads of that count are the input's. The first read is at
    the first input, after the fixtures have set up what they need upstream.
    """

    def __init__(self, client: Client, sandbox) -> None:
        self.client = client
        self.client.raise_request_exception = False
        self.sandbox = sandbox
        self.last_writes: int | None = None

    def writes(self) -> int:
        methods = self.sandbox.requests_seen()["methods"]
        return sum(count for method, count in methods.items() if method in WRITES)

    def send(
        self,
        method: str,
        url: str,
        data=None,
        *,
        accepted: Callable[[object], bool] | None = None,
        content_type: str | None = None,
    ):
        """One bad input: never a 500, never a write upstream, never taken (``accepted``).
        ``content_type``: the body's, when ``data`` is already encoded (as a browser sends a form)."""
        send = self.client.get if method == "GET" else self.client.post
        if self.last_writes is None:
            self.last_writes = self.writes()
        response = send(url, data or {}, **({"content_type": content_type} if content_type else {}))
        writes = self.writes()
        wrote, self.last_writes = writes - self.last_writes, writes
        took = wrote > 0 or bool(accepted and accepted(response))
        TALLY.bad_inputs += 1
        TALLY.accepted += took
        TALLY.server_errors += response.status_code >= 500
        shown = repr(data)[:600]
        assert response.status_code < 500, f"{method} {url} {shown}: {response.status_code}"
        assert not wrote, f"{method} {url} {shown}: {wrote} writes reached the sandbox"
        assert not took, f"{method} {url} {shown}: the panel took it ({response.status_code})"
        if not response.streaming:
            body = response.content.decode(errors="replace")
            for markup in LIVE_MARKUP:
                assert markup not in body, f"{method} {url} {shown}: {markup!r} on the page unescaped"
        return response


@pytest.fixture
def probe_for(sandbox, panel_settings):
    """A probe signed in as ``user``, with cached reads kept long so most inputs cost no upstream read."""
    panel_settings.CDN_CACHE_SECONDS = 3600

    def make(user) -> Probe:
        client = Client()
        client.force_login(user)
        return Probe(client, sandbox)

    return make


def redirected(response) -> bool:
    return response.status_code == 302


def refused_with_message(response) -> None:
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


# The sandbox's users: two of tenant demo, one of tenant team2.
PLCLOUD = {"demo": ("secreetword", "demo"), "alice": ("alice-password", "demo"), "team2": ("team2-password", "team2")}


@pytest.fixture
def connect_as(panel_settings, sandbox):
    """Connect a member to the sandbox as one of its users (``PLCLOUD``)."""

    from connections import services as connections

    def connect(user, plcloud_user: str):
        password, tenant = PLCLOUD[plcloud_user]
        return connections.connect(
            user=user, username=plcloud_user, password=password, tenant_name=tenant, auth_url=sandbox.auth_url
        )

    return connect


@pytest.fixture
def otto(probe_for, operator, connect_demo):
    """The operator, connected to the sandbox as demo, as a probe."""
    connect_demo(operator)
    return probe_for(operator)
