"""``client.cdn``: every CDN call of the vendor's guide, with its names and parameters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import parse_qs, urlsplit

import orjson

from plcloud._shapes import as_dict, as_list, segment, written, written_items
from plcloud.errors import PlcloudError, ProtocolError
from plcloud.log_window import LogWindow, Sizing

if TYPE_CHECKING:
    from plcloud.client import Client

WRAPPER = "cdn"
DOMAINS_PATH = "/cdn/domain"
# A request-log answer is read no further (AnswerTooLarge): a service that answers a whole
# window at once (the SDK has no paging) could send gigabytes. Slices aim far below it.
LOG_ANSWER_MAX_BYTES = Sizing.max_bytes


def iso(value: datetime | str | None) -> str | None:
    """Times go out as ISO 8601 UTC; a naive datetime is taken as UTC."""
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class CdnManager:
    def __init__(self, client: Client) -> None:
        self.client = client

    def _call(self, method: str, path: str, **kwargs: object) -> object:
        return self.client.call(method, path, WRAPPER, **kwargs)

    def _change(self, method: str, path: str, body: object) -> object:
        return self.client.change(method, path, WRAPPER, json=body)

    # Domains
    def list(self) -> list[dict]:
        return as_list(self._call("GET", DOMAINS_PATH), "domains")

    def list_raw(self) -> bytes:
        """``list()`` as JSON bytes, for a caller that keeps the list (a cache stores bytes as
        they are, where a thousand dicts cost it time to write) and reads it with ``parse_domains``."""
        return orjson.dumps(self.list())

    def create(
        self, domain: str, origin_ips: list[str], areas: list[str], type: str = "web", icp_record: str | None = None
    ) -> dict:
        body = {
            "domain": domain,
            "origin_ips": list(origin_ips),
            "areas": list(areas),
            "type": type,
            "icp_record": icp_record,
        }
        return written(self._change("POST", "/cdn/domain", {"domain": body}))

    def update(self, domain_id: int | str, **kwargs: object) -> dict:
        return written(self._change("PUT", f"/cdn/domain/{segment(domain_id)}", {"domain": kwargs}))

    def get(self, domain_id: int | str) -> dict:
        return as_dict(self._call("GET", f"/cdn/domain/{segment(domain_id)}"), "a domain")

    def delete(self, domain_id: int | str) -> None:
        self.client.call("DELETE", f"/cdn/domain/{segment(domain_id)}", None)

    # Traffic and balance
    def flow(
        self,
        domain_id: int | str,
        start_at: datetime | str | None = None,
        end_at: datetime | str | None = None,
        interval: int | None = None,
    ) -> list[dict]:
        params = _present(start_at=iso(start_at), end_at=iso(end_at), interval=interval)
        return as_list(self._call("GET", f"/cdn/flow/{segment(domain_id)}", params=params or None), "flow points")

    def recharge(self, flow: int) -> dict:
        return written(self._change("POST", f"/recharge/{segment(self._project_id())}/cdn_flow", {"flow": flow}))

    def balance(self) -> dict:
        """The prepaid traffic balance (the sandbox's extension; not an SDK call)."""
        return as_dict(self._call("GET", f"/recharge/{segment(self._project_id())}/cdn_flow"), "a balance")

    def _project_id(self) -> str:
        if self.client.tenant_id is None:
            self.client.authenticate()
        if not self.client.tenant_id:
            raise PlcloudError("recharge needs the tenant id: give tenant_id or sign in with a password")
        return self.client.tenant_id

    # Common URLs
    def create_urls(self, urls: list[str]) -> list[dict] | None:
        """The common URLs made, as the answer lists them; None when it names none (the SDK reads an
        object here, whose fields are not known: the URLs were made all the same)."""
        return written_items(self._change("POST", "/cdn/urls", {"urls": list(urls)}), "urls")

    def list_urls(self) -> list[dict]:
        return as_list(self._call("GET", "/cdn/urls"), "common URLs")

    def delete_urls(self, url_id: int | str) -> None:
        self.client.call("DELETE", f"/cdn/urls/{segment(url_id)}", None)

    # Jobs
    def cache_flush(self, domain_id: int | str, urls: list[str] | None = None, dirs: list[str] | None = None) -> dict:
        body: dict = {"domain_id": domain_id}
        if urls:
            body["urls"] = list(urls)
        if dirs:
            body["dirs"] = list(dirs)
        return written(self._change("PUT", "/cdn/cache_flush", {"domain": body}))

    def prefetch(self, urls: list[str]) -> dict:
        return written(self._change("PUT", "/cdn/prefetch", {"urls": list(urls)}))

    def prefetch_query(self, request_id: str) -> dict:
        return as_dict(self._call("GET", f"/cdn/prefetch/{segment(request_id)}"), "a prefetch status")

    # Request logs
    def request_log(
        self,
        domain_id: int | str,
        type: str = "cache",
        start_at: datetime | str | None = None,
        end_at: datetime | str | None = None,
        limit: int | None = None,
        marker: str | None = None,
    ) -> list[dict]:
        """One answer of the log, as the SDK's call reads it: the first page unless ``marker`` is
        given (the whole window from a service that does not page), read no further than
        LOG_ANSWER_MAX_BYTES (AnswerTooLarge past it: ask for a shorter window, or use
        ``iter_request_log``)."""
        return self.request_log_answer(domain_id, type, start_at, end_at, limit=limit, marker=marker).entries

    def request_log_page(
        self,
        domain_id: int | str,
        type: str = "cache",
        start_at: datetime | str | None = None,
        end_at: datetime | str | None = None,
        *,
        limit: int | None = None,
        marker: str | None = None,
    ) -> tuple[list[dict], str | None]:
        """One page and the marker of the next one (``None`` at the end of the window, or from a
        service that does not page)."""
        answer = self.request_log_answer(domain_id, type, start_at, end_at, limit=limit, marker=marker)
        return answer.entries, answer.marker

    def request_log_answer(
        self,
        domain_id: int | str,
        type: str = "cache",
        start_at: datetime | str | None = None,
        end_at: datetime | str | None = None,
        *,
        limit: int | None = None,
        marker: str | None = None,
        max_bytes: int = LOG_ANSWER_MAX_BYTES,
    ) -> LogAnswer:
        """One answer: its entries, the next page's marker if it offers one, and its size in bytes.
        Read no further than ``max_bytes``: past that AnswerTooLarge, and nothing is kept."""
        params = _present(
            domain_id=domain_id, type=type, start_at=iso(start_at), end_at=iso(end_at), limit=limit, marker=marker
        )
        # Paging sits beside the wrapper key (``cdn_links``), so this call reads the whole document.
        answer = self.client.call("GET", "/cdn/request_log", None, params=params, max_bytes=max_bytes)
        document = as_dict(answer.document, "a log page")
        if WRAPPER not in document:
            raise ProtocolError(f"the answer has no {WRAPPER!r} key", method="GET", path="/cdn/request_log")
        entries = as_list(document.get(WRAPPER), "log entries")
        return LogAnswer(entries, next_marker(document.get(f"{WRAPPER}_links")), answer.size)

    def iter_request_log(
        self,
        domain_id: int | str,
        type: str = "cache",
        start_at: datetime | str | None = None,
        end_at: datetime | str | None = None,
        *,
        page_size: int = 10_000,
    ) -> Iterator[list[dict]]:
        """Every entry of the window ``[start_at, end_at)`` in order, one answer at a time, each of
        at most ``page_size`` entries from a service that pages: the window is read in time slices
        (``plcloud.log_window``), so memory holds one answer whether the service pages or not."""
        if start_at is None or end_at is None:
            raise ValueError("iter_request_log reads a window: give start_at and end_at")
        window = LogWindow(self, domain_id, type, start_at, end_at, sizing=Sizing.for_limit(page_size))
        position = window.first()
        while position is not None:
            piece = window.read(position)
            if piece.entries:
                yield piece.entries
            position = piece.next


def parse_domains(body: bytes) -> list[dict]:
    """A domain list kept from ``CdnManager.list_raw``, read again; ProtocolError when it is not one."""
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ProtocolError("the kept domain list is not JSON", method="GET", path=DOMAINS_PATH) from None
    return as_list(payload, "domains")


class LogAnswer(NamedTuple):
    entries: list[dict]
    marker: str | None  # the next page's, when the answer offers one
    size: int  # bytes


def next_marker(links: object) -> str | None:
    if not isinstance(links, list):
        return None
    for link in links:
        if isinstance(link, dict) and link.get("rel") == "next" and isinstance(link.get("href"), str):
            markers = parse_qs(urlsplit(link["href"]).query).get("marker")
            if markers:
                return markers[0]
    return None


def _present(**params: object) -> dict:
    return {key: value for key, value in params.items() if value is not None}
