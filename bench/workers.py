"""Worker processes for the benches: started on the bench's own broker, measured, stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT


def start_worker(environment: dict[str, str], *extra: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "plcloud_panel", "worker", "--loglevel", "WARNING"]
    command += ["--without-mingle", "--without-gossip", *extra]
    log = open(Path(environment["PANEL_VAR_DIR"]) / "worker.log", "ab")  # noqa: SIM115 - the process owns it
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **environment}, stdout=log, stderr=log)


def wait_ready(timeout: float = 60) -> None:
    """Until a worker answered a ping: its start-up is not part of what is measured."""
    from ops.models import WorkerPing
    from ops.tasks import answer_ping

    ping = WorkerPing.objects.create()
    answer_ping.delay(ping.pk)
    deadline = time.monotonic() + timeout
    while not WorkerPing.objects.filter(pk=ping.pk, answered_at__isnull=False).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no worker answered within a minute; see worker.log in the bench folder")
        time.sleep(0.1)


def memory_kb(process: subprocess.Popen, field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of the process and its children, from /proc."""
    total = 0
    for pid in [process.pid, *children(process.pid)]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            continue
        total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith(f"{field}:"))
    return total


def children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(child) for child in found]


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
