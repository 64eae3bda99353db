"""The circuit breaker: repeated failures stop the panel calling Plcloud for a cooldown, every page
says Plcloud is unavailable, one trial call after the cooldown decides; shared through the cache."""

import os
import subprocess
import sys
import time

import pytest
from django.test import Client as DjangoClient

from connections.models import PlcloudConnection
from tests.faults.pages import pages, quiet
from tests.helpers import PROJECT_ROOT
from tests.worker_fixtures import redis_or_skip

BANNER = 'id="plcloud-outage"'
FRAGMENTS = ("/row/", "/progress/")  # polled parts of a page, not pages
BLOCKS = "/dashboard/"  # the dashboard's blocks, loaded by it: parts too


def service_calls(sandbox) -> list[dict]:
    return [call for call in sandbox.requests_seen()["requests"] if call["path"].startswith("/plcloud/")]


@pytest.fixture
def breaker_settings(settings):
    settings.PLCLOUD_BREAKER_THRESHOLD = 3
    settings.PLCLOUD_BREAKER_COOLDOWN = 1.5
    return settings


def trip(member, sandbox):
    """Three failed page loads in a row: the breaker opens."""
    sandbox.set_faults(error_rate=1.0, scope="service")
    for _ in range(3):
        page = member.get("/cdn/").content.decode()
        assert "Plcloud is not reachable right now" in page
    assert BANNER in page  # the third failure opened it, and this very page says so


def test_it_opens_after_repeated_failures_and_then_calls_nothing(
    member, sandbox, breaker_settings, upstream_objects, job
):
    trip(member, sandbox)
    assert len(service_calls(sandbox)) == 9  # three page loads, each one GET tried three times
    sandbox.forget_requests()
    for path in pages(upstream_objects, job.pk):
        response = member.get(path)
        page = response.content.decode()
        assert response.status_code in (200, 286), path
        if not path.endswith(FRAGMENTS) and not path.startswith(BLOCKS):
            # Said once, in one banner: the page's own account of its call held back, or the shell's.
            assert page.count(BANNER) == 1 and page.count("Plcloud is unavailable") == 1, path
        if not quiet(path):
            assert "Plcloud is unavailable" in page and "failed repeatedly" in page, path
    assert service_calls(sandbox) == []


def test_one_trial_after_the_cooldown_closes_it(member, sandbox, breaker_settings):
    trip(member, sandbox)
    sandbox.clear_faults()
    assert BANNER in member.get("/cdn/").content.decode()  # still cooling down: nothing sent
    time.sleep(1.6)
    sandbox.forget_requests()
    page = member.get("/cdn/", {"q": "www.demo-shop.com"}).content.decode()
    assert BANNER not in page and "www.demo-shop.com" in page
    assert [call["method"] for call in service_calls(sandbox)] == ["GET"]  # the trial
    assert BANNER not in member.get("/tickets/").content.decode()
    assert len(service_calls(sandbox)) == 2


def test_a_failed_trial_opens_it_for_another_cooldown(member, sandbox, breaker_settings):
    trip(member, sandbox)
    time.sleep(1.6)
    sandbox.forget_requests()
    assert BANNER in member.get("/cdn/").content.decode()  # the trial failed
    assert len(service_calls(sandbox)) == 3  # one trial call (a read, so tried three times)
    assert BANNER in member.get("/tickets/").content.decode()
    assert len(service_calls(sandbox)) == 3  # open again: nothing more sent


def test_it_is_kept_per_plcloud_endpoint(member, sandbox, other_sandbox, breaker_settings, viewer, connect_other):
    connect_other(viewer)
    other = DjangoClient()
    other.force_login(viewer)
    trip(member, sandbox)
    page = other.get("/cdn/", {"q": "www.demo-shop.com"}).content.decode()
    assert BANNER not in page and "www.demo-shop.com" in page


def test_it_is_shared_between_processes_through_redis(member, sandbox, breaker_settings, operator):
    redis_url = redis_or_skip()
    breaker_settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                           "LOCATION": redis_url}}  # fmt: skip
    env = {**os.environ, "CACHE_URL": redis_url, "PLCLOUD_BREAKER_THRESHOLD": "3",
           "PLCLOUD_BREAKER_COOLDOWN": "1.5", "DJANGO_SETTINGS_MODULE": "plcloud_panel.settings"}  # fmt: skip
    # The other process is started, and has set Django up, before the breaker opens: a start under
    # load can take longer than the cooldown. Each line it reads is one call, by a client of its own.
    script = (
        "import sys, django; django.setup()\n"
        "from connections.breaker import CacheBreaker\n"
        "from plcloud import AuthError, CircuitOpen, Client\n"
        "print('ready', flush=True)\n"
        "for endpoint in sys.stdin:\n"
        "    client = Client(token='0' * 32, endpoint=endpoint.strip(), circuit=CacheBreaker())\n"
        "    try:\n        client.cdn.list()\n    except CircuitOpen:\n        print('held', flush=True)\n"
        "    except AuthError:\n        print('sent', flush=True)\n"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert other.stdout.readline().strip() == "ready", other.stderr.read()[-2000:]
        trip(member, sandbox)
        endpoint = PlcloudConnection.objects.get(user=operator).endpoint
        sandbox.clear_faults()
        sandbox.forget_requests()

        def other_process() -> str:
            other.stdin.write(endpoint + "\n")
            other.stdin.flush()
            return other.stdout.readline().strip()

        # Another process sees the breaker this one opened, and sends nothing.
        assert other_process() == "held"
        assert service_calls(sandbox) == []
        # After the cooldown its trial call goes out; an answer (even a 401) closes it for this process too.
        time.sleep(1.6)
        assert other_process() == "sent"
        assert len(service_calls(sandbox)) == 1
    finally:
        other.stdin.close()
        other.wait(timeout=30)
    page = member.get("/cdn/", {"q": "www.demo-shop.com"}).content.decode()
    assert BANNER not in page and "www.demo-shop.com" in page
