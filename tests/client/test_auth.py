"""Keystone v2.0 sign-in, catalog lookup, token-only use and renewal on 401."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from plcloud import AuthError, Client, EndpointNotFound
from tests.helpers import wait_for

REGIONS = ["BeiJing-1(PEK-1)", "ShenZhen-1(SZX-1)", "GuangDong-1(GD-1)"]


def count_requests(client: Client) -> list[str]:
    seen: list[str] = []
    client.session.hooks["response"].append(lambda r, *a, **k: seen.append(f"{r.request.method} {r.request.path_url}"))
    return seen


def test_it_signs_in_on_first_use_and_exposes_what_it_learned(client):
    assert client.token is None
    client.cdn.list()
    assert len(client.token) == 32
    assert client.token_expires.tzinfo is not None
    assert client.token_expires > datetime.now(UTC) + timedelta(minutes=30)
    assert client.tenant_id and client.user_id
    assert client.endpoint.endswith("/plcloud/pek-1")
    assert client.regions() == REGIONS


def test_it_picks_the_endpoint_of_the_region_asked_for(sandbox):
    client = Client(
        username="demo",
        password="secreetword",
        tenant_name="demo",
        auth_url=sandbox.auth_url,
        region_name="ShenZhen-1(SZX-1)",
    )
    client.authenticate()
    assert client.endpoint.endswith("/plcloud/szx-1")
    assert isinstance(client.cdn.list(), list)


def test_it_reports_a_region_the_catalog_lacks(sandbox):
    client = Client(
        username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url, region_name="Mars-1"
    )
    with pytest.raises(EndpointNotFound):
        client.cdn.list()


def test_it_refuses_a_wrong_password_without_repeating_it(sandbox):
    client = Client(username="demo", password="not-the-password", tenant_name="demo", auth_url=sandbox.auth_url)
    with pytest.raises(AuthError) as caught:
        client.cdn.list()
    assert caught.value.status_code == 401
    assert "not-the-password" not in str(caught.value) and "not-the-password" not in repr(caught.value)


def test_it_works_from_a_stored_token_without_calling_keystone(client, sandbox):
    client.authenticate()
    stored = Client(token=client.token, endpoint=client.endpoint, tenant_id=client.tenant_id)
    seen = count_requests(stored)
    assert {d["domainId"] for d in stored.cdn.list()} == {d["domainId"] for d in client.cdn.list()}
    stored.cdn.recharge(1)
    assert not any("/v2.0/" in line for line in seen)
    assert len(seen) == 2


def test_it_signs_in_again_once_when_the_token_is_refused(client):
    client.authenticate()
    first = client.token
    client._token = "0" * 32  # as if revoked upstream
    seen = count_requests(client)
    assert isinstance(client.cdn.list(), list)
    assert client.token not in (first, "0" * 32)
    assert [line.split()[0] for line in seen] == ["GET", "POST", "GET"]


def test_it_raises_when_the_renewed_token_is_refused_too(client, sandbox, clean_faults):
    client.authenticate()
    sandbox.set_faults(unauthorized=True, scope="service")
    seen = count_requests(client)
    with pytest.raises(AuthError):
        client.cdn.list()
    assert [line.split()[0] for line in seen] == ["GET", "POST", "GET"]


def test_it_raises_at_once_for_a_stored_token_that_expired(client, sandbox):
    client.authenticate()
    stored = Client(token="f" * 32, endpoint=client.endpoint, tenant_id=client.tenant_id)
    seen = count_requests(stored)
    with pytest.raises(AuthError):
        stored.ticket.list()
    assert len(seen) == 1


def test_it_renews_a_token_past_its_lifetime(sandbox):
    sandbox.set_timings(token_ttl=1)
    try:
        client = Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url)
        client.authenticate()
        first = client.token
        stored = Client(token=first, endpoint=client.endpoint, tenant_id=client.tenant_id)
        wait_for(lambda: _refused(stored), timeout=10)
        assert isinstance(client.cdn.list(), list)
        assert client.token != first
    finally:
        sandbox.reset_timings()


def _refused(client: Client) -> bool:
    try:
        client.cdn.list()
    except AuthError:
        return True
    return False


def test_it_needs_a_password_or_a_token():
    with pytest.raises(ValueError):
        Client(username="demo", tenant_name="demo", auth_url="http://127.0.0.1:9/v2.0")


def test_it_hands_out_answers_as_they_came_but_never_a_sign_in(client):
    answers: list[tuple[str, str, bytes]] = []
    client.on_answer = lambda method, path, body: answers.append((method, path, body))
    domains = client.cdn.list()  # signs in first: that answer holds a token and is not handed out
    assert [(method, path) for method, path, _body in answers] == [("GET", "/cdn/domain")]
    assert json.loads(answers[0][2]) == {"cdn": domains}
    assert client.token.encode() not in b"".join(body for _m, _p, body in answers)
