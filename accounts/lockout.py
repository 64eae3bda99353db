"""Sign-in throttling: three counts of failed sign-ins in the last AXES_COOLOFF_TIME, each with its
own limit (settings AXES_*; docs/security.md says why each number and how an admin gets back in).

- a username from one address (django-axes's own lock, AXES_FAILURE_LIMIT): a member's typos
  lock that member from that address only, and a stranger's guesses lock nobody else out;
- one address, whatever the usernames (AXES_IP_FAILURE_LIMIT): one client spraying a password
  across many usernames is stopped;
- one username, whatever the addresses (AXES_USERNAME_FAILURE_LIMIT): a guesser rotating
  addresses is stopped, except at an address the member signed in from lately
  (AXES_KNOWN_ADDRESS_DAYS), so nobody can lock a member out of where they work.

django-axes counts one limit over its lockout parameters (the largest of their counts), so the
other two are counted here, from its AccessAttempt rows (one per username, address and user
agent, with its failures). A refused sign-in checks no password and counts no failure.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

ADDRESS = "address"
ACCOUNT = "account"


def client_address(request: HttpRequest) -> str | None:
    """The address sign-ins are counted under: the peer's, or behind our proxy
    (PANEL_BEHIND_PROXY) the last one of X-Forwarded-For, which that proxy appended (any before it
    came from the client and prove nothing). An IPv6 client counts as its /64: one host holds
    every address of its network."""
    text = request.META.get("REMOTE_ADDR", "")
    if settings.PANEL_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        text = forwarded or text
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def _failures(request: HttpRequest, **who: str) -> int:
    attempts = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request), **who)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def _signed_in_from_here_lately(username: str, address: str) -> bool:
    since = timezone.now() - timedelta(days=settings.AXES_KNOWN_ADDRESS_DAYS)
    return AccessLog.objects.filter(username=username, ip_address=address, attempt_time__gte=since).exists()


def lock_on(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """ADDRESS or ACCOUNT when the address's or the username's own count refuses this sign-in."""
    address = getattr(request, "axes_ip_address", None)
    if address and _failures(request, ip_address=address) >= settings.AXES_IP_FAILURE_LIMIT:
        return ADDRESS
    username = get_client_username(request, credentials)
    if (
        username
        and _failures(request, username=username) >= settings.AXES_USERNAME_FAILURE_LIMIT
        and not (address and _signed_in_from_here_lately(username, address))
    ):
        return ACCOUNT
    return None


class LockoutHandler(AxesDatabaseHandler):
    """django-axes's database handler, also refusing what an address's or a username's count locks."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or lock_on(request, credentials) is not None


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """The lockout page (429), saying whether the address or the account is locked."""
    context = {"by_address": lock_on(request, credentials) == ADDRESS}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
