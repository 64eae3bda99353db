"""Redis, the cache and the broker both (as docker-compose.yml and docs/deploy.md set it up), is
killed under a running panel and started again: the pages fall back to the database and Plcloud,
what needs the queue says so, and nothing answers a 500. Real processes: gunicorn in production
shape, a Redis of this test's own (the shared one is left alone), the sandbox."""

import logging
import time
from shutil import which

import pytest
import redis

from accounts.models import Role
from connections.breaker import CacheBreaker
from jobs.models import Job, Kind
from plcloud import CircuitOpen, Unavailable, identity_version
from plcloud_panel import env as panel_env
from tests.faults.pages import forms, pages
from tests.helpers import free_port, wait_for
from tests.panel_process import member_with_password, panel_process
from tests.report import count
from tests.worker_fixtures import database_url
from tests.workers.test_broker_outage import redis_server

PASSWORD = "cache-outage-horse-7"
LINE = "cache"


def visit_everything(panel, browser, objects: dict, job_id: int, statuses: dict[str, int], label: str) -> None:
    for path in pages(objects, job_id):
        statuses[f"{label} GET {path}"] = browser.get(panel.base + path, timeout=60).status_code
    for path, fields, _kept in forms(objects):
        statuses[f"{label} POST {path}"] = panel.post(browser, path, fields).status_code


def assert_no_500(statuses: dict[str, int], panel) -> None:
    server_errors = [name for name, status in statuses.items() if status >= 500]
    assert not server_errors, f"{len(server_errors)} of {len(statuses)} answered 500: {server_errors}\n{panel.output()}"


def cache_keys(port: int) -> int:
    return redis.Redis(port=port, db=1).dbsize()


@pytest.mark.skipif(which("redis-server") is None, reason="needs redis-server")
@pytest.mark.django_db(transaction=True)
def test_a_dead_cache_and_broker_cost_the_cached_reads_and_the_queue_but_never_a_500(
    tmp_path, sandbox, connect_demo, upstream_objects
):
    member = member_with_password("cora", PASSWORD, Role.OPERATOR)
    connect_demo(member, keep=True)
    tenant = member.plcloud.tenant_id
    job = Job.objects.create(owner=member, tenant_id=tenant, kind=Kind.PREFETCH, domain_id="1", domain_name="x.com")
    port = free_port()
    env = {
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{port}/0",
        "CACHE_URL": f"redis://127.0.0.1:{port}/1",
        "PLCLOUD_AUTH_URL": sandbox.auth_url,
    }
    statuses: dict[str, int] = {}
    flush = {"urls": f"https://{upstream_objects['domain_name']}/{port}.js", "dirs": "", "action": "send"}
    flush_path = f"/jobs/flush/new/?domain={upstream_objects['domain_id']}"
    with panel_process(env, tmp_path) as panel:
        with redis_server(port) as first:
            browser = panel.session("cora", PASSWORD)
            visit_everything(panel, browser, upstream_objects, job.pk, statuses, "before")
            assert cache_keys(port), "the panel did not use the cache"
            first.kill()
            first.wait()
        count(LINE, "outages of our services")

        visit_everything(panel, browser, upstream_objects, job.pk, statuses, "Redis down")
        assert_no_500(statuses, panel)
        # Read from Plcloud, through a circuit breaker that cannot read its state (so stays closed).
        assert upstream_objects["domain_name"] in browser.get(panel.base + "/cdn/", timeout=60).text
        queued = panel.post(browser, flush_path, flush)
        statuses["Redis down POST flush"] = queued.status_code
        assert "The task queue is unreachable right now" in queued.text, panel.output()
        home = browser.get(panel.base + "/", timeout=60)
        assert "cora" in home.text and "Sign out" in home.text
        signed_out = panel.post(browser, "/accounts/logout/", {})
        assert signed_out.url == panel.base + "/accounts/login/"
        assert browser.get(panel.base + "/cdn/", timeout=30).url.startswith(panel.base + "/accounts/login/")
        browser = panel.session("cora", PASSWORD)

        with redis_server(port):
            # The panel leaves a dead cache alone for a few seconds; then it reads and keeps again.
            def cached_again():
                statuses["Redis back GET /cdn/"] = browser.get(panel.base + "/cdn/", timeout=60).status_code
                return cache_keys(port)

            restarted_at = time.monotonic()
            wait_for(cached_again, timeout=30, interval=0.5, message="the panel never used the cache again")
            count(LINE, "cache in use again after (s)", round(time.monotonic() - restarted_at, 1))
            visit_everything(panel, browser, upstream_objects, job.pk, statuses, "Redis back")
            panel.post(browser, "/accounts/logout/", {})
            browser = panel.session("cora", PASSWORD)
            assert browser.get(panel.base + "/cdn/", timeout=60).status_code == 200

    count(LINE, "pages and forms answered", len(statuses))
    count(LINE, "500s", sum(status >= 500 for status in statuses.values()))
    assert_no_500(statuses, panel)
    assert set(statuses.values()) <= {200, 286}, statuses
    # One warning a process for the outage (gunicorn runs two), not one a call.
    assert 1 <= panel.output(None).count("the cache (Redis) is unreachable") <= 2, panel.output()


@pytest.fixture
def dead_cache(settings):
    """CACHE_URL on a port where no Redis listens, read as the settings read it."""
    settings.CACHES = {"default": panel_env.cache("CACHE_URL_NOT_SET", f"redis://127.0.0.1:{free_port()}/1")}
    return settings


def test_the_circuit_breaker_stays_closed_while_it_cannot_read_its_state(dead_cache, sandbox, clean_faults, caplog):
    clean_faults.set_faults(error_rate=1.0, scope="identity")
    sandbox.forget_requests()
    for _ in range(4):  # twice the threshold: a breaker that could count would open
        with pytest.raises(Unavailable) as failure:
            identity_version(sandbox.auth_url, circuit=CacheBreaker(threshold=2))
        assert not isinstance(failure.value, CircuitOpen)
    assert sandbox.requests_seen()["faulted"] == 4  # every call went out
    unreachable = [r for r in caplog.records if r.levelno == logging.WARNING and "cache (Redis)" in r.getMessage()]
    assert len(unreachable) == 1  # one warning for the outage, not one a call


def test_a_members_pages_read_from_plcloud_while_the_cache_is_down(dead_cache, op, www):
    for _ in range(2):  # the second time finds nothing kept either
        page = op.get("/cdn/", {"q": www["domainName"]})
        assert page.status_code == 200 and www["domainName"] in page.content.decode()
