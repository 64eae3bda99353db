import pytest

from audit.models import AuditEntry
from tests.tickets.conftest import sandbox_summaries, unique


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("operator", 200), ("viewer", 403), ("outsider", 403)])
def test_it_lets_each_role_open_the_form_or_not(client, connected, role, expected):
    client.force_login(connected[role])
    assert client.get("/tickets/new/").status_code == expected


@pytest.mark.parametrize("role", ["viewer", "outsider"])
def test_it_refuses_a_post_from_a_member_who_may_not_change(client, connected, role):
    summary = unique("refused")
    client.force_login(connected[role])
    assert client.post("/tickets/new/", {"summary": summary, "description": "x"}).status_code == 403
    assert summary not in sandbox_summaries(connected["operator"])
    assert not AuditEntry.objects.filter(action__startswith="ticket.").exists()


def test_it_opens_a_ticket_upstream_and_records_it(client, connected):
    operator, summary = connected["operator"], unique("new")
    client.force_login(operator)
    response = client.post("/tickets/new/", {"summary": summary, "description": "Cache *misses*."})
    assert response.status_code == 302
    ticket_id = response["Location"].strip("/").split("/")[-1]
    assert summary in sandbox_summaries(operator)
    entry = AuditEntry.objects.get(action="ticket.create")
    assert (entry.actor, entry.object_type, entry.object_id, entry.outcome) == (operator, "ticket", ticket_id, "ok")
    page = client.get(response["Location"]).content.decode()
    assert summary in page and "Cache <em>misses</em>." in page and "Ticket opened." in page


def test_it_shows_the_limits_and_prefills_from_the_query(client, connected):
    client.force_login(connected["operator"])
    page = client.get("/tickets/new/", {"summary": "About www.demo-shop.com", "description": "Seen on the CDN page"})
    page = page.content.decode()
    assert 'maxlength="200"' in page and 'maxlength="10000"' in page
    assert "up to 200 characters" in page and "Up to 10,000 characters" in page
    assert 'value="About www.demo-shop.com"' in page and "Seen on the CDN page</textarea>" in page
    assert '<label for="id_summary">' in page and '<label for="id_description">' in page


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"summary": "x" * 201, "description": "ok"}, "at most 200 characters"),
        ({"summary": "ok", "description": "y" * 10_001}, "at most 10000 characters"),
        ({"summary": "", "description": "ok"}, "This field is required."),
        ({"summary": "ok", "description": "   "}, "This field is required."),
    ],
)
def test_it_validates_before_anything_goes_upstream(client, connected, data, error):
    client.force_login(connected["operator"])
    response = client.post("/tickets/new/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="ticket.").exists()


def test_it_keeps_the_text_and_offers_a_retry_when_plcloud_fails(client, connected, clean_faults):
    operator, summary = connected["operator"], unique("unlucky")
    clean_faults.set_faults(error_rate=1.0, scope="service")
    client.force_login(operator)
    response = client.post("/tickets/new/", {"summary": summary, "description": "Every *word* kept."})
    assert response.status_code == 200
    page = response.content.decode()
    # A 5xx to a change: Plcloud may have carried it out (docs/plcloud-api.md), so the page says so.
    assert "Plcloud answered with a server error. The change may have been made: check before trying again." in page
    assert f'value="{summary}"' in page and "Every *word* kept.</textarea>" in page
    assert "Retry opening the ticket" in page
    entry = AuditEntry.objects.get(action="ticket.create")
    assert entry.outcome == "failed" and "server error" in entry.error
    clean_faults.clear_faults()
    assert summary not in sandbox_summaries(operator)


def test_it_explains_that_a_member_must_connect_first(client, operator, panel_settings):
    client.force_login(operator)
    response = client.post("/tickets/new/", {"summary": "s", "description": "d"})
    assert response.status_code == 200
    assert "Connect your Plcloud account first." in response.content.decode()
    assert AuditEntry.objects.get(action="ticket.create").outcome == "failed"
