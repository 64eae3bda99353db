"""Whether Plcloud's identity service answers: its version document, without signing in."""

from __future__ import annotations

import requests

from plcloud.answers import error_for, read_answer
from plcloud.circuit import Circuit
from plcloud.client import DEFAULT_TIMEOUT
from plcloud.errors import ProtocolError, TimedOut, Unavailable


def identity_version(
    auth_url: str, *, timeout: float | tuple[float, float] = DEFAULT_TIMEOUT, circuit: Circuit | None = None
) -> dict:
    """The identity service's version document; a cheap way to tell it is reachable."""
    service = auth_url.rstrip("/")
    if circuit is not None:
        circuit.allow(service)
    try:
        with requests.Session() as session:
            try:
                response = session.get(service + "/", timeout=timeout, allow_redirects=False)
            except requests.Timeout:
                raise TimedOut("Plcloud identity did not answer in time", method="GET", path="/") from None
            except requests.RequestException:
                raise Unavailable("could not reach Plcloud identity", method="GET", path="/") from None
        if response.status_code >= 500:
            raise error_for(response, "GET", "/")
    except Unavailable as error:
        if circuit is not None:
            circuit.failed(service, error)
        raise
    if circuit is not None:
        circuit.succeeded(service)
    document = read_answer(response, "GET", "/")
    if not isinstance(document, dict) or not isinstance(document.get("version"), dict):
        raise ProtocolError("the identity answer is not a Keystone version document", method="GET", path="/")
    return document["version"]
