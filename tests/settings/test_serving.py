"""The web process as compose runs it (gunicorn with the compose command's worker class, workers
and threads) keeps serving while pages wait on a slow Plcloud: the sandbox answers just inside the
read timeout, twice as many slow pages as gunicorn has processes are in flight, and meanwhile a
signed-in page that needs nothing from Plcloud and /health/ answer, before any slow page does."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.models import Membership, Role
from tests.helpers import free_port, wait_for
from tests.settings.test_compose import ROOT, compose
from tests.settings.test_runtime_install import compose_command
from tests.worker_fixtures import database_url

PASSWORD = "slow-upstream-horse-9"
READ_TIMEOUT = 5  # seconds, in the web process
LATENCY_MS = 4000  # every Plcloud service call: just inside the read timeout


def gunicorn_log(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:]


@pytest.mark.timeout(300)
@pytest.mark.django_db(transaction=True)
def test_slow_pages_in_every_process_do_not_stall_a_page_that_needs_nothing_from_plcloud(
    sandbox, clean_faults, connect_demo, tmp_path
):
    user = get_user_model().objects.create(username="sam")
    Membership.objects.create(user=user, role=Role.VIEWER)
    hasher = PBKDF2PasswordHasher()  # the panel's own default, which the web process checks
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    connect_demo(user)
    left_out = ("PYTHONPATH", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "DEBUG")
    env = {k: v for k, v in os.environ.items() if k not in left_out} | {
        "DATABASE_URL": database_url(),
        "PLCLOUD_AUTH_URL": sandbox.auth_url,
        "PLCLOUD_READ_TIMEOUT": str(READ_TIMEOUT),
        "SECRET_KEY": "slow-upstream-" + "k" * 40,
        "PANEL_VAR_DIR": str(tmp_path / "var"),
        "HOME": str(tmp_path),  # gunicorn's control socket goes under it
    }
    # DEBUG off serves static files through their manifest, which collectstatic writes.
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr
    port = free_port()
    command = compose_command("web", Path(sys.executable).parent, **{"--bind": f"127.0.0.1:{port}"})
    words = compose()["services"]["web"]["command"].split()
    processes = int(words[words.index("--workers") + 1])
    slow_pages = 2 * processes  # enough to hold every process of a server of one thread a process
    base, log = f"http://127.0.0.1:{port}", tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:

        def started():
            assert server.poll() is None, gunicorn_log(log)
            try:
                return requests.get(base + "/accounts/login/", timeout=5).status_code == 200
            except (requests.ConnectionError, requests.Timeout):  # its workers may still be booting
                return False

        wait_for(started, timeout=60, interval=0.3, message="gunicorn did not start")
        browser = requests.Session()
        browser.get(base + "/accounts/login/", timeout=10)
        signed_in = browser.post(
            base + "/accounts/login/",
            data={"username": "sam", "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"Referer": base + "/accounts/login/"},
            timeout=30,
        )
        assert signed_in.url == base + "/", gunicorn_log(log)
        cookies = browser.cookies.get_dict()

        sandbox.set_faults(latency_ms=LATENCY_MS, scope="service")
        order: list[str] = []
        answers: dict[str, requests.Response] = {}

        def load(name: str, path: str) -> None:
            answers[name] = requests.get(base + path, cookies=cookies, timeout=60)
            order.append(name)

        waiting = [threading.Thread(target=load, args=(f"slow {n}", "/cdn/")) for n in range(slow_pages)]
        for thread in waiting:
            thread.start()
        threading.Event().wait(1.0)  # the slow pages are in gunicorn now, each waiting on Plcloud
        load("trivial", "/jobs/")
        load("health", "/health/")
        for thread in waiting:
            thread.join(timeout=60)
    finally:
        server.terminate()
        server.wait(timeout=90)

    assert order[:2] == ["trivial", "health"], (order, gunicorn_log(log))
    assert answers["trivial"].status_code == 200 and "sam" in answers["trivial"].text
    assert answers["health"].status_code in (200, 503) and "checks" in answers["health"].json()
    # And every slow page answered: none was given up on, no process was killed under it.
    assert all(answers.get(f"slow {n}") is not None for n in range(slow_pages)), order
    assert {answers[f"slow {n}"].status_code for n in range(slow_pages)} == {200}
    assert "WORKER TIMEOUT" not in log.read_text(errors="replace")
