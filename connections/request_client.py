"""The member's Plcloud client for one request: what views use (services take a client)."""

from __future__ import annotations

from connections.models import PlcloudConnection
from connections.problems import ReconnectNeeded
from connections.services import client_from
from plcloud import Client


def client_for_request(request) -> Client:
    """One client per request, however many calls the view makes."""
    if not hasattr(request, "_plcloud_client"):
        try:
            request._plcloud_client = client_from(request_connection(request))
        except ReconnectNeeded as error:
            request._plcloud_client = _NoClient(error)
    return request._plcloud_client


class _NoClient:
    """The client of a member who cannot have one now (not connected, session expired): the
    first call raises why, inside the service that audits the attempt, as a refusal would."""

    def __init__(self, error: ReconnectNeeded) -> None:
        self._error = error

    def __getattr__(self, name: str):
        raise self._error


def request_connection(request) -> PlcloudConnection | None:
    """The member's connection, as loaded with them for this request (accounts.backends)."""
    try:
        return request.user.plcloud
    except PlcloudConnection.DoesNotExist:
        return None
