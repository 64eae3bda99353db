"""A second process on the test database for test_sqlite_side_by_side.py: the ticket checker's
run (what beat has the worker do every TICKET_CHECK_SECONDS), over and over, as a worker would.

python -m tests.settings.sqlite_checker RUNS SECONDS: prints {"runs", "failed", "errors"} as JSON.
"""

import json
import sys
import time

import django


def main(runs: int, seconds: float) -> dict:
    django.setup()
    from django.db import OperationalError

    from tickets.checker import check_all

    done, failed, errors = 0, 0, []
    deadline = time.monotonic() + seconds
    while done < runs and time.monotonic() < deadline:
        try:
            failed += check_all().failed  # a member's failure is logged and counted, not raised
        except OperationalError as error:  # the checker's own bookkeeping of that failure failed too
            errors.append(str(error))
        done += 1
    return {"runs": done, "failed": failed, "errors": errors}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), float(sys.argv[2]))))
