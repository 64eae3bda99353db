"""Bench: request-log exports end to end through a real worker process, in both wire profiles.

    .venv/bin/python bench/export.py [--entries 1000000] [--small 100000] [--no-day]

Default profile (the sandbox pages): goals (issue 5) at least 50,000 entries/s, under 200 MB peak
worker memory, and flat as the window grows (the 1,000,000-entry export's peak within 1.2x the
100,000-entry one's).

sdk profile (the SDK's one list per window, no paging: a day is one 500 MB answer): ONE FULL BUSY
DAY of www.demo-shop.com (15 entries/s: 1,296,000), read by the panel in time slices. Goals:
exactly the day's entries, none twice, under 200 MB peak worker memory; its rate is set against
the upstream's own for the same day (a direct streamed read of the day's one answer, entries
counted as they arrive, nothing parsed or kept: what Plcloud alone takes to send it).

Each export gets a fresh worker (solo pool, so the task runs in the process measured), started
and warmed before the clock starts; the time is from queuing the export to its file being in place.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
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


def last_minutes(entries: int) -> dict:
    """A window of ``entries`` of the busy domain (15 a second), ending an hour ago."""
    from django.utils import timezone

    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    return {"log_type": "cache", "start_at": end - timedelta(seconds=entries / 15), "end_at": end}


def last_whole_day() -> dict:
    """The last whole UTC day that ended at least an hour ago: 1,296,000 entries of the busy domain."""
    from datetime import UTC, datetime

    end = (datetime.now(UTC) - timedelta(hours=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return {"log_type": "cache", "start_at": end - timedelta(days=1), "end_at": end}


def run_export(environment, user, domain, window: dict, *, analyze: bool = False) -> dict:
    from cdn.objects import Domain
    from jobs import exports, services
    from jobs.models import Job

    # Both queues: exports run on their own (settings.EXPORT_QUEUE), the ready ping on the default.
    worker = start_worker(environment, "--pool", "solo", "-Q", "celery,exports")
    try:
        wait_ready()
        idle = memory_kb(worker, "VmRSS")
        started = time.perf_counter()
        job = services.submit_export(user=user, domain=Domain.from_wire(domain), window=window, analyze=analyze)
        while not Job.objects.filter(pk=job.pk, state__in=("succeeded", "failed", "cancelled")).exists():
            if worker.poll() is not None or time.perf_counter() - started > 1800:
                raise SystemExit("the export did not end within 30 minutes; see worker.log in the bench folder")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        peak = memory_kb(worker, "VmHWM")
    finally:
        stop(worker)
    job.refresh_from_db()
    if job.state != "succeeded":
        raise SystemExit(f"export {job.pk} {job.state}: {job.error}")
    path = exports.served_path(job.export)
    counted = {}
    if analyze:  # the count alone, again here, on the same file: its share of the job's time
        began = time.perf_counter()
        exports.analyze(job.export)
        counted = {"entries": job.export.report["entries"], "count_seconds": time.perf_counter() - began}
    # Each line's 64-bit digest: a duplicate line is a duplicate entry (the sdk profile's entries
    # carry no seq), and 1.3 million digests fit in memory where the lines would not.
    seen: set[int] = set()
    lines = 0
    with gzip.open(path, "rb") as data:
        next(data)  # the header
        for line in data:
            lines += 1
            seen.add(int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "little"))
    return {
        "rows": lines,
        "duplicates": lines - len(seen),
        "seconds": seconds,
        "idle_mb": idle / 1024,
        "peak_mb": peak / 1024,
        "bytes": path.stat().st_size,
        **counted,
    }


def upstream_day(sandbox, window: dict) -> dict:
    """The day read straight from the sdk sandbox as one streamed answer, without the panel: the
    entries counted as they arrive (each starts with ``{"time": ``), nothing parsed or kept."""
    from plcloud import Client
    from plcloud.cdn import iso

    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as client:
        client.authenticate()
        domain = next(d for d in client.cdn.list() if d["domainName"] == "www.demo-shop.com")
        query = {"domain_id": domain["domainId"], "type": "cache"}
        query |= {"start_at": iso(window["start_at"]), "end_at": iso(window["end_at"])}
        headers = {"X-Auth-Token": client.token}
        started = time.perf_counter()
        count, size, tail = 0, 0, b""
        with client.session.get(
            client.endpoint + "/cdn/request_log", params=query, headers=headers, stream=True, timeout=(3, 120)
        ) as answer:
            answer.raise_for_status()
            for chunk in answer.iter_content(1024 * 1024):
                # The last 8 bytes go again with the next chunk: a 9-byte mark cut between two
                # chunks is counted there, and none can be counted twice.
                data = tail + chunk
                count += data.count(b'{"time": ')
                tail = data[-8:]
                size += len(chunk)
        seconds = time.perf_counter() - started
    return {"entries": count, "seconds": seconds, "bytes": size}


def main() -> list[str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--no-day", action="store_true", help="skip the sdk profile's full day")
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])

    work = work_folder("export")
    sandbox = start_sandbox(work)
    sdk = None if args.no_day else start_sandbox(work, wire="sdk")
    try:
        environment = panel_environment(work, sandbox)
        environment.update({"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_FOLDER": str(work / "broker")})
        # One panel, a member on each sandbox.
        environment["PLCLOUD_AUTH_URLS"] = ",".join(s.auth_url for s in (sandbox, sdk) if s)
        setup_panel(environment)
        from connections.services import client_for

        user = bench_member(sandbox, "viewer")
        domain = next(d for d in client_for(user).cdn.list() if d["domainName"] == "www.demo-shop.com")
        small = run_export(environment, user, domain, last_minutes(args.small))
        large = run_export(environment, user, domain, last_minutes(args.entries))
        analytics = run_export(environment, user, domain, last_minutes(args.entries), analyze=True)
        if sdk is not None:
            day = last_whole_day()
            sdk_user = bench_member(sdk, "viewer", name="bench-sdk")
            sdk_domain = next(d for d in client_for(sdk_user).cdn.list() if d["domainName"] == "www.demo-shop.com")
            upstream = upstream_day(sdk, day)
            whole = run_export(environment, sdk_user, sdk_domain, day)
    finally:
        sandbox.stop()
        if sdk is not None:
            sdk.stop()

    rate = large["rows"] / large["seconds"]
    lines = [
        f"export of {large['rows']:,} entries: {large['seconds']:.1f} s, {rate:,.0f} entries/s (goal >= 50,000)",
        f"  file {large['bytes'] / 1e6:.1f} MB gzip; worker idle {large['idle_mb']:.0f} MB, "
        f"peak {large['peak_mb']:.0f} MB (goal < 200)",
        f"export of {small['rows']:,} entries: {small['seconds']:.1f} s, peak {small['peak_mb']:.0f} MB",
        f"peak memory {large['rows']:,} vs {small['rows']:,} entries: {large['peak_mb'] / small['peak_mb']:.2f}x "
        "(goal <= 1.2)",
    ]
    if sdk is not None:
        expected = int((day["end_at"] - day["start_at"]).total_seconds() * 15)
        day_rate = whole["rows"] / whole["seconds"]
        up_rate = upstream["entries"] / upstream["seconds"]

        def row(name: str, default: str, sdk: str, goal: str = "") -> str:
            return f"{name:<22}{default:<26}{sdk:<30}{goal}".rstrip()

        lines = [
            row("", "default profile", "sdk profile"),
            row("", "(the sandbox pages)", "(a window is one list, streamed)"),
            row("window", f"{args.entries:,} entries", f"one busy day, {day['start_at']:%Y-%m-%d} UTC"),
            row("rows (expected)", f"{large['rows']:,} ({args.entries:,})", f"{whole['rows']:,} ({expected:,})"),
            row("duplicate lines", f"{large['duplicates']}", f"{whole['duplicates']}", "none"),
            row("time", f"{large['seconds']:.1f} s", f"{whole['seconds']:.1f} s"),
            row("rate", f"{rate:,.0f} entries/s", f"{day_rate:,.0f} entries/s", ">= 50,000"),
            row(
                "worker idle / peak",
                f"{large['idle_mb']:.0f} / {large['peak_mb']:.0f} MB",
                f"{whole['idle_mb']:.0f} / {whole['peak_mb']:.0f} MB",
                "peak < 200",
            ),
            row("file", f"{large['bytes'] / 1e6:.1f} MB gzip", f"{whole['bytes'] / 1e6:.1f} MB gzip"),
            "",
            f"default profile, {small['rows']:,} entries: {small['seconds']:.1f} s, peak {small['peak_mb']:.0f} MB; "
            f"peak {large['rows']:,} vs {small['rows']:,}: {large['peak_mb'] / small['peak_mb']:.2f}x (goal <= 1.2)",
            f"sdk profile, the same day straight from the sandbox (its one answer, {upstream['bytes'] / 1e6:,.0f} MB, "
            "streamed and counted, nothing parsed):",
            f"  {upstream['entries']:,} entries in {upstream['seconds']:.1f} s, {up_rate:,.0f} entries/s; "
            f"the export's rate is {day_rate / up_rate:.2f}x the upstream's",
        ]
        if whole["rows"] != expected or whole["duplicates"] or upstream["entries"] != expected:
            lines.append("FAILED: the export does not hold exactly the day's entries once each")
    entries, whole, alone = analytics["entries"], analytics["seconds"], analytics["count_seconds"]
    lines += [
        "",
        f"log analytics job (issue 18), {entries:,} entries, default profile: {whole:.1f} s from queued to "
        f"counted, {entries / whole:,.0f} entries/s; the count alone {alone:.1f} s, {entries / alone:,.0f} "
        f"entries/s; worker peak {analytics['peak_mb']:.0f} MB",
    ]
    print("\n".join(lines))
    write_section("Request-log export (issue 5)", lines)
    return lines


if __name__ == "__main__":
    main()
