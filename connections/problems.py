"""The one place where a Plcloud failure becomes a sentence for a person (``explain``), and the
failure a member must act on themselves (``ReconnectNeeded``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

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
        return Problem(_("Your Plcloud account is not allowed to do this."))
    if isinstance(error, AuthError):
        return Problem(_("Plcloud did not accept your credentials or session. Connect again."), reconnect=True)
    if isinstance(error, NotFound):
        return Problem(_("Plcloud has no such object; it may have been deleted."), missing=True)
    if isinstance(error, ValidationError):
        return Problem(_("Plcloud refused the request: %(reason)s") % {"reason": error.message})
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
    check = " " + _("The change may have been made: check before trying again.") if unsure else ""
    if isinstance(error, CircuitOpen):
        return Problem(
            _("Plcloud is unavailable: it failed repeatedly, so the panel is not calling it for a short while.")
            + " "
            + _("Nothing was sent; try again in a minute."),
            outage=True,
        )
    if isinstance(error, TimedOut):
        text = _("Plcloud did not answer within %(seconds)s seconds.") % {
            "seconds": f"{settings.PLCLOUD_READ_TIMEOUT:g}"
        }
        return Problem(text + (check or " " + _("Try again in a minute.")), unsure=unsure, outage=True)
    if isinstance(error, Unavailable):
        lost = _("The connection to Plcloud was lost before it answered.")
        if unsure and error.status_code is None:
            return Problem(lost + check, unsure=True, outage=True)
        if unsure and error.status_code != 429:
            return Problem(_("Plcloud answered with a server error.") + check, unsure=True, outage=True)
        # A read, a 429, or a connection that failed before anything was sent.
        return Problem(_("Plcloud is not reachable right now. Nothing was lost; try again in a minute."), outage=True)
    if isinstance(error, ProtocolError):
        unreadable = _("Plcloud answered with something the panel could not read.")
        return Problem(unreadable + (check or " " + _("Try again later.")), unsure=unsure)
    return Problem(_("The Plcloud call failed: %(reason)s") % {"reason": getattr(error, "message", str(error))})


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
