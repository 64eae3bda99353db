import hashlib
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import has_role, role_required
from audit.selectors import entries_for
from cdn import flow_sums, rows, selectors, services, traffic
from cdn.forms import (
    AREAS,
    BatchForm,
    BudgetAlertForm,
    CommonUrlsForm,
    DeleteDomainForm,
    DomainForm,
    OriginAndAreasForm,
    RechargeForm,
)
from cdn.models import BudgetAlert
from cdn.presenters import STATUSES, decorate, display, transitional
from cdn.rows import row_html
from connections.problems import explain
from connections.services import read
from connections.tenancy import request_tenant
from jobs.selectors import jobs_for
from ops.page_cache import SHELL_SECONDS, kept_page, render_kept
from plcloud import NotFound, PlcloudError
from plcloud_panel.converters import plcloud_id
from tickets import selectors as ticket_selectors

DOMAINS_PER_PAGE = 25
NOT_SERVED_IN_CN = gettext_lazy(
    "It is not served in mainland China (cn) until it has an ICP record: set one under \"Edit origins and areas\"."
)


class DomainUnreadable(Exception):
    """Plcloud did not give the domain (outage, unreadable answer, session): the page says why."""

    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _get_domain_or_404(request, domain_id: str) -> dict:
    """The member's domain, fresh from Plcloud; another tenant's answers 404 upstream and here."""
    try:
        return decorate(selectors.domain(request, domain_id))
    except NotFound:
        raise Http404 from None
    except PlcloudError as error:
        context = {"problem": explain(error), "domain_id": domain_id}
        if request.method == "POST" and "edit-origin_ips" in request.POST:
            # The member's edit is kept on the page, to send again once Plcloud answers.
            context["edit_form"] = OriginAndAreasForm(request.POST, prefix="edit")
        raise DomainUnreadable(render(request, "cdn/domain_problem.html", context)) from None


def _with_domain(view):
    """Views that start from the domain answer its problem page when Plcloud cannot give it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DomainUnreadable as unreadable:
            return unreadable.response

    return wrapped


def _small_number(text: str) -> int | None:
    """ASCII digits only, at most 18 of them: str.isdigit() also passes "²", which int() refuses,
    and int() refuses more than 4,300 digits."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


@role_required(Role.VIEWER)
def domain_list(request):
    filters = {key: request.GET.get(key, "") for key in ("status", "area", "q")}
    sort = request.GET.get("sort", "name")
    can_change = has_role(request.user, Role.OPERATOR)
    context = {"filters": filters, "sort": sort, "statuses": STATUSES, "areas": AREAS, "problem": None}
    # The rendered table is cached with the list it shows (same key version, same lifetime), so a
    # member's own change clears both and an unchanged page costs no rendering at all.
    # Keyed by what the page uses, hashed: any other or oversized query makes no new entry and no
    # key a cache backend refuses.
    shown = urlencode({**filters, "sort": sort, "page": request.GET.get("page", "")})
    key = selectors.fragment_key(
        request, f"list:{get_language()}:{can_change}:{hashlib.sha256(shown.encode()).hexdigest()}"
    )
    table = cache.get(key)
    if table is not None:
        # Nothing to fetch or render: the whole page, kept with the table, unless its shell changed.
        # Keyed by the table itself too: a table read again after it expired makes a new page.
        shown_key = f"{key}:{hashlib.sha256(table.encode()).hexdigest()}"
        page = {**context, "table": table}
        return render_kept(request, "cdn/domain_list.html", page, key=shown_key, timeout=settings.CDN_CACHE_SECONDS)
    # Not cached: the page around the table (kept from before, or rendered now) is made ready while
    # Plcloud lists the domains, and the table goes into its place once they are here.
    pending = selectors.domains_ahead(request)
    shell_seconds = SHELL_SECONDS if settings.CDN_CACHE_SECONDS else 0
    shell = kept_page(request, "cdn/domain_list.html", context, key="cdn-list", timeout=shell_seconds, hole="table")
    frame = rows.frame(can_change)  # what does not need the answer, while it comes
    domains, problem = pending.result()
    table = _domain_table(request, domains, frame=frame, filters=filters, sort=sort)
    if problem is None:
        cache.set(key, table, settings.CDN_CACHE_SECONDS)
    if problem is not None or b'id="plcloud-outage"' in shell.body:
        # The page tells of the problem (or no longer of an outage): rendered again, now knowing.
        return render(request, "cdn/domain_list.html", {**context, "table": table, "problem": problem})
    return shell.response(request, table)


