import pytest

from audit.models import AuditEntry
from tests.helpers import wait_for
from tickets.models import TicketEvent


@pytest.mark.parametrize("action", ["accept", "close"])
@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("operator", 200), ("viewer", 403), ("outsider", 403)])
def test_it_lets_each_role_reach_the_confirm_step_or_not(client, connected, new_ticket, action, role, expected):
    ticket = new_ticket(connected["operator"])
    client.force_login(connected[role])
    assert client.get(f"/tickets/{ticket['id']}/{action}/").status_code == expected


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_it_refuses_a_status_change_from_a_member_who_may_not_change(client, connected, new_ticket, upstream, role):
    ticket = new_ticket(connected["operator"])
    client.force_login(connected[role])
    assert client.post(f"/tickets/{ticket['id']}/close/").status_code == 403
    assert upstream(connected["operator"]).ticket.get(ticket["id"])["status"] != "closed"
    assert not AuditEntry.objects.filter(action__startswith="ticket.").exists() and not TicketEvent.objects.exists()


def test_it_asks_before_changing_anything(client, connected, new_ticket, upstream):
    ticket = new_ticket(connected["operator"])
    client.force_login(connected["operator"])
    page = client.get(f"/tickets/{ticket['id']}/close/").content.decode()
    assert "Close this ticket?" in page and "Closing is final" in page and "Yes, close the ticket" in page
    assert upstream(connected["operator"]).ticket.get(ticket["id"])["status"] == "open"


def test_it_accepts_then_closes_and_keeps_the_history(client, connected, new_ticket, upstream):
    operator = connected["operator"]
    ticket = new_ticket(operator)
    wait_for(lambda: upstream(operator).ticket.get(ticket["id"])["status"] == "answered", timeout=15, interval=0.3)
    client.force_login(operator)
    assert client.post(f"/tickets/{ticket['id']}/accept/").status_code == 302
    assert upstream(operator).ticket.get(ticket["id"])["status"] == "accepted"
    assert client.post(f"/tickets/{ticket['id']}/close/").status_code == 302
    assert upstream(operator).ticket.get(ticket["id"])["status"] == "closed"
    events = list(TicketEvent.objects.filter(ticket_id=ticket["id"]).values_list("who", "field", "old", "new"))
    assert events == [(operator.pk, "status", "answered", "accepted"), (operator.pk, "status", "accepted", "closed")]
    entries = AuditEntry.objects.filter(action="ticket.status", object_id=ticket["id"], outcome="ok")
    assert entries.count() == 2
    page = client.get(f"/tickets/{ticket['id']}/").content.decode()
    assert "History" in page and "otto changed the status from “Accepted” to “Closed”" in page
    assert "Closing is final" in page and "Close ticket" not in page and 'name="content"' not in page


def test_it_explains_that_a_closed_ticket_stays_closed(client, connected, new_ticket, upstream):
    ticket = new_ticket(connected["operator"])
    upstream(connected["operator"]).ticket.update(ticket["id"], "closed")
    client.force_login(connected["operator"])
    assert "This ticket is already closed." in client.get(f"/tickets/{ticket['id']}/accept/").content.decode()
    response = client.post(f"/tickets/{ticket['id']}/accept/")
    assert response.status_code == 200 and "Plcloud refused the request" in response.content.decode()
    assert AuditEntry.objects.get(action="ticket.status").outcome == "failed"
    assert not TicketEvent.objects.exists()


def test_it_offers_a_retry_when_plcloud_fails(client, connected, new_ticket, upstream, clean_faults):
    ticket = new_ticket(connected["operator"])
    clean_faults.set_faults(error_rate=1.0, scope="service")
    client.force_login(connected["operator"])
    response = client.post(f"/tickets/{ticket['id']}/close/")
    page = response.content.decode()
    assert response.status_code == 200 and "Plcloud is not reachable right now" in page and "Try again" in page
    entry = AuditEntry.objects.get(action="ticket.status")
    assert entry.outcome == "failed" and entry.object_id == ticket["id"]
    clean_faults.clear_faults()
    assert upstream(connected["operator"]).ticket.get(ticket["id"])["status"] != "closed"


def test_it_answers_404_for_a_ticket_plcloud_does_not_show_and_no_history(client, connected):
    TicketEvent.objects.create(ticket_id="tk-0ff", who=connected["operator"], field="status", old="open", new="closed")
    client.force_login(connected["operator"])
    for url in ("/tickets/tk-0ff/close/", "/tickets/tk-0ff/accept/"):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    page = client.get("/tickets/tk-0ff/")
    assert page.status_code == 404
    assert "changed the status" not in page.content.decode()
