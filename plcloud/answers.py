"""Reading Plcloud's answers: the body (capped when asked), the error class for a refusal, the
payload under its wrapper key. Shared by the client and the identity probe."""

from __future__ import annotations

import orjson
import requests

from plcloud.errors import (
    AnswerTooLarge,
    AuthError,
    Forbidden,
    NotFound,
    PlcloudError,
    ProtocolError,
    Unavailable,
    ValidationError,
)

# A capped answer is read in pieces of this size, so it is never read much past its cap.
CAPPED_READ_CHUNK = 256 * 1024


def read_capped(response: requests.Response, limit: int, method: str, path: str) -> None:
    """Read a streamed answer's body into ``response`` (where ``response.content`` finds it), but
    not past ``limit`` bytes: a longer one raises AnswerTooLarge and its connection is closed, so
    the server stops sending. WIRE.md does not say how much a request-log answer may hold, and a
    service that answers a whole window at once would otherwise fill the memory."""
    declared = response.headers.get("Content-Length", "")
    body = bytearray()
    if not (declared.isdigit() and int(declared) > limit):
        for chunk in response.iter_content(CAPPED_READ_CHUNK):
            body += chunk
            if len(body) > limit:
                break
        else:
            response._content = bytes(body)  # what requests itself keeps once a body is read
            response.close()  # read to its end: the connection goes back to the pool
            return
    response.close()  # not read to its end: the connection is closed, never reused
    raise AnswerTooLarge(
        f"the answer is larger than the {limit:,} bytes the client reads at once",
        status_code=response.status_code,
        method=method,
        path=path,
    )


def read_answer(response: requests.Response, method: str, path: str) -> object:
    status = response.status_code
    if status >= 400 or 300 <= status < 400:
        raise error_for(response, method, path)
    # The SDK reads no payload from a DELETE, so whatever body a server adds is not ours to judge.
    if status == 204 or method == "DELETE" or not response.content:
        return None
    try:
        # orjson: a request-log page is several MB, and it parses them in about two thirds of the
        # time json takes (straight from the bytes, where requests first decodes them to text).
        return orjson.loads(response.content)
    except ValueError:
        raise ProtocolError("the answer is not valid JSON", status_code=status, method=method, path=path) from None


_CLASS_BY_STATUS = {
    400: ValidationError,
    401: AuthError,
    403: Forbidden,
    404: NotFound,
    409: ValidationError,
    413: ValidationError,
    422: ValidationError,
    429: Unavailable,
}


def error_for(response: requests.Response, method: str, path: str) -> PlcloudError:
    status = response.status_code
    if 300 <= status < 400:
        return ProtocolError(
            "unexpected redirect; not followed with the token", status_code=status, method=method, path=path
        )
    if status >= 500:
        return Unavailable("Plcloud failed to answer (server error)", status_code=status, method=method, path=path)
    cls = _CLASS_BY_STATUS.get(status, PlcloudError)
    return cls(
        server_message(response) or response.reason or "request refused", status_code=status, method=method, path=path
    )


def server_message(response: requests.Response) -> str:
    """The message from Keystone's ``{"error": {"message"}}`` or a similar body, if any."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if isinstance(body, dict):
        for value in body.values():
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"][:1000]
        if isinstance(body.get("message"), str):
            return body["message"][:1000]
    return ""


def unwrap(document: object, wrapper: str, method: str, path: str) -> object:
    if not isinstance(document, dict) or wrapper not in document:
        raise ProtocolError(f"the answer has no {wrapper!r} key", method=method, path=path)
    return document[wrapper]
