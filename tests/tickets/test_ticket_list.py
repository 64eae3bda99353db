import pytest

from connections.models import PlcloudConnection
from connections.services import connect
from tests.helpers import wait_for
from tests.tickets.conftest import unique
from tickets.models import TicketSeen


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("operator", 200), ("viewer", 200), ("outsider", 403)])
def test_it_lets_each_role_see_the_list_or_not(client, connected, role, expected):
    client.force_login(connected[role])
    assert client.get("/tickets/").status_code == expected


def test_it_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get("/tickets/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lists_the_members_tickets_newest_activity_first(client, connected, new_ticket):
    operator = connected["operator"]
    older, newer = new_ticket(operator, unique("older")), new_ticket(operator, unique("newer"))
    client.force_login(operator)
    page = client.get("/tickets/").content.decode()
    assert older["summary"] in page and newer["summary"] in page
    assert page.index(newer["summary"]) < page.index(older["summary"])
    assert f'href="/tickets/{newer["id"]}/"' in page


def test_it_filters_by_status_and_searches_the_summary(client, connected, new_ticket, upstream):
    operator = connected["operator"]
    word = unique("needle")
    kept, other = new_ticket(operator, f"{word} open one"), new_ticket(operator, unique("haystack"))
    closed = new_ticket(operator, f"{word} closed one")
    upstream(operator).ticket.update(closed["id"], "closed")
    client.force_login(operator)
    page = client.get("/tickets/", {"q": word.upper(), "status": ""}).content.decode()
    assert kept["summary"] in page and closed["summary"] in page and other["summary"] not in page
    page = client.get("/tickets/", {"q": word, "status": "closed"}).content.decode()
    assert closed["summary"] in page and kept["summary"] not in page
    page = client.get("/tickets/", {"q": unique("nothing-like-this")}).content.decode()
    assert "No tickets match." in page


def test_it_marks_support_answers_unread_until_the_ticket_is_opened(client, connected):
    operator = connected["operator"]
    client.force_login(operator)
    response = client.post("/tickets/new/", {"summary": unique("unread"), "description": "Help."})
    ticket_id = response["Location"].strip("/").split("/")[-1]
    marker = f'id="unread-{ticket_id}"'
    assert marker not in client.get("/tickets/").content.decode()  # support has not answered yet
    wait_for(lambda: marker in client.get("/tickets/").content.decode(), timeout=15, interval=0.3)
    client.get(f"/tickets/{ticket_id}/")
    assert marker not in client.get("/tickets/").content.decode()
    assert TicketSeen.objects.get(user=operator, ticket_id=ticket_id).reply_count >= 1


def test_it_lets_an_admin_see_another_plcloud_users_tickets(client, connected, panel_settings, sandbox):
    alice_member = connected["viewer"]
    connect(
        user=alice_member, username="alice", password="alice-password", tenant_name="demo", auth_url=sandbox.auth_url
    )
    alice_id = PlcloudConnection.objects.get(user=alice_member).plcloud_user_id
    from connections.services import client_for

    theirs = client_for(alice_member).ticket.create(unique("from alice"), "From alice.")
    client.force_login(connected["admin"])
    page = client.get("/tickets/").content.decode()
    assert 'name="user_id"' in page and theirs["summary"] not in page
    page = client.get("/tickets/", {"user_id": alice_id}).content.decode()
    assert theirs["summary"] in page and "Tickets of Plcloud user" in page


def test_it_offers_the_user_id_field_to_admins_only(client, connected):
    client.force_login(connected["operator"])
    page = client.get("/tickets/", {"user_id": "someone-else"}).content.decode()
    assert 'name="user_id"' not in page and "Tickets of Plcloud user" not in page


def test_it_refuses_a_user_id_that_is_not_an_id(client, connected):
    client.force_login(connected["admin"])
    page = client.get("/tickets/", {"user_id": "../cdn/domain"}).content.decode()
    assert "Letters, digits, - and _ only." in page


def test_it_says_so_when_plcloud_fails_instead_of_an_empty_list(client, connected, clean_faults):
    clean_faults.set_faults(error_rate=1.0, scope="service")
    client.force_login(connected["viewer"])
    response = client.get("/tickets/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Plcloud is not reachable right now" in page and "No tickets yet." not in page
