"""The flush and prefetch forms: a plan to look at first, then the job queued."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.roles import role_required
from cdn import selectors
from connections.problems import explain
from connections.request_client import client_for_request
from jobs import plans, presenters, services
from jobs.forms import FlushForm, PrefetchForm
from plcloud import NotFound, PlcloudError
from plcloud_panel.converters import plcloud_id


@role_required(Role.OPERATOR)
def flush_new(request):
    """A flush is for one domain (``?domain=<id>``); without one, the member picks it first."""
    client = client_for_request(request)
    if "domain" not in request.GET:
        return _flush_pick(request, client)
    domain, problem = _domain_or_404(client, request.GET.get("domain"))
    form, plan = FlushForm(request.POST or None), None
    # Plcloud could not give the domain: nothing is queued, the lines typed stay in the form,
    # with a button that repeats what the member asked for (Review or Send).
    context = {"form": form, "domain": domain, "domain_id": plcloud_id(request.GET.get("domain")), "problem": problem}
    context["retry_action"] = _asked_action(request) if problem and request.method == "POST" else None
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
    return render(request, "jobs/flush_form.html", context | {"plan": plan})


def _asked_action(request) -> str:
    """The button the member pressed (Review or Send), for the form's "Try again"."""
    return "send" if request.POST.get("action") == "send" else "plan"


def _flush_pick(request, client):
    domains, problem = [], None
    try:
        domains = selectors.domains(client=client, user=request.user)
    except PlcloudError as error:
        problem = explain(error)
    names = sorted((d.display_name, d.ref) for d in domains if d.ref is not None)
    return render(request, "jobs/flush_pick.html", {"domains": names, "problem": problem})


def _domain_or_404(client, raw_id: str | None):
    """The domain named by ?domain=, fresh from Plcloud, or the problem reading it."""
    domain_id = plcloud_id(raw_id)
    if domain_id is None:
        raise Http404
    try:
        return selectors.get_domain(client=client, domain_id=domain_id), None
    except NotFound:
        raise Http404 from None
    except PlcloudError as error:
        return None, explain(error)


@role_required(Role.OPERATOR)
def prefetch_new(request):
    """Prefetch URLs on any of the member's domains; ``?domain=<id>`` starts the box on that one."""
    client = client_for_request(request)
    form = PrefetchForm(request.POST or None, initial=_prefilled(request, client))
    if request.method != "POST" or not form.is_valid():
        return render(request, "jobs/prefetch_form.html", {"form": form, "plan": None})
    urls, plan = form.cleaned_data["urls"], None
    try:
        domains = selectors.domains(client=client, user=request.user)
    except PlcloudError as error:
        # Nothing is planned or queued without the member's domains; the URLs stay in the box.
        context = {"form": form, "plan": None, "problem": explain(error), "retry_action": _asked_action(request)}
        return render(request, "jobs/prefetch_form.html", context)
    try:
        if request.POST.get("action") == "send":
            job = services.submit_prefetch(user=request.user, urls_text=urls, domains=domains)
            presenters.say_queued(request, job, _("Prefetch queued as job %(id)s."))
            return redirect("jobs:detail", job.pk)
        plan = plans.plan_prefetch(urls_text=urls, domains=domains)
    except plans.PlanRefused as error:
        _show_refusal(form, error)
    return render(request, "jobs/prefetch_form.html", {"form": form, "plan": plan})


def _prefilled(request, client) -> dict:
    """The box's first URL, on the domain ``?domain=`` names; empty when Plcloud cannot say."""
    wanted = plcloud_id(request.GET.get("domain"))
    if request.method != "GET" or wanted is None:
        return {}
    try:
        domain = selectors.get_domain(client=client, domain_id=wanted)
    except PlcloudError:
        return {}
    return {"urls": f"https://{domain.name}/"} if domain else {}


def _show_refusal(form, error: plans.PlanRefused) -> None:
    """Each refused line next to the field it was typed in."""
    for field, problems in error.fields.items():
        for problem in problems:
            form.add_error(field or None, problem)
