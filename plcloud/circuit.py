"""The hook a caller plugs a circuit breaker into; the client itself keeps no breaker state.

The panel keeps its breaker in Django's cache so every web process and worker shares it
(``connections.breaker``); a script using the client alone passes nothing and every call goes out.
"""

from __future__ import annotations

from typing import Protocol

from plcloud.errors import Unavailable


class Circuit(Protocol):
    """Called once per logical call (after the client's own retries), keyed by service base URL:
    the identity URL for sign-in, the region's endpoint for service calls."""

    def allow(self, service: str) -> None:
        """Return to let the call go out; raise ``plcloud.errors.CircuitOpen`` to hold it."""

    def succeeded(self, service: str) -> None:
        """The service answered (any answer that is not a failure of the service, 4xx included)."""

    def failed(self, service: str, error: Unavailable) -> None:
        """The service failed: timeout, refused or dropped connection, 5xx or 429."""
