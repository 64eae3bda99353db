import pytest

from audit.models import AuditEntry
from tests.cdn.conftest import enabled_upstream
from tests.helpers import wait_for


@pytest.fixture
def domain(demo, fresh_name):
    return demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])


def test_it_polls_a_configuring_row_until_it_settles(op, domain):
    first = op.get(f"/cdn/{domain['domainId']}/row/", {"n": "0"})
    assert first.status_code == 200
    assert 'hx-trigger="load delay:2s"' in first.content.decode()
    backed_off = op.get(f"/cdn/{domain['domainId']}/row/", {"n": "9"}).content.decode()
    assert 'hx-trigger="load delay:30s"' in backed_off
    settled = wait_for(lambda: (r := op.get(f"/cdn/{domain['domainId']}/row/")).status_code == 286 and r, timeout=15)
    page = settled.content.decode()
    assert ">Online<" in page and ">online<" not in page and "hx-trigger" not in page


def test_it_shows_every_field_and_the_domains_changes(op, domain):
    page = op.get(f"/cdn/{domain['domainId']}/").content.decode()
    for text in (domain["domainName"], domain["cname"], "114.114.114.114", "<dd>Hong Kong", "<dd>Web</dd>"):
        assert text in page


def test_it_edits_origins_and_areas(op, demo, domain):
    data = {"edit-origin_ips": "115.115.115.115\n2400:3200::2", "edit-areas": ["ov"], "edit-icp_record": ""}
    assert op.post(f"/cdn/{domain['domainId']}/", data).status_code == 302
    updated = demo.cdn.get(domain["domainId"])
    assert (updated["origin_ips"], updated["areas"]) == (["115.115.115.115", "2400:3200::2"], ["ov"])
    entry = AuditEntry.objects.get(action="cdn.update")
    assert entry.detail["old"]["origin_ips"] == ["114.114.114.114"]


def test_it_keeps_a_bad_edit_on_the_form(op, demo, domain):
    data = {"edit-origin_ips": "nonsense", "edit-areas": ["cn"], "edit-icp_record": ""}
    page = op.post(f"/cdn/{domain['domainId']}/", data).content.decode()
    assert "Line 1: nonsense is not an IPv4 or IPv6 address." in page
    assert "Mainland China (cn) is served only with an ICP record: enter it, or tick the box" in page
    assert demo.cdn.get(domain["domainId"])["origin_ips"] == ["114.114.114.114"]


def test_it_disables_only_from_the_confirmation_and_enables_in_one_click(op, sandbox, domain, wire):
    detail = f"/cdn/{domain['domainId']}/"
    assert f'<form method="get" action="{detail}toggle/"' in op.get(detail).content.decode()
    sandbox.forget_requests()
    shown = op.get(f"{detail}toggle/", {"enable": "0"}).content.decode()
    enabled = "yes" if wire == "default" else '<span class="muted">not known</span>'  # the SDK's answers have none
    assert f"Disable {domain['domainName']}?" in shown and f"<dt>Enabled</dt><dd>{enabled}</dd>" in shown
    assert "The CDN stops serving this domain until it is enabled again." in shown
    assert 'name="confirmed" value="1"' in shown and f'<a href="{detail}">Cancel</a>' in shown
    # An older page's one-click form (no "confirmed") is shown the confirmation, not obeyed.
    assert "stops serving" in op.post(f"{detail}toggle/", {"enable": "0"}).content.decode()
    assert sandbox.calls("PUT") == [] and enabled_upstream(sandbox, domain["domainId"]) is True
    done = op.post(f"{detail}toggle/", {"enable": "0", "confirmed": "1", "next": "https://evil.example/"})
    assert done["Location"] == detail  # not another site: the domain's page
    assert enabled_upstream(sandbox, domain["domainId"]) is False
    op.post(f"{detail}toggle/", {"enable": "1"})
    assert enabled_upstream(sandbox, domain["domainId"]) is True
    actions = AuditEntry.objects.filter(action__startswith="cdn.").order_by("id")
    assert [e.action for e in actions] == ["cdn.disable", "cdn.enable"]


def test_it_deletes_only_after_the_name_is_typed_on_the_confirmation(op, demo, sandbox, domain):
    detail = f"/cdn/{domain['domainId']}/"
    assert f'<form method="get" action="{detail}delete/"' in op.get(detail).content.decode()
    sandbox.forget_requests()
    shown = op.get(f"{detail}delete/", {"next": "/cdn/?q=p"}).content.decode()
    assert f"Delete {domain['domainName']}?" in shown and f"<dd>{domain['domainName']}</dd>" in shown
    assert "Type the domain name to confirm" in shown and 'name="next" value="/cdn/?q=p"' in shown
    wrong = op.post(f"{detail}delete/", {"delete-confirm": "something-else.com", "next": "/cdn/?q=p"})
    assert wrong.status_code == 400
    page = wrong.content.decode()
    assert "Type the domain name exactly as shown" in page and 'value="something-else.com"' in page
    assert sandbox.calls("DELETE") == [] and demo.cdn.get(domain["domainId"])
    right = op.post(f"{detail}delete/", {"delete-confirm": domain["domainName"], "next": "/cdn/?q=p"})
    assert right["Location"] == "/cdn/?q=p"
    assert op.get(detail).status_code == 404
    assert AuditEntry.objects.get(action="cdn.delete").detail == {"domain": domain["domainName"]}


def test_it_answers_404_for_another_tenants_domain(op, sandbox):
    from plcloud import Client

    theirs = Client(
        username="team2", password="team2-password", tenant_name="team2", auth_url=sandbox.auth_url
    ).cdn.list()[0]
    assert op.get(f"/cdn/{theirs['domainId']}/").status_code == 404
    assert op.get(f"/cdn/{theirs['domainId']}/toggle/", {"enable": "0"}).status_code == 404
    assert op.post(f"/cdn/{theirs['domainId']}/toggle/", {"enable": "0", "confirmed": "1"}).status_code == 404


def test_it_refuses_changes_from_a_viewer(client, viewer, connect_demo, domain):
    connect_demo(viewer)
    client.force_login(viewer)
    assert client.get(f"/cdn/{domain['domainId']}/").status_code == 200
    assert client.post(f"/cdn/{domain['domainId']}/", {"edit-origin_ips": "1.1.1.1"}).status_code == 403
    assert client.get(f"/cdn/{domain['domainId']}/toggle/", {"enable": "0"}).status_code == 403
    assert client.post(f"/cdn/{domain['domainId']}/toggle/", {"enable": "0", "confirmed": "1"}).status_code == 403
    assert client.get(f"/cdn/{domain['domainId']}/delete/").status_code == 403
    assert client.get("/cdn/batch/", {"action": "disable", "ids": [domain["domainId"]]}).status_code == 403
    assert client.post(f"/cdn/{domain['domainId']}/delete/", {"delete-confirm": "x"}).status_code == 403
