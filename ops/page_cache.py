"""A whole page kept for one member and served again while nothing it shows has changed.

For pages whose content is already cached per member (the domain list): rendering the page
around that content cost more than everything else such a request does. What differs from one
request to the next is kept out of the stored page or made part of its key:

- the CSRF token is rendered as a slot and filled in for each request (never stored);
- a page with messages to show is rendered, not stored;
- content that is not ready when the page is rendered (the domain table, while Plcloud answers)
  is left as a slot, filled for each request: that page is kept longer (``SHELL_SECONDS``), as it
  shows no Plcloud data;
- everything the page shell shows about the member (language, name, role, connection, unread
  notifications, outage banner, the path the language switch returns to) is in the key, read by
  the same context processors that render it. Anything new that templates/base.html shows per
  request must be added to ``_shell_state``.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from accounts.context_processors import role
from connections.context_processors import plcloud_connection
from tickets.context_processors import ticket_notifications

# A page kept without its content (``kept_page(hole=...)``) is kept this long: it shows no Plcloud
# data, so it outlives the member's cached reads. Only in this process: a deploy (new templates,
# new static file names) starts new processes, which never read an older release's pages.
SHELL_SECONDS = 300
_PROCESS = secrets.token_hex(8)


@dataclass(frozen=True)
class Kept:
    """A rendered page with slots for this request's CSRF token and, optionally, its content."""

    body: bytes
    csrf_slot: bytes
    hole: bytes = b""

    def response(self, request, content: str = "") -> HttpResponse:
        body = self.body.replace(self.csrf_slot, get_token(request).encode())
        if self.hole:
            body = body.replace(self.hole, content.encode(), 1)
        return HttpResponse(body)


def render_kept(request, template_name: str, context: dict, *, key: str, timeout: int) -> HttpResponse:
    """``render()``, or the member's page as rendered before under ``key`` with the same shell."""
    return kept_page(request, template_name, context, key=key, timeout=timeout).response(request)


def kept_page(request, template_name: str, context: dict, *, key: str, timeout: int, hole: str | None = None) -> Kept:
    """The page as rendered before under ``key`` with the same shell, or rendered now (and kept).

    With ``hole``, that context variable is left as a slot that ``Kept.response()`` fills: the
    page around content that is not ready yet (or not the same from one request to the next).
    """
    if len(messages.get_messages(request)):  # counted, not consumed: the render shows them
        return _render(request, template_name, context, hole)
    full_key = f"{key}:{_PROCESS if hole else ''}:{_shell_state(request)}"
    kept = cache.get(full_key)
    if not isinstance(kept, Kept):
        kept = _render(request, template_name, context, hole)
        cache.set(full_key, kept, timeout)
    return kept


def _render(request, template_name: str, context: dict, hole: str | None) -> Kept:
    # Random, so that nothing else on the page (a value from a member or from Plcloud) is one.
    csrf_slot, slot = f"csrf-slot-{secrets.token_hex(16)}", f"<!--slot-{secrets.token_hex(16)}-->"
    filled = {**context, "csrf_token": csrf_slot, **({hole: mark_safe(slot)} if hole else {})}  # noqa: S308
    response = render(request, template_name, filled)
    return Kept(response.content, csrf_slot.encode(), slot.encode() if hole else b"")


def _shell_state(request) -> str:
    user = request.user
    shell = {**plcloud_connection(request), **role(request), **ticket_notifications(request)}
    connection = shell.pop("plcloud", None)
    if connection is not None:
        shell["plcloud"] = (connection.plcloud_username, connection.tenant_name, connection.region)
    state = repr((get_language(), user.pk, user.get_username(), request.get_full_path(), sorted(shell.items())))
    return hashlib.sha256(state.encode()).hexdigest()
