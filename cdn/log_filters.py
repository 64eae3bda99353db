"""What a domain's request log can be asked for: which log, and the panel's own filters on its
entries (Plcloud filters nothing). The log page and exports (jobs.exports) share them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _


class LogType(models.TextChoices):
    CACHE = "cache", _("Edge (cache)")
    ORIGIN = "origin", _("Origin")


STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx")
CACHE_STATES = ("HIT", "MISS", "EXPIRED")


def matcher(*, status_class: str = "", cache_state: str = "", url_contains: str = "") -> Callable[[dict], bool] | None:
    """A test for log entries (None when nothing is filtered); the log page and exports share it."""
    if not (status_class or cache_state or url_contains):
        return None
    low = int(status_class[0]) * 100 if status_class else 0
    needle = url_contains.casefold()

    def matches(entry: dict) -> bool:
        status = entry.get("status")
        if low and not (isinstance(status, int) and low <= status < low + 100):
            return False
        if cache_state and entry.get("cache") != cache_state:
            return False
        return not needle or needle in str(entry.get("url", "")).casefold()

    return matches
