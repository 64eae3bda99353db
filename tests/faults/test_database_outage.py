"""PostgreSQL goes away under a running panel and comes back: while it is away every page answers
503 in the panel's layout saying so, a form's text comes back on the page, /health/ names the
database; once it is back the same processes answer again. Real processes: gunicorn in production
shape, reaching the shared PostgreSQL through a forwarder of this test's own (which is what is cut:
the shared server is left alone), and the sandbox."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from django.db import connection

from tests.faults.pages import pages
from tests.helpers import PROJECT_ROOT, free_port, wait_for
from tests.panel_process import panel_process
from tests.report import count
from tests.worker_fixtures import database_url

# The server the suite's PostgreSQL run uses (.ci/run); on the SQLite run this test makes a
# database of its own there.
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "database-outage-horse-5"
UNREACHABLE = "The panel's database is unreachable"
LINE = "database"
# A member connected to the sandbox, and a job of theirs, made by the panel's own code in a process
# of its own (the database may not be this run's).
MEMBER = """
import json, os
from accounts.models import Role
from connections import services
from jobs.models import Job, Kind
from tests.panel_process import member_with_password

user = member_with_password("dora", os.environ["MEMBER_PASSWORD"], Role.OPERATOR)
services.connect(user=user, username="demo", password="secreetword", tenant_name="demo",
                 auth_url=os.environ["PLCLOUD_AUTH_URL"], keep=True)
job = Job.objects.create(owner=user, tenant_id=user.plcloud.tenant_id, kind=Kind.PREFETCH, domain_id="1",
                         domain_name="www.example.com")
print(json.dumps({"job": job.pk}))
"""


class Forwarder:
    """TCP from a port of its own to PostgreSQL; ``cut()`` drops every connection and refuses new
    ones (the port is closed), ``restore()`` listens on the same port again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None

    def restore(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))  # SO_REUSEADDR: the same port again
        listener.settimeout(0.1)
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                # Stops listening at once (close alone waits for the accept in progress); connections
                # not yet accepted are refused with it.
                with suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for sock in self._sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by cut()
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self._lock:
                if self._listener is not listener:  # cut while this one was being accepted
                    client.close()
                    upstream.close()
                    return
                self._sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def through(url: str, port: int) -> str:
    parts = urlsplit(url)
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{port}"))


def manage(url: str, *args: str, env: dict[str, str] | None = None) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL")}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env={**clean, "DATABASE_URL": url, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def database_check(panel) -> dict:
    """/health/'s answer on the database (answered by anyone: no session needed)."""
    return requests.get(panel.base + "/health/", timeout=30).json()["checks"]["database"]


