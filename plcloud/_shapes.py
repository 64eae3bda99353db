"""Checks that an unwrapped payload has the shape a call promises its caller."""

from __future__ import annotations

from urllib.parse import quote

from plcloud.errors import ProtocolError


def segment(value: object) -> str:
    """An id as one path segment: escaped whole, so an id Plcloud gave ("a/b", "..", "x?y") can
    never reach another path. Dots alone are escaped too: HTTP libraries resolve "." and ".."
    segments before sending."""
    text = quote(str(value), safe="")
    return text.replace(".", "%2E") if text.strip(".") == "" else text


def as_list(payload: object, what: str) -> list:
    if not isinstance(payload, list):
        raise ProtocolError(f"expected a list of {what}, got {type(payload).__name__}")
    return payload


def as_dict(payload: object, what: str) -> dict:
    if not isinstance(payload, dict):
        raise ProtocolError(f"expected {what} as an object, got {type(payload).__name__}")
    return payload
