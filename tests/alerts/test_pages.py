"""The alerts pages: channels whose secrets stay secret, bad input kept next to its field, a test
sent from the page, rules paused and resumed, and who may change what."""

from django.db import connection

from alerts import checker
from alerts.models import Channel, Delivery, Rule, RuleKind
from audit.models import AuditEntry
from plcloud_panel.crypto import decrypt
from tests.alerts.conftest import token


def test_a_channel_is_stored_encrypted_and_never_shown_in_full(op, receiver):
    secret = token()
    url = receiver.url(f"/robot/send?access_token={secret}")
    response = op.post("/alerts/channels/new/", {"name": "Ops robot", "kind": "dingtalk", "url": url})
    assert response.status_code == 302
    channel = Channel.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT target_encrypted FROM alerts_channel")
        (raw,) = cursor.fetchone()
    assert secret not in raw and "127.0.0.1" not in raw and decrypt(raw) == url
    page = op.get("/alerts/").content.decode()
    assert f"127.0.0.1 …{secret[-4:]}" in page and secret not in page
    assert "Channel Ops robot added." in page
    assert AuditEntry.objects.filter(action="alerts.channel.create", object_id="Ops robot").exists()
    assert secret not in repr(list(AuditEntry.objects.values()))

    response = op.post(f"/alerts/channels/{channel.pk}/test/", follow=True)
    page = response.content.decode()
    assert "Test message sent to Ops robot." in page
    row = page[page.index(f'id="channel-{channel.pk}"') :].split("</tr>")[0]
    assert "Delivered" in row and "Test" in row
    (body,) = receiver.bodies("/robot/")
    assert body["msgtype"] == "text" and "test message from the Plcloud Panel" in body["text"]["content"]


def test_a_failed_test_is_shown_next_to_the_channel_without_its_secret(op, receiver):
    secret = token()
    op.post("/alerts/channels/new/", {"name": "Hook", "kind": "slack", "url": receiver.url(f"/fail/{secret}")})
    channel = Channel.objects.get()
    page = op.post(f"/alerts/channels/{channel.pk}/test/", follow=True).content.decode()
    assert "The test message to Hook failed: The webhook answered HTTP 500." in page
    row = page[page.index(f'id="channel-{channel.pk}"') :].split("</tr>")[0]
    assert "Failed" in row and "HTTP 500" in row and secret not in page
    assert Delivery.objects.get().error == "The webhook answered HTTP 500."


def test_bad_input_is_refused_next_to_its_field_and_kept(op):
    page = op.post("/alerts/channels/new/", {"name": "X", "kind": "slack", "url": "ftp://files.example.com/hook"})
    text = page.content.decode()
    assert page.status_code == 200 and "Enter an http:// or https:// URL." in text
    assert 'value="ftp://files.example.com/hook"' in text
    text = op.post("/alerts/channels/new/", {"name": "M", "kind": "email", "addresses": "ops@, b@example.com"}).content
    assert "ops@ is not an e-mail address." in text.decode() and not Channel.objects.exists()

    op.post("/alerts/channels/new/", {"name": "Mail", "kind": "email", "addresses": "ops@example.com"})
    channel = Channel.objects.get()
    form = {"name": "Errors", "kind": "error_share", "threshold": "5", "window_minutes": "15",
            "interval_minutes": "5", "channels": [channel.pk]}  # fmt: skip
    text = op.post("/alerts/rules/new/", form).content.decode()
    assert "The 5xx share is read from one domain&#x27;s request log: enter the domain." in text
    assert 'value="Errors"' in text and not Rule.objects.exists()
    response = op.post("/alerts/rules/new/", {**form, "domain_name": "www.demo-shop.com"})
    assert response.status_code == 302
    rule = Rule.objects.get()
    assert rule.domain_name == "www.demo-shop.com" and list(rule.channels.all()) == [channel]
    page = op.get("/alerts/").content.decode()
    assert "5xx share above a threshold (above 5% over 15 min)" in page
    assert "o…@example.com" in page and "ops@example.com" not in page


