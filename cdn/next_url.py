"""Where a confirmed action returns: the page the member came from, carried through its form as
``next``, taken only when it is a path on this panel (never another site, nor a scheme)."""

from urllib.parse import urlsplit

from django.utils.http import url_has_allowed_host_and_scheme

MAX_NEXT_LENGTH = 2000


def local_next(request, value: object, default: str) -> str:
    """``value`` when it is a local path such as ``/cdn/?status=online&page=2``, else ``default``."""
    if not isinstance(value, str) or not value.startswith("/") or len(value) > MAX_NEXT_LENGTH:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(c in value for c in "\\\r\n\t") or not value.isprintable():
        return default
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False):
        return default
    return value
