"""Test helpers: bounded polling, and the sandbox as a real process."""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import requests

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ADMIN_HEADER = "X-Sandbox-Admin-Key"
# Short enough that state changes happen within a test, long enough to see the state before.
TEST_TIMINGS = {"token_ttl": 3600, "config_delay": 1, "support_delay": 1, "prefetch_seconds": 2}

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], timeout: float, interval: float = 0.1, message: str = "") -> T:
    """Poll until ``predicate()`` is truthy and return its value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(message or f"condition not met within {timeout} s")
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SandboxProcess:
    """``python -m plcloud_sandbox`` on a free port and its own state file, with its control calls."""

    def __init__(
        self,
        db_path: Path,
        timings: dict[str, float] | None = None,
        env: dict[str, str] | None = None,
        wire: str | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.timings = dict(TEST_TIMINGS if timings is None else timings)
        self.admin_key = secrets.token_hex(16)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.auth_url = f"{self.base_url}/v2.0"
        self.extra_env = env or {}
        # The wire profile (``--wire``): None leaves the sandbox's default; "sdk" serves only the SDK's shapes.
        self.wire = wire
        self.extra_args: list[str] = []
        self.stderr_path = self.db_path.with_suffix(".stderr.log")
        self.stdout_path = self.db_path.with_suffix(".stdout.log")
        self.process: subprocess.Popen | None = None
        self.control = requests.Session()
        self.control.headers[ADMIN_HEADER] = self.admin_key

    def command(self) -> list[str]:
        flags = [f"--{name.replace('_', '-')}={value}" for name, value in self.timings.items()]
        addr = f"127.0.0.1:{self.port}"
        # name=value, so a value can never be taken for a flag
        return [
            sys.executable,
            "-m",
            "plcloud_sandbox",
            f"--addrport={addr}",
            f"--db={self.db_path}",
            f"--admin-key={self.admin_key}",
            *flags,
            *([f"--wire={self.wire}"] if self.wire else []),
            *self.extra_args,
        ]

    def start(self, timeout: float = 30) -> None:
        # The developer's own sandbox settings must not leak into the tests.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLCLOUD_SANDBOX_")} | self.extra_env
        with open(self.stdout_path, "ab") as stdout, open(self.stderr_path, "ab") as stderr:
            self.process = subprocess.Popen(self.command(), cwd=PROJECT_ROOT, env=env, stdout=stdout, stderr=stderr)
        wait_for(self._healthy, timeout, message=f"the sandbox did not answer within {timeout} s")

    def _healthy(self) -> bool:
        if not self.alive():
            raise AssertionError(f"the sandbox exited with {self.process.returncode}:\n{self.stderr()}")
        try:
            return requests.get(f"{self.base_url}/_sandbox/health", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stderr(self, tail: int = 4000) -> str:
        return _read(self.stderr_path)[-tail:]

    def stdout(self) -> str:
        return _read(self.stdout_path)

    # /_sandbox/ controls

    def set_faults(self, **faults: object) -> dict:
        return self._control("PUT", "faults", faults)

    def clear_faults(self) -> None:
        self._control("DELETE", "faults")

    def set_timings(self, **timings: float) -> dict:
        return self._control("PUT", "timings", timings)

    def reset_timings(self) -> dict:
        return self._control("PUT", "timings", self.timings)

    def requests_seen(self) -> dict:
        """Plcloud calls answered since the last ``forget_requests()``: totals, fault counts, entries."""
        return self._control("GET", "requests")

    def calls(self, method: str | None = None, path_end: str = "") -> list[dict]:
        """The recorded calls, optionally of one method and whose path ends with ``path_end``."""
        return [
            entry
            for entry in self.requests_seen()["requests"]
            if (method is None or entry["method"] == method) and entry["path"].endswith(path_end)
        ]

    def rename_ticket(self, old: str, new: str) -> str:
        """Give a ticket another id, of any shape (WIRE.md promises none)."""
        return self._control("PUT", "ticket-id", {"from": old, "to": new})["id"]

    def forget_requests(self) -> None:
        self._control("DELETE", "requests")

    def stored(self, sql: str, *args: object) -> list[tuple]:
        """Rows of the sandbox's own state file, read only: what happened upstream, seen the same
        way in either wire profile (the sdk profile's answers leave out ``enabled``, ``icp_record``
        and the balance)."""
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def _control(self, method: str, what: str, body: dict | None = None) -> dict:
        response = self.control.request(method, f"{self.base_url}/_sandbox/{what}", json=body, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else {}


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""
