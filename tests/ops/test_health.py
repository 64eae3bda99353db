"""/health/: what a load balancer reads, against a real database, Redis, worker, beat and sandbox."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ops import health
from ops.models import WorkerPing
from ops.tasks import heartbeat
from tests.helpers import free_port, wait_for
from tests.worker_fixtures import redis_or_skip, worker_process

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_checks():
    """Each test starts with no kept result: what it changed is checked at its first hit."""
    health.forget()
    yield
    health.forget()


@pytest.fixture
def healthy_settings(panel_settings):
    """Plcloud is the sandbox, the broker is the test Redis; a worker answered just now."""
    panel_settings.CELERY_BROKER_URL = redis_or_skip()
    panel_settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    WorkerPing.objects.create(answered_at=timezone.now(), worker="test")
    return panel_settings


def get_health(client, **extra):
    started = time.monotonic()
    response = client.get("/health/", **extra)
    return response, time.monotonic() - started


def test_it_is_healthy_when_beat_makes_a_real_worker_answer(client, panel_settings, tmp_path):
    url = redis_or_skip()
    panel_settings.CELERY_BROKER_URL = url
    panel_settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response, _ = get_health(client)
    assert response.json()["checks"]["worker"]["ok"] is False

    # -B runs beat inside the worker, as the quick start does; the heartbeat comes every 5 s.
    environment = {"CELERY_BROKER_URL": url, "WORKER_HEARTBEAT_SECONDS": "5"}
    with worker_process(environment, "health", "-B", "--schedule", str(tmp_path / "beat-schedule")) as worker:

        def healthy():
            assert worker.poll() is None, "the worker stopped"
            answer = client.get("/health/")
            return answer if answer.json()["status"] == "ok" else None

        response = wait_for(healthy, timeout=60, interval=1, message="no heartbeat made the panel healthy")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    checks = response.json()["checks"]
    assert set(checks) == {"database", "broker", "worker", "plcloud"}
    assert all(check["ok"] for check in checks.values()), checks
    assert WorkerPing.objects.filter(worker__endswith=f":{worker.pid}").exists()


def test_it_fails_with_the_broker_named_when_the_broker_is_down(client, healthy_settings):
    healthy_settings.CELERY_BROKER_URL = f"redis://:hunter2-broker-password@127.0.0.1:{free_port()}/0"
    response, _ = get_health(client)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["broker"] == {
        "ok": False,
        "reason": "connection refused",
        "fatal": True,
        "seconds": body["checks"]["broker"]["seconds"],
    }
    assert body["checks"]["database"]["ok"] is True
    text = response.content.decode()
    assert "hunter2" not in text
    assert "Traceback" not in text


def test_it_is_degraded_but_up_when_plcloud_is_unreachable(client, healthy_settings):
    healthy_settings.PLCLOUD_AUTH_URL = f"http://127.0.0.1:{free_port()}/v2.0"
    response, _ = get_health(client)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["plcloud"]["ok"] is False
    assert body["checks"]["plcloud"]["reason"] == "could not reach Plcloud identity"
    assert str(healthy_settings.PLCLOUD_AUTH_URL) not in response.content.decode()
    assert all(body["checks"][name]["ok"] for name in ("database", "broker", "worker"))


def test_it_names_the_status_plcloud_answered(client, healthy_settings, clean_faults):
    clean_faults.set_faults(error_rate=1.0, scope="identity")
    body = get_health(client)[0].json()
    assert body["status"] == "degraded"
    assert body["checks"]["plcloud"]["reason"] in {f"identity answered HTTP {s}" for s in (500, 502, 503)}


def test_it_answers_within_its_time_bound_when_plcloud_hangs(client, healthy_settings, clean_faults):
    healthy_settings.HEALTH_CHECK_SECONDS = 1.0
    clean_faults.set_faults(latency_ms=8000, scope="identity")
    response, seconds = get_health(client)
    assert seconds < 3
    assert response.status_code == 200
    assert response.json()["checks"]["plcloud"]["ok"] is False
    assert "in time" in response.json()["checks"]["plcloud"]["reason"]


def test_it_is_degraded_when_no_worker_answered_lately(client, healthy_settings):
    stale = timedelta(seconds=healthy_settings.WORKER_STALE_SECONDS + 60)
    WorkerPing.objects.update(answered_at=timezone.now() - stale)
    response, _ = get_health(client)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["reason"].startswith("no worker answered for ")


def test_it_is_ok_for_any_host_over_plain_http_while_pages_redirect(client, healthy_settings):
    healthy_settings.ALLOWED_HOSTS = ["panel.example.com"]
    healthy_settings.SECURE_SSL_REDIRECT = True
    response, _ = get_health(client, HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"] == "no-store"
    assert client.get("/", HTTP_HOST="panel.example.com").status_code == 301
    assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_it_answers_only_get(client, healthy_settings):
    response = client.post("/health/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_the_heartbeat_records_an_answer_and_prunes_old_pings():
    old = WorkerPing.objects.create(answered_at=timezone.now())
    WorkerPing.objects.filter(pk=old.pk).update(requested_at=timezone.now() - timedelta(hours=2))
    heartbeat()
    pings = list(WorkerPing.objects.all())
    assert len(pings) == 1
    assert pings[0].pk != old.pk
    assert pings[0].answered_at is not None


def identity_calls(sandbox) -> int:
    return len([call for call in sandbox.calls("GET") if call["path"].startswith("/v2.0")])


def test_many_hits_at_once_and_after_make_one_identity_call_within_the_cache_time(healthy_settings, sandbox):
    healthy_settings.HEALTH_PLCLOUD_SECONDS = 60
    sandbox.forget_requests()

    def plcloud(_n) -> dict:
        return Client().get("/health/").json()["checks"]["plcloud"]

    with ThreadPoolExecutor(20) as hits:  # 20 at once, nothing kept yet
        answers = list(hits.map(plcloud, range(20)))
    answers += [plcloud(n) for n in range(30)]
    assert all(answer["ok"] for answer in answers), answers
    assert identity_calls(sandbox) == 1


def test_it_is_degraded_once_the_kept_answer_expires_while_plcloud_is_unreachable(
    client, healthy_settings, clean_faults
):
    healthy_settings.HEALTH_PLCLOUD_SECONDS = 1
    assert client.get("/health/").json()["status"] == "ok"
    clean_faults.set_faults(drop_rate=1.0, scope="identity")

    def degraded():
        body = client.get("/health/").json()
        return body if body["status"] == "degraded" else None

    body = wait_for(degraded, timeout=30, interval=0.2, message="the kept answer never expired")
    assert body["checks"]["plcloud"] == {
        "ok": False,
        "reason": "could not reach Plcloud identity",
        "fatal": False,
        "seconds": body["checks"]["plcloud"]["seconds"],
    }


def test_a_setting_of_zero_asks_plcloud_at_every_hit(client, healthy_settings, sandbox):
    healthy_settings.HEALTH_PLCLOUD_SECONDS = 0
    sandbox.forget_requests()
    for _ in range(3):
        assert client.get("/health/").json()["checks"]["plcloud"]["ok"] is True
    assert identity_calls(sandbox) == 3
