"""The suite's report lines at the end of the run: its fault-tolerance figures, the fault tests'
and security tests' tallies, and the secret scan's count.

Tests add to a figure with ``count(line, key, n)``; the terminal summary prints every line that
was counted, e.g. "worker kills: 2 / jobs lost or duplicated: 0". With ``section=`` the line goes
under a heading of its own and is printed with its name, e.g. under "accessibility (axe-core)":
"en domain list: violations: 0 / critical needs-review: 0".

Under pytest-xdist each worker process counts only the tests it ran, and only the controller
prints: each worker hands its counts over as it finishes (xdist's ``workeroutput``), and the
controller adds them up, so that every line appears once, for the whole run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict

import pytest

from tests.faults.tally import TALLY as FAULTS
from tests.security.tally import TALLY as SECURITY

FIGURES: dict[str, dict[str, int]] = defaultdict(dict)
# Lines under a heading of their own: {section: {line: {key: n}}}.
SECTIONS: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
# What the secret scan (tests.secret_scan) searched at the end of a process's tests.
SCAN = {"secrets": 0, "pages": 0, "log lines": 0, "found": 0, "processes": 0}
# The one figure that is a largest, not a sum, when workers' counts are put together.
HIGHEST = {"largest_answer"}


def count(line: str, key: str, n: int = 1, *, section: str | None = None) -> None:
    figures = FIGURES[line] if section is None else SECTIONS[section][line]
    figures[key] = figures.get(key, 0) + n


def _counts() -> dict:
    return {"figures": FIGURES, "sections": SECTIONS, "faults": FAULTS, "security": asdict(SECURITY), "scan": SCAN}


def _add(mine: dict, theirs: dict) -> None:
    for key, value in theirs.items():
        mine[key] = max(mine.get(key, 0), value) if key in HIGHEST else mine.get(key, 0) + value


def _add_worker(counts: dict) -> None:
    for line, figures in counts["figures"].items():
        _add(FIGURES[line], figures)
    for section, lines in counts.get("sections", {}).items():
        for line, figures in lines.items():
            _add(SECTIONS[section][line], figures)
    _add(FAULTS, counts["faults"])
    _add(SCAN, counts["scan"])
    security = asdict(SECURITY)
    _add(security, counts["security"])
    for key, value in security.items():
        setattr(SECURITY, key, value)


def pytest_sessionfinish(session) -> None:
    """In an xdist worker: hand this process's counts to the controller (sent after this hook)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["report"] = json.dumps(_counts())


@pytest.hookimpl(optionalhook=True)  # an xdist hook: a run with -p no:xdist does not know it
def pytest_testnodedown(node, error) -> None:
    """In the xdist controller: a worker has finished; add its counts to the run's."""
    counts = getattr(node, "workeroutput", {}).get("report")
    if counts:
        _add_worker(json.loads(counts))


def pytest_terminal_summary(terminalreporter) -> None:
    if hasattr(terminalreporter.config, "workeroutput"):
        return  # a worker's summary is never shown; the controller prints the whole run's
    if FIGURES:
        terminalreporter.section("fault-tolerance figures")
        for figures in FIGURES.values():
            terminalreporter.write_line(" / ".join(f"{key}: {value}" for key, value in figures.items()))
    write = terminalreporter.write_line
    if FAULTS["tests"]:
        write(
            f"fault tests: {FAULTS['tests']} tests, faults injected: {FAULTS['injected']} "
            f"/ 500s seen: {FAULTS['server_errors']}"
        )
    if SECURITY.bad_inputs:
        write(
            f"bad inputs tried: {SECURITY.bad_inputs} / accepted: {SECURITY.accepted} / 500s: {SECURITY.server_errors}"
        )
    if SECURITY.ids_guessed:
        write(f"ids guessed: {SECURITY.ids_guessed} / objects exposed: {SECURITY.exposed}")
    if SECURITY.largest_answer:
        write(f"largest answer to a maximal bad input: {SECURITY.largest_answer} bytes")
    if SCAN["processes"]:
        write(
            f"secret scan: {SCAN['secrets']} secrets, {SCAN['pages']} pages, {SCAN['log lines']} log lines "
            f"in {SCAN['processes']} test process(es): {SCAN['found']} found"
        )
    # Last: each heading holds only its own lines.
    for section, lines in SECTIONS.items():
        terminalreporter.section(section)
        for line, figures in lines.items():
            terminalreporter.write_line(f"{line}: " + " / ".join(f"{key}: {value}" for key, value in figures.items()))
