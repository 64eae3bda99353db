"""Every failure reaches the caller as one of plcloud.errors, never a raw requests exception."""

import logging
import socket

import pytest

from plcloud import (
    AuthError,
    Client,
    Forbidden,
    NotFound,
    PlcloudError,
    ProtocolError,
    Unavailable,
    ValidationError,
)


def test_it_carries_the_server_message_on_bad_input(client, fresh_name):
    with pytest.raises(ValidationError) as caught:
        client.cdn.create(fresh_name, ["300.1.1.1"], ["hk"])
    assert caught.value.status_code == 400
    assert "300.1.1.1" in caught.value.message


def test_it_raises_not_found_for_another_tenants_domain(client, team2_client):
    theirs = team2_client.cdn.list()[0]
    with pytest.raises(NotFound):
        client.cdn.get(theirs["domainId"])


def test_it_raises_forbidden_for_another_members_tickets(sandbox, client):
    alice = Client(username="alice", password="alice-password", tenant_name="demo", auth_url=sandbox.auth_url)
    client.authenticate()
    with pytest.raises(Forbidden):
        alice.ticket.list(client.user_id)


def test_it_raises_unavailable_when_nothing_listens():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Client(
        username="demo", password="secreetword", tenant_name="demo", auth_url=f"http://127.0.0.1:{port}/v2.0"
    )
    with pytest.raises(Unavailable):
        client.cdn.list()


def test_it_raises_unavailable_on_a_slow_answer(sandbox, clean_faults):
    client = Client(
        username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url, timeout=(2, 0.3)
    )
    client.authenticate()
    sandbox.set_faults(latency_ms=1500, scope="service")
    with pytest.raises(Unavailable) as caught:
        client.cdn.list()
    assert "in time" in caught.value.message


@pytest.mark.parametrize("fault", [{"error_rate": 1.0}, {"drop_rate": 1.0}])
def test_it_raises_unavailable_on_server_errors_and_dropped_connections(client, sandbox, clean_faults, fault):
    client.authenticate()
    sandbox.set_faults(scope="service", **fault)
    with pytest.raises(Unavailable):
        client.cdn.list()


def test_it_raises_protocol_error_on_malformed_json(client, sandbox, clean_faults):
    client.authenticate()
    sandbox.set_faults(malformed_rate=1.0, scope="service")
    with pytest.raises(ProtocolError):
        client.ticket.list()


def test_it_raises_auth_error_when_keystone_refuses_everything(sandbox, clean_faults):
    sandbox.set_faults(unauthorized=True, scope="identity")
    client = Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url)
    with pytest.raises(AuthError):
        client.authenticate()


def test_it_never_puts_a_secret_in_messages_or_logs(sandbox, clean_faults, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url)
    client.authenticate()
    token = client.token
    failures: list[PlcloudError] = []
    for fault in ({"error_rate": 1.0}, {"malformed_rate": 1.0}, {"drop_rate": 1.0}, {"unauthorized": True}):
        sandbox.set_faults(scope="all", **fault)
        try:
            client.cdn.list()
        except PlcloudError as error:
            failures.append(error)
        sandbox.clear_faults()
    assert len(failures) == 4
    text = " ".join(f"{e} {e!r} {e.message}" for e in failures) + caplog.text + repr(client)
    assert token not in text
    assert "secreetword" not in text
