"""The domain list: the table, a row's status poll, one action on many domains, a new domain.

One domain's own pages are in cdn/domain_views.py, the account's (balance, traffic, common URLs)
in cdn/account_views.py, the request log in cdn/log_views.py.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from accounts.roles import role_required
from cdn import selectors, services
from cdn.forms import AREAS, BatchConfirmForm, BatchForm, DomainForm
from cdn.next_url import local_next
from cdn.objects import STATUS_LABELS, display
from connections.member_cache import forget
from connections.problems import explain
from connections.request_client import client_for_request
from plcloud import PlcloudError

DOMAINS_PER_PAGE = 25
# Said after a create or an edit that leaves mainland China unserved (cdn/domain_views.py too).
NOT_SERVED_IN_CN = gettext_lazy(
    'It is not served in mainland China (cn) until it has an ICP record: set one under "Edit origins and areas".'
)


def _small_number(text: str) -> int | None:
    """ASCII digits only, at most 18 of them: str.isdigit() also passes "²", which int() refuses,
    and int() refuses more than 4,300 digits."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


@role_required(Role.VIEWER)
def domain_list(request):
    return _render_list(request, request.GET, back=request.get_full_path())


def _render_list(request, query: QueryDict, *, back: str, batch_form: BatchForm | None = None):
    """The list as ``query`` asks (the filters, the sort, the page). ``back`` is this list's own
    address, which the batch form carries as ``next``; ``batch_form``, a batch refused before its
    confirmation, shows its errors next to its fields and keeps what was ticked."""
    filters = {key: query.get(key, "") for key in ("status", "area", "q")}
    sort = query.get("sort", "name")
    context = {
        "filters": filters,
        "sort": sort,
        "statuses": list(STATUS_LABELS.items()),
        "areas": AREAS,
        "back": back,
        "list_query": query,
        "list_path": reverse("cdn:domains"),
        "batch_form": batch_form or BatchForm(domain_ids=[]),
        "picked": set(batch_form.data.getlist("ids")) if batch_form else set(),
    }
    try:
        domains = selectors.domains(client=client_for_request(request), user=request.user)
    except PlcloudError as error:
        return render(request, "cdn/domain_list.html", {**context, "problem": explain(error)})
    matching = selectors.filter_domains(domains, sort=sort, **filters)
    context |= {
        "page": Paginator(matching, DOMAINS_PER_PAGE).get_page(query.get("page")),
        "matching": len(matching),
        "total": len(domains),
        # Sorted by creation, but Plcloud gave no creation times: the page says so.
        "undated": sort.lstrip("-") == "created" and selectors.undated(matching),
    }
    return render(request, "cdn/domain_list.html", context, status=400 if batch_form else 200)


@role_required(Role.VIEWER)
def domain_row(request, domain_id: str):
    """One row, polled while its domain is in a transitional state; 286 tells htmx it has settled."""
    attempt = _small_number(request.GET.get("n", "")) or 0
    try:
        domain = selectors.get_domain(client=client_for_request(request), domain_id=domain_id)
    except PlcloudError as error:  # a deleted domain too: the row says so, and the polling stops
        context = {"problem": explain(error), "domain_id": domain_id}
        return render(request, "cdn/_domain_row_problem.html", context, status=286)
    if not domain.transitional:
        forget(request.user)  # settled: the list reads it as it is now
    # Back off from 2 s to about 30 s, so a long configuration does not hammer the API.
    delay = min(2 * 1.5 ** min(attempt, 20), 30)
    context = {"domains": [domain], "next_attempt": attempt + 1, "delay": f"{delay:.0f}s"}
    return render(request, "cdn/_domain_rows.html", context, status=200 if domain.transitional else 286)


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def domain_batch(request):
    """One action on the domains ticked on the list: a GET (the list's form) shows what will
    change, a POST from that page (``confirmed``) does it, then returns to the list as it was."""
    data = request.POST if request.method == "POST" else request.GET
    back = local_next(request, data.get("next"), reverse("cdn:domains"))
    # What was asked, to ask again from the page that says Plcloud could not be read.
    context = {"back": back, "asked_action": data.get("action", ""), "asked_ids": data.getlist("ids")}
    try:
        client = client_for_request(request)
        domains = selectors.domains(client=client, user=request.user)
    except PlcloudError as error:  # nothing was sent: the page offers to read the list again
        return render(request, "cdn/domain_batch.html", {**context, "problem": explain(error)})
    by_id = {domain.ref: domain for domain in domains if domain.ref is not None}
    form = BatchConfirmForm(data, domain_ids=list(by_id))
    if not form.is_valid() and {"action", "ids"} & set(form.errors):
        # Nothing to confirm: the list again, as it was, with the error next to the field.
        return _render_list(request, QueryDict(urlsplit(back).query), back=back, batch_form=form)
    # Valid but for the typed number (not typed yet, or wrong): action and ids are clean.
    targets = [by_id[ref] for ref in form.cleaned_data["ids"]]
    action = form.cleaned_data["action"]
    context |= {"action": action, "targets": targets, "typing": action == "delete" and len(targets) > 1}
    if request.method == "GET" or data.get("confirmed") != "1":
        # Shown, not done; a POST without the page's mark (an older list's form) is shown too.
        return render(request, "cdn/domain_batch.html", context)
    if not form.is_valid():  # the typed number is wrong: the same page, the selection kept
        context |= {"typed_errors": form.errors["typed"], "typed": data.get("typed", "")}
        return render(request, "cdn/domain_batch.html", context, status=400)
    done, failed = services.batch(client=client, user=request.user, action=action, domains=targets)
    if done:
        messages.success(request, _("Done for %(names)s.") % {"names": ", ".join(map(display, done))})
    for name, reason in failed:
        messages.error(request, _("Failed for %(name)s: %(reason)s") % {"name": display(name), "reason": reason})
    return redirect(back)


@role_required(Role.OPERATOR)
def domain_create(request):
    form, problem = DomainForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            client = client_for_request(request)
            created = services.create_domain(client=client, user=request.user, **form.domain_fields())
        except PlcloudError as error:
            problem = explain(error)  # said beside the form, which keeps what was typed
            form.add_error(None, problem.message)
        else:
            name = display(created.name or form.cleaned_data["domain"])
            messages.success(request, _("Domain %(name)s created; it is being configured.") % {"name": name})
            if "cn" in form.cleaned_data["areas"] and not form.cleaned_data["icp_record"]:
                # The guide: a mainland domain without an ICP record cannot use the CDN there.
                messages.warning(request, NOT_SERVED_IN_CN)
            return redirect("cdn:detail", created.ref) if created.ref else redirect("cdn:domains")
    return render(request, "cdn/domain_form.html", {"form": form, "failed": problem})
