"""The prepaid traffic balance, as far as Plcloud tells it.

The vendor's SDK has no balance read: ``GET /recharge/{project}/cdn_flow`` is the sandbox's own
extension (docs/plcloud-api.md, "Wire profiles"), and the fields of what ``cdn.recharge(flow)``
answers are not known (WIRE.md). So the panel never needs either:

- The read is tried. An answer of 404, 405 or 501 means this Plcloud offers no balance read: that
  is kept per tenant (``KnownBalance.no_read_at``) for NO_READ_SECONDS, during which no page asks
  again (nor retries), and pages say so plainly, as a fact rather than an error.
- A recharge answer's ``balance``, when it carries a number, is kept with its time and shown as
  what it is: the balance right after that recharge, not now (traffic since then is not in it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from cdn.models import KnownBalance
from cdn.objects import when
from connections.problems import CONNECT_FIRST, ReconnectNeeded
from connections.tenancy import member_tenant
from plcloud import Client, PlcloudError, ProtocolError
from plcloud.client import NO_RETRY

# An hour: a Plcloud that gains the read is seen within it, and one that lacks it is asked about
# once an hour per tenant instead of on every page.
NO_READ_SECONDS = 3600
# Not Found, Method Not Allowed, Not Implemented: the service has no such call (the sdk profile
# answers 405). Any other failure is a failure, and the page says so as for any read.
NO_READ_STATUSES = frozenset({404, 405, 501})


@dataclass(frozen=True)
class Balance:
    gb: float | None  # None: not known
    at: datetime | None  # when Plcloud said it
    current: bool  # read now; False: Plcloud offers no read, and this is what the last recharge carried


def read(*, client: Client, user) -> Balance:
    """The balance now if Plcloud offers the read; else the last one a recharge answer carried."""
    tenant = member_tenant(user)
    if not tenant:
        raise ReconnectNeeded(_(CONNECT_FIRST))
    kept = KnownBalance.objects.filter(tenant_id=tenant.tenant_id).first()
    now = timezone.now()
    if kept and kept.no_read_at and now - kept.no_read_at < timedelta(seconds=NO_READ_SECONDS):
        return _after_recharge(kept)
    before, client.retry = client.retry, NO_RETRY  # a 501 answers the same on a second try
    try:
        answer = client.cdn.balance()
    except PlcloudError as error:
        if error.status_code not in NO_READ_STATUSES:
            raise
        kept, _created = KnownBalance.objects.update_or_create(tenant_id=tenant.tenant_id, defaults={"no_read_at": now})
        return _after_recharge(kept)
    finally:
        client.retry = before
    gb = number(answer.get("balance"))
    if gb is None:
        raise ProtocolError("the balance answer has no balance in GB", method="GET", path="/recharge")
    if kept and kept.no_read_at:
        KnownBalance.objects.filter(pk=kept.pk).update(no_read_at=None)
    return Balance(gb=gb, at=when(answer.get("updated_at")) or now, current=True)


def _after_recharge(kept: KnownBalance | None) -> Balance:
    gb = kept.recharge_balance_gb if kept else None
    return Balance(gb=gb, at=kept.recharged_at if gb is not None else None, current=False)


def keep_recharge(*, user, answer: dict) -> float | None:
    """Keep the balance a recharge answer carried, if it carried a number, with its time."""
    gb = number(answer.get("balance"))
    tenant = member_tenant(user)
    if gb is not None and tenant:
        at = when(answer.get("recharged_at")) or timezone.now()
        KnownBalance.objects.update_or_create(
            tenant_id=tenant.tenant_id, defaults={"recharge_balance_gb": gb, "recharged_at": at}
        )
    return gb


def number(value: object) -> float | None:
    """A count of GB from Plcloud; anything else (text, true, NaN, a missing field) is not known."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)
