from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.views import defaults

from accounts.models import Role
from accounts.roles import role_required
from cdn import selectors as cdn_selectors
from connections.breaker import CacheBreaker
from connections.models import PlcloudConnection
from connections.problems import explain, explain_identity
from connections.request_client import client_for_request
from plcloud import PlcloudError, identity_version


@role_required(Role.VIEWER)
def home(request):
    """The dashboard: whether Plcloud answers, and how long the prepaid traffic lasts."""
    error = version = forecast = None
    try:
        # A probe for the dashboard: at most a second's wait for the answer, so a slow Plcloud
        # costs this page no more than the member's own call does.
        probe_timeout = (settings.PLCLOUD_CONNECT_TIMEOUT, min(1.0, settings.PLCLOUD_READ_TIMEOUT))
        version = identity_version(settings.PLCLOUD_AUTH_URL, timeout=probe_timeout, circuit=CacheBreaker())
    except PlcloudError as exc:
        error = explain_identity(exc)
    problem = None
    if PlcloudConnection.objects.filter(user=request.user).exists():
        try:
            forecast = cdn_selectors.budget_forecast(client=client_for_request(request), user=request.user)
        except PlcloudError as failure:
            problem = explain(failure)
    context = {
        "auth_url": settings.PLCLOUD_AUTH_URL,
        "version": version,
        "error": error,
        "forecast": forecast,
        "problem": problem,
    }
    return render(request, "ops/home.html", context)


def bad_request(request, exception):
    """Django's answer to a bad request, except a body too large to read: a page in the panel's
    layout that says so (413). Nothing of the form was read, so it cannot be shown again."""
    if isinstance(exception, RequestDataTooBig):
        context = {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        return render(request, "ops/too_big.html", context, status=413)
    return defaults.bad_request(request, exception)
