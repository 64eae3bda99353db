"""The one way views and tasks reach Plcloud: a member's client from their stored token.

Writes (connect, switch region, disconnect, re-encrypt) live here too; connections.problems turns
``plcloud.errors`` into sentences a person understands.
"""

from __future__ import annotations

import http.cookiejar
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audited, record
from connections.breaker import CacheBreaker
from connections.models import PlcloudConnection
from connections.problems import Problem, ReconnectNeeded, explain
from connections.tenancy import Tenant
from plcloud import (
    Client,
    PlcloudError,
)
from plcloud_panel.crypto import Undecryptable, decrypt, encrypt, rotate

T = TypeVar("T")


_local = threading.local()


def _shared_session() -> requests.Session:
    """This thread's HTTP session, kept from one request to the next so that calls reuse open
    connections (no new TCP and TLS handshake per page). Members never share anything through
    it: tokens go in each request's headers, redirects are not followed, and cookies are refused."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        _local.session = session
    return session


def _client_kwargs() -> dict:
    # The client retries reads itself (plcloud.RetryPolicy); the breaker is shared through the cache.
    return {
        "timeout": (settings.PLCLOUD_CONNECT_TIMEOUT, settings.PLCLOUD_READ_TIMEOUT),
        "circuit": CacheBreaker(),
        "session": _shared_session(),
    }


def allowed_auth_urls() -> list[str]:
    return list(settings.PLCLOUD_AUTH_URLS)


def connect(
    *,
    user,
    username: str,
    password: str,
    tenant_name: str,
    auth_url: str,
    region: str | None = None,
    keep: bool = False,
) -> PlcloudConnection:
    """Sign in to Plcloud as the member and store what is needed to act for them."""
    if auth_url not in allowed_auth_urls():
        raise ValueError("identity endpoint not offered by this panel")
    client = Client(
        username=username,
        password=password,
        tenant_name=tenant_name,
        auth_url=auth_url,
        region_name=region or None,
        **_client_kwargs(),
    )
    with audited(actor=user, action="connection.connect", object_type="connection") as row:
        row["object_id"] = f"{username}@{tenant_name}"  # until the connection is stored
        access = client.authenticate()
        endpoints = {name: access.endpoint(name, client.endpoint_type)[0] for name in access.regions()}
        connection, _created = PlcloudConnection.objects.update_or_create(
            user=user,
            defaults={
                "auth_url": auth_url,
                "plcloud_username": username,
                "tenant_name": tenant_name,
                "tenant_id": client.tenant_id or "",
                "plcloud_user_id": client.user_id or "",
                "region": client.region_name or "",
                "endpoint": client.endpoint,
                "endpoints": endpoints,
                "token_encrypted": encrypt(client.token),
                "token_expires": client.token_expires,
                "keep_connected": keep,
                "password_encrypted": encrypt(password) if keep else "",
                "connected_at": timezone.now(),
                "last_error": "",
            },
        )
        row["object_id"] = str(connection)
        row["detail"] = {"region": connection.region, "keep_connected": keep}
    return connection


def switch_region(*, user, region: str) -> PlcloudConnection:
    connection = PlcloudConnection.objects.get(user=user)
    if region not in connection.endpoints:
        raise ValueError("region not in the catalog")
    old = connection.region
    connection.region, connection.endpoint = region, connection.endpoints[region]
    connection.save(update_fields=["region", "endpoint"])
    record(
        actor=user,
        action="connection.region",
        object_type="connection",
        object_id=str(connection),
        detail={"old": old, "new": region},
    )
    return connection


def disconnect(*, user, actor=None) -> None:
    """Delete the member's connection, its token and password with it (``actor``: an admin doing it)."""
    connection = PlcloudConnection.objects.filter(user=user).first()
    if connection is None:
        return
    connection.delete()
    # Under the tenant it was connected to: the change is about that account's access.
    tenant = Tenant(connection.tenant_id, connection.region)
    record(
        actor=actor or user,
        action="connection.disconnect",
        object_type="connection",
        object_id=user.username,
        tenant=tenant,
    )


def client_for(user, *, tenant: Tenant | None = None) -> Client:
    """The member's client, from the stored token; renews and stores the token when allowed.

    ``tenant``: the work is for that Plcloud tenant (a job made under it); a member connected to
    another one now must connect to it again first, so nothing is ever sent to the wrong account.
    """
    connection = PlcloudConnection.objects.filter(user=user).first()
    if tenant is not None and connection is not None and connection.tenant_id != tenant.tenant_id:
        raise ReconnectNeeded(
            _(
                "This was started under another Plcloud tenant than the one you are connected to now. "
                "Connect to that tenant again to let it go on."
            )
        )
    return _client_from(connection)


def client_for_request(request) -> Client:
    """One client per request, however many calls the view makes."""
    pending = getattr(request, "_plcloud_pending", None)
    if pending is not None:
        pending.wait()  # one call at a time on the request's client and HTTP session
    if not hasattr(request, "_plcloud_client"):
        try:
            request._plcloud_client = _client_from(request_connection(request))
        except ReconnectNeeded as error:
            request._plcloud_client = _NoClient(error)
    return request._plcloud_client


