"""Export limits, checked when an export is submitted, before anything is queued.

A member may have ``EXPORT_MAX_ACTIVE`` exports queued, running or waiting at once, and may
start one while their exports created in the last 24 hours take less than ``EXPORT_DAILY_MB``;
nobody may start one while the export folder holds ``EXPORT_DISK_BUDGET_MB`` or more.

A running export that crosses the daily limit is not stopped: it was admitted under the limit,
stopping it would throw away the member's file and the Plcloud reads already made, and the
overshoot is bounded (at most ``EXPORT_MAX_ACTIVE`` exports run at once, and the bytes count
against the next 24 hours). The disk is the hard limit: jobs.exports stops a running export
before the folder passes its budget. No window limit by role: a viewer's month is as legitimate
as an operator's, and a shorter window would only split the same bytes into more exports, which
these limits already count.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Sum
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cdn.units import data_size
from jobs import exports
from jobs.errors import Refused
from jobs.models import Export, Job, Kind, State

ACTIVE = (State.QUEUED, State.RUNNING, State.WAITING)
DAY = timedelta(hours=24)


def check_export(user) -> None:
    """Raise Refused, saying why, if ``user`` may not start another export now.

    Call it inside the transaction that creates the export: it first locks the member's row, so
    two submits at once are counted one after the other and cannot both pass a limit.
    """
    _lock_member(user)
    active = Job.objects.filter(owner=user, kind=Kind.EXPORT, state__in=ACTIVE).count()
    if active >= settings.EXPORT_MAX_ACTIVE:
        raise Refused(
            [
                ngettext(
                    "You already have %(n)s export that has not ended (queued, running or waiting), the most "
                    "a member may have at once. Wait for it to end, or cancel it, then export again.",
                    "You already have %(n)s exports that have not ended (queued, running or waiting), the most "
                    "a member may have at once. Wait for one to end, or cancel one, then export again.",
                    active,
                )
                % {"n": active}
            ]
        )
    daily = settings.EXPORT_DAILY_MB * exports.MB
    used = _exported_today(user)
    if used >= daily:
        raise Refused(
            [
                _(
                    "Your exports of the last 24 hours take %(used)s; a member may export %(limit)s a day. "
                    "Export again once some of them are more than 24 hours old."
                )
                % {"used": data_size(used), "limit": data_size(daily)}
            ]
        )
    budget = settings.EXPORT_DISK_BUDGET_MB * exports.MB
    stored = exports.stored_bytes()
    if stored >= budget:
        raise Refused(
            [
                _(
                    "The export folder is full: its files take %(stored)s of the %(budget)s the panel may use. "
                    "Files are deleted %(hours)s hours after their export ends; try again later."
                )
                % {
                    "stored": data_size(stored),
                    "budget": data_size(budget),
                    "hours": settings.EXPORT_EXPIRY_HOURS,
                }
            ]
        )


def _lock_member(user) -> None:
    # A write, not SELECT ... FOR UPDATE: PostgreSQL locks the row until the transaction ends
    # either way, but SQLite ignores FOR UPDATE, while a first write takes its database write lock
    # (the second submit waits for it under the busy timeout). The row keeps its values.
    get_user_model().objects.filter(pk=user.pk).update(username=F("username"))


def _exported_today(user) -> int:
    """Bytes of the member's exports created in the last 24 hours: a finished file's size, or
    what a running (or stopped) one has written so far."""
    recent = Export.objects.filter(job__owner=user, job__created_at__gte=timezone.now() - DAY)
    return recent.aggregate(n=Sum(Greatest("size", "committed_bytes")))["n"] or 0
