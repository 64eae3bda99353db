"""The panel's answers to a page that is not there (404), not allowed (403) or a form whose CSRF
token failed: pages in the panel's layout and the member's language, each with a way back.

(An error no view handled is plcloud_panel.errors's: that page must answer without the database.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.roles import has_role
from plcloud_panel.errors import KEEP_CHARACTERS, kept_fields

# A missing or refused page under one of these paths leads back to that section's list; each
# with the role it takes to open it.
SECTIONS = (
    ("/cdn/", "cdn:domains", _("CDN domains"), Role.VIEWER),
    ("/tickets/", "tickets:list", _("Tickets"), Role.VIEWER),
    ("/jobs/", "jobs:list", _("Jobs"), Role.VIEWER),
    ("/audit/", "audit", _("Audit"), Role.VIEWER),
    ("/team/", "team", _("Team"), Role.ADMIN),
)


def way_back(request) -> list[tuple[str, str]]:
    """(address, label) of the pages the member can go back to from here: signing in for a
    visitor; the list of the section they were in, and the dashboard, for a member of the team;
    nothing for a signed-in account without a role (its page says to ask an admin)."""
    user = request.user
    if not user.is_authenticated:
        return [(reverse("login"), _("Sign in"))]
    if not has_role(user, Role.VIEWER):
        return []
    links = [
        (reverse(name), label)
        for prefix, name, label, role in SECTIONS
        if request.path.startswith(prefix) and has_role(user, role)
    ]
    return [*links[:1], (reverse("home"), _("Back to the dashboard"))]


def not_found(request, exception=None):
    return render(request, "404.html", {"way_back": way_back(request)}, status=404)


def permission_denied(request, exception=None):
    links = way_back(request)
    context = {"way_back": links, "no_role": request.user.is_authenticated and not links}
    return render(request, "403.html", context, status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was not taken. The page it came from, when it was the panel's,
    is the way back: opened again, it carries a fresh token (this page sets the cookie too); what the
    member typed there is shown, to copy into it."""
    referer = request.META.get("HTTP_REFERER", "")
    ours = bool(referer) and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, require_https=request.is_secure()
    )
    # What the member typed, which was not taken (passwords and the token left out); only for a
    # form sent from one of our pages: another site's form is not shown as if it were the panel's.
    fields, cut = kept_fields(request) if ours else ([], False)
    context = {
        "way_back": way_back(request),
        "came_from": _path_of(referer) if ours else "",
        "fields": fields,
        "cut": cut,
        "limit": KEEP_CHARACTERS,
    }
    return render(request, "403_csrf.html", context, status=403)


def _path_of(address: str) -> str:
    parts = urlsplit(address)
    return parts.path + (f"?{parts.query}" if parts.query else "")
