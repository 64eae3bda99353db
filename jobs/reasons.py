"""Why a job or an item stopped, as the member reads it.

A job's and an item's error is kept as text: Plcloud's own reason for a prefetched URL (its words
are known, ``UPSTREAM_REASONS``), or a sentence the panel wrote (here, and connections.problems)
in the language the worker or the page that wrote it was in. ``retell`` shows either in the
reader's language; any other text as it is.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy, gettext_noop

from connections.problems import retell as retell_kept

# Plcloud's reasons a prefetched URL failed (docs/plcloud-api.md, Prefetch). WIRE.md names none:
# any other reason shows as Plcloud wrote it.
UPSTREAM_REASONS = (
    (re.compile(r"origin answered (?P<status>\d{3})"), gettext_lazy("The origin answered HTTP %(status)s.")),
    (
        re.compile(r"origin timed out after (?P<seconds>\d+(?:\.\d+)?) ?s"),
        gettext_lazy("The origin did not answer within %(seconds)s seconds."),
    ),
    (re.compile(r"origin refused the connection"), gettext_lazy("The origin refused the connection.")),
)

# The panel's own reasons (jobs.runner, services, writes, exports, export_run).
DEADLINE = gettext_noop("The job did not end before its deadline.")
DEADLINE_NO_WORKER = gettext_noop("The job did not end before its deadline: no worker finished it in time.")
WORKER_DIED = gettext_noop("The job stopped: its worker died %(n)s times in a row without the job making progress.")
BAD_READS = gettext_noop("The job stopped: %(n)s answers in a row from Plcloud could not be read.")
RETRYING = gettext_noop("Retrying: %(reason)s")
NOT_REACHABLE = gettext_noop("Plcloud is not reachable right now.")
WORKER_STOPPED = gettext_noop("The worker stopped while this call was being sent, before its answer was saved.")
SKIPPED = gettext_noop(
    "Outcome unknown: Plcloud may have carried this out, but its answer was lost. Not sent again, as %(name)s decided."
)
DEACTIVATED = gettext_noop("Cancelled: %(name)s was deactivated.")
NOT_WRITTEN = gettext_noop("The export file could not be written: %(reason)s")
OUT_OF_ROOM = gettext_noop(
    "The export stopped: its file would take the export folder past the %(budget)s it may use. "
    "Export a shorter window or fewer entries, or try again once older exports have expired."
)
KEPT = (
    DEADLINE,
    DEADLINE_NO_WORKER,
    WORKER_DIED,
    BAD_READS,
    RETRYING,
    NOT_REACHABLE,
    WORKER_STOPPED,
    SKIPPED,
    DEACTIVATED,
    NOT_WRITTEN,
    OUT_OF_ROOM,
)


def upstream_reason(text: str) -> str | None:
    """Plcloud's reason as words, or None when it is not one the panel knows."""
    for pattern, label in UPSTREAM_REASONS:
        if found := pattern.fullmatch(text.strip()):
            return label % found.groupdict()
    return None


def retell(text: str) -> str:
    return upstream_reason(text) or retell_kept(text, KEPT)