class _NoClient:
    """The client of a member who cannot have one now (not connected, session expired): the
    first call raises why, inside the service that audits the attempt, as a refusal would."""

    def __init__(self, error: ReconnectNeeded) -> None:
        self._error = error

    def __getattr__(self, name: str):
        raise self._error


def request_connection(request) -> PlcloudConnection | None:
    """The member's connection, as loaded with them for this request (accounts.backends)."""
    try:
        return request.user.plcloud
    except PlcloudConnection.DoesNotExist:
        return None


def _client_from(connection: PlcloudConnection | None) -> Client:
    if connection is None:
        raise ReconnectNeeded(_("Connect your Plcloud account first."))
    try:
        token = decrypt(connection.token_encrypted)
        password = decrypt(connection.password_encrypted) if connection.keep_connected else None
    except Undecryptable:
        raise ReconnectNeeded(_("Your stored Plcloud connection can no longer be read. Connect again.")) from None
    if connection.token_expired and not password:
        raise ReconnectNeeded(_("Your Plcloud session has expired. Connect again."))
    return Client(
        username=connection.plcloud_username,
        password=password,
        tenant_name=connection.tenant_name,
        auth_url=connection.auth_url,
        region_name=connection.region,
        token=token,
        endpoint=connection.endpoint,
        tenant_id=connection.tenant_id,
        token_expires=connection.token_expires,
        on_authenticated=lambda client: _store_renewed(connection, client),
        **_client_kwargs(),
    )


def _store_renewed(connection: PlcloudConnection, client: Client) -> None:
    connection.token_encrypted = encrypt(client.token)
    connection.token_expires = client.token_expires
    connection.endpoint = client.endpoint
    connection.last_error = ""
    PlcloudConnection.objects.filter(pk=connection.pk).update(
        token_encrypted=connection.token_encrypted,
        token_expires=connection.token_expires,
        endpoint=connection.endpoint,
        last_error="",
    )


def reencrypt_all() -> tuple[int, int]:
    """Re-encrypt every stored secret under the newest key; rows no key opens are counted, kept."""
    done = unreadable = 0
    for connection in PlcloudConnection.objects.select_for_update().iterator():
        try:
            connection.token_encrypted = rotate(connection.token_encrypted)
            if connection.password_encrypted:
                connection.password_encrypted = rotate(connection.password_encrypted)
        except Undecryptable:
            unreadable += 1
            continue
        connection.save(update_fields=["token_encrypted", "password_encrypted"])
        done += 1
    return done, unreadable


def read(request, call: Callable[[Client], T]) -> tuple[T | None, Problem | None]:
    """Run a read against the member's client: its value, or the problem to show instead.

    Never an empty result in place of a failure, so an outage does not look like "no data".
    """
    try:
        return call(client_for_request(request)), None
    except PlcloudError as error:
        return None, explain(error)


# Reads started ahead: while Plcloud works on the answer (another machine, or another process
# here), the request's own thread renders what does not depend on it. A thread waiting on a socket
# holds no lock, so this overlaps the wait, not Python work. Bounded: past this many reads in
# flight in one process, a read waits for a thread.
_ahead = ThreadPoolExecutor(max_workers=8, thread_name_prefix="plcloud-read")


class Pending(Generic[T]):
    """A read running in the background for one request; ``result()`` waits for it."""

    def __init__(self, outcome: tuple[T | None, Problem | None] = (None, None)) -> None:
        self._outcome = outcome
        self._running: tuple | None = None

    def _start(self, request, client: Client, call: Callable[[Client], T]) -> None:
        # The token renewal callback writes to the database: held back until the result is taken.
        store, renewed = client.on_authenticated, []
        client.on_authenticated = renewed.append
        started = threading.Event()

        def run(client: Client) -> T:
            started.set()
            return call(client)

        self._running = (request, client, store, renewed, _ahead.submit(run, client))
        request._plcloud_pending = self
        # Until the other thread runs: it then holds the interpreter until its request is on the
        # wire, instead of waiting behind this thread's rendering for a switch.
        started.wait()

    def wait(self) -> None:
        """Until the call is over; then a renewed token is stored, from the request's thread."""
        if self._running is None:
            return
        (request, client, store, renewed, future), self._running = self._running, None
        request._plcloud_pending = None
        try:
            self._outcome = (future.result(), None)
        except PlcloudError as error:
            # explain() here, not in the background thread: the language is the request thread's.
            self._outcome = (None, explain(error))
        finally:
            client.on_authenticated = store
            for renewal in renewed if store else []:
                store(renewal)

    def result(self) -> tuple[T | None, Problem | None]:
        self.wait()
        return self._outcome


def read_ahead(request, call: Callable[[Client], T]) -> Pending[T]:
    """``read()``, started now in another thread: render what does not need the answer, then take
    ``result()``. The call must touch Plcloud and the cache only (no database: the background
    thread has no part in the request's transaction). Until the result is taken, this request's
    other Plcloud calls wait for it."""
    try:
        client = client_for_request(request)
    except PlcloudError as error:
        return Pending((None, explain(error)))
    pending: Pending[T] = Pending()
    pending._start(request, client, call)
    return pending


def ready(value: T) -> Pending[T]:
    """A read whose answer is already at hand (from the cache), shaped like one started ahead."""
    return Pending((value, None))
