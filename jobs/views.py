"""The job pages: the list, a job with its live progress, and what its member decides on it
(retry, resend or skip an unknown call). Flush and prefetch forms are in jobs.form_views, exports
in jobs.export_views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import has_role, role_required
from connections.problems import explain
from connections.request_client import client_for_request
from connections.tenancy import request_tenant
from jobs import errors, presenters, services
from jobs.forms import JobFilterForm
from jobs.models import ItemState, Job, Kind, State
from jobs.selectors import job_domains, jobs_for, visible_jobs
from notifications.services import mark_job_read
from plcloud import PlcloudError
from tickets.selectors import list_tickets, mentioning

ITEMS_PER_PAGE = 100


def job_or_404(request, job_id: int) -> Job:
    """The member's own job under their tenant now; anyone else's, and another tenant's, answers
    404, as if it did not exist."""
    job = visible_jobs(user=request.user, tenant=request_tenant(request)).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


@role_required(Role.VIEWER)
def job_list(request):
    tenant = request_tenant(request)
    form = JobFilterForm(request.GET or None, domains=job_domains(user=request.user, tenant=tenant))
    wanted = form.cleaned_data if form.is_valid() else {}
    filters = {"kind": wanted.get("kind"), "state": wanted.get("state"), "domain_id": wanted.get("domain")}
    jobs = jobs_for(user=request.user, tenant=tenant, **filters)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"form": form, "page": page})


@role_required(Role.VIEWER)
def job_detail(request, job_id: int):
    job = job_or_404(request, job_id)
    mark_job_read(user=request.user, job=job)
    tickets, problem = [], None
    try:
        tickets = mentioning(list_tickets(client=client_for_request(request)), presenters.ticket_label(job))
    except PlcloudError as error:
        problem = explain(error)
    context = {
        **_progress(request, job),
        "retries": job.retries.all(),
        "tickets": tickets,
        "tickets_problem": problem,
    }
    return render(request, "jobs/job_detail.html", context)


@role_required(Role.VIEWER)
def job_progress(request, job_id: int):
    """The live part of the job page, polled by htmx; 286 tells htmx to stop once the job ended."""
    job = job_or_404(request, job_id)
    # A job waiting for its member's decision changes only when they decide: polling stops too.
    done = job.ended or job.needs_decision
    return render(request, "jobs/_job_progress.html", _progress(request, job), status=286 if done else 200)


def _progress(request, job: Job) -> dict:
    """What the live part shows: the job, its items by state, and one page of them (?page=),
    of one state only when ?show= names one. An ended job adds its ticket link."""
    counts = dict(job.items.order_by().values_list("state").annotate(n=Count("id")))
    show = request.GET.get("show") if request.GET.get("show") in ItemState.values else ""
    items = job.items.filter(state=show) if show else job.items.all()
    page = Paginator(items, ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    # What the page polls: the same state and page as the member is looking at.
    kept = {key: value for key, value in (("show", show), ("page", page.number)) if value and value != 1}
    return {
        "job": job,
        "items": page,
        "show": show,
        "total": sum(counts.values()),
        "counts": [(s, label, counts.get(s, 0)) for s, label in ItemState.choices],
        "progress_query": urlencode(kept),
        "stalled_since": presenters.stalled_since(job),
        "unknown_call": presenters.unknown_call(job),
        "ticket_query": presenters.ticket_prefill(job) if job.ended and job.state != State.SUCCEEDED else "",
    }


@role_required(Role.VIEWER)
@require_POST
def job_retry(request, job_id: int):
    job = job_or_404(request, job_id)
    if job.kind != Kind.EXPORT and not has_role(request.user, Role.OPERATOR):
        raise PermissionDenied  # exports only read; flushes and prefetches change the CDN
    retry = services.retry_export if job.kind == Kind.EXPORT else services.retry_failed
    try:
        child = retry(user=request.user, job=job)
    except errors.Refused as error:
        messages.error(request, str(error))
        return redirect("jobs:detail", job.pk)
    text = (
        _("Exporting again as job %(id)s.")
        if job.kind == Kind.EXPORT
        else _("Retrying the failed items as job %(id)s.")
    )
    presenters.say_queued(request, child, text)
    return redirect("jobs:detail", child.pk)


@role_required(Role.OPERATOR)
@require_POST
def job_resend(request, job_id: int):
    """The member has checked that Plcloud did not carry out the call whose outcome was unknown."""
    return _decide(request, job_id, services.resend_call, _("Sending that call again."))


@role_required(Role.OPERATOR)
@require_POST
def job_skip(request, job_id: int):
    """The call whose outcome was unknown is not sent again; the job carries on without it."""
    return _decide(request, job_id, services.skip_call, _("That call will not be sent again."))


def _decide(request, job_id: int, decide, text: str):
    job = job_or_404(request, job_id)
    try:
        decide(user=request.user, job=job)
    except errors.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, text)
    return redirect("jobs:detail", job.pk)


@role_required(Role.OPERATOR)
@require_POST
def job_run_again(request, job_id: int):
    """A new job with every item of an ended flush or prefetch, whatever became of them."""
    job = job_or_404(request, job_id)
    try:
        again = services.run_again(user=request.user, job=job)
    except errors.Refused as error:
        messages.error(request, str(error))
        return redirect("jobs:detail", job.pk)
    presenters.say_queued(request, again, _("Running it again as job %(id)s."))
    return redirect("jobs:detail", again.pk)
