import pytest

from tests.tickets.conftest import unique


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("operator", 200), ("viewer", 200), ("outsider", 403)])
def test_it_lets_each_role_see_a_ticket_or_not(client, connected, new_ticket, role, expected):
    ticket = new_ticket(connected["operator"])
    client.force_login(connected[role])
    assert client.get(f"/tickets/{ticket['id']}/").status_code == expected


def test_it_shows_summary_description_status_and_the_thread_in_order(client, connected, new_ticket, upstream):
    operator = connected["operator"]
    ticket = new_ticket(operator, unique("thread"), "The **origin** is slow.")
    upstream(operator).ticket.reply(ticket["id"], "first words")
    upstream(operator).ticket.reply(ticket["id"], "second words")
    client.force_login(operator)
    page = client.get(f"/tickets/{ticket['id']}/").content.decode()
    assert ticket["summary"] in page and "The <strong>origin</strong> is slow." in page
    assert "Open: waiting for support" in page
    assert page.index("first words") < page.index("second words")
    assert "Member side" in page and 'name="content"' in page
    assert "Close ticket" in page and "Accept the answer" in page


def test_it_shows_a_viewer_no_change_controls(client, connected, new_ticket):
    ticket = new_ticket(connected["operator"])
    client.force_login(connected["viewer"])
    page = client.get(f"/tickets/{ticket['id']}/").content.decode()
    assert ticket["summary"] in page
    assert 'name="content"' not in page and "Close ticket" not in page and "Accept the answer" not in page


def test_it_shows_markup_from_upstream_as_text(client, connected, new_ticket, upstream):
    operator = connected["operator"]
    ticket = new_ticket(operator, unique("<b>bold</b> summary"), "<img src=x onerror=alert(1)>")
    upstream(operator).ticket.reply(ticket["id"], '<script>alert("pwned")</script> and [x](javascript:alert(2))')
    client.force_login(operator)
    page = client.get(f"/tickets/{ticket['id']}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "javascript:" not in page


def test_it_answers_404_with_an_explanation_for_an_unknown_ticket(client, connected):
    client.force_login(connected["viewer"])
    response = client.get("/tickets/tk-00000000/")
    assert response.status_code == 404
    assert "Plcloud has no such object" in response.content.decode()


def test_it_answers_404_for_another_tenants_ticket(client, connected, sandbox):
    from plcloud import Client

    team2 = Client(username="team2", password="team2-password", tenant_name="team2", auth_url=sandbox.auth_url)
    theirs = team2.ticket.create("Private", "Only team2 may read this.")
    client.force_login(connected["viewer"])
    response = client.get(f"/tickets/{theirs['id']}/")
    assert response.status_code == 404
    assert "Only team2 may read this." not in response.content.decode()


def test_it_only_takes_ticket_shaped_ids(client, connected):
    client.force_login(connected["viewer"])
    assert client.get("/tickets/1234/list/").status_code == 404
    assert client.get("/tickets/tk-ZZ/").status_code == 404
