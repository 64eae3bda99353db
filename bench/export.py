"""Bench: a request-log export of 1,000,000 entries, end to end through a real worker process.

    .venv/bin/python bench/export.py [--entries 1000000] [--small 100000]

Goals (issue 5): at least 50,000 entries/s, under 200 MB peak worker memory, and flat as the
window grows (the 1,000,000-entry export's peak within 1.2x the 100,000-entry one's). Each size
gets a fresh worker (solo pool, so the task runs in the process measured), started and warmed
before the clock starts; the time is from queuing the export to its file being in place.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_member,
    panel_environment,
    setup_panel,
    start_sandbox,
    work_folder,
    write_section,
)
from bench.workers import memory_kb, start_worker, stop, wait_ready  # noqa: E402


def run_export(environment, user, domain, entries: int) -> dict:
    from django.utils import timezone

    from jobs import exports, services
    from jobs.models import Job

    worker = start_worker(environment, "--pool", "solo")
    try:
        wait_ready()
        idle = memory_kb(worker, "VmRSS")
        end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
        window = {"log_type": "cache", "start_at": end - timedelta(seconds=entries / 15), "end_at": end}
        started = time.perf_counter()
        job = services.submit_export(user=user, domain=domain, window=window)
        while not Job.objects.filter(pk=job.pk, state__in=("succeeded", "failed", "cancelled")).exists():
            if worker.poll() is not None or time.perf_counter() - started > 600:
                raise SystemExit("the export did not end within 10 minutes; see worker.log in the bench folder")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        peak = memory_kb(worker, "VmHWM")
    finally:
        stop(worker)
    job.refresh_from_db()
    if job.state != "succeeded":
        raise SystemExit(f"export {job.pk} {job.state}: {job.error}")
    path = exports.served_path(job.export)
    with gzip.open(path, "rb") as data:
        lines = sum(1 for _ in data) - 1
    return {
        "rows": lines,
        "seconds": seconds,
        "idle_mb": idle / 1024,
        "peak_mb": peak / 1024,
        "bytes": path.stat().st_size,
    }


def main() -> list[str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])

    work = work_folder("export")
    sandbox = start_sandbox(work)
    try:
        environment = panel_environment(work, sandbox)
        environment.update({"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_FOLDER": str(work / "broker")})
        setup_panel(environment)
        from connections.services import client_for

        user = bench_member(sandbox, "viewer")
        domain = next(d for d in client_for(user).cdn.list() if d["domainName"] == "www.demo-shop.com")
        small = run_export(environment, user, domain, args.small)
        large = run_export(environment, user, domain, args.entries)
    finally:
        sandbox.stop()

    rate = large["rows"] / large["seconds"]
    lines = [
        f"export of {large['rows']:,} entries: {large['seconds']:.1f} s, {rate:,.0f} entries/s (goal >= 50,000)",
        f"  file {large['bytes'] / 1e6:.1f} MB gzip; worker idle {large['idle_mb']:.0f} MB, "
        f"peak {large['peak_mb']:.0f} MB (goal < 200)",
        f"export of {small['rows']:,} entries: {small['seconds']:.1f} s, peak {small['peak_mb']:.0f} MB",
        f"peak memory {large['rows']:,} vs {small['rows']:,} entries: {large['peak_mb'] / small['peak_mb']:.2f}x "
        "(goal <= 1.2)",
    ]
    print("\n".join(lines))
    write_section("Request-log export (issue 5)", lines)
    return lines


if __name__ == "__main__":
    main()
