"""What the fault tests injected and saw, for their report line at the end of the run (tests.report)."""

TALLY = {"injected": 0, "server_errors": 0, "tests": 0}
