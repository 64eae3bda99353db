"""A whole page kept for one member and served again while nothing it shows has changed.

For pages whose content is already cached per member (the domain list): rendering the page
around that content cost more than everything else such a request does. What differs from one
request to the next is kept out of the stored page or made part of its key:

- the CSRF token is rendered as a slot and filled in for each request (never stored);
- a page with messages to show is rendered, not stored;
- everything the page shell shows about the member (language, name, role, connection, unread
  notifications, outage banner, the path the language switch returns to) is in the key, read by
  the same context processors that render it. Anything new that templates/base.html shows per
  request must be added to ``_shell_state``.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils.translation import get_language

from accounts.context_processors import role
from connections.context_processors import plcloud_connection
from tickets.context_processors import ticket_notifications


def render_kept(request, template_name: str, context: dict, *, key: str, timeout: int) -> HttpResponse:
    """``render()``, or the member's page as rendered before under ``key`` with the same shell."""
    if len(messages.get_messages(request)):  # counted, not consumed: the render shows them
        return render(request, template_name, context)
    full_key = f"{key}:{_shell_state(request)}"
    kept = cache.get(full_key)
    if kept is None:
        slot = f"csrf-slot-{secrets.token_hex(16)}"
        response = render(request, template_name, {**context, "csrf_token": slot})
        kept = (slot, response.content)
        cache.set(full_key, kept, timeout)
    slot, body = kept
    return HttpResponse(body.replace(slot.encode(), get_token(request).encode()))


def _shell_state(request) -> str:
    user = request.user
    shell = {**plcloud_connection(request), **role(request), **ticket_notifications(request)}
    connection = shell.pop("plcloud", None)
    if connection is not None:
        shell["plcloud"] = (connection.plcloud_username, connection.tenant_name, connection.region)
    state = repr((get_language(), user.pk, user.get_username(), request.get_full_path(), sorted(shell.items())))
    return hashlib.sha256(state.encode()).hexdigest()