def test_viewers_see_the_page_but_change_nothing(client, viewer, operator, connect_demo):
    connect_demo(viewer)
    client.force_login(viewer)
    page = client.get("/alerts/")
    assert page.status_code == 200 and "New channel" not in page.content.decode()
    form = {"name": "X", "kind": "slack", "url": "https://x.example/h"}
    assert client.post("/alerts/channels/new/", form).status_code == 403
    assert not Channel.objects.exists()


def test_another_tenants_channel_is_not_found(op, admin, sandbox):
    from django.test import Client

    from connections import services

    op.post("/alerts/channels/new/", {"name": "Ours", "kind": "slack", "url": "https://hooks.example.com/abc"})
    channel = Channel.objects.get()
    services.connect(user=admin, username="team2", password="team2-password", tenant_name="team2",
                     auth_url=sandbox.auth_url)  # fmt: skip
    client = Client()
    client.force_login(admin)
    assert "Ours" not in client.get("/alerts/").content.decode()
    assert client.post(f"/alerts/channels/{channel.pk}/test/").status_code == 404
    assert client.post(f"/alerts/channels/{channel.pk}/delete/").status_code == 404


def test_reencrypt_secrets_moves_the_channels_to_the_newest_key(op, settings):
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    op.post("/alerts/channels/new/", {"name": "Hook", "kind": "slack", "url": "https://hooks.example.com/T/B/abcdef"})
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.ENCRYPTION_KEYS]
    out = StringIO()
    call_command("reencrypt_secrets", stdout=out)
    assert "re-encrypted 1 alert channel(s); 0 could not be read" in out.getvalue()
    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS[:1]  # the old key is retired
    assert decrypt(Channel.objects.get().target_encrypted) == "https://hooks.example.com/T/B/abcdef"


def test_a_paused_rule_is_not_checked_until_it_is_resumed(op, receiver, make_channel, make_rule, fail_job):
    slack = make_channel("Ops Slack", "slack", receiver.url("/services/paused"))
    rule = make_rule("Failed jobs", RuleKind.JOB_FAILED, [slack])
    assert op.post(f"/alerts/rules/{rule.pk}/pause/").status_code == 302
    page = op.get("/alerts/").content.decode()
    row = page[page.index(f'id="rule-{rule.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Paused" in row and ">Resume</button>" in row and ">Pause</button>" not in row
    job = fail_job()  # during the pause: nothing is sent
    assert checker.check_due() == 0 and receiver.got == []

    response = op.post(f"/alerts/rules/{rule.pk}/resume/", follow=True)
    assert "Rule Failed jobs resumed: the next alert check includes it." in response.content.decode()
    assert checker.check_due() == 1  # due at once, not an interval later
    assert receiver.texts("/services/paused") == [
        f"[Plcloud Panel] Alert firing: Failed jobs\n1 job failed: #{job.pk} Cache flush."
    ]
    audit = op.get("/audit/").content.decode()
    assert "Paused alert rule Failed jobs" in audit and "Resumed alert rule Failed jobs" in audit


def test_only_an_operator_of_the_rules_account_pauses_it(client, viewer, admin, connect_demo, make_rule, sandbox):
    from connections import services

    rule = make_rule("Failed jobs", RuleKind.JOB_FAILED, [])
    connect_demo(viewer)
    client.force_login(viewer)
    assert client.post(f"/alerts/rules/{rule.pk}/pause/").status_code == 403
    services.connect(user=admin, username="team2", password="team2-password", tenant_name="team2",
                     auth_url=sandbox.auth_url)  # fmt: skip
    client.force_login(admin)
    assert client.post(f"/alerts/rules/{rule.pk}/pause/").status_code == 404
    assert client.post(f"/alerts/rules/{rule.pk}/resume/").status_code == 404
    assert Rule.objects.get(pk=rule.pk).paused is False
