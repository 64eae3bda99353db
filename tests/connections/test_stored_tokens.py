"""Tokens at rest: encrypted, renewed when the member allowed it, and a reconnect prompt otherwise."""

import base64
import os
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from connections.models import PlcloudConnection
from connections.problems import ReconnectNeeded
from connections.services import client_for
from plcloud_panel.crypto import decrypt


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def expire(user) -> None:
    PlcloudConnection.objects.filter(user=user).update(token_expires=timezone.now() - timedelta(seconds=1))


def test_it_stores_no_secret_in_plaintext(viewer, connect_demo):
    connection = connect_demo(viewer, keep=True)
    token = decrypt(connection.token_encrypted)
    assert len(token) == 32
    out = StringIO()
    call_command("dumpdata", "connections", "audit", stdout=out)
    assert token not in out.getvalue()
    assert "secreetword" not in out.getvalue()
    assert decrypt(connection.password_encrypted) == "secreetword"


def test_it_asks_to_reconnect_when_the_token_expired_and_no_password_is_kept(client, viewer, connect_demo):
    connect_demo(viewer)
    expire(viewer)
    client.force_login(viewer)
    page = client.get("/cdn/").content.decode()
    assert "Your Plcloud session has expired" in page
    assert 'href="/connection/"' in page
    try:
        client_for(viewer)
    except ReconnectNeeded:
        pass
    else:
        raise AssertionError("an expired token without a kept password must not be used")


def test_it_renews_and_stores_the_token_when_kept_connected(client, viewer, connect_demo):
    old = decrypt(connect_demo(viewer, keep=True).token_encrypted)
    expire(viewer)
    client.force_login(viewer)
    page = client.get("/cdn/", {"q": "www.demo-shop.com"}).content.decode()
    assert "www.demo-shop.com" in page
    connection = PlcloudConnection.objects.get(user=viewer)
    assert decrypt(connection.token_encrypted) != old
    assert connection.token_expires > timezone.now()


def test_it_asks_to_reconnect_when_no_key_opens_the_row(client, viewer, connect_demo, settings):
    connect_demo(viewer)
    settings.ENCRYPTION_KEYS = [new_key()]
    client.force_login(viewer)
    page = client.get("/cdn/").content.decode()
    assert "can no longer be read" in page
    assert client.get("/cdn/").status_code == 200


def test_it_re_encrypts_every_row_under_the_newest_key(viewer, operator, connect_demo, settings):
    connect_demo(viewer, keep=True)
    connect_demo(operator)
    tokens = {c.pk: decrypt(c.token_encrypted) for c in PlcloudConnection.objects.all()}
    old_keys = list(settings.ENCRYPTION_KEYS)
    settings.ENCRYPTION_KEYS = [new_key(), *old_keys]
    out = StringIO()
    call_command("reencrypt_secrets", stdout=out)
    assert "re-encrypted 2 connection(s); 0 could not be read" in out.getvalue()
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS[:1]  # the old key is retired
    for connection in PlcloudConnection.objects.all():
        assert decrypt(connection.token_encrypted) == tokens[connection.pk]
    assert decrypt(PlcloudConnection.objects.get(user=viewer).password_encrypted) == "secreetword"


def test_it_connects_from_the_command_line(viewer, panel_settings, sandbox, monkeypatch):
    monkeypatch.setenv("PLCLOUD_PASSWORD", "secreetword")
    out = StringIO()
    call_command(
        "plcloud_connect",
        "vera",
        "--plcloud-user",
        "demo",
        "--tenant",
        "demo",
        "--region",
        "ShenZhen-1(SZX-1)",
        "--keep",
        stdout=out,
    )
    connection = PlcloudConnection.objects.get(user=viewer)
    assert connection.region == "ShenZhen-1(SZX-1)" and connection.keep_connected
    assert "secreetword" not in out.getvalue()
