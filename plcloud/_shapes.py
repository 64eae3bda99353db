"""How an answer's payload becomes what a caller gets: one place per rule.

Reads are checked: a caller cannot go on without the list or object it asked for, so another
shape is a ProtocolError (the page says Plcloud's answer could not be read). A list is accepted
as keystoneclient's ``_list`` accepts it: bare, or as ``{"values": [...]}`` under the wrapper.

Changes are not: once Plcloud answered 2xx the change was made, so whatever came is taken
(``Client.change``) and read with ``written`` / ``written_items``, which never fail.
"""

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
    if isinstance(payload, dict) and isinstance(payload.get("values"), list):
        payload = payload["values"]
    if not isinstance(payload, list):
        raise ProtocolError(f"expected a list of {what}, got {type(payload).__name__}")
    return payload


def as_dict(payload: object, what: str) -> dict:
    if not isinstance(payload, dict):
        raise ProtocolError(f"expected {what} as an object, got {type(payload).__name__}")
    return payload


def written(payload: object) -> dict:
    """What a change's answer says, as an object: empty when it said nothing the panel can read."""
    return payload if isinstance(payload, dict) else {}


def written_items(payload: object, key: str) -> list[dict] | None:
    """The items a change's answer lists (bare, or under ``key`` or ``values``); None when it
    lists none, so a caller can tell "no items named" from "none made"."""
    if isinstance(payload, dict):
        payload = payload.get(key, payload.get("values"))
    if not isinstance(payload, list):
        return None
    return [item for item in payload if isinstance(item, dict)]
