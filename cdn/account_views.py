"""The CDN account's pages: the traffic balance and its forecast, the account's traffic, common URLs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.roles import has_role, role_required
from cdn import flow_sums, selectors, services, traffic
from cdn.forms import BudgetAlertForm, CommonUrlsForm, RechargeForm
from cdn.models import BudgetAlert
from cdn.units import count
from connections.problems import explain
from connections.request_client import client_for_request
from plcloud import PlcloudError
from plcloud_panel.converters import plcloud_id


@role_required(Role.VIEWER)
def balance(request):
    form = RechargeForm(request.POST or None)
    if request.method == "POST":
        if not has_role(request.user, Role.OPERATOR):
            raise PermissionDenied
        if form.is_valid():
            flow = form.cleaned_data["flow"]
            try:
                balance_gb = services.recharge(client=client_for_request(request), user=request.user, flow=flow)
            except PlcloudError as error:
                form.add_error(None, explain(error).message)
            else:
                if balance_gb is None:
                    messages.success(request, _("Recharged %(flow)s GB.") % {"flow": count(flow)})
                else:
                    text = _("Recharged %(flow)s GB; the balance is now %(balance)s GB.")
                    messages.success(request, text % {"flow": count(flow), "balance": floatformat(balance_gb, "-2g")})
                return redirect("cdn:balance")
    # At most one balance call (cdn/balance.py); the week's traffic is the kept sum
    # (cdn/flow_sums.py), never read here.
    context = {"form": form, "problem": None, "forecast": None}
    try:
        context["forecast"] = selectors.budget_forecast(client=client_for_request(request), user=request.user)
    except PlcloudError as error:
        context["problem"] = explain(error)
    warn_days = context["forecast"].warn_days if context["forecast"] else 7
    context["alert_form"] = BudgetAlertForm(initial={"warn_days": warn_days}, prefix="alert")
    return render(request, "cdn/balance.html", context)


@role_required(Role.VIEWER)
def forecast_card(request):
    """The budget forecast card, polled while the week's traffic is being read: 204 (nothing new,
    no Plcloud call) until it is in, then the card with its one balance call, and 286 to stop."""
    try:
        client = client_for_request(request)
        week = flow_sums.kept(user=request.user, period="7d")
        if week.refreshing:
            return HttpResponse(status=204)
        outlook = selectors.budget_forecast(client=client, user=request.user, week=week)
    except PlcloudError as error:
        return render(request, "cdn/_forecast.html", {"block_problem": explain(error)}, status=286)
    return render(request, "cdn/_forecast.html", {"forecast": outlook}, status=286)


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


def _kept_sums(request, period: str) -> flow_sums.Sums:
    # A refresh the page queues is read under this member's token: one whose connection cannot
    # be used now (none, expired, unreadable) is told so rather than shown sums it cannot refresh.
    client_for_request(request)
    return flow_sums.kept(user=request.user, period=period)


@role_required(Role.VIEWER)
def account_traffic(request):
    """The account's traffic by area, as kept (cdn/flow_sums.py): the page never waits on Plcloud."""
    period = traffic.asked_period(request.GET.get("period"), "7d")
    context = {"period": period, "periods": list(traffic.PERIODS), "problem": None, "sums": None}
    try:
        context["sums"] = _kept_sums(request, period)
    except PlcloudError as error:
        context["problem"] = explain(error)
    return render(request, "cdn/traffic.html", context)


@role_required(Role.VIEWER)
def traffic_sums(request):
    """The kept sums' block of /cdn/traffic/, polled while a refresh runs: 204 until it is done,
    then the block and 286 to stop."""
    try:
        sums = _kept_sums(request, traffic.asked_period(request.GET.get("period"), "7d"))
    except PlcloudError as error:
        return render(request, "cdn/_traffic_sums.html", {"block_problem": explain(error)}, status=286)
    if sums.refreshing:
        return HttpResponse(status=204)
    return render(request, "cdn/_traffic_sums.html", {"sums": sums}, status=286)


@role_required(Role.VIEWER)
def common_urls(request):
    form = CommonUrlsForm(request.POST or None)
    if request.method == "POST":
        if not has_role(request.user, Role.OPERATOR):
            raise PermissionDenied
        if form.is_valid():
            try:
                client = client_for_request(request)
                added = services.add_common_urls(client=client, user=request.user, urls=form.cleaned_data["urls"])
            except PlcloudError as error:
                form.add_error(None, explain(error).message)
            else:
                messages.success(request, _("%(n)s URLs saved.") % {"n": added})
                return redirect("cdn:urls")
    q = request.GET.get("q", "").strip()
    context = {"form": form, "q": q, "problem": None}
    try:
        items = selectors.common_urls(client=client_for_request(request), user=request.user)
    except PlcloudError as error:
        items, context["problem"] = [], explain(error)
    matching = [item for item in items if q.lower() in item.url.lower()]
    context |= {"page": Paginator(matching, 100).get_page(request.GET.get("page")), "total": len(items)}
    return render(request, "cdn/common_urls.html", context)


@role_required(Role.OPERATOR)
@require_POST
def common_urls_delete(request):
    wanted = {plcloud_id(i) for i in request.POST.getlist("ids")[:10_000]} - {None}
    try:
        client = client_for_request(request)
        items = selectors.common_urls(client=client, user=request.user)
    except PlcloudError as error:
        messages.error(request, explain(error).message)
        return redirect("cdn:urls")
    targets = [item for item in items if item.ref in wanted]
    if not targets:
        messages.error(request, _("Select at least one URL."))
        return redirect("cdn:urls")
    deleted, failed = services.delete_common_urls(client=client, user=request.user, items=targets)
    if deleted:
        messages.success(request, _("%(n)s URLs deleted.") % {"n": deleted})
    for url, reason in failed:
        messages.error(request, _("Failed for %(name)s: %(reason)s") % {"name": url, "reason": reason})
    return redirect("cdn:urls")
