"""What the security tests tried, for the report lines at the end of the run."""

from dataclasses import dataclass


@dataclass
class Tally:
    bad_inputs: int = 0
    accepted: int = 0
    server_errors: int = 0
    ids_guessed: int = 0
    exposed: int = 0
    # Bytes of the largest page answering a maximal bad input (test_error_amplification).
    largest_answer: int = 0


TALLY = Tally()
