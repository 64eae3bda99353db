from connections.models import PlcloudConnection


def plcloud_connection(request):
    """The member's connection state for the shell; reads the database only, never Plcloud."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    connection = (
        PlcloudConnection.objects.filter(user=user)
        .only("plcloud_username", "tenant_name", "region", "token_expires", "keep_connected", "endpoints")
        .first()
    )
    expired = connection is not None and connection.token_expired and not connection.keep_connected
    return {"plcloud": connection, "plcloud_reconnect": connection is None or expired}
