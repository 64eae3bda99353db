"""The beat task, run by a real worker process through Redis, turns a support reply into a notification."""

import pytest
from kombu import Connection

from notifications.models import Notification
from plcloud_panel.celery import app
from tests.helpers import wait_for
from tests.tickets.conftest import unique
from tickets.models import TicketSeen
from tickets.tasks import check_ticket_replies


def test_beat_runs_the_checker_on_the_configured_interval(settings):
    entry = app.conf.beat_schedule["tickets.check_ticket_replies"]
    assert entry["task"] == check_ticket_replies.name == "tickets.tasks.check_ticket_replies"
    assert entry["schedule"] == float(settings.TICKET_CHECK_SECONDS)


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_the_check_and_a_notification_appears(redis_worker, operator, connect_demo, client):
    url, worker = redis_worker
    connect_demo(operator)
    client.force_login(operator)
    response = client.post("/tickets/new/", {"summary": unique("worker"), "description": "Help."})
    ticket_id = response["Location"].strip("/").split("/")[-1]
    assert TicketSeen.objects.get(user=operator, ticket_id=ticket_id).reply_count == 0
    wait_for(lambda: f'id="unread-{ticket_id}"' in client.get("/tickets/").content.decode(), timeout=15, interval=0.3)

    with Connection(url) as conn:
        check_ticket_replies.apply_async(connection=conn)

    def notified():
        assert worker.poll() is None, "the worker stopped"
        return Notification.objects.filter(user=operator, ticket_id=ticket_id).first()

    notification = wait_for(notified, timeout=60, interval=0.3)
    assert notification.reply_count >= 1 and notification.read_at is None
