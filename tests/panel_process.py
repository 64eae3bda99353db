"""The panel as a process of its own in production shape (gunicorn with two workers, DEBUG off,
static files collected), for the outage tests that take a service away from under it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from accounts.models import Membership
from tests.helpers import PROJECT_ROOT, free_port, wait_for

# Variables of the developer's shell or of the test run that would change what the panel runs on.
LEFT_OUT = ("PYTHONPATH", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "DEBUG", "DATABASE_URL")


@dataclass
class Panel:
    base: str
    process: subprocess.Popen
    log: Path

    def output(self, tail: int | None = 6000) -> str:
        text = self.log.read_text(errors="replace")
        return text[-tail:] if tail else text

    def session(self, username: str, password: str) -> requests.Session:
        """A browser signed in through the sign-in form."""
        browser = requests.Session()
        browser.get(self.base + "/accounts/login/", timeout=30)
        page = self.post(browser, "/accounts/login/", {"username": username, "password": password})
        assert page.url == self.base + "/", f"not signed in ({page.status_code}):\n{self.output()}"
        return browser

    def post(self, browser: requests.Session, path: str, fields: dict, **kwargs) -> requests.Response:
        """A form as a browser sends it: the CSRF token from its cookie, a Referer of the panel's."""
        token = browser.cookies.get("csrftoken", "")
        return browser.post(
            self.base + path,
            data={**fields, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base + path},
            timeout=30,
            **kwargs,
        )


def member_with_password(username: str, password: str, role: str):
    """A member whose password the panel's own hasher checks (the tests' fast one is not in its list)."""
    user = get_user_model().objects.create(username=username)
    Membership.objects.create(user=user, role=role)
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(password, hasher.salt())
    user.save()
    return user


@contextmanager
def panel_process(env: dict[str, str], folder: Path) -> Iterator[Panel]:
    """gunicorn serving the panel with ``env`` on top of this run's environment (which must name
    DATABASE_URL), its files (static, logs) under ``folder``."""
    environment = {k: v for k, v in os.environ.items() if k not in LEFT_OUT} | {
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "k" * 40,
        "PANEL_VAR_DIR": str(folder / "var"),
        "HOME": str(folder),  # gunicorn's control socket goes under it
        **env,
    }
    # DEBUG off serves static files through their manifest, which collectstatic writes.
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr
    port = free_port()
    log = folder / "panel.log"
    command = [sys.executable, "-m", "gunicorn", "plcloud_panel.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", "2", "--timeout", "60", "--access-logfile", "-"]  # fmt: skip
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    panel = Panel(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_for(lambda: _answers(panel), timeout=60, interval=0.3, message="the panel did not start")
        yield panel
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(panel: Panel) -> bool:
    assert panel.process.poll() is None, f"the panel stopped:\n{panel.output()}"
    try:
        return requests.get(panel.base + "/accounts/login/", timeout=5).status_code == 200
    except (requests.ConnectionError, requests.Timeout):  # not listening yet, or its workers still booting
        return False
