"""What the panel refuses to do with jobs, and why (nothing was queued or sent; the messages are
shown to the member as they are); and a change whose outcome nobody can tell (jobs.writes)."""

from __future__ import annotations


class Refused(ValueError):
    """Not done as asked (a limit reached, a job in a state that does not allow it); ``problems``
    says why, ``fields`` holds the same messages by the form field they belong to ("" for the form)."""

    def __init__(self, problems: list[str], fields: dict[str, list[str]] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        self.fields = fields or {"": problems}


class PlanRefused(Refused):
    """The pasted lines cannot be sent as they are (jobs.plans): ``problems`` says which and why."""


class OutcomeUnknown(Exception):
    """The change just sent may have been carried out by Plcloud, and nobody can tell: its member decides."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
