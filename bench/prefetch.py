"""Bench: 500 prefetch jobs at once, followed to their end by real worker processes.

    .venv/bin/python bench/prefetch.py [--jobs 500] [--seconds 20] [--workers 2]

Measures (issue 5) the upstream calls each job costs (counted in the sandbox's own request
log, so what reached the wire) and the delay from the sandbox finishing a prefetch (the
``finished_at`` it reports) to the job page showing it ended (the job row, which the page reads):
goal at most twice the poll interval the job was at. Uses PostgreSQL and Redis when they answer
on 127.0.0.1 (a database of its own, Redis database 14, emptied), else SQLite and the
filesystem queue.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_member,
    drop_postgres,
    panel_environment,
    postgres_database,
    setup_panel,
    start_sandbox,
    work_folder,
    write_section,
)
from bench.workers import start_worker, stop, wait_ready  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/14"


def services_available(work: Path) -> tuple[str | None, dict[str, str]]:
    """A PostgreSQL database of the bench's own (or None for SQLite), and the broker settings."""
    database = postgres_database("prefetch")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
        broker = {"CELERY_BROKER_URL": REDIS_URL}
    except Exception as error:  # no Redis: the embedded queue
        print(f"Redis not used ({error.__class__.__name__}); the filesystem queue instead")
        broker = {"CELERY_BROKER_URL": "filesystem://", "CELERY_BROKER_FOLDER": str(work / "broker")}
    return database, broker


def main() -> list[str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=20, help="how long the sandbox takes a prefetch")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])

    work = work_folder("prefetch")
    sandbox = start_sandbox(work, prefetch_seconds=args.seconds)
    database, broker = services_available(work)
    workers = []
    try:
        environment = {**panel_environment(work, sandbox, database), **broker, "LOG_LEVEL": "INFO"}
        setup_panel(environment)
        from cdn.objects import Domain
        from connections.services import client_for
        from jobs import services
        from jobs.models import HALTED, Job

        user = bench_member(sandbox, "operator")
        client = client_for(user)
        domains = Domain.from_wire_list(client.cdn.list())
        workers = [
            start_worker(environment, "--pool", "threads", "--concurrency", "8", "-n", f"bench{n}@%h")
            for n in range(args.workers)
        ]
        wait_ready()
        log_mark = len(sandbox.stderr(tail=10**9))
        started = time.perf_counter()
        jobs = [
            services.submit_prefetch(
                user=user,
                urls_text=f"https://www.demo-shop.com/bench/{n}/a.js\nhttps://www.demo-shop.com/bench/{n}/b.css",
                domains=domains,
            )
            for n in range(args.jobs)
        ]
        submitted = time.perf_counter() - started
        # Ended, or waiting for its member (a submit whose answer was lost): no worker does more.
        while Job.objects.exclude(state__in=HALTED).exists():
            if time.perf_counter() - started > args.seconds * 3 + 600:
                raise SystemExit("jobs did not end within the bench's limit")
            time.sleep(0.5)
        total = time.perf_counter() - started
        wire = sandbox.stderr(tail=10**9)[log_mark:]
        calls = {
            "submit": len(re.findall(r"PUT \S*/cdn/prefetch ", wire)),
            "query": len(re.findall(r"GET \S*/cdn/prefetch", wire)),
        }
        delays, ratios = [], []
        for job in Job.objects.filter(pk__in=[j.pk for j in jobs]):
            answer = client.cdn.prefetch_query(job.upstream_ids[0])
            from datetime import datetime

            done = datetime.fromisoformat(answer["finished_at"].replace("Z", "+00:00"))
            delay = (job.finished_at - done).total_seconds()
            delays.append(delay)
            # The gap between the job's last two polls: the interval it was polled at when it ended.
            interval = (job.finished_at - (job.polled_at or job.started_at)).total_seconds()
            ratios.append(delay / interval)
    finally:
        for worker in workers:
            stop(worker)
        sandbox.stop()
        drop_postgres(database)

    delays.sort()
    within = sum(1 for r in ratios if r <= 2) / len(ratios)
    lines = [
        f"{args.jobs} prefetch jobs of 2 URLs, sandbox takes ~{args.seconds:.0f} s each (0.5-1x), "
        f"{args.workers} workers x 8 threads, {'PostgreSQL' if database else 'SQLite'}, "
        f"{'Redis' if 'redis' in broker['CELERY_BROKER_URL'] else 'filesystem queue'}",
        f"submitted in {submitted:.1f} s, all ended {total:.1f} s after the first was submitted",
        f"upstream calls per job: {(calls['submit'] + calls['query']) / args.jobs:.1f} "
        f"({calls['submit'] / args.jobs:.1f} submit, {calls['query'] / args.jobs:.1f} queries)",
        f"sandbox finished -> page shows it: median {statistics.median(delays):.2f} s, "
        f"p95 {delays[int(len(delays) * 0.95) - 1]:.2f} s, max {delays[-1]:.2f} s",
        f"delay / last poll interval: median {statistics.median(ratios):.2f}, max {max(ratios):.2f}; "
        f"{within:.1%} of jobs within 2x (goal: all)",
    ]
    print("\n".join(lines))
    write_section("500 prefetch jobs (issue 5)", lines)
    return lines


if __name__ == "__main__":
    main()