def _domain_table(request, domains: list[dict] | None, *, frame: rows.Frame, filters: dict, sort: str) -> str:
    matching = selectors.filter_domains(domains or [], sort=sort, **filters)
    page = Paginator(matching, DOMAINS_PER_PAGE).get_page(request.GET.get("page"))
    # Rows are decorated only when shown: 1,000 domains stay quick to list.
    shown = [decorate(d) for d in page.object_list]
    undated = sort.lstrip("-") == "created" and selectors.undated(matching)
    return frame.table(request, shown, page=page, matching=len(matching), total=len(domains or []), undated=undated)


@role_required(Role.VIEWER)
def domain_row(request, domain_id: str):
    """One row, polled while its domain is in a transitional state; 286 tells htmx it has settled."""
    attempt = _small_number(request.GET.get("n", "")) or 0
    domain, problem = read(request, lambda client: selectors.domain(request, domain_id))
    if domain is None:
        return render(request, "cdn/_domain_row_problem.html", {"problem": problem, "domain_id": domain_id}, status=286)
    domain = decorate(domain)
    settled = not transitional(domain)
    if settled:
        selectors.forget(request.user)
    # Back off from 2 s to about 30 s, so a long configuration does not hammer the API.
    delay = min(2 * 1.5 ** min(attempt, 20), 30)
    row = row_html(domain, can_change=has_role(request.user, Role.OPERATOR), attempt=attempt + 1, delay=f"{delay:.0f}s")
    return HttpResponse(row, status=286 if settled else 200)


@role_required(Role.OPERATOR)
def domain_create(request):
    form = DomainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_domain(request, **form.domain_fields())
        except PlcloudError as error:
            form.add_error(None, explain(error).message)
        else:
            name = display(created.get("domainName") or form.cleaned_data["domain"])
            messages.success(request, _("Domain %(name)s created; it is being configured.") % {"name": name})
            if "cn" in form.cleaned_data["areas"] and not form.cleaned_data["icp_record"]:
                # The guide: a mainland domain without an ICP record cannot use the CDN there.
                messages.warning(request, NOT_SERVED_IN_CN)
            ref = plcloud_id(created.get("domainId"))
            return redirect("cdn:detail", ref) if ref else redirect("cdn:domains")
    return render(request, "cdn/domain_form.html", {"form": form})


def _edit_form(domain: dict, data=None) -> OriginAndAreasForm:
    """The domain's edit form. Its ICP record is not always known (an SDK field it is not): a
    blank field keeps whatever record the domain has."""
    areas = domain.get("areas") if isinstance(domain.get("areas"), list) else []
    icp = domain.get("icp_record") if isinstance(domain.get("icp_record"), str) else ""
    initial = {"origin_ips": "\n".join(map(str, domain.get("origin_ips") or [])), "areas": areas, "icp_record": icp}
    return OriginAndAreasForm(data, initial=initial, prefix="edit", areas_before=areas, has_icp=bool(icp))


@role_required(Role.VIEWER)
@_with_domain
def domain_detail(request, domain_id: str):
    domain = _get_domain_or_404(request, domain_id)
    edit_form = _edit_form(domain, request.POST or None)
    if request.method == "POST":
        if not has_role(request.user, Role.OPERATOR):
            raise PermissionDenied
        if edit_form.is_valid():
            try:
                updated = services.update_domain(request, domain=domain, **edit_form.domain_fields())
            except PlcloudError as error:
                edit_form.add_error(None, explain(error).message)
            else:
                messages.success(request, _("Changes sent; the domain is being configured."))
                if "cn" in (decorate(updated).get("unserved") or []):  # only when the answer says so
                    messages.warning(request, NOT_SERVED_IN_CN)
                return redirect("cdn:detail", domain_id)
    return _render_detail(request, domain, edit_form=edit_form)


def _render_detail(request, domain: dict, *, edit_form=None, delete_form=None, status: int = 200):
    tenant, domain_id = request_tenant(request), domain.get("ref") or plcloud_id(domain.get("domainId")) or ""
    domain = {**domain, "ref": domain_id}
    context = {
        "domain": domain,
        "edit_form": edit_form or _edit_form(domain),
        "delete_form": delete_form or DeleteDomainForm(domain_name=domain.get("domainName") or "", prefix="delete"),
        # By the domain's id under the reader's tenant, with the audit page's role rules: another
        # tenant's domain of the same name is another domain.
        "audit": entries_for(request.user, tenant=tenant).filter(object_type="domain", object_id=domain_id)[:20],
        "jobs": jobs_for(user=request.user, tenant=tenant, domain_id=domain_id)[:10],
    }
    # The member's open tickets naming this domain; an outage shows its message, not an empty list.
    tickets, context["tickets_problem"] = read(request, lambda client: client.ticket.list())
    context["domain_tickets"] = ticket_selectors.mentioning(
        tickets or [], domain.get("domainName") or "", domain.get("display_name", "")
    )
    return render(request, "cdn/domain_detail.html", context, status=status)


