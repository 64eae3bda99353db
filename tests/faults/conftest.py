"""Fault tests: a connected operator, a domain and a ticket upstream, and the run's tally.

Every test here counts, from the sandbox's own record, the faults it injected into Plcloud calls,
and, from the panel's side, every answer with status 500 or an unhandled exception. The totals are
printed at the end of the run (tests.report): ``faults injected: N / 500s seen: 0``.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.handlers.base import BaseHandler
from django.core.signals import got_request_exception

from jobs.models import Job, Kind
from plcloud import Client
from tests.faults.tally import TALLY
from tests.helpers import SandboxProcess


@pytest.fixture(autouse=True)
def fault_tally(sandbox, monkeypatch):
    """Counts this test's injected faults (on the wire) and 500s (in the panel) into TALLY."""
    sandbox.forget_requests()
    forget = sandbox.forget_requests

    def counting_forget():  # a test that starts the record afresh keeps its faults in the tally
        TALLY["injected"] += sandbox.requests_seen()["faulted"]
        forget()

    monkeypatch.setattr(sandbox, "forget_requests", counting_forget)
    errors: list[int] = []
    get_response = BaseHandler.get_response

    def counting_get_response(self, request):
        response = get_response(self, request)
        if response.status_code == 500:
            errors.append(500)
        return response

    def on_exception(sender, **kwargs):
        errors.append(500)

    monkeypatch.setattr(BaseHandler, "get_response", counting_get_response)
    got_request_exception.connect(on_exception, weak=False)
    try:
        yield errors
    finally:
        got_request_exception.disconnect(on_exception)
        sandbox.clear_faults()
        TALLY["injected"] += sandbox.requests_seen()["faulted"]
        TALLY["server_errors"] += len(errors)
        TALLY["tests"] += 1
    if errors:
        pytest.fail(f"the panel answered {len(errors)} request(s) with a 500 during this test")


@pytest.fixture(scope="session")
def upstream_objects(sandbox):
    """A domain and a ticket of the demo tenant, made once, for the pages that show one."""
    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as demo:
        domain = demo.cdn.create(f"f{uuid.uuid4().hex[:10]}.faults-test.com", ["114.114.114.114"], ["hk"])
        ticket = demo.ticket.create("Fault tests", "A ticket the fault tests read and reply to.")
    return {"domain_id": domain["domainId"], "domain_name": domain["domainName"], "ticket_id": ticket["id"]}


@pytest.fixture
def member(client, operator, connect_demo):
    """An operator connected as demo with a stored password (so a 401 is answered by one re-sign-in)."""
    connect_demo(operator, keep=True)
    client.force_login(operator)
    client.raise_request_exception = False
    return client


@pytest.fixture
def job(member, operator):
    """A job of the member's, under the tenant they are connected to (so its page is theirs)."""
    tenant = operator.plcloud.tenant_id
    return Job.objects.create(
        owner=operator, tenant_id=tenant, kind=Kind.PREFETCH, domain_id="1", domain_name="www.example.com"
    )


@pytest.fixture(scope="session")
def other_sandbox(tmp_path_factory):
    """A second Plcloud (its own process and state): another member's, healthy while ours is not."""
    process = SandboxProcess(tmp_path_factory.mktemp("other-sandbox") / "sandbox.sqlite3")
    try:
        process.start()
        yield process
    finally:
        process.stop()


@pytest.fixture
def connect_other(panel_settings, sandbox, other_sandbox):
    """Connect a member to the second sandbox as its demo user."""
    from connections import services

    panel_settings.PLCLOUD_AUTH_URLS = [sandbox.auth_url, other_sandbox.auth_url]

    def connect(user):
        return services.connect(
            user=user, username="demo", password="secreetword", tenant_name="demo", auth_url=other_sandbox.auth_url
        )

    return connect


def session_cookie(user) -> dict[str, str]:
    """A signed-in panel session for ``requests`` against the live server."""
    from django.conf import settings
    from django.test import Client as DjangoClient

    browser = DjangoClient()
    browser.force_login(user)
    return {settings.SESSION_COOKIE_NAME: browser.cookies[settings.SESSION_COOKIE_NAME].value}
