"""The one family of errors a caller of the Plcloud client ever sees.

Callers sort failures by class: ``AuthError`` (sign in again), ``NotFound`` (the object is
gone or not theirs), ``ValidationError`` (the service refused the input; show its message),
``Unavailable`` (try later). No message ever holds a token or a password.
"""

from __future__ import annotations


class PlcloudError(Exception):
    def __init__(
        self, message: str, *, status_code: int | None = None, method: str = "", path: str = "", sent: bool = True
    ):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.method = method
        self.path = path
        # False when the request never left (a refused connection, a connect timeout, an open
        # circuit): Plcloud cannot have acted on it, so even a change may be sent again.
        self.sent = sent

    def __str__(self) -> str:
        where = f"{self.method} {self.path}".strip()
        status = f" ({self.status_code})" if self.status_code else ""
        return f"{where}{status}: {self.message}" if where else self.message


class AuthError(PlcloudError):
    """Wrong credentials, or a token that is missing, expired or revoked (HTTP 401)."""


class Forbidden(AuthError):
    """A valid token that may not touch this object (HTTP 403)."""


class NotFound(PlcloudError):
    """No such object for this tenant (HTTP 404)."""


class ValidationError(PlcloudError):
    """The service refused the input (HTTP 400, 409, 413); ``message`` is the server's."""


class Unavailable(PlcloudError):
    """Timeouts, refused or dropped connections, HTTP 5xx and 429: worth retrying later."""


class TimedOut(Unavailable):
    """No answer within the read timeout (or no connection within the connect timeout)."""


class CircuitOpen(Unavailable):
    """Not sent: the caller's circuit breaker holds calls to this service after repeated failures."""

    def __init__(self, message: str, **where: object) -> None:
        super().__init__(message, **{**where, "sent": False})


class ProtocolError(PlcloudError):
    """An answer that is not JSON, lacks its wrapper key, or has an unexpected shape."""


class AnswerTooLarge(ProtocolError):
    """An answer longer than the caller allowed (``max_bytes``): it was not read past that, and its
    connection was closed. A request-log reader asks again for a shorter slice of its window."""


class EndpointNotFound(PlcloudError):
    """The catalog has no Plcloud endpoint for the requested region and endpoint type."""
