"""A 401: one new sign-in with the stored password, then a reconnect prompt; never a loop."""

import pytest


def calls(sandbox) -> list[tuple[str, str, object]]:
    return [(c["method"], c["path"].rsplit("/", 1)[-1], c["status"]) for c in sandbox.requests_seen()["requests"]]


@pytest.mark.parametrize("path", ["/cdn/", "/tickets/"])
def test_it_signs_in_again_once_then_asks_to_reconnect(member, sandbox, path):
    sandbox.set_faults(unauthorized=True, scope="service")
    for _ in range(2):  # every page view: the same single attempt, no more
        sandbox.forget_requests()
        response = member.get(path)
        page = response.content.decode()
        assert response.status_code == 200
        assert "Plcloud did not accept your credentials or session. Connect again." in page
        assert 'href="/connection/"' in page
        # The page's own calls and sign-ins. A call another test left in flight may land meanwhile,
        # even on the same path; under the fault no call made now is answered 200, so a 200 there
        # is such a call, not the page's.
        own = "domain" if path == "/cdn/" else "ticket"
        wire = [c for c in calls(sandbox) if c[1] == "tokens" or (c[1] == own and c[2] != 200)]
        assert [c for c in wire if c[1] == "tokens"] == [("POST", "tokens", 200)]
        assert len(wire) == 3 and wire[0][2] == 401 and wire[2][2] == 401, wire


def test_a_change_refused_with_401_is_sent_once_more_after_the_new_sign_in_only(member, sandbox, upstream_objects):
    sandbox.set_faults(unauthorized=True, scope="service")
    sandbox.forget_requests()
    content = "A reply the session could not carry"
    response = member.post(f"/tickets/{upstream_objects['ticket_id']}/reply/", {"content": content})
    page = response.content.decode()
    assert response.status_code == 200 and content in page and "Connect again" in page
    # A 401 means the call was refused before anything happened, so the one resend is safe; the
    # page's read of the ticket afterwards does not sign in again.
    ticket = upstream_objects["ticket_id"]
    assert calls(sandbox) == [("POST", ticket, 401), ("POST", "tokens", 200), ("POST", ticket, 401),
                              ("GET", ticket, 401)]  # fmt: skip


def test_without_a_stored_password_it_asks_at_once(client, operator, connect_demo, sandbox):
    connect_demo(operator, keep=False)
    client.force_login(operator)
    sandbox.set_faults(unauthorized=True, scope="service")
    sandbox.forget_requests()
    page = client.get("/cdn/").content.decode()
    assert "Connect again" in page
    assert [c[1] for c in calls(sandbox)] == ["domain"]  # one refused call, no sign-in attempt


def test_when_identity_refuses_the_password_too_it_stops_there(member, sandbox):
    sandbox.set_faults(unauthorized=True, scope="all")
    sandbox.forget_requests()
    page = member.get("/cdn/").content.decode()
    assert "Connect again" in page
    assert [(c[0], c[1], c[2]) for c in calls(sandbox)] == [("GET", "domain", 401), ("POST", "tokens", 401)]


def test_the_client_signs_in_again_once_until_a_call_succeeds(sandbox):
    from plcloud import AuthError, Client

    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as client:
        client.authenticate()
        sandbox.set_faults(unauthorized=True, scope="service")
        sandbox.forget_requests()
        for _ in range(3):
            with pytest.raises(AuthError):
                client.cdn.list()
        assert [c[1] for c in calls(sandbox)].count("tokens") == 1
        sandbox.clear_faults()
        assert isinstance(client.cdn.list(), list)
        sandbox.set_faults(unauthorized=True, scope="service")
        sandbox.forget_requests()
        with pytest.raises(AuthError):
            client.cdn.list()
        assert [c[1] for c in calls(sandbox)] == ["domain", "tokens", "domain"]
