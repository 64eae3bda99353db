from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import has_role, role_required
from audit.services import record
from cdn import selectors
from connections.services import read
from connections.tenancy import request_tenant
from jobs import errors, exports, plans, presenters, services
from jobs.forms import FlushForm, JobFilterForm, PrefetchForm
from jobs.models import ItemState, Job, Kind
from jobs.selectors import job_domains, jobs_for, visible_jobs
from notifications.services import mark_job_read
from plcloud_panel.converters import plcloud_id
from tickets.selectors import mentioning

ITEMS_PER_PAGE = 100


def _get_job_for_user(request, job_id: int) -> Job:
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
    job = _get_job_for_user(request, job_id)
    mark_job_read(user=request.user, job=job)
    tickets, problem = read(request, lambda client: mentioning(client.ticket.list(), presenters.ticket_label(job)))
    context = {
        **_progress(request, job),
        "retries": job.retries.all(),
        "tickets": tickets or [],
        "tickets_problem": problem,
        "ticket_query": presenters.ticket_prefill(job),
    }
    return render(request, "jobs/job_detail.html", context)


@role_required(Role.VIEWER)
def job_progress(request, job_id: int):
    """The live part of the job page, polled by htmx; 286 tells htmx to stop once the job ended."""
    job = _get_job_for_user(request, job_id)
    # A job waiting for its member's decision changes only when they decide: polling stops too.
    done = job.ended or job.needs_decision
    return render(request, "jobs/_job_progress.html", _progress(request, job), status=286 if done else 200)


def _progress(request, job: Job) -> dict:
    """What the live part shows: the job, its items by state, and one page of them (?page=)."""
    counts = dict(job.items.order_by().values_list("state").annotate(n=Count("id")))
    items = Paginator(job.items.all(), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "job": job,
        "items": items,
        "counts": [(s, label, counts.get(s, 0)) for s, label in ItemState.choices],
        "stalled_since": presenters.stalled_since(job),
        "unknown_call": presenters.unknown_call(job),
    }


@role_required(Role.VIEWER)
def export_download(request, job_id: int):
    """The export's file, to its owner only, while it has not expired."""
    job = _get_job_for_user(request, job_id)
    export = getattr(job, "export", None) if job.kind == Kind.EXPORT else None
    if export is None:
        raise Http404
    path = exports.served_path(export) if export.downloadable and export.expires_at > timezone.now() else None
    if path is None:
        messages.error(request, _("This export has no file to download: it expired, was cancelled or failed."))
        return redirect("jobs:detail", job.pk)
    record(actor=request.user, action="jobs.export.download", object_type="job", object_id=job.pk)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=exports.download_name(export))
    response["Content-Type"] = "application/gzip"
    return response


@role_required(Role.VIEWER)
@require_POST
def export_cancel(request, job_id: int):
    job = _get_job_for_user(request, job_id)
    try:
        ended_now = services.cancel_export(user=request.user, job=job)
    except errors.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Export cancelled.") if ended_now else _("Cancelling: the worker stops at its next page.")
        )
    return redirect("jobs:detail", job.pk)


@role_required(Role.VIEWER)
@require_POST
def job_retry(request, job_id: int):
    job = _get_job_for_user(request, job_id)
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
    job = _get_job_for_user(request, job_id)
    try:
        decide(user=request.user, job=job)
    except errors.Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, text)
    return redirect("jobs:detail", job.pk)


def _domain_or_404(request):
    """The domain named by ?domain=, fresh from Plcloud, or the problem reading it."""
    domain_id = plcloud_id(request.GET.get("domain"))
    if domain_id is None:
        raise Http404
    domain, problem = read(request, lambda client: selectors.get_domain(client=client, domain_id=domain_id))
    if problem is not None and problem.missing:
        raise Http404
    return domain, problem


def _show_refusal(form, error: plans.PlanRefused) -> None:
    """Each refused line next to the field it was typed in."""
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field or None, problem)


@role_required(Role.OPERATOR)
def flush_new(request):
    """A flush is for one domain (``?domain=<id>``); without one, the member picks it first."""
    if "domain" not in request.GET:
        domains, problem = read(request, lambda client: selectors.domains(client=client, user=request.user))
        names = sorted((d.display_name, d.ref) for d in domains or [] if d.ref is not None)
        return render(request, "jobs/flush_pick.html", {"domains": names, "problem": problem})
    domain, problem = _domain_or_404(request)
    form, plan = FlushForm(request.POST or None), None
    if domain is not None and request.method == "POST" and form.is_valid():
        texts = {"urls_text": form.cleaned_data["urls"], "dirs_text": form.cleaned_data["dirs"]}
        try:
            if request.POST.get("action") == "send":
                job = services.submit_flush(user=request.user, domain=domain, **texts)
                presenters.say_queued(request, job, _("Cache flush queued as job %(id)s."))
                return redirect("jobs:detail", job.pk)
            plan = plans.plan_flush(domain=domain, **texts)
        except plans.PlanRefused as error:
            _show_refusal(form, error)
    return render(request, "jobs/flush_form.html", {"form": form, "plan": plan, "domain": domain, "problem": problem})


@role_required(Role.OPERATOR)
def prefetch_new(request):
    """Prefetch URLs on any of the member's domains; ``?domain=<id>`` starts the box on that one."""
    initial = {}
    wanted = plcloud_id(request.GET.get("domain"))
    if request.method == "GET" and wanted is not None:
        domain, _problem = read(request, lambda client: selectors.get_domain(client=client, domain_id=wanted))
        if domain:
            initial["urls"] = f"https://{domain.name}/"
    form, plan = PrefetchForm(request.POST or None, initial=initial), None
    if request.method == "POST" and form.is_valid():
        domains, problem = read(request, lambda client: selectors.domains(client=client, user=request.user))
        try:
            if problem is None and request.POST.get("action") == "send":
                job = services.submit_prefetch(user=request.user, urls_text=form.cleaned_data["urls"], domains=domains)
                presenters.say_queued(request, job, _("Prefetch queued as job %(id)s."))
                return redirect("jobs:detail", job.pk)
            plan = plans.plan_prefetch(urls_text=form.cleaned_data["urls"], domains=domains or [])
        except plans.PlanRefused as error:
            _show_refusal(form, error)
        return render(request, "jobs/prefetch_form.html", {"form": form, "plan": plan, "problem": problem})
    return render(request, "jobs/prefetch_form.html", {"form": form, "plan": plan})
