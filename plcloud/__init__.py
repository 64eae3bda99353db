"""Client for the Plcloud API (Keystone v2.0 identity, CDN and ticket services)."""

from plcloud.circuit import Circuit
from plcloud.client import Client, RetryPolicy
from plcloud.errors import (
    AnswerTooLarge,
    AuthError,
    CircuitOpen,
    EndpointNotFound,
    Forbidden,
    NotFound,
    PlcloudError,
    ProtocolError,
    TimedOut,
    Unavailable,
    ValidationError,
)
from plcloud.probe import identity_version

__all__ = [
    "AnswerTooLarge",
    "AuthError",
    "Circuit",
    "CircuitOpen",
    "Client",
    "EndpointNotFound",
    "Forbidden",
    "NotFound",
    "PlcloudError",
    "ProtocolError",
    "RetryPolicy",
    "TimedOut",
    "Unavailable",
    "ValidationError",
    "identity_version",
]
