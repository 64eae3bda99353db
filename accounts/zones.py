"""Each member's time zone: every time a page shows is in it, with the zone named, in one format
per language (plcloud_panel/formats: DATETIME_FORMAT). A member who chose none has the panel's
(TIME_ZONE). Times are stored and sent to Plcloud in UTC; only pages and forms use the zone."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils import timezone
from django.utils.formats import date_format


@cache
def names() -> tuple[str, ...]:
    """The zones a member may choose (the IANA names Python knows), sorted."""
    return tuple(sorted(available_timezones()))


def zone(name: str | None) -> ZoneInfo | None:
    """The zone of that name, or None (blank, unknown, or no longer known to this Python)."""
    if not name or name not in names():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def of(user) -> ZoneInfo | None:
    """The member's chosen zone; None for the panel's (no choice, none valid, or no member)."""
    membership = getattr(user, "membership", None) if getattr(user, "is_authenticated", False) else None
    return zone(membership.time_zone) if membership is not None else None


def moment(value: object) -> datetime | None:
    """A time to show: a datetime, or an ISO 8601 text as Plcloud writes them (UTC without an
    offset); None for anything else."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def display(value: object) -> str:
    """A time as the member reads it: in their zone, with the zone's UTC offset, in the format of
    the page's language. A text that is not an ISO 8601 time is shown as Plcloud wrote it; "" for
    anything else."""
    when = moment(value)
    if when is None:
        return value if isinstance(value, str) else ""
    return date_format(timezone.localtime(when), "DATETIME_FORMAT")


def machine(value: object) -> str:
    """A time for a ``<time datetime>`` attribute: ISO 8601 in UTC; "" for what is not a time."""
    when = moment(value)
    if when is None:
        return ""
    spec = "milliseconds" if when.microsecond else "seconds"  # as Plcloud writes them
    return when.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")
