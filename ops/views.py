from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from plcloud import PlcloudError, identity_version


@login_required
def home(request):
    """The landing page: where the panel's Plcloud identity service is, and whether it answers."""
    error = version = None
    try:
        version = identity_version(settings.PLCLOUD_AUTH_URL, timeout=settings.PLCLOUD_CONNECT_TIMEOUT)
    except PlcloudError as exc:
        error = exc.message
    context = {"auth_url": settings.PLCLOUD_AUTH_URL, "version": version, "error": error}
    return render(request, "ops/home.html", context)
