"""A change whose answer is unreadable or lost: a clear message, the input kept, the failure in the
audit log, and the change sent once only."""

import re

import pytest
from django.core.cache import cache

from audit.models import AuditEntry, Outcome
from tests.faults.pages import forms

ACTIONS = ["cdn.create", "ticket.reply", "ticket.create", "cdn.urls.add", "cdn.recharge"]
MESSAGES = {
    "drop_rate": "The connection to Plcloud was lost before it answered. The change may have been made: "
    "check before trying again.",
    "error_rate": "Plcloud answered with a server error. The change may have been made: check before trying again.",
}
# What each form says once its change was made (a 2xx answer, whatever its body).
DONE = ["created; it is being configured.", "Reply sent.", "Ticket opened.", "URLs saved.", "Recharged 7 GB"]


@pytest.mark.parametrize("fault", list(MESSAGES))
def test_a_failed_change_keeps_the_input_says_why_and_is_audited(member, sandbox, upstream_objects, fault):
    sandbox.set_faults(**{fault: 1.0, "scope": "service"})
    changes = [form for form in forms(upstream_objects) if not form[0].endswith("/toggle/")]
    for (path, fields, kept), action in zip(changes, ACTIONS, strict=True):
        cache.clear()  # each form on its own, with the breaker closed
        sandbox.forget_requests()
        response = member.post(path, fields, follow=True)
        page = response.content.decode()
        assert response.status_code == 200, path
        assert MESSAGES[fault] in page, path
        assert kept in page, path
        entry = AuditEntry.objects.filter(action=action).latest("pk")
        assert entry.outcome == Outcome.FAILED and MESSAGES[fault] in entry.error, path
        sent = [c for c in sandbox.requests_seen()["requests"] if c["method"] in ("POST", "PUT", "DELETE")]
        assert len(sent) == 1, (path, sent)  # never sent twice


def test_a_change_answered_2xx_with_an_unreadable_body_is_taken_as_made(member, sandbox, upstream_objects):
    """Plcloud made the change once it answered 2xx (docs/plcloud-api.md, "How the client reads
    answers"): an unreadable body is what came, not a failure; nothing is sent again."""
    sandbox.set_faults(malformed_rate=1.0, scope="service")
    changes = [form for form in forms(upstream_objects) if not form[0].endswith("/toggle/")]
    for (path, fields, _kept), action, done in zip(changes, ACTIONS, DONE, strict=True):
        cache.clear()
        sandbox.forget_requests()
        response = member.post(path, fields, follow=True)
        assert response.status_code == 200 and done in response.content.decode(), path
        assert AuditEntry.objects.filter(action=action).latest("pk").outcome == Outcome.OK, path
        sent = [c for c in sandbox.requests_seen()["requests"] if c["method"] in ("POST", "PUT", "DELETE")]
        assert len(sent) == 1, (path, sent)


@pytest.mark.parametrize("fault", list(MESSAGES))
def test_a_change_that_needs_the_domain_first_sends_nothing_when_it_cannot_be_read(
    member, sandbox, upstream_objects, fault
):
    sandbox.set_faults(**{fault: 1.0, "scope": "service"})
    sandbox.forget_requests()
    response = member.post(f"/cdn/{upstream_objects['domain_id']}/toggle/", {"enable": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "The panel could not read this domain from Plcloud." in page
    assert {c["method"] for c in sandbox.requests_seen()["requests"]} == {"GET"}


def test_an_edit_posted_while_the_domain_cannot_be_read_is_kept_to_send_again(member, sandbox, upstream_objects):
    sandbox.set_faults(error_rate=1.0, scope="service")
    sandbox.forget_requests()
    fields = {"edit-origin_ips": "203.0.113.77\n2001:db8::77", "edit-areas": ["hk", "ov"], "edit-icp_record": ""}
    response = member.post(f"/cdn/{upstream_objects['domain_id']}/", fields)
    page = response.content.decode()
    assert response.status_code == 200 and "Your changes were not sent." in page
    assert "203.0.113.77\n2001:db8::77</textarea>" in page
    checked = {
        m.group(1) for m in re.finditer(r'<input type="checkbox" name="edit-areas" value="(\w+)"[^>]*checked', page)
    }
    assert checked == {"hk", "ov"}
    assert {c["method"] for c in sandbox.requests_seen()["requests"]} == {"GET"}


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("drop_rate", "Plcloud is not reachable right now. Nothing was lost; try again in a minute."),
        ("error_rate", "Plcloud is not reachable right now. Nothing was lost; try again in a minute."),
        ("malformed_rate", "Plcloud answered with something the panel could not read. Try again later."),
    ],
)
def test_signing_in_to_a_failing_identity_keeps_the_form_and_is_audited(
    client, viewer, panel_settings, sandbox, fault, message
):
    client.force_login(viewer)
    sandbox.set_faults(**{fault: 1.0, "scope": "identity"})
    sandbox.forget_requests()
    fields = {"auth_url": sandbox.auth_url, "username": "demo-kept", "password": "secreetword", "tenant_name": "demo"}
    response = client.post("/connection/", fields)
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert 'value="demo-kept"' in page and "secreetword" not in page
    entry = AuditEntry.objects.get(actor=viewer, action="connection.connect")
    assert entry.outcome == Outcome.FAILED and entry.error == message
    assert [c["method"] for c in sandbox.requests_seen()["requests"]] == ["POST"]  # a sign-in is not retried
