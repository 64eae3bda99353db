"""The member's own conditions on every page: the initial password changed before anything else,
and times in their time zone."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from accounts import zones
from accounts.services import must_change_password

# What a member who must change their password may still reach: the change itself, signing out
# and the language switch.
ALLOWED = ("password_change", "password_change_done", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    """Every other page sends the member to the password change until they have changed it (an
    htmx request is told to load that page whole, not to swap it into a part of another)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not must_change_password(user):
            return self.get_response(request)
        # (Static files are served above, by WhiteNoise.)
        if request.path_info in {reverse(name) for name in ALLOWED}:
            return self.get_response(request)
        target = reverse("password_change")
        if request.headers.get("HX-Request"):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)


class MemberTimeZoneMiddleware:
    """Pages and forms in the member's time zone (accounts.zones); the panel's for anyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = zones.of(getattr(request, "user", None))
        if chosen is None:
            timezone.deactivate()
        else:
            timezone.activate(chosen)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
