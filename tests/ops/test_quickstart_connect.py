"""The quick start's connection (`dev.py run` calls `manage.py quickstart_connect`): it keeps the
sandbox's password, so the trial goes on past the token's lifetime without a reconnect."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from connections.models import PlcloudConnection
from plcloud import AuthError, Client
from plcloud_panel.crypto import decrypt
from tests.helpers import wait_for
from tests.panel_fixtures import make_member


@pytest.fixture
def quickstart_admin(db, panel_settings, monkeypatch):
    monkeypatch.setenv("PLCLOUD_PASSWORD", "secreetword")
    return make_member("admin", Role.ADMIN)


def quickstart_connect(sandbox, *args: str) -> str:
    out = StringIO()
    call_command("quickstart_connect", "--auth-url", sandbox.auth_url, *args, stdout=out)
    return out.getvalue()


def test_the_quick_starts_member_still_sees_the_domain_list_after_the_sandbox_token_expired(
    client, quickstart_admin, sandbox
):
    sandbox.set_timings(token_ttl=2)
    try:
        said = quickstart_connect(sandbox)
    finally:
        sandbox.reset_timings()
    assert said.startswith("connected admin to the sandbox as demo@demo")
    assert "secreetword" not in said
    connection = PlcloudConnection.objects.get(user=quickstart_admin)
    assert connection.keep_connected and decrypt(connection.password_encrypted) == "secreetword"
    old_token = decrypt(connection.token_encrypted)
    # The sandbox itself refuses the first token once its 2 seconds are over.
    stale = Client(token=old_token, endpoint=connection.endpoint, tenant_id=connection.tenant_id)

    def refused() -> bool:
        try:
            stale.cdn.list()
        except AuthError:
            return True
        return False

    wait_for(refused, 30, 0.5, "the sandbox never refused the expired token")
    sandbox.forget_requests()
    client.force_login(quickstart_admin)
    page = client.get("/cdn/", {"q": "www.demo-shop.com"}).content.decode()
    assert "www.demo-shop.com" in page
    assert "Your Plcloud session has expired" not in page
    # The panel signed in again with the kept password, once, and keeps the new token.
    assert len(sandbox.calls("POST", "/tokens")) == 1
    connection.refresh_from_db()
    assert decrypt(connection.token_encrypted) != old_token
    assert connection.token_expires > timezone.now()


def test_later_runs_keep_an_earlier_quick_starts_connection_and_leave_a_members_choice(
    quickstart_admin, connect_demo, sandbox
):
    # An earlier quick start connected admin without keeping the password: now it does.
    connect_demo(quickstart_admin)
    assert quickstart_connect(sandbox, "--existing-only").startswith("connected admin")
    assert PlcloudConnection.objects.get(user=quickstart_admin).keep_connected
    # Already kept: nothing is sent.
    sandbox.forget_requests()
    assert quickstart_connect(sandbox, "--existing-only").startswith("unchanged: admin is connected as demo@demo")
    # Another identity the member connected is theirs, and so is a disconnection.
    PlcloudConnection.objects.filter(user=quickstart_admin).update(plcloud_username="alice", keep_connected=False)
    assert quickstart_connect(sandbox, "--existing-only").startswith("unchanged: admin is connected as alice@demo")
    PlcloudConnection.objects.filter(user=quickstart_admin).delete()
    assert quickstart_connect(sandbox, "--existing-only") == "unchanged: admin is not connected\n"
    assert sandbox.calls("POST", "/tokens") == []
    assert not PlcloudConnection.objects.filter(user=quickstart_admin).exists()
