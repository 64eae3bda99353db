import socket

import pytest

from accounts.models import Role
from tests.panel_fixtures import make_member


@pytest.fixture
def member(db):
    return make_member("member", Role.VIEWER)


def test_it_sends_a_stranger_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_it_shows_that_the_identity_service_answers(client, member, sandbox, settings):
    settings.PLCLOUD_AUTH_URL = sandbox.auth_url
    client.force_login(member)
    assert 'hx-get="/dashboard/identity/"' in client.get("/").content.decode()
    response = client.get("/dashboard/identity/")
    assert response.status_code == 286
    assert "Plcloud identity answers (v2.0, stable)" in response.content.decode()


def test_it_says_plcloud_is_unreachable_instead_of_failing(client, member, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.PLCLOUD_AUTH_URL = f"http://127.0.0.1:{port}/v2.0"
    client.force_login(member)
    response = client.get("/dashboard/identity/")
    assert response.status_code == 286
    assert "Plcloud is unreachable" in response.content.decode()
