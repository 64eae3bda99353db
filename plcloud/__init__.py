"""Client for the Plcloud API (Keystone v2.0 identity, CDN and ticket services)."""

from plcloud.client import Client, identity_version
from plcloud.errors import (
    AuthError,
    EndpointNotFound,
    Forbidden,
    NotFound,
    PlcloudError,
    ProtocolError,
    Unavailable,
    ValidationError,
)

__all__ = [
    "AuthError",
    "Client",
    "EndpointNotFound",
    "Forbidden",
    "NotFound",
    "PlcloudError",
    "ProtocolError",
    "Unavailable",
    "ValidationError",
    "identity_version",
]
