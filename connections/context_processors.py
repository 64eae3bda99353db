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
    # The services this member's pages call: an open breaker on any of them is an outage for them.
    services = [connection.auth_url, connection.endpoint] if connection else [settings.PLCLOUD_AUTH_URL]
    return {
        "plcloud": connection,
        "plcloud_reconnect": connection is None or expired,
        "plcloud_outage": breaker.any_open(services),
    }
