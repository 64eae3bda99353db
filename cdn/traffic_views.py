"""A domain's traffic page: a chart of its bandwidth over a period or chosen days, the totals
(peak and 95th percentile), and its points as a table (loaded when opened) or a CSV file."""

import csv
import re

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.models import Role
from accounts.roles import role_required
from cdn import selectors, traffic
from cdn.domain_views import _domain_problem, _read_domain
from cdn.forms import TrafficDaysForm
from connections.problems import explain
from plcloud import PlcloudError


@role_required(Role.VIEWER)
def domain_flow(request, domain_id: str):
    days = TrafficDaysForm(request.GET) if "first" in request.GET else TrafficDaysForm()
    if days.is_bound and not days.is_valid():  # nothing is asked of Plcloud for a range that cannot be
        return render(request, "cdn/domain_flow.html", {"domain_id": domain_id, "days": days, "bad_days": True})
    within = _range(request, days)
    try:
        client, domain = _read_domain(request, domain_id)
    except PlcloudError as error:
        return _domain_problem(request, domain_id, error)
    context = {"domain": domain, "days": days, "within": within, "periods": list(traffic.PERIODS), "problem": None}
    try:
        points = selectors.flow(client=client, user=request.user, domain_id=domain_id, within=within)
    except PlcloudError as error:
        points, context["problem"] = [], explain(error)
    if request.GET.get("format") == "csv" and not context["problem"]:
        return _csv(domain.name or domain_id, points)
    template = "cdn/_flow_table.html" if request.GET.get("part") == "table" else "cdn/domain_flow.html"
    return render(request, template, context | _figures(points, within))


def _range(request, days: TrafficDaysForm) -> traffic.Range:
    if days.is_bound:
        first, last = days.cleaned_data["first"], days.cleaned_data["last"]
        return traffic.day_range(first, last, timezone.get_current_timezone())
    return traffic.period_range(traffic.asked_period(request.GET.get("period"), "24h"))


def _figures(points, within: traffic.Range) -> dict:
    # What the points cover, not what was asked: the SDK's flow call has no window, and the sdk
    # profile answers the last day whatever was asked (docs/plcloud-api.md).
    covered = traffic.coverage(points, traffic.CHART_INTERVAL)
    return {
        "points": points,
        "covered": covered,
        "short": within.short(covered),
        "totals": traffic.totals(points),
        "series": traffic.bandwidth_series(points),
    }


def _csv(name: str, points) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    safe = re.sub(r"[^A-Za-z0-9.-]", "_", name)  # whatever Plcloud's name holds, a plain file name
    response["Content-Disposition"] = f'attachment; filename="traffic-{safe}.csv"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(["time", "flow_bytes", "bandwidth_bps", "requests"])
    for point in points:
        writer.writerow([point.time or "", point.flow, point.bandwidth, point.requests])
    return response