@role_required(Role.OPERATOR)
@require_POST
@_with_domain
def domain_toggle(request, domain_id: str):
    domain = _get_domain_or_404(request, domain_id)
    if request.POST.get("enable") not in {"0", "1"}:
        # Only the page's own button sends this; anything else is not taken as "disable".
        messages.error(request, _("Use the Enable or Disable button."))
        return redirect("cdn:detail", domain_id)
    enable = request.POST["enable"] == "1"
    try:
        services.set_enabled(request, domain=domain, enabled=enable)
    except PlcloudError as error:
        messages.error(request, explain(error).message)
    else:
        text = _("Enabling %(name)s.") if enable else _("Disabling %(name)s.")
        messages.success(request, text % {"name": domain["display_name"]})
    return redirect("cdn:detail", domain_id)


@role_required(Role.OPERATOR)
@require_POST
@_with_domain
def domain_delete(request, domain_id: str):
    domain = _get_domain_or_404(request, domain_id)
    form = DeleteDomainForm(request.POST, domain_name=domain.get("domainName") or "", prefix="delete")
    if not form.is_valid():
        return _render_detail(request, domain, delete_form=form, status=400)
    try:
        services.delete_domain(request, domain=domain)
    except PlcloudError as error:
        form.add_error(None, explain(error).message)
        return _render_detail(request, domain, delete_form=form, status=502)
    messages.success(request, _("Domain %(name)s deleted.") % {"name": domain["display_name"]})
    return redirect("cdn:domains")


@role_required(Role.OPERATOR)
@require_POST
def domain_batch(request):
    rows, problem = read(request, lambda client: selectors.domains(request))
    if problem:
        messages.error(request, problem.message)
        return redirect("cdn:domains")
    by_id = {plcloud_id(row.get("domainId")): row for row in rows if isinstance(row, dict)}
    by_id.pop(None, None)
    form = BatchForm(request.POST, domain_ids=list(by_id))
    if not form.is_valid():
        messages.error(request, _("Select at least one domain and an action."))
        return redirect("cdn:domains")
    targets = [by_id[i] for i in form.cleaned_data["ids"]]
    done, failed = services.batch(request, action=form.cleaned_data["action"], domains=targets)
    if done:
        messages.success(request, _("Done for %(names)s.") % {"names": ", ".join(map(display, done))})
    for name, reason in failed:
        messages.error(request, _("Failed for %(name)s: %(reason)s") % {"name": display(name), "reason": reason})
    return redirect("cdn:domains")


@role_required(Role.VIEWER)
def balance(request):
    form = RechargeForm(request.POST or None)
    if request.method == "POST":
        if not has_role(request.user, Role.OPERATOR):
            raise PermissionDenied
        if form.is_valid():
            try:
                balance_gb = services.recharge(request, flow=form.cleaned_data["flow"])
            except PlcloudError as error:
                form.add_error(None, explain(error).message)
            else:
                flow = form.cleaned_data["flow"]
                if balance_gb is None:
                    messages.success(request, _("Recharged %(flow)s GB.") % {"flow": flow})
                else:
                    text = _("Recharged %(flow)s GB; the balance is now %(balance)s GB.")
                    messages.success(request, text % {"flow": flow, "balance": floatformat(balance_gb, -2)})
                return redirect("cdn:balance")
    # At most one balance call (cdn/balance.py); the week's traffic is the kept sum
    # (cdn/flow_sums.py), never read here.
    outlook, problem = read(request, lambda client: selectors.budget_forecast(request))
    alert_form = BudgetAlertForm(initial={"warn_days": outlook.warn_days if outlook else 7}, prefix="alert")
    context = {"form": form, "problem": problem, "forecast": outlook, "alert_form": alert_form}
    return render(request, "cdn/balance.html", context)


