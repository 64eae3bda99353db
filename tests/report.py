"""The suite's fault-tolerance figures, one report line each at the end of the run.

Tests add to a figure with ``count(line, key, n)``; the terminal summary prints every line that
was counted, e.g. "worker kills: 2 / jobs lost or duplicated: 0".
"""

from collections import defaultdict

FIGURES: dict[str, dict[str, int]] = defaultdict(dict)


def count(line: str, key: str, n: int = 1) -> None:
    FIGURES[line][key] = FIGURES[line].get(key, 0) + n


def pytest_terminal_summary(terminalreporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("fault-tolerance figures")
    for figures in FIGURES.values():
        terminalreporter.write_line(" / ".join(f"{key}: {value}" for key, value in figures.items()))
