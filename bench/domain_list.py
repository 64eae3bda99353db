"""Bench: the CDN domain list page with 1,000 domains against the same upstream call made directly.

    .venv/bin/python bench/domain_list.py [--domains 1000] [--rounds 100]

Starts its own sandbox and a throw-away panel database, so it touches nothing of yours. Goals
(issue 4): the page uncached at most 1.3x the direct call, cached at most 0.2x. Prints the ratios
and writes them to bench/RESULTS.md with a description of the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_member,
    interleaved_medians_ms,
    panel_environment,
    setup_panel,
    start_sandbox,
    work_folder,
    write_section,
)


def main() -> list[str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=20,
        help="also measure with this much added to every sandbox answer (a Plcloud region across a network)",
    )
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])

    work = work_folder("domains")
    sandbox = start_sandbox(work)
    try:
        setup_panel(panel_environment(work, sandbox))
        from django.core.management import call_command
        from django.test import Client as Browser

        from cdn import selectors
        from plcloud import Client

        call_command("collectstatic", verbosity=0, interactive=False)
        api = Client(username="team2", password="team2-password", tenant_name="team2", auth_url=sandbox.auth_url)
        have = len(api.cdn.list())
        for n in range(have, args.domains):
            api.cdn.create(f"bench-{n:04d}.example-bench.com", ["114.114.114.114"], ["hk", "ov"])
        total = len(api.cdn.list())
        assert total >= args.domains
        expected = f"{total} of {total} domains".encode()

        # Two members of the same Plcloud account: one whose reads are forgotten before each of
        # its pages (uncached), one whose reads stay cached between its pages (cached), so that
        # measuring them in turns does not clear the one for the other.
        cold = bench_member(sandbox, "operator", plcloud_user="team2", name="cold")
        warm = bench_member(sandbox, "operator", plcloud_user="team2", name="warm")
        browsers = {}
        for member in (cold, warm):
            browsers[member] = Browser()
            browsers[member].force_login(member)

        def page(member=warm):
            response = browsers[member].get("/cdn/")
            assert response.status_code == 200 and expected in response.content

        def uncached_page():
            page(cold)

        def measure() -> tuple[float, float, float]:
            page(cold), page(), page()  # warm: templates compiled, connections open, reads cached
            found = interleaved_medians_ms(
                {"direct": api.cdn.list, "uncached": uncached_page, "cached": page},
                args.rounds,
                prepare={"uncached": lambda: selectors.forget(cold)},  # the member's reads, forgotten
            )
            return found["direct"], found["uncached"], found["cached"]

        direct, uncached, cached = measure()
        far = None
        if args.latency_ms:
            sandbox.set_faults(latency_ms=args.latency_ms, scope="service")
            far = measure()
            sandbox.clear_faults()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            selectors.forget(cold)
            profiler.runcall(uncached_page)
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_PROFILE_SORT", "tottime")).print_stats(
                int(os.environ.get("BENCH_PROFILE_LINES", "18"))
            )
    finally:
        sandbox.stop()

    lines = [
        f"domains: {args.domains}, rounds: {args.rounds} (medians)",
        f"direct client call cdn.list(): {direct:.1f} ms",
        f"list page, uncached:           {uncached:.1f} ms  ratio {uncached / direct:.2f} (goal <= 1.3)",
        f"list page, cached:             {cached:.1f} ms  ratio {cached / direct:.2f} (goal <= 0.2)",
    ]
    if far:
        lines += [
            f"with {args.latency_ms} ms added to each sandbox answer (a region across a network):",
            f"  direct {far[0]:.1f} ms; page uncached {far[1]:.1f} ms  ratio {far[1] / far[0]:.2f}; "
            f"cached {far[2]:.1f} ms  ratio {far[2] / far[0]:.2f}",
        ]
    print("\n".join(lines))
    write_section("Domain list with 1,000 domains (issue 4)", lines)
    return lines


if __name__ == "__main__":
    main()
