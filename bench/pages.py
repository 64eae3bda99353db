"""Bench: pages as compose serves them, 20 signed-in members at once, serving models side by side.

    .venv/bin/python bench/pages.py [--members 20] [--seconds 8] [--alone 40] [--latency-ms 30] [--rounds 1]

Goals (issue 16), measured in one run: the uncached domain list's p95 with 20 members at once at
most 2x one member's alone, and alone at most the direct cdn.list() + 15 ms; the cached list at
least 60% of a trivial signed-in page's throughput; a domain page's upstream reads not one after
another (or cached), its p95 with 20 members at most 2x alone. Also the CPU a page costs and how
busy the machine was, the same at-once/alone ratio on the signed-in page (no Plcloud call: the
machine's floor), and the most members at once whose uncached list stays within the 2x (a sizing
figure). Starts its own sandbox (every answer 30 ms late, its latency fault), a
throw-away panel (PostgreSQL when it answers on 127.0.0.1, else SQLite; Redis database 9 as the
cache, emptied) and one gunicorn per serving model, both running; each page is measured on one
model, then the other, in turns.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PG_ADMIN,
    ROOT,
    bench_member,
    drop_postgres,
    panel_environment,
    postgres_database,
    setup_panel,
    start_sandbox,
    work_folder,
    write_section,
)
from bench.load import (  # noqa: E402
    busy_share,
    closed_loop,
    cpu_seconds,
    family,
    machine_ticks,
    most_at_once,
    percentile,
    spent,
)

CACHE_URL = "redis://127.0.0.1:6379/9"
# What docker-compose.yml's web command runs, but for the worker class (the models compared).
SERVING = ["--workers", "3", "--timeout", "60", "--graceful-timeout", "75", "--access-logfile", "-"]
MODELS = {
    "gthread": ["--worker-class", "gthread", "--threads", "8"],
    "sync": ["--worker-class", "sync"],
}
PASSWORD = "bench-password-123"
TITLE = "Pages, 20 members at once (issue 16)"


def start_panel(work: Path, environment: dict[str, str], name: str, options: list[str]):
    from tests.helpers import free_port, wait_for

    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "plcloud_panel.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    log = open(work / f"gunicorn-{name}.log", "ab")  # noqa: SIM115 - the process owns it
    process = subprocess.Popen(
        [*command, *SERVING, *options], cwd=ROOT, env={**os.environ, **environment}, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn ({name}) stopped; see {log.name}")
        try:
            return requests.get(base + "/accounts/login/", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    wait_for(answers, timeout=60, interval=0.3, message=f"gunicorn ({name}) did not answer")
    return process, base


def sign_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    browser.get(base + "/accounts/login/", timeout=30)
    answer = browser.post(
        base + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies.get("csrftoken")},
        headers={"Referer": base + "/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, f"{username} not signed in ({answer.status_code})"
    return browser


BLOCKS = ("domains", "tickets", "balance", "identity")


def dashboard(sessions: list[requests.Session]):
    """The dashboard as a browser loads it: the page, then its four blocks at once (each on a
    connection of its own, the member's cookies); what the member waits for is the last block.
    A function of the panel's address, then of the member's index (bench.load.closed_loop)."""
    pool = ThreadPoolExecutor(len(sessions) * len(BLOCKS))
    tabs = [[_tab(session) for _ in BLOCKS] for session in sessions]

    def on(base: str):
        def load(index: int) -> requests.Response:
            page = sessions[index].get(base + "/", allow_redirects=False, timeout=60)
            if page.status_code != 200:
                return page
            urls = [f"{base}/dashboard/{name}/" for name in BLOCKS]
            blocks = list(pool.map(lambda pair: pair[0].get(pair[1], timeout=60), zip(tabs[index], urls, strict=True)))
            failed = next((block for block in blocks if block.status_code != 286), None)
            return failed or page

        return load

    return on


def _tab(session: requests.Session) -> requests.Session:
    tab = requests.Session()
    tab.cookies.update(session.cookies)
    return tab


def at(base: str, path):
    """What closed_loop asks for on the panel at ``base``: a path, or a page loaded with its parts."""
    return base + path if isinstance(path, str) else path(base)


def postgres_pids(database: str | None) -> list[int]:
    """The PostgreSQL backends serving the bench's database (the panel's connections)."""
    if not database:
        return []
    import psycopg

    name = database.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        return [row[0] for row in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]


class Tally:
    """One page on one model, over the rounds: the closed loop, alone, CPU, the machine, upstream calls."""

    def __init__(self) -> None:
        self.times, self.alone = [], []
        self.seconds = self.errors = self.calls = self.flow_calls = 0
        self.cpu = {"web": 0.0, "db": 0.0, "sandbox": 0.0, "bench": 0.0}
        self.alone_web_cpu = 0.0
        self.busy = [0, 0]
        self.first_error = ""

    def rate(self) -> float:
        return len(self.times) / self.seconds if self.seconds else 0.0

    def per_page_ms(self, what: str) -> float:
        return self.cpu[what] / len(self.times) * 1000 if self.times else float("nan")

    def machine(self) -> tuple[float, float]:
        """The machine's busy share while the loop ran, and the part of it that was not the bench's."""
        busy = self.busy[0] / self.busy[1] if self.busy[1] else 0.0
        ours = sum(self.cpu.values()) / (self.seconds * (os.cpu_count() or 1))
        return busy, max(0.0, busy - ours)


def main() -> list[str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8, help="length of each closed loop")
    parser.add_argument("--alone", type=int, default=40, help="pages of one member alone, per page and model")
    parser.add_argument("--latency-ms", type=float, default=30, help="added by the sandbox to every answer")
    parser.add_argument("--rounds", type=int, default=1, help="times every page is measured on every model")
    parser.add_argument("--models", default=",".join(MODELS), help=f"some of {', '.join(MODELS)}")
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])
    models = args.models.split(",")

    work = work_folder("pages")
    sandbox = start_sandbox(work)
    database = postgres_database("pages")
    panels: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        import redis

        redis.Redis.from_url(CACHE_URL, socket_connect_timeout=2).flushdb()
        environment = {
            **panel_environment(work, sandbox, database),
            "CACHE_URL": CACHE_URL,
            "DEBUG": "false",
            "SECRET_KEY": "bench-pages-" + "k" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "INFO",  # as compose runs it
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_BROKER_FOLDER": str(work / "broker"),
            "HOME": str(work),
        }
        setup_panel(environment)
        from django.core.management import call_command

        from connections.member_cache import forget as forget_member
        from plcloud import Client

        call_command("collectstatic", verbosity=0, interactive=False)
        members = [bench_member(sandbox, "operator", name=f"member{n:02d}") for n in range(args.members)]
        for member in members:
            member.set_password(PASSWORD)
            member.save(update_fields=["password"])
        api = Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url)
        busy_id = next(d["domainId"] for d in api.cdn.list() if d["domainName"] == "www.demo-shop.com")
        for name in models:
            panels[name] = start_panel(work, environment, name, MODELS[name])
        # One signed-in session a member, valid on every model (the sessions are in the database).
        base = next(iter(panels.values()))[1]
        sessions = [sign_in(base, member.username) for member in members]
        sandbox.set_faults(latency_ms=args.latency_ms, scope="all")

        from cdn.traffic import window

        def domain_reads():
            api.cdn.get(busy_id)
            start, end, interval = window("24h")
            api.cdn.flow(busy_id, start_at=start, end_at=end, interval=interval)

        direct = {}
        for label, call in (("cdn.list()", api.cdn.list), ("cdn.get() then cdn.flow()", domain_reads)):
            call()
            taken = []
            for _ in range(args.alone):
                began = time.perf_counter()
                call()
                taken.append((time.perf_counter() - began) * 1000)
            direct[label] = (percentile(taken, 0.5), percentile(taken, 0.95))

        def forget(index: int) -> None:
            forget_member(members[index])

        def has(marker: bytes):
            return lambda response: response.status_code == 200 and marker in response.content

        pages = [
            ("signed-in page", "/tickets/notifications/", has(b"</html>"), None),
            # The page, then its blocks that read Plcloud, at once, as a browser loads them.
            ("dashboard", dashboard(sessions), has(b'id="block-jobs"'), None),
            ("dashboard uncached", dashboard(sessions), has(b'id="block-jobs"'), forget),
            ("/cdn/ cached", "/cdn/", has(b"www.demo-shop.com"), None),
            ("/cdn/ uncached", "/cdn/", has(b"www.demo-shop.com"), forget),
            ("domain traffic", f"/cdn/{busy_id}/flow/", has(b'id="traffic-chart"'), None),
            # Its first page, or one after a change: the domain, then the flow, one after the other.
            ("traffic uncached", f"/cdn/{busy_id}/flow/", has(b'id="traffic-chart"'), forget),
            ("domain detail", f"/cdn/{busy_id}/", has(b"www.demo-shop.com"), None),
            ("/jobs/", "/jobs/", has(b"</html>"), None),
        ]
        for _process, url in panels.values():  # templates compiled, connections opened in every worker
            for _, path, check, prepare in pages:
                closed_loop(sessions, at(url, path), check, seconds=1, prepare=prepare)
        idle_before = machine_ticks()
        time.sleep(3)
        other_before = busy_share(idle_before, machine_ticks())

        tallies = {(page[0], model): Tally() for page in pages for model in models}
        for _ in range(args.rounds):
            for label, path, check, prepare in pages:
                for model in models:
                    process, url = panels[model]
                    tally = tallies[(label, model)]
                    web = family(process.pid)
                    before = cpu_seconds(web)
                    alone = closed_loop(sessions[:1], at(url, path), check, count=args.alone, prepare=prepare)
                    tally.alone += alone.times_ms
                    tally.alone_web_cpu += spent(before, cpu_seconds(web))
                    tally.errors += alone.errors
                    tally.first_error = tally.first_error or alone.first_error
                    closed_loop(sessions, at(url, path), check, seconds=1, prepare=prepare)  # the queue filled
                    sandbox.forget_requests()
                    processes = {
                        "web": family(process.pid),
                        "db": postgres_pids(database),
                        "sandbox": [sandbox.process.pid],
                        "bench": [os.getpid()],
                    }
                    before = {what: cpu_seconds(pids) for what, pids in processes.items()}
                    ticks = machine_ticks()
                    run = closed_loop(sessions, at(url, path), check, seconds=args.seconds, prepare=prepare)
                    after_ticks = machine_ticks()
                    for what, pids in processes.items():
                        tally.cpu[what] += spent(before[what], cpu_seconds(pids))
                    tally.busy[0] += after_ticks[0] - ticks[0]
                    tally.busy[1] += after_ticks[1] - ticks[1]
                    seen = sandbox.requests_seen()
                    tally.calls += seen["total"]
                    tally.flow_calls += sum("/cdn/flow/" in call["path"] for call in seen["requests"])
                    tally.times += run.times_ms
                    tally.seconds += run.seconds
                    tally.errors += run.errors
                    tally.first_error = tally.first_error or run.first_error
                    print(f"{model:8} {label:16} {run.rate:6.0f} req/s  p95 {run.p(0.95):5.0f} ms", flush=True)
        # How many members at once the machine carries within the uncached list's 2x (first model).
        label, path, check, prepare = next(page for page in pages if page[0] == "/cdn/ uncached")
        alone_p95 = percentile(tallies[(label, models[0])].alone, 0.95)
        url = at(panels[models[0]][1], path)
        capacity = most_at_once(
            sessions, url, check, alone_p95=alone_p95, limit=2, seconds=args.seconds, prepare=prepare
        )
    finally:
        for process, _ in panels.values():
            process.terminate()
            process.wait(timeout=30)
        sandbox.stop()
        drop_postgres(database)

    lines = report(args, models, pages, tallies, direct, other_before, database is not None, capacity)
    print("\n".join(lines))
    write_section(TITLE, lines)
    return lines


def report(args, models, pages, tallies, direct, other_before, postgres: bool, capacity) -> list[str]:
    lines = [
        f"gunicorn {' '.join(SERVING[:2])}, DEBUG off, {'PostgreSQL' if postgres else 'SQLite'}, Redis cache; "
        f"sandbox {args.latency_ms:.0f} ms late on every answer",
        f"{args.members} signed-in members at once in a closed loop, {args.seconds:.0f} s a page and model, "
        f"{args.rounds} round(s); alone: 1 member, {args.alone} pages; models side by side, in turns",
        f"machine busy from other work just before the loops: {other_before:.0%} of {os.cpu_count()} cores",
        "direct client calls alone (p50 / p95): "
        + "; ".join(f"{label} {p50:.1f} / {p95:.1f} ms" for label, (p50, p95) in direct.items()),
        "",
        " " * 30 + f"------ {args.members:2d} at once ------   --- alone ---  upstream   CPU ms a page        machine",
        "model    page                 req/s    p50    p95  err     p50    p95  calls/pg  web alone   db "
        "client  busy other",
    ]
    for model in models:
        for label, *_ in pages:
            t = tallies[(label, model)]
            busy, other = t.machine()
            alone_cpu = t.alone_web_cpu / len(t.alone) * 1000 if t.alone else float("nan")
            calls = t.calls / max(1, len(t.times) + t.errors)
            lines.append(
                f"{model:8} {label:18} {t.rate():8.0f} {percentile(t.times, 0.5):6.0f} "
                f"{percentile(t.times, 0.95):6.0f} {t.errors:4d}  {percentile(t.alone, 0.5):6.0f} "
                f"{percentile(t.alone, 0.95):6.0f}  {calls:8.2f} {t.per_page_ms('web'):4.1f} {alone_cpu:5.1f} "
                f"{t.per_page_ms('db'):4.1f} {t.per_page_ms('bench'):6.1f} {busy:5.0%} {other:5.0%}"
            )
    errors = [f"{m} {label}: {t.first_error}" for (label, m), t in tallies.items() if t.first_error]
    if errors:
        lines.append("first error of each: " + "; ".join(errors))
    lines += ["", "goals (" + " | ".join(models) + "):"]
    lines += goals(models, tallies, direct)
    members, run = capacity

    def ratio(model):
        tally = tallies[("signed-in page", model)]
        return f"{percentile(tally.times, 0.95) / percentile(tally.alone, 0.95):.2f}x"

    lines += [
        "",
        "the same ratio on the signed-in page, which calls no Plcloud: " + " | ".join(map(ratio, models)),
        f"members at once whose uncached list stays within 2x of alone ({models[0]}): {members}"
        + (f" ({run.rate:.0f} req/s, p95 {run.p(0.95):.0f} ms)" if run else ""),
    ]
    return lines


def goals(models, tallies, direct) -> list[str]:
    def each(figure, limit, fmt, at_most=True):
        values = [figure(model) for model in models]
        marks = [("ok" if (v <= limit if at_most else v >= limit) else "MISSED") for v in values]
        return " | ".join(f"{fmt.format(v)} {mark}" for v, mark in zip(values, marks, strict=True))

    def p95(label, model, alone=False):
        tally = tallies[(label, model)]
        return percentile(tally.alone if alone else tally.times, 0.95)

    list_p95 = direct["cdn.list()"][1]
    return [
        "uncached list, p95 at once / alone (<= 2x): "
        + each(lambda m: p95("/cdn/ uncached", m) / p95("/cdn/ uncached", m, alone=True), 2, "{:.2f}x"),
        f"uncached list alone, p95 - direct cdn.list() p95 {list_p95:.1f} ms (<= +15 ms): "
        + each(lambda m: p95("/cdn/ uncached", m, alone=True) - list_p95, 15, "{:+.1f} ms"),
        "cached list, req/s / the signed-in page's (>= 0.6): "
        + each(
            lambda m: tallies[("/cdn/ cached", m)].rate() / tallies[("signed-in page", m)].rate(),
            0.6,
            "{:.2f}",
            at_most=False,
        ),
        # The domain is read fresh on every page; its flow after it (one after the other) only when
        # the member's kept read is older than CDN_CACHE_SECONDS.
        "domain traffic page, flow reads a page (1.00: every page, after the domain; goal well under, <= 0.25): "
        + each(
            lambda m: tallies[("domain traffic", m)].flow_calls / max(1, len(tallies[("domain traffic", m)].times)),
            0.25,
            "{:.2f}",
        ),
        "domain traffic page, p95 at once / alone (<= 2x): "
        + each(lambda m: p95("domain traffic", m) / p95("domain traffic", m, alone=True), 2, "{:.2f}x"),
    ]


if __name__ == "__main__":
    main()
