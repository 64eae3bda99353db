"""What every handler speaks in: the parsed request, the answer, the error, and time on the wire."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    411: "Length Required",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ApiError(Exception):
    """An answer other than success; the server turns it into Keystone's error body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def not_found(message: str = "The resource could not be found.") -> ApiError:
    return ApiError(404, message)


def error_document(status: int, message: str) -> dict:
    return {"error": {"code": status, "title": TITLES.get(status, "Error"), "message": message}}


@dataclass
class Response:
    status: int = 200
    document: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # Set when the handler already has the encoded body (large request-log pages).
    raw: bytes | None = None
    # Set for an answer too long to hold (the sdk profile's whole request-log window): sent in
    # chunks as it is made, so the sandbox's memory stays flat however long the answer.
    stream: Iterator[bytes] | None = None

    def body(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.document is None:
            return b""
        return dumps(self.document)


def dumps(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(", ", ": ")).encode()


def no_content() -> Response:
    return Response(204)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any  # http.client.HTTPMessage: case-insensitive
    body: bytes
    base_url: str
    params: dict[str, str] = field(default_factory=dict)
    auth: Any = None  # identity.Auth for service calls

    def json(self) -> Any:
        """The body as JSON; an empty or unreadable body is a 400, never a 500."""
        if not self.body.strip():
            raise bad_request("request body: expected a JSON document")
        try:
            return json.loads(self.body.decode("utf-8"), parse_constant=_no_constants)
        except UnicodeDecodeError:
            raise bad_request("request body: is not UTF-8") from None
        except (ValueError, RecursionError) as error:
            raise bad_request(f"request body: is not valid JSON ({_short(error)})") from None

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _short(error: Exception) -> str:
    return str(error).split(":")[0][:80]


def iso(ts: float) -> str:
    """A time as the wire shows objects' times: whole seconds, UTC, ``Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(math.floor(ts)))


def parse_time(value: str, name: str) -> datetime:
    """ISO 8601 with any offset; a time without one is UTC."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise bad_request(f"{name}: {quoted(value)} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def micros(moment: datetime) -> int:
    """Exact microseconds since the epoch: floats would blur request-log window edges."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def quoted(value: object, limit: int = 100) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) > limit:
        text = text[:limit] + "…"
    return f"'{text}'"
