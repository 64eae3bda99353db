"""One banner per problem (templates/base.html), and the header's connection dot: green while
Plcloud takes the member's session, not green from the call it refuses it until one succeeds."""

import re

import pytest
from django.test import Client as DjangoClient

from connections.models import PlcloudConnection
from tests.faults.test_breaker import trip

DOT = re.compile(r'<a href="/connection/" id="plcloud-dot" class="conn (conn-on|conn-off)">')


def banners(page: str) -> list[str]:
    """The text of every banner the page shows, whitespace folded."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", b).split())
        for b in re.findall(r'<div class="banner[^>]*>(.*?)</div>', page, re.S)
    ]


def dot(page: str) -> str:
    return DOT.search(page).group(1)


@pytest.fixture
def breaker_settings(settings):
    settings.PLCLOUD_BREAKER_THRESHOLD = 3
    settings.PLCLOUD_BREAKER_COOLDOWN = 60
    return settings


def test_a_member_not_connected_is_told_once(viewer):
    client = DjangoClient()
    client.force_login(viewer)
    # A page that calls Plcloud says why it could not (its own problem); the shell does not repeat it.
    page = client.get("/cdn/").content.decode()
    assert banners(page) == ["Connect your Plcloud account first. Connect to Plcloud"]
    assert "You are not connected to Plcloud yet." not in page and dot(page) == "conn-off"
    # A page that calls nothing: the shell's banner, once.
    page = client.get("/jobs/").content.decode()
    assert banners(page) == ["You are not connected to Plcloud yet. Connect to Plcloud"]
    assert dot(page) == "conn-off" and "Not connected" in page


def test_an_outage_is_told_once(member, sandbox, breaker_settings):
    trip(member, sandbox)
    page = member.get("/tickets/").content.decode()  # a page whose read the open breaker held back
    assert banners(page) == [
        "Plcloud is unavailable: it failed repeatedly, so the panel is not calling it for a short while. "
        "Nothing was sent; try again in a minute."
    ]
    assert page.count('id="plcloud-outage"') == 1
    page = member.get("/audit/").content.decode()  # a page that calls nothing: the shell says it
    assert banners(page) == [
        "Plcloud is unavailable. It failed repeatedly, so the panel has paused its calls and will try again "
        "shortly. What you type is kept."
    ]
    assert dot(page) == "conn-on"  # an outage is not the member's session: nothing to reconnect


@pytest.mark.parametrize("keep", [True, False])
def test_the_dot_turns_when_plcloud_refuses_the_session_and_back_when_it_takes_it(
    client, operator, connect_demo, sandbox, upstream_objects, keep
):
    connect_demo(operator, keep=keep)
    client.force_login(operator)
    page = client.get("/tickets/").content.decode()
    assert dot(page) == "conn-on" and banners(page) == [] and "Fault tests" in page
    # Plcloud refuses the token (and, with a stored password, the new sign-in too).
    sandbox.set_faults(unauthorized=True, scope="all")
    page = client.get("/tickets/").content.decode()
    assert banners(page) == ["Plcloud did not accept your credentials or session. Connect again. Connect to Plcloud"]
    assert dot(page) == "conn-off" and "(connect again)" in page
    assert PlcloudConnection.objects.get(user=operator).last_error  # recorded on the row: every page knows
    # A page that calls nothing: the shell asks to connect again, once; the dot stays off.
    page = client.get("/audit/").content.decode()
    assert banners(page) == ["Plcloud no longer accepts your session. Connect to Plcloud"]
    assert dot(page) == "conn-off"
    # Plcloud takes the session again: the next call that succeeds turns the dot back.
    sandbox.clear_faults()
    page = client.get("/tickets/").content.decode()
    assert dot(page) == "conn-on" and banners(page) == [] and "Fault tests" in page
    assert PlcloudConnection.objects.get(user=operator).last_error == ""
    assert banners(client.get("/audit/").content.decode()) == []
