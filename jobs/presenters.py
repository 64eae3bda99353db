"""What a job page adds for a person: a ticket about the job, filled in from what failed."""

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import zones
from jobs.models import ItemState, Job, State

MAX_LINES = 50  # keeps the description well under the ticket's 10,000 characters
# URLs of a call awaiting a decision listed on the job page (a prefetch call carries up to 500).
CALL_LINES = 20


def stalled_since(job: Job) -> datetime | None:
    """Since when a running job has had no worker on it (when one last touched it), or None
    while one is on it.

    A worker touches the job at every call, poll and page (``worked_at``); a step due later is
    due at ``enqueued_at``. No worker is on it when its lease has run out, or when nothing has
    touched it for twice the longest a Plcloud call may take since it was last touched or due: a
    worker killed mid-step holds the lease until it runs out, minutes later.
    """
    if job.state != State.RUNNING:
        return None
    now = timezone.now()
    last = job.worked_at or job.started_at or job.created_at
    due = max(last, job.enqueued_at or last)
    quiet = 2 * (settings.PLCLOUD_CONNECT_TIMEOUT + settings.PLCLOUD_READ_TIMEOUT)
    lapsed = job.lease_until is None or job.lease_until < now
    return last if lapsed or (now - due).total_seconds() > quiet else None


def unknown_call(job: Job) -> dict | None:
    """The call a job waiting for its member's decision may have made: its number, how many calls
    the job makes, and the items it carried (the first CALL_LINES of them)."""
    if not job.needs_decision or not job.sending:
        return None
    ids = job.sending.get("items", [])
    return {
        "number": job.sending.get("call", 0) + 1,
        "calls": job.sending.get("calls", 1),
        "count": len(ids),
        "items": list(job.items.filter(pk__in=ids)[:CALL_LINES]),
        "more": max(0, len(ids) - CALL_LINES),
    }


def ticket_label(job: Job) -> str:
    return f"job #{job.pk}"


def ticket_prefill(job: Job) -> str:
    """The query string of /tickets/new/ for this job: ids, failed items and their errors."""
    failed = list(job.items.filter(state=ItemState.FAILED)[: MAX_LINES + 1])
    summary = _("%(kind)s %(label)s on %(domain)s: %(n)s failed") % {
        "kind": job.get_kind_display(),
        "label": ticket_label(job),
        "domain": job.domain_name or "-",
        "n": len(failed),
    }
    lines = [
        _("Panel %(label)s, state %(state)s, created %(created)s.")
        % {"label": ticket_label(job), "state": job.get_state_display(), "created": zones.display(job.created_at)},
        _("Upstream ids: %(ids)s") % {"ids": ", ".join(map(str, job.upstream_ids)) or "-"},
    ]
    if job.error:
        lines.append(_("Error: %(error)s") % {"error": job.error})
    lines += [f"- {item.url}: {item.error or '-'}" for item in failed[:MAX_LINES]]
    if len(failed) > MAX_LINES:
        lines.append(_("(more failed items on the job page)"))
    return urlencode({"summary": summary[:200], "description": "\n".join(lines)[:10_000]})


def say_queued(request, job, text: str) -> None:
    """The page's word on a job just submitted, and a warning if the task queue did not take it."""
    messages.success(request, text % {"id": job.pk})
    if getattr(job, "not_sent", False):
        warning = _("The task queue is unreachable right now: job %(id)s is saved and starts once it is back.")
        messages.warning(request, warning % {"id": job.pk})
