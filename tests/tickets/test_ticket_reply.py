import pytest

from audit.models import AuditEntry
from tests.helpers import wait_for


@pytest.mark.parametrize(("role", "expected"), [("admin", 302), ("operator", 302), ("viewer", 403), ("outsider", 403)])
def test_it_lets_each_role_reply_or_not(client, connected, new_ticket, upstream, role, expected):
    ticket = new_ticket(connected["operator"])
    client.force_login(connected[role])
    response = client.post(f"/tickets/{ticket['id']}/reply/", {"content": f"reply from {role}"})
    assert response.status_code == expected
    contents = [reply["content"] for reply in upstream(connected["operator"]).ticket.list_reply(ticket["id"])]
    assert (f"reply from {role}" in contents) is (expected == 302)


def test_it_replies_upstream_records_it_and_support_answers(client, connected, new_ticket, upstream):
    operator = connected["operator"]
    ticket = new_ticket(operator)
    client.force_login(operator)
    response = client.post(f"/tickets/{ticket['id']}/reply/", {"content": "Here is the *URL*."})
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket['id']}/"
    replies = upstream(operator).ticket.list_reply(ticket["id"])
    assert replies[-1]["content"] == "Here is the *URL*." and replies[-1]["author"] == "user"
    entry = AuditEntry.objects.get(action="ticket.reply")
    assert (entry.object_id, entry.outcome, entry.actor) == (ticket["id"], "ok", operator)
    page = wait_for(
        lambda: (page := client.get(response["Location"]).content.decode()).count("reply-support") >= 2 and page,
        timeout=15,
        interval=0.3,
    )
    assert "Here is the <em>URL</em>." in page and "Plcloud Support" in page


def test_it_shows_a_script_in_a_reply_as_text(client, connected, new_ticket):
    ticket = new_ticket(connected["operator"])
    client.force_login(connected["operator"])
    client.post(f"/tickets/{ticket['id']}/reply/", {"content": "<script>alert('x')</script>"})
    page = client.get(f"/tickets/{ticket['id']}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page or "&lt;script&gt;alert('x')" in page


@pytest.mark.parametrize(("content", "error"), [("", "This field is required."), ("z" * 10_001, "at most 10000")])
def test_it_validates_a_reply_before_sending(client, connected, new_ticket, upstream, content, error):
    ticket = new_ticket(connected["operator"])
    client.force_login(connected["operator"])
    response = client.post(f"/tickets/{ticket['id']}/reply/", {"content": content})
    assert response.status_code == 200 and error in response.content.decode()
    assert not AuditEntry.objects.filter(action__startswith="ticket.").exists()
    assert all(r["author"] == "support" for r in upstream(connected["operator"]).ticket.list_reply(ticket["id"]))


def test_it_keeps_the_reply_and_offers_a_retry_when_plcloud_fails(client, connected, new_ticket, clean_faults):
    ticket = new_ticket(connected["operator"])
    clean_faults.set_faults(error_rate=1.0, scope="service")
    client.force_login(connected["operator"])
    text = "A long, careful reply\nwith *two* lines."
    response = client.post(f"/tickets/{ticket['id']}/reply/", {"content": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Plcloud is not reachable right now" in page
    assert f"{text}</textarea>" in page and "Retry sending" in page
    entry = AuditEntry.objects.get(action="ticket.reply")
    assert entry.outcome == "failed" and entry.object_id == ticket["id"] and entry.error


def test_it_refuses_to_reply_to_a_closed_ticket(client, connected, new_ticket, upstream):
    ticket = new_ticket(connected["operator"])
    upstream(connected["operator"]).ticket.update(ticket["id"], "closed")
    client.force_login(connected["operator"])
    page = client.get(f"/tickets/{ticket['id']}/").content.decode()
    assert 'name="content"' not in page and "Closing is final" in page
    response = client.post(f"/tickets/{ticket['id']}/reply/", {"content": "too late"})
    assert response.status_code == 200 and "Plcloud refused the request" in response.content.decode()
    assert AuditEntry.objects.get(action="ticket.reply").outcome == "failed"
