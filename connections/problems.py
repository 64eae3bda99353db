"""The one place where a Plcloud failure becomes a sentence for a person (``explain``), and the
failure a member must act on themselves (``ReconnectNeeded``)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from plcloud import (
    AuthError,
    CircuitOpen,
    Forbidden,
    NotFound,
    PlcloudError,
    ProtocolError,
    TimedOut,
    Unavailable,
    ValidationError,
)

# What explain() says, kept as the sentences were written (English msgids): pages translate them
# when they say them, and retell() translates them again when a record kept one (a job's error, an
# audit row's) in the language of whoever was served when it was written.
FORBIDDEN = gettext_noop("Your Plcloud account is not allowed to do this.")
NOT_ACCEPTED = gettext_noop("Plcloud did not accept your credentials or session. Connect again.")
NO_SUCH_OBJECT = gettext_noop("Plcloud has no such object; it may have been deleted.")
REFUSED = gettext_noop("Plcloud refused the request: %(reason)s")
MAY_HAVE_BEEN_MADE = gettext_noop("The change may have been made: check before trying again.")
CIRCUIT_OPEN = gettext_noop(
    "Plcloud is unavailable: it failed repeatedly, so the panel is not calling it for a short while."
)
NOTHING_SENT = gettext_noop("Nothing was sent; try again in a minute.")
TIMED_OUT = gettext_noop("Plcloud did not answer within %(seconds)s seconds.")
TRY_IN_A_MINUTE = gettext_noop("Try again in a minute.")
CONNECTION_LOST = gettext_noop("The connection to Plcloud was lost before it answered.")
SERVER_ERROR = gettext_noop("Plcloud answered with a server error.")
NOT_REACHABLE = gettext_noop("Plcloud is not reachable right now. Nothing was lost; try again in a minute.")
UNREADABLE = gettext_noop("Plcloud answered with something the panel could not read.")
TRY_LATER = gettext_noop("Try again later.")
CALL_FAILED = gettext_noop("The Plcloud call failed: %(reason)s")
# The sentences of a ReconnectNeeded (connections.services, cdn).
CONNECT_FIRST = gettext_noop("Connect your Plcloud account first.")
CONNECTION_UNREADABLE = gettext_noop("Your stored Plcloud connection can no longer be read. Connect again.")
SESSION_EXPIRED = gettext_noop("Your Plcloud session has expired. Connect again.")
OTHER_TENANT = gettext_noop(
    "This was started under another Plcloud tenant than the one you are connected to now. "
    "Connect to that tenant again to let it go on."
)


class ReconnectNeeded(PlcloudError):
    """The member must connect (again): no connection, an expired token without a stored
    password, or a secret that no current key decrypts."""


@dataclass(frozen=True)
class Problem:
    message: str
    reconnect: bool = False
    # The object is not there for this member (another tenant's, or deleted): pages answer 404.
    missing: bool = False
    # A change that may have been made all the same: the page lets the member check before
    # they send it again, and nothing sends it again by itself.
    unsure: bool = False
    # Plcloud failing or out of reach (not the member's doing): the shell's outage banner, shown
    # while the breaker is open, says the same, so a page shows this one in its place.
    outage: bool = False


def explain(error: Exception) -> Problem:
    """The one place where a Plcloud failure becomes a sentence for a person."""
    if isinstance(error, ReconnectNeeded):
        return Problem(error.message, reconnect=True)
    if isinstance(error, Forbidden):
        return Problem(_(FORBIDDEN))
    if isinstance(error, AuthError):
        return Problem(_(NOT_ACCEPTED), reconnect=True)
    if isinstance(error, NotFound):
        return Problem(_(NO_SUCH_OBJECT), missing=True)
    if isinstance(error, ValidationError):
        return Problem(_(REFUSED) % {"reason": error.message})
    # A change whose answer was lost or unreadable, or that met a server error, may have been made
    # all the same: say so, so nobody sends it again blindly (the panel itself never resends one).
    # One that never left (refused connection, open circuit) was not. (A sign-in is a POST too,
    # but changes nothing.)
    unsure = (
        isinstance(error, PlcloudError)
        and error.sent
        and error.method not in ("", "GET", "HEAD")
        and error.path != "/tokens"
    )
    check = " " + _(MAY_HAVE_BEEN_MADE) if unsure else ""
    if isinstance(error, CircuitOpen):
        return Problem(_(CIRCUIT_OPEN) + " " + _(NOTHING_SENT), outage=True)
    if isinstance(error, TimedOut):
        text = _(TIMED_OUT) % {"seconds": f"{settings.PLCLOUD_READ_TIMEOUT:g}"}
        return Problem(text + (check or " " + _(TRY_IN_A_MINUTE)), unsure=unsure, outage=True)
    if isinstance(error, Unavailable):
        if unsure and error.status_code is None:
            return Problem(_(CONNECTION_LOST) + check, unsure=True, outage=True)
        if unsure and error.status_code != 429:
            return Problem(_(SERVER_ERROR) + check, unsure=True, outage=True)
        # A read, a 429, or a connection that failed before anything was sent.
        return Problem(_(NOT_REACHABLE), outage=True)
    if isinstance(error, ProtocolError):
        unreadable = _(UNREADABLE)
        return Problem(unreadable + (check or " " + _(TRY_LATER)), unsure=unsure)
    return Problem(_(CALL_FAILED) % {"reason": getattr(error, "message", str(error))})


def explain_identity(error: PlcloudError) -> str:
    """What the identity service's answer to the dashboard's probe (an anonymous read of its
    version document) says: unreachable only when it did not answer at all."""
    status = {"status": error.status_code}
    if isinstance(error, CircuitOpen):
        return explain(error).message
    if isinstance(error, TimedOut):
        return _("Plcloud is unreachable: its identity service did not answer in time.")
    if isinstance(error, Unavailable) and error.status_code is None:
        return _("Plcloud is unreachable: the panel could not connect to its identity service.")
    if isinstance(error, Unavailable):
        return _("Plcloud identity answered with an error (HTTP %(status)s). Try again in a minute.") % status
    if isinstance(error, AuthError):
        return _("Plcloud identity answered, but refused the request (HTTP %(status)s).") % status
    if isinstance(error, ProtocolError):
        return _("Plcloud identity answered, but not with a Keystone version document.")
    return _("Plcloud identity answered HTTP %(status)s instead of its version document.") % status


KEPT = (
    FORBIDDEN,
    NOT_ACCEPTED,
    NO_SUCH_OBJECT,
    REFUSED,
    MAY_HAVE_BEEN_MADE,
    CIRCUIT_OPEN,
    NOTHING_SENT,
    TIMED_OUT,
    TRY_IN_A_MINUTE,
    CONNECTION_LOST,
    SERVER_ERROR,
    NOT_REACHABLE,
    UNREADABLE,
    TRY_LATER,
    CALL_FAILED,
    CONNECT_FIRST,
    CONNECTION_UNREADABLE,
    SESSION_EXPIRED,
    OTHER_TENANT,
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(written: str) -> re.Pattern:
    """A sentence as written, its placeholders as named groups (the last one takes the rest)."""
    parts = _PLACEHOLDER.split(written)  # text, name, text, name, ..., text
    regex = re.escape(parts[0])
    for index in range(1, len(parts), 2):
        last = index == len(parts) - 2 and parts[-1] == ""
        regex += f"(?P<{parts[index]}>{'.+' if last else '.+?'})" + re.escape(parts[index + 1])
    return re.compile(regex, re.S)


@functools.cache
def _patterns(sentences: tuple[str, ...]) -> list[tuple[re.Pattern, str]]:
    """Each sentence as written in each of the panel's languages, the longest first (one may
    begin another)."""
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found += [(_pattern(_(msgid)), msgid) for msgid in sentences]
    return sorted(found, key=lambda pair: -len(pair[0].pattern))


def retell(text: str, more: tuple[str, ...] = ()) -> str:
    """A sentence a record kept (explain()'s, or one of ``more``; several one after another), said
    in the active language whichever of the panel's languages it was written in. A text that is
    not entirely such sentences is shown as it is: Plcloud's own words, say."""
    sentences = KEPT + more
    told, at = [], 0
    while at < len(text):
        matches = ((found, msgid) for pattern, msgid in _patterns(sentences) if (found := pattern.match(text, at)))
        found, msgid = next(matches, (None, ""))
        if found is None:
            return text
        values = {name: retell(value, more) for name, value in found.groupdict().items()}
        told.append(_(msgid) % values if values else _(msgid))
        at = found.end() + (1 if text.startswith(" ", found.end()) else 0)
    return " ".join(told)
