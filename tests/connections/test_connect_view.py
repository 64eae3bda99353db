from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from connections.models import PlcloudConnection


def form(sandbox, **overrides):
    data = {"auth_url": sandbox.auth_url, "username": "demo", "password": "secreetword", "tenant_name": "demo"}
    return {**data, **overrides}


def test_it_connects_and_stores_what_keystone_answered(client, viewer, panel_settings, sandbox):
    client.force_login(viewer)
    response = client.post("/connection/", form(sandbox))
    assert response.status_code == 302
    connection = PlcloudConnection.objects.get(user=viewer)
    assert (connection.plcloud_username, connection.tenant_name) == ("demo", "demo")
    assert connection.tenant_id and connection.plcloud_user_id
    assert connection.region == "BeiJing-1(PEK-1)"
    assert connection.endpoint.endswith("/plcloud/pek-1")
    assert set(connection.endpoints) == {"BeiJing-1(PEK-1)", "ShenZhen-1(SZX-1)", "GuangDong-1(GD-1)"}
    assert connection.token_expires > timezone.now() + timedelta(minutes=30)
    assert connection.password_encrypted == ""
    page = client.get("/connection/").content.decode()
    assert "demo@demo · BeiJing-1(PEK-1)" in page
    assert AuditEntry.objects.filter(actor=viewer, action="connection.connect", outcome="ok").exists()


def test_it_keeps_the_input_and_says_why_on_a_wrong_password(client, viewer, panel_settings, sandbox):
    client.force_login(viewer)
    response = client.post("/connection/", form(sandbox, password="wrong-password", username="demo"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "did not accept your credentials" in page
    assert 'value="demo"' in page
    assert "wrong-password" not in page
    assert not PlcloudConnection.objects.filter(user=viewer).exists()
    failed = AuditEntry.objects.get(actor=viewer, action="connection.connect")
    assert failed.outcome == "failed" and "wrong-password" not in failed.error


def test_it_refuses_an_identity_endpoint_it_does_not_offer(client, viewer, panel_settings, sandbox):
    client.force_login(viewer)
    response = client.post("/connection/", form(sandbox, auth_url="http://169.254.169.254/v2.0"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not AuditEntry.objects.exists()  # no upstream call was even tried


@pytest.mark.parametrize("missing", ["username", "password", "tenant_name"])
def test_it_wants_every_field(client, viewer, panel_settings, sandbox, missing):
    client.force_login(viewer)
    response = client.post("/connection/", form(sandbox, **{missing: ""}))
    assert "This field is required." in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_it_switches_region_without_the_password(client, viewer, connect_demo):
    connect_demo(viewer)
    client.force_login(viewer)
    client.post("/connection/region/", {"region": "GuangDong-1(GD-1)"})
    connection = PlcloudConnection.objects.get(user=viewer)
    assert connection.region == "GuangDong-1(GD-1)"
    assert connection.endpoint.endswith("/plcloud/gd-1")
    assert client.get("/cdn/").status_code == 200
    assert "www.demo-shop.com" in client.get("/cdn/").content.decode()
    entry = AuditEntry.objects.get(action="connection.region")
    assert entry.detail == {"old": "BeiJing-1(PEK-1)", "new": "GuangDong-1(GD-1)"}


def test_it_disconnects_and_forgets_every_secret(client, viewer, connect_demo):
    connect_demo(viewer, keep=True)
    client.force_login(viewer)
    client.post("/connection/disconnect/")
    assert not PlcloudConnection.objects.filter(user=viewer).exists()
    page = client.get("/cdn/").content.decode()
    # Said once: the page's own account of the call it could not make, not the shell's too.
    assert "Connect your Plcloud account first." in page and "not connected to Plcloud yet" not in page
    assert AuditEntry.objects.filter(action="connection.disconnect").exists()
