"""What the panel refuses to do with jobs, and why. Nothing was queued or sent; the messages are
shown to the member as they are."""

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
