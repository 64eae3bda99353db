"""Support replies become notifications: the checker task against the sandbox, the badge, the page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connections.models import PlcloudConnection
from notifications.models import Notification
from tests.helpers import free_port, wait_for
from tests.tickets.conftest import unique
from tickets.checker import check_all
from tickets.models import CheckOutcome, TicketCheck
from tickets.tasks import check_ticket_replies

BADGE = 'id="ticket-notifications-badge"'


def answered(upstream, user, ticket_id: str, replies: int) -> dict:
    """Wait until support's answer is there upstream (reply_count reached, support last)."""

    def check():
        ticket = upstream(user).ticket.get(ticket_id)
        return ticket["reply_count"] >= replies and ticket["last_reply_by"] == "support" and ticket

    return wait_for(check, timeout=15, interval=0.3)


def notes(user, ticket_id: str):
    return Notification.objects.filter(user=user, ticket_id=ticket_id)


def test_it_notifies_each_new_support_reply_once(connected, new_ticket, upstream):
    operator = connected["operator"]
    check_ticket_replies()  # the first check takes what is there as read
    assert TicketCheck.objects.get(user=operator).outcome == CheckOutcome.OK
    ticket = new_ticket(operator, unique("notify"))
    answered(upstream, operator, ticket["id"], 1)

    check_ticket_replies()
    first = notes(operator, ticket["id"]).get()
    assert first.summary == ticket["summary"] and first.reply_count == 1 and first.read_at is None
    check_ticket_replies()
    assert notes(operator, ticket["id"]).count() == 1  # never twice

    upstream(operator).ticket.reply(ticket["id"], "Still broken.")
    answered(upstream, operator, ticket["id"], 3)
    check_ticket_replies()
    check_ticket_replies()
    assert sorted(notes(operator, ticket["id"]).values_list("reply_count", flat=True)) == [1, 3]
    # Every team member connected to this Plcloud account is told; the outsider is not checked.
    assert notes(connected["viewer"], ticket["id"]).count() == 2
    assert not Notification.objects.filter(user=connected["outsider"]).exists()
    assert not TicketCheck.objects.filter(user=connected["outsider"]).exists()


def test_it_does_not_notify_what_the_member_already_opened(client, connected, new_ticket, upstream):
    operator = connected["operator"]
    check_ticket_replies()
    ticket = new_ticket(operator, unique("opened"))
    answered(upstream, operator, ticket["id"], 1)
    client.force_login(operator)
    client.get(f"/tickets/{ticket['id']}/")  # the panel looked after support answered
    check_ticket_replies()
    assert not notes(operator, ticket["id"]).exists()
    assert notes(connected["viewer"], ticket["id"]).count() == 1


def test_it_skips_a_member_whose_session_expired_and_checks_the_others(connected, new_ticket, upstream):
    operator, viewer = connected["operator"], connected["viewer"]
    check_ticket_replies()
    PlcloudConnection.objects.filter(user=operator).update(
        token_expires=timezone.now() - timedelta(minutes=1), keep_connected=False
    )
    ticket = new_ticket(viewer, unique("expired"))
    answered(upstream, viewer, ticket["id"], 1)

    summary = check_all()
    assert summary.waiting == 1 and summary.failed == 0 and summary.checked == 2
    check = TicketCheck.objects.get(user=operator)
    assert check.outcome == CheckOutcome.WAITING and "expired" in check.error
    assert not Notification.objects.filter(user=operator).exists()
    assert notes(viewer, ticket["id"]).count() == 1


def test_an_upstream_failure_for_one_member_does_not_stop_the_others(connected, new_ticket, upstream):
    operator, viewer = connected["operator"], connected["viewer"]
    check_ticket_replies()
    ticket = new_ticket(viewer, unique("unreachable"))
    answered(upstream, viewer, ticket["id"], 1)
    nowhere = f"http://127.0.0.1:{free_port()}/v1"
    PlcloudConnection.objects.filter(user=operator).update(endpoint=nowhere)

    summary = check_all()
    assert summary.failed == 1 and summary.checked == 2
    check = TicketCheck.objects.get(user=operator)
    assert check.outcome == CheckOutcome.FAILED and "not reachable" in check.error
    assert nowhere not in check.error
    assert notes(viewer, ticket["id"]).count() == 1


