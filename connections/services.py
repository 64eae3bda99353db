"""The one way the panel reaches Plcloud: a member's client from their stored token (a view
takes the request's through connections.request_client).

Writes (connect, switch region, disconnect, re-encrypt) live here too; connections.problems turns
``plcloud.errors`` into sentences a person understands.
"""

from __future__ import annotations

import http.cookiejar
import threading

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audited, record
from connections import problems
from connections.breaker import CacheBreaker
from connections.models import PlcloudConnection
from connections.problems import ReconnectNeeded
from connections.tenancy import Tenant
from plcloud import Client
from plcloud_panel.crypto import Undecryptable, decrypt, encrypt, rotate

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
        raise ReconnectNeeded(_(problems.OTHER_TENANT))
    return client_from(connection)


def client_from(connection: PlcloudConnection | None) -> Client:
    """A client from a stored connection (its token, and its password when kept)."""
    if connection is None:
        raise ReconnectNeeded(_(problems.CONNECT_FIRST))
    try:
        token = decrypt(connection.token_encrypted)
        password = decrypt(connection.password_encrypted) if connection.keep_connected else None
    except Undecryptable:
        _record_token_checked(connection, refused=True)
        raise ReconnectNeeded(_(problems.CONNECTION_UNREADABLE)) from None
    if connection.token_expired and not password:
        raise ReconnectNeeded(_(problems.SESSION_EXPIRED))
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
        on_token_checked=lambda client, refused: _record_token_checked(connection, refused=refused),
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


# What last_error holds while Plcloud refuses the member's session (never an upstream message: the
# row is shown in the admin, and a page says what happened in the member's language).
REFUSED = "refused"


def _record_token_checked(connection: PlcloudConnection, *, refused: bool) -> None:
    """Plcloud refused the member's session (the header's dot turns, the shell asks to connect
    again), or accepted it again; written only when that changes, not on every call."""
    if bool(connection.last_error) == refused:
        return
    connection.last_error = REFUSED if refused else ""
    PlcloudConnection.objects.filter(pk=connection.pk).update(last_error=connection.last_error)


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
