from django.conf import settings

from connections import breaker
from connections.request_client import request_connection


def plcloud_connection(request):
    """The member's connection state for the shell; reads the database and cache only, never Plcloud."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    connection = request_connection(request)
    expired = connection is not None and connection.token_expired and not connection.keep_connected
    # Plcloud refused the session on a call (this page's or an earlier one's, a worker's too): the
    # header's dot is not green, and the shell asks to connect again until a call succeeds.
    refused = connection is not None and bool(connection.last_error)
    # The services this member's pages call: an open breaker on any of them is an outage for them.
    services = [connection.auth_url, connection.endpoint] if connection else [settings.PLCLOUD_AUTH_URL]
    return {
        "plcloud": connection,
        "plcloud_reconnect": connection is None or expired or refused,
        "plcloud_refused": refused,
        "plcloud_outage": breaker.any_open(services),
    }
