"""What a job page adds for a person: a ticket about the job, filled in from what failed."""

from urllib.parse import urlencode

from django.contrib import messages
from django.utils.translation import gettext as _

from jobs.models import ItemState, Job

MAX_LINES = 50  # keeps the description well under the ticket's 10,000 characters


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
        % {"label": ticket_label(job), "state": job.get_state_display(), "created": job.created_at.isoformat()},
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
