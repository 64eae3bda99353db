"""Deactivating a member from the Team page: signed out everywhere, every job of theirs that has
not ended cancelled with the reason (a worker holding one stops and does not bring it back), their
Plcloud token and password deleted, nothing more sent upstream for them. Against the real
sandbox, and a real worker process where the worker's timing matters."""

from datetime import timedelta

import pytest
import redis
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from cdn.objects import Domain
from connections.models import PlcloudConnection
from jobs import export_run, exports, prefetch_run, runner, services
from jobs.models import Job, Kind
from tests.helpers import wait_for
from tests.panel_fixtures import PASSWORD
from tests.worker_fixtures import panel_broker
from tickets.checker import members_due

HOST = "https://www.demo-shop.com"
REASON = "Cancelled: otto was deactivated."


@pytest.fixture
def ada(admin):
    """The admin's own browser, signed in."""
    browser = Client()
    browser.force_login(admin)
    return browser


def deactivate(ada, member) -> str:
    return ada.post(f"/team/{member.pk}/active/", {"active": "0"}, follow=True).content.decode()


def reactivate(ada, member) -> str:
    return ada.post(f"/team/{member.pk}/active/", {"active": "1"}, follow=True).content.decode()


def prefetch(op, *names: str) -> Job:
    """A prefetch submitted from the member's own browser (queued; sent if a broker is set)."""
    op.post("/jobs/prefetch/new/", {"urls": "\n".join(f"{HOST}/{n}" for n in names), "action": "send"})
    return Job.objects.latest("pk")


def shows_sign_in(browser) -> bool:
    page = browser.get("/jobs/", follow=True)
    at = page.redirect_chain[-1][0] if page.redirect_chain else ""
    return at.startswith("/accounts/login/") and 'name="password"' in page.content.decode()


def broker_idle(url: str) -> bool:
    """No task waiting in the queue, and none taken by the worker and not yet done (acks_late):
    the worker has run the job's last step, and queued no other."""
    broker = redis.Redis.from_url(url)
    return broker.llen("celery") == 0 and broker.hlen("unacked") == 0


@pytest.mark.django_db(transaction=True)
def test_a_prefetch_running_under_a_worker_stops_when_its_owner_is_deactivated(
    redis_worker, sandbox, op, operator, ada, connect_demo
):
    url, worker = redis_worker
    sandbox.set_timings(prefetch_seconds=300)  # still in progress upstream when otto is deactivated
    try:
        with panel_broker(url):
            job = prefetch(op, "deactivated-a.js", "deactivated-b.js", "deactivated-c.js")

            def polled():
                assert worker.poll() is None, "the worker stopped"
                job.refresh_from_db()
                return job.state == "running" and job.attempts >= 1

            wait_for(polled, timeout=60, interval=0.2)
            (request_id,) = job.upstream_ids
            page = deactivate(ada, operator)
            polls = len(sandbox.calls("GET", request_id))
            job.refresh_from_db()
            assert (job.state, job.error) == ("cancelled", REASON)
            assert "otto deactivated: signed out, 1 job cancelled, Plcloud connection deleted." in page
            wait_for(lambda: worker.poll() is None and broker_idle(url), timeout=60, interval=0.2)
    finally:
        sandbox.reset_timings()
    assert len(sandbox.calls("GET", request_id)) == polls  # nothing more asked upstream for it
    job.refresh_from_db()
    assert (job.state, job.error) == ("cancelled", REASON)  # the worker did not bring it back
    assert not PlcloudConnection.objects.filter(user=operator).exists()
    assert shows_sign_in(op)

    page = reactivate(ada, operator)
    assert "otto reactivated. They must connect to Plcloud again before they can use it." in page
    assert shows_sign_in(op)  # the session from before is gone for good
    op.post("/accounts/login/", {"username": "otto", "password": PASSWORD})
    connect_demo(operator)  # as otto does on the Connect page
    detail = op.get(f"/jobs/{job.pk}/").content.decode()
    assert ">Cancelled</span>" in detail and REASON in detail


def test_deactivating_ends_the_members_sessions_and_deletes_their_plcloud_secrets(op, operator, ada, admin):
    assert op.get("/jobs/").status_code == 200
    deactivate(ada, operator)
    assert not PlcloudConnection.objects.filter(user=operator).exists()
    disconnected = AuditEntry.objects.get(action="connection.disconnect")
    assert (disconnected.actor_name, disconnected.object_id) == ("ada", "otto")
    deactivated = AuditEntry.objects.get(action="member.deactivate")
    assert (deactivated.actor_name, deactivated.object_id, deactivated.detail) == ("ada", "otto", {"jobs_cancelled": 0})
    reactivate(ada, operator)
    assert shows_sign_in(op)
    assert shows_sign_in(ada) is False  # the admin's own session is untouched


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    return settings.EXPORT_ROOT


def test_an_export_half_written_is_cancelled_and_its_file_removed(
    op, operator, ada, www, sandbox, export_root, monkeypatch
):
    monkeypatch.setattr(export_run, "EXPORT_SLICE", 0)  # one page a step: the file is half written after one
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    window = {"log_type": "cache", "start_at": end - timedelta(minutes=30), "end_at": end}
    job = services.submit_export(user=operator, domain=Domain.from_wire(www), window=window)
    assert export_run.export_step(job.pk, owner="worker-1") is not None
    part = exports.part_path(job.export)
    assert part.exists()
    deactivate(ada, operator)
    job.refresh_from_db()
    assert (job.state, job.error) == ("cancelled", REASON)
    assert not part.exists() and not exports.final_path(job.export).exists()
    sandbox.forget_requests()
    assert export_run.export_step(job.pk, owner="worker-1") is None
    assert sandbox.requests_seen()["total"] == 0


def test_a_worker_in_the_middle_of_a_step_does_not_bring_the_job_back(op, operator, ada):
    job = prefetch(op, "held-a.js")
    held = runner.claim(job.pk, "worker-1", Kind.PREFETCH)  # a worker is in the middle of a step
    deactivate(ada, operator)
    runner.start(held)
    assert runner.again(held, 1.0) is None  # its save does not land, and it queues no next step
    runner.finish(held)
    job.refresh_from_db()
    assert (job.state, job.error, job.lease_owner) == ("cancelled", REASON, "")


def test_a_member_deactivated_outside_the_team_page_gets_nothing_sent(op, operator, sandbox):
    job = prefetch(op, "elsewhere-a.js")
    # As the Django admin or manage.py would: only the flag changes.
    get_user_model().objects.filter(pk=operator.pk).update(is_active=False)
    sandbox.forget_requests()
    assert prefetch_run.prefetch_step(job.pk, owner="worker-1") is None
    job.refresh_from_db()
    assert (job.state, job.error) == ("cancelled", REASON)
    assert sandbox.requests_seen()["total"] == 0
    assert operator not in members_due(200)  # nor are their tickets read