@role_required(Role.VIEWER)
def forecast_card(request):
    """The budget forecast card, polled while the week's traffic is being read: 204 (nothing new,
    no Plcloud call) until it is in, then the card with its one balance call, and 286 to stop."""
    week, problem = read(request, lambda client: flow_sums.kept(request, "7d"))
    if week is not None and week.refreshing:
        return HttpResponse(status=204)
    outlook = None
    if week is not None:
        outlook, problem = read(request, lambda client: selectors.budget_forecast(request, week))
    return render(request, "cdn/_forecast.html", {"forecast": outlook, "block_problem": problem}, status=286)


@role_required(Role.VIEWER)
@require_POST
def budget_alert(request):
    form = BudgetAlertForm(request.POST, prefix="alert")
    if form.is_valid():
        BudgetAlert.objects.update_or_create(user=request.user, defaults={"warn_days": form.cleaned_data["warn_days"]})
        messages.success(request, _("Budget warning saved."))
    else:
        messages.error(request, _("Enter a whole number of days from 1 to 365."))
    return redirect("cdn:balance")


@role_required(Role.VIEWER)
@_with_domain
def domain_flow(request, domain_id: str):
    domain = _get_domain_or_404(request, domain_id)
    period = request.GET.get("period") if request.GET.get("period") in traffic.PERIODS else "24h"
    result, problem = read(request, lambda client: selectors.flow(request, domain_id, period))
    points, interval = result or ([], 0)
    # What the points cover, not what was asked: the SDK's flow call has no window, and the sdk
    # profile answers the last day whatever was asked (docs/plcloud-api.md).
    covered = traffic.coverage(points, interval)
    context = {
        "domain": domain,
        "points": points,
        "interval": interval,
        "covered": covered,
        "short": covered is not None and covered.short_of(period, interval),
        "period_label": traffic.period_label(period),
        "period": period,
        "problem": problem,
        "periods": list(traffic.PERIODS),
        "totals": traffic.totals(points),
        "chart": traffic.chart_points(points),
    }
    return render(request, "cdn/domain_flow.html", context)


def _period(request, default: str) -> str:
    return request.GET.get("period") if request.GET.get("period") in traffic.PERIODS else default


@role_required(Role.VIEWER)
def account_traffic(request):
    """The account's traffic by area, as kept (cdn/flow_sums.py): the page never waits on Plcloud."""
    period = _period(request, "7d")
    sums, problem = read(request, lambda client: flow_sums.kept(request, period))
    context = {"period": period, "periods": list(traffic.PERIODS), "problem": problem, "sums": sums}
    return render(request, "cdn/traffic.html", context)


@role_required(Role.VIEWER)
def traffic_sums(request):
    """The kept sums' block of /cdn/traffic/, polled while a refresh runs: 204 until it is done,
    then the block and 286 to stop."""
    sums, problem = read(request, lambda client: flow_sums.kept(request, _period(request, "7d")))
    if sums is not None and sums.refreshing:
        return HttpResponse(status=204)
    return render(request, "cdn/_traffic_sums.html", {"sums": sums, "block_problem": problem}, status=286)


@role_required(Role.VIEWER)
def common_urls(request):
    form = CommonUrlsForm(request.POST or None)
    if request.method == "POST":
        if not has_role(request.user, Role.OPERATOR):
            raise PermissionDenied
        if form.is_valid():
            try:
                added = services.add_common_urls(request, urls=form.cleaned_data["urls"])
            except PlcloudError as error:
                form.add_error(None, explain(error).message)
            else:
                messages.success(request, _("%(n)s URLs saved.") % {"n": added})
                return redirect("cdn:urls")
    items, problem = read(request, lambda client: selectors.common_urls(request))
    q = request.GET.get("q", "").strip()
    matching = [item for item in items or [] if q.lower() in (item.get("url") or "").lower()]
    page = Paginator(matching, 100).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "q": q, "problem": problem, "total": len(items or [])}
    return render(request, "cdn/common_urls.html", context)


@role_required(Role.OPERATOR)
@require_POST
def common_urls_delete(request):
    items, problem = read(request, lambda client: selectors.common_urls(request))
    wanted = {plcloud_id(i) for i in request.POST.getlist("ids")[:10_000]} - {None}
    targets = [item for item in items or [] if isinstance(item, dict) and plcloud_id(item.get("id")) in wanted]
    if problem or not targets:
        messages.error(request, problem.message if problem else _("Select at least one URL."))
        return redirect("cdn:urls")
    deleted, failed = services.delete_common_urls(request, items=targets)
    if deleted:
        messages.success(request, _("%(n)s URLs deleted.") % {"n": deleted})
    for url, reason in failed:
        messages.error(request, _("Failed for %(name)s: %(reason)s") % {"name": url, "reason": reason})
    return redirect("cdn:urls")
