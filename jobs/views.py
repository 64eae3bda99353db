from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import role_required
from cdn import selectors
from connections.services import read
from jobs import presenters, services
from jobs.forms import FlushForm, JobFilterForm, PrefetchForm
from jobs.models import Job
from tickets.selectors import mentioning


def _get_job_for_user(request, job_id: int) -> Job:
    """The member's own job; anyone else's answers 404, as if it did not exist."""
    job = Job.objects.filter(pk=job_id, owner=request.user).first()
    if job is None:
        raise Http404
    return job


@role_required(Role.VIEWER)
def job_list(request):
    form = JobFilterForm(request.GET or None)
    jobs = Job.objects.filter(owner=request.user)
    if form.is_valid():
        wanted = {"kind": form.cleaned_data["kind"], "state": form.cleaned_data["state"]}
        jobs = jobs.filter(**{key: value for key, value in wanted.items() if value})
        if form.cleaned_data["domain"] is not None:
            jobs = jobs.filter(domain_id=form.cleaned_data["domain"])
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"form": form, "page": page})


@role_required(Role.VIEWER)
def job_detail(request, job_id: int):
    job = _get_job_for_user(request, job_id)
    tickets, problem = read(request, lambda client: mentioning(client.ticket.list(), presenters.ticket_label(job)))
    context = {
        "job": job,
        "items": job.items.all(),
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
    context = {"job": job, "items": job.items.all()}
    return render(request, "jobs/_job_progress.html", context, status=286 if job.ended else 200)


@role_required(Role.OPERATOR)
@require_POST
def job_retry(request, job_id: int):
    job = _get_job_for_user(request, job_id)
    try:
        child = services.retry_failed(user=request.user, job=job)
    except services.PlanRefused as error:
        messages.error(request, str(error))
        return redirect("jobs:detail", job.pk)
    messages.success(request, _("Retrying the failed items as job %(id)s.") % {"id": child.pk})
    return redirect("jobs:detail", child.pk)


def _domain_or_404(request):
    """The domain named by ?domain=, fresh from Plcloud, or the problem reading it."""
    domain_id = request.GET.get("domain", "")
    if not domain_id.isdigit():
        raise Http404
    domain, problem = read(request, lambda client: selectors.domain(request, int(domain_id)))
    if problem is not None and problem.missing:
        raise Http404
    return domain, problem


@role_required(Role.OPERATOR)
def flush_new(request):
    domain, problem = _domain_or_404(request)
    form, plan = FlushForm(request.POST or None), None
    if domain is not None and request.method == "POST" and form.is_valid():
        texts = {"urls_text": form.cleaned_data["urls"], "dirs_text": form.cleaned_data["dirs"]}
        try:
            if request.POST.get("action") == "send":
                job = services.submit_flush(user=request.user, domain=domain, **texts)
                messages.success(request, _("Cache flush queued as job %(id)s.") % {"id": job.pk})
                return redirect("jobs:detail", job.pk)
            plan = services.plan_flush(domain=domain, **texts)
        except services.PlanRefused as error:
            for problem in error.problems:
                form.add_error(None, problem)
    return render(request, "jobs/flush_form.html", {"form": form, "plan": plan, "domain": domain, "problem": problem})


@role_required(Role.OPERATOR)
def prefetch_new(request):
    form, plan = PrefetchForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        domains, problem = read(request, lambda client: selectors.domains(request))
        try:
            if problem is None and request.POST.get("action") == "send":
                job = services.submit_prefetch(user=request.user, urls_text=form.cleaned_data["urls"], domains=domains)
                messages.success(request, _("Prefetch queued as job %(id)s.") % {"id": job.pk})
                return redirect("jobs:detail", job.pk)
            plan = services.plan_prefetch(urls_text=form.cleaned_data["urls"], domains=domains or [])
        except services.PlanRefused as error:
            for message in error.problems:
                form.add_error(None, message)
        return render(request, "jobs/prefetch_form.html", {"form": form, "plan": plan, "problem": problem})
    return render(request, "jobs/prefetch_form.html", {"form": form, "plan": plan})
