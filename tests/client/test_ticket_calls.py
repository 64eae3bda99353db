"""Every ticket call of the guide, round-tripped against the sandbox over HTTP."""

import pytest

from plcloud import NotFound, ValidationError
from tests.helpers import wait_for


def test_it_opens_a_ticket_and_gets_a_support_answer(client):
    ticket = client.ticket.create("Domain stuck", "www.example.com has been configuring for an hour.")
    assert ticket["id"].startswith("tk-")
    assert ticket["status"] == "open"
    assert ticket["id"] in [t["id"] for t in client.ticket.list()]
    wait_for(lambda: client.ticket.get(ticket["id"])["status"] == "answered", timeout=15)
    replies = client.ticket.list_reply(ticket["id"])
    assert replies[-1]["author"] == "support"


def test_it_replies_accepts_and_closes(client):
    ticket = client.ticket.create("Question", "How do I flush a directory?")
    reply = client.ticket.reply(ticket["id"], "Also: is there a limit?")
    assert reply["content"] == "Also: is there a limit?"
    assert reply["author"] == "user"
    assert client.ticket.update(ticket["id"], "accepted")["status"] == "accepted"
    assert client.ticket.update(ticket["id"], "closed")["status"] == "closed"
    with pytest.raises(ValidationError):
        client.ticket.reply(ticket["id"], "After closing")


def test_it_refuses_an_unknown_status(client):
    ticket = client.ticket.create("Status", "Trying a status the API does not have.")
    with pytest.raises(ValidationError):
        client.ticket.update(ticket["id"], "resolved")


def test_it_lists_a_users_tickets_for_an_admin(client):
    client.authenticate()
    assert {t["id"] for t in client.ticket.list(client.user_id)} == {t["id"] for t in client.ticket.list()}


def test_it_hides_another_tenants_tickets(client, team2_client):
    theirs = team2_client.ticket.create("Private", "Only team2 may read this.")
    with pytest.raises(NotFound):
        client.ticket.get(theirs["id"])
    with pytest.raises(NotFound):
        client.ticket.list_reply(theirs["id"])
