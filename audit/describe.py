"""An audit row as a person reads it: its action as a sentence, its detail as labelled values.

``ACTIONS`` maps each action code to its sentence templates, most telling first: a row reads as
the first template whose named placeholders it can all fill (a count of 0 fills none), so a row
recorded with less detail (a refused job, a failed one) still reads as a sentence. An action code
not listed here, or a row that fills none of its templates, shows the code itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import zones
from accounts.models import Role
from alerts.models import ChannelKind, RuleKind
from cdn.log_filters import LogType
from cdn.objects import area_label, type_label
from jobs.reasons import retell
from tickets.models import status_label

_FLUSH = (
    _("Flushed %(urls)s and %(dirs)s on %(domain)s"),
    _("Flushed %(urls)s on %(domain)s"),
    _("Flushed %(dirs)s on %(domain)s"),
    _("Flush job %(job)s"),
    _("Asked to flush the cache of %(domain)s"),
)
_PREFETCH = (_("Prefetched %(urls)s"), _("Prefetch job %(job)s"), _("Asked to prefetch URLs"))
_RETRY = (_("Retried %(items)s of job %(parent)s"), _("Asked to retry the failed items of job %(job)s"))
# Run again (a new job with every item of an ended one).
_AGAIN = (_("Ran %(items)s of job %(parent)s again"), _("Asked to run job %(job)s again"))
_RESEND = (_("Sent call %(call)s of job %(job)s again"), _("Sent a call of job %(job)s again"))
_SKIP = (
    _("Chose not to send call %(call)s of job %(job)s again"),
    _("Chose not to send a call of job %(job)s again"),
)
_UNKNOWN = (
    _("Call %(call)s of job %(job)s may have been carried out: its answer was lost"),
    _("A call of job %(job)s may have been carried out: its answer was lost"),
)

ACTIONS = {
    "cdn.create": (_("Added domain %(domain)s"),),
    "cdn.update": (_("Changed the origins and areas of %(domain)s"),),
    "cdn.enable": (_("Enabled domain %(domain)s"),),
    "cdn.disable": (_("Disabled domain %(domain)s"),),
    "cdn.delete": (_("Deleted domain %(domain)s"),),
    "cdn.recharge": (_("Recharged %(flow_gb)s GB of traffic"),),
    "cdn.urls.add": (_("Added %(added)s to the common URLs"), _("Asked to add %(asked)s to the common URLs")),
    "cdn.urls.delete": (_("Deleted common URL %(object)s"),),
    "jobs.flush": _FLUSH,
    "jobs.flush.retry": _RETRY,
    "jobs.flush.again": _AGAIN,
    "jobs.flush.resend": _RESEND,
    "jobs.flush.skip": _SKIP,
    "jobs.flush.unknown": _UNKNOWN,
    "jobs.prefetch": _PREFETCH,
    "jobs.prefetch.retry": _RETRY,
    "jobs.prefetch.again": _AGAIN,
    "jobs.prefetch.resend": _RESEND,
    "jobs.prefetch.skip": _SKIP,
    "jobs.prefetch.unknown": _UNKNOWN,
    "jobs.export": (
        _("Exported the request log of %(domain)s"),
        _("Log export job %(job)s"),
    ),
    "jobs.analyze": (
        _("Analysed the request log of %(domain)s"),
        _("Log analytics job %(job)s"),
    ),
    "jobs.export.retry": (_("Asked to export the log of job %(job)s again"),),
    "jobs.export.cancel": (_("Cancelled log export job %(job)s"),),
    "jobs.export.download": (_("Downloaded the log exported by job %(job)s"),),
    "connection.connect": (_("Connected to Plcloud as %(object)s"),),
    "connection.region": (_("Switched the region from %(old)s to %(new)s"), _("Switched the region to %(new)s")),
    "connection.disconnect": (_("Disconnected %(object)s from Plcloud"),),
    "member.add": (_("Added member %(object)s as %(role)s"), _("Added member %(object)s")),
    "member.role": (
        _("Changed the role of %(object)s from %(old)s to %(new)s"),
        _("Changed the role of %(object)s to %(new)s"),
    ),
    "member.activate": (_("Reactivated member %(object)s"),),
    "member.deactivate": (_("Deactivated member %(object)s"),),
    "member.password": (_("Chose a password of their own, replacing the initial one"),),
    "ticket.create": (_("Opened ticket “%(summary)s”"), _("Opened a ticket")),
    "ticket.reply": (_("Replied to ticket %(object)s"),),
    "ticket.status": (
        _("Changed the status of ticket %(object)s from %(old)s to %(new)s"),
        _("Changed the status of ticket %(object)s to %(new)s"),
    ),
    "alerts.channel.create": (_("Added alert channel %(object)s"),),
    "alerts.channel.delete": (_("Deleted alert channel %(object)s"),),
    "alerts.channel.test": (_("Sent a test message to alert channel %(object)s"),),
    "alerts.rule.create": (_("Added alert rule %(object)s"),),
    "alerts.rule.pause": (_("Paused alert rule %(object)s"),),
    "alerts.rule.resume": (_("Resumed alert rule %(object)s"),),
    "alerts.rule.delete": (_("Deleted alert rule %(object)s"),),
}


# Counts in the detail, as phrases with their noun ("3 URLs").
def _urls(n: int) -> str:
    return ngettext("%(n)s URL", "%(n)s URLs", n) % {"n": n}


COUNTS: dict[str, Callable[[int], str]] = {
    "urls": _urls,
    "dirs": lambda n: ngettext("%(n)s directory", "%(n)s directories", n) % {"n": n},
    "items": lambda n: ngettext("%(n)s item", "%(n)s items", n) % {"n": n},
    "added": _urls,
    "asked": _urls,
}

# The detail's keys as words; a key not listed shows as it was recorded.
KEYS = {
    "domain": _("Domain"),
    "urls": _("URLs"),
    "dirs": _("Directories"),
    "items": _("Items"),
    "areas": _("Areas"),
    "origin_ips": _("Origin IPs"),
    "type": _("Type"),
    "icp_record": _("ICP record"),
    "old": _("Before"),
    "new": _("After"),
    "flow_gb": _("Recharged (GB)"),
    "balance_gb": _("Balance (GB)"),
    "added": _("Added"),
    "asked": _("Asked for"),
    "region": _("Region"),
    "keep_connected": _("Stay connected"),
    "role": _("Role"),
    "jobs_cancelled": _("Jobs cancelled"),
    "summary": _("Summary"),
    "length": _("Characters"),
    "parent": _("Repeats job"),
    "call": _("Call"),
    "log_type": _("Log"),
    "start_at": _("From"),
    "end_at": _("To"),
    "status_class": _("Status"),
    "cache_state": _("Cache"),
    "url_contains": _("URL contains"),
    "kind": _("Kind"),
    "threshold": _("Threshold"),
}


def _role(code: str) -> str:
    return dict(Role.choices).get(code, code)


def _log_type(code: str) -> str:
    return dict(LogType.choices).get(code, code)


# Codes among the detail's values, as words (by key; "old" and "new" by the action's prefix).
WORDS: dict[str, Callable[[str], str]] = {
    "areas": area_label,
    "type": type_label,
    "role": _role,
    "log_type": _log_type,
    # Recorded in UTC; read, like every time on a page, in the reader's zone.
    "start_at": zones.display,
    "end_at": zones.display,
}
OLD_NEW: dict[str, Callable[[str], str]] = {"member.role": _role, "ticket.status": status_label}
# A channel's or a rule's kind, by the action that recorded it.
KINDS: dict[str, Callable[[str], str]] = {
    "alerts.channel.create": lambda code: dict(ChannelKind.choices).get(code, code),
    "alerts.rule.create": lambda code: dict(RuleKind.choices).get(code, code),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _word(action: str, key: str, value: object) -> object:
    """A code among the detail's values as its word; anything else as it was."""
    if key in ("old", "new"):
        words = OLD_NEW.get(action)
    elif key == "kind":
        words = KINDS.get(action)
    else:
        words = WORDS.get(key)
    if words is None:
        return value
    if isinstance(value, list):
        return [words(item) if isinstance(item, str) else item for item in value]
    return words(value) if isinstance(value, str) else value


