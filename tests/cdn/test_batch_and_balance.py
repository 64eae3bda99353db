from audit.models import AuditEntry
from tests.cdn.conftest import balance_upstream


def test_it_names_what_failed_and_why(op, demo, fresh_name, sandbox, clean_faults):
    a = demo.cdn.create("a-" + fresh_name, ["114.114.114.114"], ["hk"])
    op.get("/cdn/")  # the list is cached now, so the batch reads no list while faults are on
    sandbox.set_faults(error_rate=1.0, scope="service")
    sent = {"action": "delete", "ids": [a["domainId"]], "confirmed": "1"}
    text = op.post("/cdn/batch/", sent, follow=True).content.decode()
    # A 5xx to a change: Plcloud may have carried it out (docs/plcloud-api.md).
    assert f"Failed for a-{fresh_name}: Plcloud answered with a server error. The change may have been made" in text
    sandbox.clear_faults()
    assert demo.cdn.get(a["domainId"])


def test_it_recharges_after_confirmation_and_shows_the_new_balance(op, sandbox, wire):
    before = balance_upstream(sandbox)
    text = op.post("/cdn/balance/", {"flow": "40", "confirm": "on"}, follow=True).content.decode()
    assert balance_upstream(sandbox) == before + 40
    assert f"the balance is now {before + 40} GB" in text  # the recharge's answer says so in both profiles
    if wire == "sdk":  # no balance read: the balance the recharge answer carried, as of then
        assert f"Plcloud said {before + 40} GB were left" in text
    else:
        assert f"{before + 40} GB prepaid traffic left" in text
    assert AuditEntry.objects.get(action="cdn.recharge").detail == {"flow_gb": 40, "balance_gb": before + 40}


def test_it_refuses_a_recharge_that_is_not_a_positive_whole_number_or_unconfirmed(op, sandbox):
    before = balance_upstream(sandbox)
    for data in ({"flow": "0", "confirm": "on"}, {"flow": "1.5", "confirm": "on"}, {"flow": "10"}):
        assert op.post("/cdn/balance/", data).status_code == 200
    assert balance_upstream(sandbox) == before
    assert not AuditEntry.objects.filter(action="cdn.recharge").exists()


def test_it_refuses_a_recharge_from_a_viewer(client, viewer, connect_demo):
    connect_demo(viewer)
    client.force_login(viewer)
    assert client.post("/cdn/balance/", {"flow": "5", "confirm": "on"}).status_code == 403