@contextmanager
def postgres_database() -> Iterator[str]:
    """The test database when the suite runs on PostgreSQL; otherwise a database of this test's own
    on the same server, migrated, and dropped afterwards."""
    if connection.vendor == "postgresql":
        yield database_url()
        return
    try:
        psycopg.connect(POSTGRES, connect_timeout=3).close()
    except psycopg.Error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {POSTGRES}")
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}")
    name = f"outage_test_{os.getpid()}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(POSTGRES)._replace(path=f"/{name}"))
    try:
        manage(url, "migrate", "--noinput", "-v", "0")
        yield url
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)
def test_pages_say_the_database_is_unreachable_give_a_form_back_and_recover_without_a_restart(
    tmp_path, sandbox, demo, upstream_objects
):
    with postgres_database() as url:
        member = {"MEMBER_PASSWORD": PASSWORD, "PLCLOUD_AUTH_URL": sandbox.auth_url}
        made = manage(url, "shell", "-c", MEMBER, env=member)
        paths = pages(upstream_objects, json.loads(made.strip().splitlines()[-1])["job"])
        parts = urlsplit(url)
        forwarder = Forwarder((parts.hostname, parts.port or 5432))
        forwarder.restore()
        env = {"DATABASE_URL": through(url, forwarder.port), "PLCLOUD_AUTH_URL": sandbox.auth_url}
        statuses: list[int] = []
        try:
            with panel_process(env, tmp_path) as panel:
                browser = panel.session("dora", PASSWORD)
                for path in paths:
                    assert browser.get(panel.base + path, timeout=60).status_code in (200, 286), path
                assert database_check(panel)["ok"] is True

                # The database goes away while a form is being handled, after the member was read:
                # Plcloud has the ticket, the panel could not record it, and the page says so.
                sandbox.set_faults(latency_ms=4000)
                sent = f"Sent as the database went {uuid.uuid4().hex[:8]}"
                answers: list = []
                fields = {"summary": sent, "description": "."}
                posting = threading.Thread(target=lambda: answers.append(panel.post(browser, "/tickets/new/", fields)))
                posting.start()
                time.sleep(1.5)  # the view is waiting on Plcloud's answer
                forwarder.cut()
                count(LINE, "database outages")
                cut_at = time.monotonic()
                posting.join()
                sandbox.clear_faults()
                statuses.append(answers[0].status_code)
                assert answers[0].status_code == 503, answers[0].text
                assert "may have been made in Plcloud" in answers[0].text and sent in answers[0].text
                assert any(ticket.get("summary") == sent for ticket in demo.ticket.list())
                for path in paths:
                    page = browser.get(panel.base + path, timeout=30)
                    statuses.append(page.status_code)
                    assert page.status_code == 503, f"{path}: {page.status_code}\n{panel.output()}"
                    assert UNREACHABLE in page.text and "nothing you typed was sent" in page.text, path
                    assert 'class="brand"' in page.text  # the panel's layout

                # A form: its text comes back (escaped, as typed), never the CSRF token or a password.
                summary = f"Kept through the outage {uuid.uuid4().hex[:8]}"
                description = "Line one\nline <two> & three"
                page = panel.post(browser, "/tickets/new/", {"summary": summary, "description": description})
                statuses.append(page.status_code)
                assert page.status_code == 503
                assert "Your form was not saved" in page.text
                assert summary in page.text and "Line one\nline &lt;two&gt; &amp; three" in page.text
                assert browser.cookies["csrftoken"] not in page.text
                typed = {"auth_url": sandbox.auth_url, "username": "demo-typed", "tenant_name": "demo",
                         "password": "typed-secret-4711", "keep": "on"}  # fmt: skip
                page = panel.post(browser, "/connection/", typed)
                statuses.append(page.status_code)
                assert page.status_code == 503 and "demo-typed" in page.text
                assert "typed-secret-4711" not in page.text
                # Signing in says the same, with the username kept and the password not.
                stranger = requests.Session()
                statuses.append(stranger.get(panel.base + "/accounts/login/", timeout=30).status_code)
                page = panel.post(stranger, "/accounts/login/", {"username": "dora", "password": PASSWORD})
                statuses.append(page.status_code)
                assert page.status_code == 503 and UNREACHABLE in page.text
                assert "dora" in page.text and PASSWORD not in page.text

                health = browser.get(panel.base + "/health/", timeout=30)
                database = health.json()["checks"]["database"]
                assert health.status_code == 503, health.text
                assert database["ok"] is False and database["reason"] == "connection refused", database
                time.sleep(max(0.0, 3 - (time.monotonic() - cut_at)))  # an outage of a few seconds at least

                forwarder.restore()
                restored_at = time.monotonic()
                wait_for(lambda: browser.get(panel.base + "/", timeout=30).status_code == 200, timeout=60, interval=0.1)
                count(LINE, "recovery (s)", round(time.monotonic() - restored_at, 2))
                for path in paths:
                    assert browser.get(panel.base + path, timeout=60).status_code in (200, 286), path
                # /health/ keeps a result for a second (ops.health.LOCAL_SECONDS): the next one says ok.
                ok = lambda: database_check(panel)["ok"]  # noqa: E731
                wait_for(ok, timeout=10, interval=0.5, message="/health/ still names the database")
        finally:
            forwarder.cut()
    count(LINE, "pages and forms answered in the outage", len(statuses))
    count(LINE, "500s", statuses.count(500))
