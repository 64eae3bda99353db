"""Bench: the CDN domain list page with 1,000 domains against the same upstream call made directly.

    .venv/bin/python bench/domain_list.py [--domains 1000] [--rounds 15]

Starts its own sandbox and a throw-away panel database, so it touches nothing of yours. Goals
(issue 4): the page uncached at most 1.3x the direct call, cached at most 0.2x. Prints the ratios
and writes them to bench/RESULTS.md with a description of the machine.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def median_ms(action, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else ""
    )
    return (
        f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    from tests.helpers import SandboxProcess

    work = Path(tempfile.mkdtemp(prefix="plcloud-bench-"))
    sandbox = SandboxProcess(work / "sandbox.sqlite3")
    sandbox.start()
    try:
        os.environ.update(
            {
                "DATABASE_URL": f"sqlite:///{work / 'panel.sqlite3'}",
                "PANEL_VAR_DIR": str(work),
                "PANEL_ENCRYPTION_KEYS": base64.urlsafe_b64encode(os.urandom(32)).decode(),
                "PLCLOUD_AUTH_URL": sandbox.auth_url,
                "DJANGO_SETTINGS_MODULE": "plcloud_panel.settings",
                "ALLOWED_HOSTS": "testserver",
                "LOG_LEVEL": "WARNING",
            }
        )
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client as Browser

        from accounts.models import Membership, Role
        from connections.services import connect
        from plcloud import Client

        call_command("migrate", verbosity=0)
        call_command("collectstatic", verbosity=0, interactive=False)
        api = Client(username="team2", password="team2-password", tenant_name="team2", auth_url=sandbox.auth_url)
        have = len(api.cdn.list())
        for n in range(have, args.domains):
            api.cdn.create(f"bench-{n:04d}.example-bench.com", ["114.114.114.114"], ["hk", "ov"])
        total = len(api.cdn.list())
        assert total >= args.domains
        expected = f"{total} of {total} domains".encode()

        user = get_user_model().objects.create_user("bench", password="bench-password-123")
        Membership.objects.create(user=user, role=Role.OPERATOR)
        connect(user=user, username="team2", password="team2-password", tenant_name="team2", auth_url=sandbox.auth_url)
        browser = Browser()
        browser.force_login(user)

        def page():
            response = browser.get("/cdn/")
            assert response.status_code == 200 and expected in response.content

        def uncached_page():
            cache.clear()
            page()

        page()  # warm: templates compiled, connections open
        direct = median_ms(api.cdn.list, args.rounds)
        uncached = median_ms(uncached_page, args.rounds)
        cached = median_ms(page, args.rounds)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(uncached_page)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
    finally:
        sandbox.stop()

    lines = [
        f"domains: {args.domains}, rounds: {args.rounds} (medians)",
        f"direct client call cdn.list(): {direct:.1f} ms",
        f"list page, uncached:           {uncached:.1f} ms  ratio {uncached / direct:.2f} (goal <= 1.3)",
        f"list page, cached:             {cached:.1f} ms  ratio {cached / direct:.2f} (goal <= 0.2)",
    ]
    print("\n".join(lines))
    results = ROOT / "bench" / "RESULTS.md"
    results.write_text(
        "# Bench results\n\nWritten by `.venv/bin/python bench/domain_list.py` on "
        f"{time.strftime('%Y-%m-%d')}.\n\nMachine: {machine()}\n\n```\n" + "\n".join(lines) + "\n```\n"
    )


if __name__ == "__main__":
    main()
