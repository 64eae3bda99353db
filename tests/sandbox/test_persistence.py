"""State lives in the SQLite file: it survives a restart, tokens included; --reset seeds afresh."""

import pytest

from tests.helpers import SandboxProcess
from tests.sandbox.support import Api, assert_error


@pytest.fixture
def own_sandbox(tmp_path):
    process = SandboxProcess(tmp_path / "own.sqlite3")
    process.start()
    yield process
    process.stop()


def test_it_keeps_domains_tickets_and_tokens_across_a_restart(own_sandbox):
    demo = Api(own_sandbox.auth_url, "demo", "secreetword", "demo")
    created = demo.create_domain("kept.persistence-test.com")
    ticket = demo.ok("POST", "/ticket", json={"summary": "Kept", "description": "Across a restart."})
    balance = demo.ok("POST", f"/recharge/{demo.tenant_id}/cdn_flow", json={"flow": 7})["balance"]

    own_sandbox.stop()
    own_sandbox.start()

    assert demo.ok("GET", f"/cdn/domain/{created['domainId']}")["domainName"] == "kept.persistence-test.com"
    assert demo.ok("GET", f"/ticket/{ticket['id']}")["summary"] == "Kept"
    assert demo.ok("GET", f"/recharge/{demo.tenant_id}/cdn_flow")["balance"] == balance
    assert demo.create_domain("after.persistence-test.com")["domainId"] == created["domainId"] + 1
    assert Api(own_sandbox.auth_url, "demo", "secreetword", "demo").user_id == demo.user_id


def test_it_seeds_afresh_with_reset(own_sandbox):
    demo = Api(own_sandbox.auth_url, "demo", "secreetword", "demo")
    created = demo.create_domain("gone.persistence-test.com")
    own_sandbox.stop()
    own_sandbox.extra_args = ["--reset"]
    own_sandbox.start()
    assert_error(demo.get("/cdn/domain"), 401)  # the old tenant and its tokens are gone
    fresh = Api(own_sandbox.auth_url, "demo", "secreetword", "demo")
    assert created["domainId"] not in {d["domainId"] for d in fresh.ok("GET", "/cdn/domain")}
    assert fresh.domain_named("www.demo-shop.com")["domainId"] == 206813