def _text(action: str, key: str, value: object) -> str:
    """A detail value as text: a list joined, yes or no, a nested object as its own pairs."""
    value = _word(action, key, value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_text(action, key, item) for item in value) or "—"
    if isinstance(value, dict):
        return " · ".join(_lines(action, value))
    return str(value)


def _lines(action: str, detail: dict) -> list[str]:
    return [
        gettext("%(key)s: %(value)s") % {"key": KEYS.get(key, key), "value": _text(action, key, value)}
        for key, value in detail.items()
    ]


def _values(entry) -> dict[str, str]:
    """What a sentence may name: the object, and the detail's flat values (a count of 0, an
    empty text or a nested value names nothing)."""
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    values = {}
    for key, value in detail.items():
        if isinstance(value, bool | dict | list) or value in (None, "", 0):
            continue
        if key in COUNTS and isinstance(value, int):
            values[key] = COUNTS[key](value)
        else:
            values[key] = str(_word(entry.action, key, value))
    if entry.object_id:
        values["object"] = entry.object_id
        # A job row names its job by number; one refused before it was made names its domain.
        if entry.object_type == "job" and entry.object_id.isdigit():
            values["job"] = entry.object_id
        else:
            values.setdefault("domain", entry.object_id)
    return values


def sentence(entry) -> str:
    """The row's action as a sentence in the active language, or its code."""
    values = _values(entry)
    for template in ACTIONS.get(entry.action, ()):
        if all(name in values for name in _PLACEHOLDER.findall(str(template))):
            return str(template) % values
    return entry.action


def error(entry) -> str:
    """The row's error in the active language when it is a sentence the panel wrote (see
    jobs.reasons.retell), else as it was recorded."""
    return retell(entry.error)


def detail_lines(entry) -> list[str]:
    """The row's detail as "word: value" lines; a detail that is not an object is one line."""
    if isinstance(entry.detail, dict):
        return _lines(entry.action, entry.detail)
    return [] if entry.detail in (None, "", [], {}) else [_text(entry.action, "", entry.detail)]
