"""Every speed goal, each bench in a process of its own; results go to bench/RESULTS.md.

.venv/bin/python bench/run.py                     # all of them
.venv/bin/python bench/run.py pages               # one of them
"""

import subprocess
import sys
from pathlib import Path

BENCHES = ("pages", "export", "prefetch")
HERE = Path(__file__).resolve().parent


def main() -> int:
    chosen = sys.argv[1:] or list(BENCHES)
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        print(f"unknown bench: {', '.join(unknown)}; choose from {', '.join(BENCHES)}", file=sys.stderr)
        return 2
    status = 0
    for name in chosen:
        print(f"==> {name}", flush=True)
        status |= subprocess.run([sys.executable, str(HERE / f"{name}.py")]).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