def test_it_reads_a_capped_number_of_members_longest_unchecked_first(connected, settings):
    settings.TICKET_CHECK_MAX_MEMBERS = 1
    team = {connected[role].pk for role in ("admin", "operator", "viewer")}
    checked = []
    for _ in range(3):
        summary = check_all()
        assert len(summary.members) == 1
        checked.append(TicketCheck.objects.order_by("-checked_at").first().user_id)
    assert set(checked) == team


def test_it_mails_the_member_when_a_mail_server_is_set(connected, new_ticket, upstream, settings, mailoutbox):
    settings.EMAIL_HOST = "smtp.example.com"
    operator = connected["operator"]
    operator.email = "otto@example.com"
    operator.save(update_fields=["email"])
    check_ticket_replies()
    ticket = new_ticket(operator, unique("mail"))
    answered(upstream, operator, ticket["id"], 1)
    check_ticket_replies()
    mails = [mail for mail in mailoutbox if mail.to == ["otto@example.com"]]
    assert len(mails) == 1
    assert ticket["id"] in mails[0].body and ticket["summary"] in mails[0].body
    assert "secreetword" not in mails[0].body
    check_ticket_replies()
    assert len([mail for mail in mailoutbox if mail.to == ["otto@example.com"]]) == 1


def test_it_sends_no_mail_without_a_mail_server(connected, new_ticket, upstream, settings, mailoutbox):
    settings.EMAIL_HOST = ""
    operator = connected["operator"]
    operator.email = "otto@example.com"
    operator.save(update_fields=["email"])
    check_ticket_replies()
    ticket = new_ticket(operator, unique("nomail"))
    answered(upstream, operator, ticket["id"], 1)
    check_ticket_replies()
    assert notes(operator, ticket["id"]).count() == 1 and mailoutbox == []


def test_the_badge_shows_the_count_and_clears_when_the_ticket_is_opened(client, connected, new_ticket, upstream):
    operator = connected["operator"]
    client.force_login(operator)
    assert BADGE not in client.get("/tickets/").content.decode()
    check_ticket_replies()
    first, second = new_ticket(operator, unique("badge one")), new_ticket(operator, unique("badge two"))
    answered(upstream, operator, first["id"], 1)
    answered(upstream, operator, second["id"], 1)
    check_ticket_replies()
    page = client.get("/cdn/").content.decode()
    assert f'{BADGE} title="2 unread notifications">2</a>' in page
    client.get(f"/tickets/{first['id']}/")
    assert notes(operator, first["id"]).get().read_at is not None
    page = client.get("/tickets/").content.decode()
    assert f'{BADGE} title="1 unread notification">1</a>' in page
    client.get(f"/tickets/{second['id']}/")
    assert BADGE not in client.get("/tickets/").content.decode()


@pytest.mark.parametrize(("role", "expected"), [("admin", 200), ("operator", 200), ("viewer", 200), ("outsider", 403)])
def test_the_notifications_page_per_role(client, members, role, expected):
    user = members[role]
    Notification.objects.create(user=user, ticket_id="tk-0000abcd", summary="Cache misses", reply_count=1)
    client.force_login(user)
    response = client.get("/tickets/notifications/")
    assert response.status_code == expected
    if expected == 200:
        page = response.content.decode()
        assert "Cache misses" in page and 'href="/tickets/tk-0000abcd/"' in page
    assert client.post("/tickets/notifications/read/").status_code == (302 if expected == 200 else 403)


def test_the_notifications_page_sends_an_anonymous_visitor_to_sign_in(client, db):
    response = client.get("/tickets/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mark_all_read_clears_only_the_members_own(client, members):
    viewer, admin = members["viewer"], members["admin"]
    for user in (viewer, admin):
        for n in (1, 3):
            Notification.objects.create(user=user, ticket_id="tk-00001111", summary="Slow origin", reply_count=n)
    client.force_login(viewer)
    assert client.get("/tickets/notifications/read/").status_code == 405
    response = client.post("/tickets/notifications/read/", follow=True)
    page = response.content.decode()
    assert "No unread notifications." in page and BADGE not in page
    assert not Notification.objects.filter(user=viewer, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=admin, read_at__isnull=True).count() == 2
