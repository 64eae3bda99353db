"""What every bench shares: its own sandbox and throw-away panel, timing, and RESULTS.md sections."""

from __future__ import annotations

import base64
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
sys.path.insert(0, str(ROOT))


def interleaved_medians_ms(
    actions: dict[str, Callable[[], object]], rounds: int, prepare: dict[str, Callable[[], object]] | None = None
) -> dict[str, float]:
    """The median of each action, measured in turns (one of each per round), so that the machine
    speeding up or slowing down during the bench weighs on every action alike. ``prepare`` runs
    before an action, untimed."""
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            if prepare and name in prepare:
                prepare[name]()
            started = time.perf_counter()
            action()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    cpu = names[0] if names else platform.processor()
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {system}"


def start_sandbox(work: Path, wire: str | None = None, **timings: float):
    """The bench's sandbox; ``wire="sdk"`` serves only what the vendor's SDK reads."""
    from tests.helpers import TEST_TIMINGS, SandboxProcess

    name = "sandbox.sqlite3" if wire is None else f"sandbox-{wire}.sqlite3"
    sandbox = SandboxProcess(work / name, timings={**TEST_TIMINGS, **timings}, wire=wire)
    sandbox.start()
    return sandbox


def panel_environment(work: Path, sandbox, database_url: str | None = None) -> dict[str, str]:
    """A throw-away panel: its own database, folders and key; set in this process, given to workers."""
    environment = {
        "DATABASE_URL": database_url or f"sqlite:///{work / 'panel.sqlite3'}",
        "PANEL_VAR_DIR": str(work),
        "MEDIA_ROOT": str(work / "media"),
        "PANEL_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "PLCLOUD_AUTH_URL": sandbox.auth_url,
        "DJANGO_SETTINGS_MODULE": "plcloud_panel.settings",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(environment)
    return environment


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_database(name: str) -> str | None:
    """A PostgreSQL database of the bench's own on 127.0.0.1 (its URL), or None: SQLite then."""
    try:
        import psycopg

        database = f"plcloud_bench_{name}_{int(time.time())}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        return f"postgres://postgres@127.0.0.1:5432/{database}"
    except Exception as error:  # any failure means: no PostgreSQL here, use SQLite
        print(f"PostgreSQL not used ({error.__class__.__name__}); SQLite instead")
        return None


def drop_postgres(database: str | None) -> None:
    if database:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database.rsplit("/", 1)[1]}" WITH (FORCE)')


SANDBOX_USERS = {"demo": ("secreetword", "demo"), "team2": ("team2-password", "team2")}


def setup_panel(environment: dict[str, str]) -> None:
    """Start Django in this process on the bench's environment, with its database migrated."""
    os.environ.update(environment)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_member(sandbox, role: str, plcloud_user: str = "demo", name: str = "bench"):
    """A panel member of ``role``, connected to the sandbox as ``plcloud_user``."""
    from django.contrib.auth import get_user_model

    from accounts.models import Membership
    from connections.services import connect

    user = get_user_model().objects.create_user(name, password="bench-password-123")
    Membership.objects.create(user=user, role=role)
    password, tenant = SANDBOX_USERS[plcloud_user]
    connect(user=user, username=plcloud_user, password=password, tenant_name=tenant, auth_url=sandbox.auth_url)
    return user


def work_folder(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"plcloud-bench-{name}-"))


def write_section(title: str, lines: list[str]) -> None:
    """Replace this bench's section of RESULTS.md (the others stay as their last run left them)."""
    text = (
        RESULTS.read_text()
        if RESULTS.exists()
        else "# Bench results\n\n`.venv/bin/python bench/run.py` runs every bench.\n"
    )
    body = (
        f"## {title}\n\nWritten on {time.strftime('%Y-%m-%d')} by `bench/run.py`.\n"
        f"Machine: {machine()}\n\n```\n" + "\n".join(lines) + "\n```\n"
    )
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: body + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(text.rstrip("\n") + "\n")
