from django.conf import settings
from django.shortcuts import render

from accounts.models import Role
from accounts.roles import role_required
from plcloud import PlcloudError, identity_version


@role_required(Role.VIEWER)
def home(request):
    """The landing page: where the panel's Plcloud identity service is, and whether it answers."""
    error = version = None
    try:
        version = identity_version(settings.PLCLOUD_AUTH_URL, timeout=settings.PLCLOUD_CONNECT_TIMEOUT)
    except PlcloudError as exc:
        error = exc.message
    context = {"auth_url": settings.PLCLOUD_AUTH_URL, "version": version, "error": error}
    return render(request, "ops/home.html", context)
