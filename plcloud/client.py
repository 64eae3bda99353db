"""The Plcloud client: Keystone v2.0 sign-in, then CDN and ticket calls over one session."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import requests
import urllib3

from plcloud.answers import read_answer, read_capped, unwrap
from plcloud.cdn import CdnManager
from plcloud.circuit import Circuit
from plcloud.errors import (
    AuthError,
    Forbidden,
    NotFound,
    PlcloudError,
    ProtocolError,
    TimedOut,
    Unavailable,
    ValidationError,
)
from plcloud.identity import ENDPOINT_TYPES, Access, parse_access, token_request
from plcloud.tickets import TicketManager

log = logging.getLogger("plcloud")

DEFAULT_TIMEOUT = (3.05, 30.0)
# Renew a little before the token's stated expiry so a call never leaves with a token
# that dies in flight.
EXPIRY_MARGIN = timedelta(seconds=30)
USER_AGENT = "plcloud-panel/1.0 (python-requests)"


class CappedAnswer(NamedTuple):
    """What ``Client.call(..., max_bytes=N)`` gives: the parsed document and the bytes it took."""

    document: object
    size: int


@dataclass(frozen=True)
class RetryPolicy:
    """Which calls are tried again after a server error or a dropped connection, and how.

    Our own loop rather than urllib3's ``Retry`` on the session's adapter: the client accepts a
    caller's session, and mounting an adapter on it would change the caller's other calls; urllib3
    would also retry a read timeout (a slow service stays slow, and the page must answer within
    the timeout plus a second) and report the last 5xx as its own ``RetryError``; and a circuit
    breaker must see one outcome per call, after the retries. Only GET and HEAD are retried: a
    POST, PUT or DELETE whose answer was lost may have been carried out, so it is never sent
    twice. A timeout and a 429 are not retried either.

    Waits are "full jitter" (uniform between 0 and the capped exponential step), so many clients
    failing together do not retry in step. The defaults add at most 0.2 + 0.4 = 0.6 s.
    """

    attempts: int = 3  # in all, the first one included
    backoff: float = 0.2  # the first wait's upper bound in seconds, doubled for each further one
    cap: float = 0.5  # no single wait is longer
    methods: frozenset[str] = frozenset({"GET", "HEAD"})

    def tries(self, method: str) -> int:
        return max(1, self.attempts) if method in self.methods else 1

    def wait(self, retry: int) -> float:
        return random.uniform(0, min(self.cap, self.backoff * 2**retry))


NO_RETRY = RetryPolicy(attempts=1)


class Client:
    """A Plcloud client for one identity: ``Client(username=, password=, tenant_name=, auth_url=)``.

    With ``token`` and ``endpoint`` (and ``tenant_id`` for recharge) it skips Keystone.
    With a password it signs in on first use and again once when a call answers 401.
    """

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        tenant_name: str | None = None,
        auth_url: str | None = None,
        region_name: str | None = None,
        endpoint_type: str = "publicURL",
        token: str | None = None,
        endpoint: str | None = None,
        tenant_id: str | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        token_expires: datetime | None = None,
        on_authenticated: Callable[[Client], None] | None = None,
        on_answer: Callable[[str, str, bytes], None] | None = None,
        on_token_checked: Callable[[Client, bool], None] | None = None,
        retry: RetryPolicy | None = None,
        circuit: Circuit | None = None,
    ) -> None:
        if endpoint_type not in ENDPOINT_TYPES:
            raise ValueError(f"endpoint_type must be one of {', '.join(ENDPOINT_TYPES)}")
        if not (token and endpoint) and not (username and password and auth_url):
            raise ValueError("give username, password and auth_url, or token and endpoint")
        self.username = username
        self._password = password
        self.tenant_name = tenant_name
        self.auth_url = auth_url.rstrip("/") if auth_url else None
        self.region_name = region_name
        self.endpoint_type = endpoint_type
        self.timeout = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        self._token = token
        self._endpoint = endpoint.rstrip("/") if endpoint else None
        self._tenant_id = tenant_id
        self._token_expires = token_expires
        # Called after every sign-in, so a caller can store the renewed token at once.
        self.on_authenticated = on_authenticated
        # Called with (method, path, body) for every answer read to a call made with the token
        # (never a sign-in's, whose body holds a token), so a caller can keep it as it came.
        self.on_answer = on_answer
        # Called with True when a service call ends refused for the session (a 401 this client
        # could not get past), False when one succeeds: so a caller can show the session's state.
        self.on_token_checked = on_token_checked
        self.retry = retry or RetryPolicy()
        self._renewal_refused = False
        # A caller's circuit breaker (plcloud.circuit.Circuit); None sends every call.
        self.circuit = circuit
        self.access: Access | None = None
        # A caller's session stays the caller's: close() only closes one made here.
        self._own_session = session is None
        self.session = session or requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        self.cdn = CdnManager(self)
        self.ticket = TicketManager(self)

    def __repr__(self) -> str:
        tenant = self.tenant_name or self._tenant_id
        return f"<plcloud.Client user={self.username!r} tenant={tenant!r} endpoint={self._endpoint!r}>"

    # What a caller may read and store after sign-in.
    @property
    def token(self) -> str | None:
        return self._token

    @property
    def token_expires(self) -> datetime | None:
        return self._token_expires

    @property
    def tenant_id(self) -> str | None:
        return self._tenant_id or (self.access.tenant_id if self.access else None)

    @property
    def user_id(self) -> str | None:
        return self.access.user_id if self.access else None

    @property
    def endpoint(self) -> str | None:
        return self._endpoint

    @property
    def can_reauthenticate(self) -> bool:
        return bool(self.username and self._password and self.auth_url)

    def regions(self) -> list[str]:
        """The catalog's regions for the Plcloud service (signs in if needed)."""
        if self.access is None:
            self.authenticate()
        return self.access.regions() if self.access else []

    def authenticate(self) -> Access:
        if not self.can_reauthenticate:
            raise AuthError("the token is no longer valid and no password is held to renew it")
        body = token_request(self.username, self._password, tenant_name=self.tenant_name, tenant_id=self._tenant_id)
        document = self._send(
            "POST", f"{self.auth_url}/tokens", "/tokens", json=body, token=None, service=self.auth_url
        )
        access = parse_access(document)
        endpoint, region = access.endpoint(self.region_name, self.endpoint_type)
        self.access = access
        self._token = access.token
        self._token_expires = access.expires
        self._tenant_id = access.tenant_id or self._tenant_id
        self._endpoint = endpoint
        self.region_name = region or self.region_name
        if self.on_authenticated:
            self.on_authenticated(self)
        return access

    def close(self) -> None:
        if self._own_session:
            self.session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # One service call: sign in when needed, renew once on 401, unwrap the payload
    # (``wrapper=None`` gives the whole document: ``None`` for a 204). With ``max_bytes`` the answer
    # is streamed and read no further than that (AnswerTooLarge), and the call gives a
    # CappedAnswer (use it with ``wrapper=None``).
    def call(
        self,
        method: str,
        path: str,
        wrapper: str | None,
        *,
        json: object = None,
        params: dict | None = None,
        max_bytes: int | None = None,
    ) -> object:
        try:
            document = self._call_signed_in(method, path, json=json, params=params, max_bytes=max_bytes)
        except AuthError as error:
            if self.on_token_checked and not isinstance(error, Forbidden):
                self.on_token_checked(self, True)
            raise
        self._renewal_refused = False
        if self.on_token_checked:
            self.on_token_checked(self, False)
        if wrapper is None:
            return document
        return unwrap(document, wrapper, method, path)

    def _call_signed_in(
        self, method: str, path: str, *, json: object, params: dict | None, max_bytes: int | None
    ) -> object:
        if self._token is None or self._endpoint is None or self._expired():
            self.authenticate()
        try:
            return self._send_service(method, path, json=json, params=params, max_bytes=max_bytes)
        except AuthError as error:
            if isinstance(error, Forbidden) or not self.can_reauthenticate or self._renewal_refused:
                raise
            # Once: a token refused right after a fresh sign-in means the account itself is refused,
            # and this client stops signing in again until some call succeeds.
            self.authenticate()
            try:
                return self._send_service(method, path, json=json, params=params, max_bytes=max_bytes)
            except AuthError as again:
                self._renewal_refused = not isinstance(again, Forbidden)
                raise

    def change(self, method: str, path: str, wrapper: str, *, json: object = None) -> object:
        """A call that changes something. Once Plcloud answered 2xx the change was made, so its
        answer is taken as it came (WIRE.md fixes the SDK's shapes, not the service's): the payload
        under ``wrapper`` when it is there, else the whole document; None when the body was not
        JSON. Never a ProtocolError after the change was made: the caller records what came."""
        try:
            document = self.call(method, path, None, json=json)
        except ProtocolError as error:
            if error.status_code is None or not 200 <= error.status_code < 300:
                raise
            log.info("%s %s answered %s with a body that is not JSON; taken as done", method, path, error.status_code)
            return None
        if isinstance(document, dict) and wrapper in document:
            return document[wrapper]
        if document is not None:
            log.info("%s %s answered without its %r key; taken as done", method, path, wrapper)
        return document

    def _expired(self) -> bool:
        if self._token_expires is None or not self.can_reauthenticate:
            return False
        return datetime.now(UTC) >= self._token_expires - EXPIRY_MARGIN

    def _send_service(
        self, method: str, path: str, *, json: object, params: dict | None, max_bytes: int | None = None
    ) -> object:
        endpoint = self._endpoint
        return self._send(
            method, endpoint + path, path, json=json, params=params, token=self._token, service=endpoint,
            max_bytes=max_bytes,
        )  # fmt: skip

    def _send(
        self,
        method: str,
        url: str,
        path: str,
        *,
        json: object,
        token: str | None,
        service: str,
        params: dict | None = None,
        max_bytes: int | None = None,
    ) -> object:
        """One call as the caller sees it: the circuit asked first, retries inside, one outcome told."""
        circuit = self.circuit
        if circuit is not None:
            circuit.allow(service)
        try:
            document = self._send_with_retries(
                method, url, path, json=json, token=token, params=params, max_bytes=max_bytes
            )
        except Unavailable as error:
            if circuit is not None:
                circuit.failed(service, error)
            raise
        except (AuthError, NotFound, ValidationError, ProtocolError):
            if circuit is not None:
                circuit.succeeded(service)  # it answered; the answer is another matter
            raise
        if circuit is not None:
            circuit.succeeded(service)
        return document

    def _send_with_retries(
        self,
        method: str,
        url: str,
        path: str,
        *,
        json: object,
        token: str | None,
        params: dict | None,
        max_bytes: int | None = None,
    ) -> object:
        tries = self.retry.tries(method)
        for attempt in range(1, tries + 1):
            try:
                return self._send_once(method, url, path, json=json, token=token, params=params, max_bytes=max_bytes)
            except TimedOut:
                raise
            except Unavailable as error:
                if attempt >= tries or error.status_code == 429:
                    raise
                wait = self.retry.wait(attempt - 1)
                log.info(
                    "%s %s failed (%s); retry %d of %d in %.2f s",
                    method, path, error.status_code or "no answer", attempt, tries - 1, wait,
                )  # fmt: skip
                time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(
        self,
        method: str,
        url: str,
        path: str,
        *,
        json: object,
        token: str | None,
        params: dict | None,
        max_bytes: int | None = None,
    ) -> object:
        headers = {"X-Auth-Token": token} if token else {}
        started = time.monotonic()
        try:
            response = self.session.request(
                method, url, json=json, params=params, headers=headers, timeout=self.timeout, allow_redirects=False,
                stream=max_bytes is not None,
            )  # fmt: skip
            if max_bytes is not None:
                read_capped(response, max_bytes, method, path)
        except requests.ConnectTimeout:
            raise TimedOut("could not connect to Plcloud in time", method=method, path=path, sent=False) from None
        except requests.Timeout:
            raise TimedOut("Plcloud did not answer in time", method=method, path=path) from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if _never_connected(exc):
                raise Unavailable(
                    "could not reach Plcloud (connection refused)", method=method, path=path, sent=False
                ) from None
            raise Unavailable("the connection to Plcloud was dropped", method=method, path=path) from None
        except requests.RequestException as exc:
            raise PlcloudError(
                f"the request could not be sent ({type(exc).__name__})", method=method, path=path, sent=False
            ) from None
        log.debug("%s %s -> %s in %.0f ms", method, path, response.status_code, (time.monotonic() - started) * 1000)
        document = read_answer(response, method, path)
        if token is not None and self.on_answer is not None:
            self.on_answer(method, path, response.content)
        if max_bytes is not None:
            return CappedAnswer(document, len(response.content))
        return document


def _never_connected(error: requests.RequestException) -> bool:
    """Whether the connection failed before a byte of the request left: refused, unresolvable
    host, connect timeout (urllib3 reports them all as a ConnectTimeoutError under MaxRetryError).
    A connection dropped after that may have carried the request to Plcloud."""
    reason = getattr(error.args[0] if error.args else None, "reason", None)
    return isinstance(reason, urllib3.exceptions.ConnectTimeoutError)
