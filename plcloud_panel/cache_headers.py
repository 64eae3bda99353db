"""No copy of a member's pages in any cache: the browser's (its back button after sign-out, a
shared computer), a proxy's, or a CDN's in front of the panel."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NeverCacheForMembersMiddleware:
    """``Cache-Control: no-store`` (with Django's other never-cache headers) on every answer to a
    signed-in member: pages, htmx fragments, redirects and downloads. Static files never come this
    far (WhiteNoise answers them above), so they stay cacheable; neither does /health/, which says
    no-store itself."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
