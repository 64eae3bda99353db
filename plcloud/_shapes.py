"""Checks that an unwrapped payload has the shape a call promises its caller."""

from __future__ import annotations

from plcloud.errors import ProtocolError


def as_list(payload: object, what: str) -> list:
    if not isinstance(payload, list):
        raise ProtocolError(f"expected a list of {what}, got {type(payload).__name__}")
    return payload


def as_dict(payload: object, what: str) -> dict:
    if not isinstance(payload, dict):
        raise ProtocolError(f"expected {what} as an object, got {type(payload).__name__}")
    return payload
