"""The dashboard: the page (database reads only) and its blocks that need Plcloud, each loaded
by the page on its own (ops/dashboard.py)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

from accounts.models import Role
from accounts.roles import role_required
from cdn import selectors as cdn_selectors
from connections.breaker import CacheBreaker
from connections.problems import explain, explain_identity
from connections.request_client import client_for_request
from connections.tenancy import request_tenant
from ops import dashboard
from plcloud import PlcloudError, identity_version

# Polled by the page: 286 tells htmx to stop once the block is final.
DONE = 286


@role_required(Role.VIEWER)
def home(request):
    tenant = request_tenant(request)
    context = {
        "jobs": dashboard.jobs_block(user=request.user, tenant=tenant),
        "changes": dashboard.last_changes(user=request.user, tenant=tenant),
        "connected": bool(tenant),
    }
    if tenant:
        context["sums"] = dashboard.traffic_block(user=request.user)
    return render(request, "ops/home.html", context)


@role_required(Role.VIEWER)
def block(request, name: str):
    """One block of the dashboard, read now (through the member's short cache)."""
    if name == "identity":
        return _identity(request)
    if name not in ("domains", "tickets", "balance", "traffic"):
        raise Http404
    context = {"block": name}
    try:
        if name == "traffic":
            sums = dashboard.traffic_block(user=request.user)
            return render(request, "ops/blocks/traffic.html", {"sums": sums}, status=200 if sums.refreshing else DONE)
        client = client_for_request(request)
        if name == "domains":
            context["domains"] = dashboard.domains_block(client=client, user=request.user)
        elif name == "tickets":
            context["tickets"] = dashboard.tickets_block(client=client, user=request.user)
        else:
            # The balance now; the days left once the week's traffic is in (its read queued here).
            context["forecast"] = cdn_selectors.budget_forecast(client=client, user=request.user)
    except PlcloudError as error:
        context["problem"] = explain(error)
    return render(request, f"ops/blocks/{name}.html", context, status=DONE)


def _identity(request):
    """Whether Plcloud's identity service answers: at most a second's wait, so a slow Plcloud
    costs this block no more than the member's own call does."""
    context = {"auth_url": settings.PLCLOUD_AUTH_URL}
    try:
        probe_timeout = (settings.PLCLOUD_CONNECT_TIMEOUT, min(1.0, settings.PLCLOUD_READ_TIMEOUT))
        context["version"] = identity_version(settings.PLCLOUD_AUTH_URL, timeout=probe_timeout, circuit=CacheBreaker())
    except PlcloudError as exc:
        context["error"] = explain_identity(exc)
    return render(request, "ops/blocks/identity.html", context, status=DONE)
