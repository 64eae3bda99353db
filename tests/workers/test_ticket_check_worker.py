"""The beat task, run by a real worker process through Redis, turns a support reply into a notification."""

import os
import subprocess
import sys

import pytest
from kombu import Connection

from plcloud_panel.celery import app
from tests.helpers import wait_for
from tests.tickets.conftest import unique
from tests.workers.test_worker import ROOT, database_url, redis_or_skip
from tickets.models import Notification, TicketSeen
from tickets.tasks import check_ticket_replies


def test_beat_runs_the_checker_on_the_configured_interval(settings):
    entry = app.conf.beat_schedule["tickets.check_ticket_replies"]
    assert entry["task"] == check_ticket_replies.name == "tickets.tasks.check_ticket_replies"
    assert entry["schedule"] == float(settings.TICKET_CHECK_SECONDS)


@pytest.fixture
def redis_worker():
    url = redis_or_skip()
    env = {**os.environ, "CELERY_BROKER_URL": url, "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "plcloud_panel",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "-n",
            "ticket-check-worker@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield url, process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    if process.returncode not in (0, -15):
        print(output)


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
