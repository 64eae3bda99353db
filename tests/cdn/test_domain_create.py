import pytest

from audit.models import AuditEntry
from tests.cdn.conftest import icp_upstream, upstream_names


def form(name, **overrides):
    return {
        "domain": name,
        "origin_ips": "114.114.114.114\n2400:3200::1",
        "areas": ["hk", "ov"],
        "type": "web",
        **overrides,
    }


def test_it_creates_a_domain_and_shows_it_configuring(op, demo, fresh_name):
    response = op.post("/cdn/new/", form(fresh_name))
    assert response.status_code == 302
    created = next(d for d in demo.cdn.list() if d["domainName"] == fresh_name)
    assert created["origin_ips"] == ["114.114.114.114", "2400:3200::1"]
    page = op.get(response["Location"]).content.decode()
    assert "configuring" in page
    entry = AuditEntry.objects.get(action="cdn.create", outcome="ok")
    # Recorded by the new domain's id (names are not unique across tenants), with its name.
    assert (entry.object_id, entry.detail["domain"]) == (str(created["domainId"]), fresh_name)


def test_it_sends_an_idn_as_xn_and_shows_it_in_unicode(op, demo):
    import uuid

    name = f"例子{uuid.uuid4().hex[:6]}.中国"
    response = op.post("/cdn/new/", form(name, areas=["hk"]))
    assert response.status_code == 302
    ascii_name = next(n for n in upstream_names(demo) if n.endswith(".xn--fiqs8s") and "xn--" in n.split(".")[0])
    assert name in op.get(response["Location"]).content.decode()
    assert ascii_name.isascii()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"origin_ips": "114.114.114.114\n300.1.1.1\n114.114.114.114"}, "Line 2: 300.1.1.1 is not an IPv4 or IPv6"),
        ({"origin_ips": "114.114.114.114\n114.114.114.114"}, "Line 2: 114.114.114.114 repeats line 1."),
        ({"origin_ips": "10.0.0.1"}, "Line 1: 10.0.0.1 is not a public address."),
        ({"origin_ips": "2400:3200::1%eth0"}, "Line 1: 2400:3200::1%eth0 has a zone"),
        ({"origin_ips": "::ffff:8.8.8.8"}, "Line 1: ::ffff:8.8.8.8 is an IPv4 address written as IPv6"),
        ({"origin_ips": "64:ff9b::8.8.8.8"}, "Line 1: 64:ff9b::8.8.8.8 is not a public address."),
        ({"origin_ips": "3fff::1"}, "Line 1: 3fff::1 is not a public address."),
        ({"areas": ["cn"], "icp_record": "京ICP备12345678号-0"}, "Enter the ICP record number as issued"),
        ({"areas": ["cn"]}, "Mainland China (cn) is served only with an ICP record: enter it, or tick the box"),
        ({"areas": ["cn"], "icp_record": "ICP12345"}, "Enter the ICP record number as issued"),
        ({"areas": []}, "This field is required."),
        ({"areas": ["mars"]}, "Select a valid choice."),
        ({"domain": "http://www.example.com/x"}, "Enter a host name only"),
        ({"domain": "114.114.114.114"}, "Enter a host name, not an IP address."),
        ({"domain": "localhost"}, "Enter a full domain name"),
    ],
)
def test_it_answers_bad_input_on_the_form_and_sends_nothing(op, demo, fresh_name, overrides, message):
    data = form(fresh_name, **overrides)
    response = op.post("/cdn/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert data["origin_ips"].split("\n")[0] in page  # the input is kept
    assert not AuditEntry.objects.filter(action="cdn.create").exists()
    assert fresh_name not in upstream_names(demo)


def test_it_puts_the_servers_refusal_on_the_form_with_the_input_kept(op):
    response = op.post("/cdn/new/", form("www.demo-shop.com"))
    page = response.content.decode()
    assert "Plcloud refused the request" in page
    assert 'value="www.demo-shop.com"' in page
    failed = AuditEntry.objects.get(action="cdn.create")
    assert failed.outcome == "failed" and "already" in failed.error


def test_it_refuses_a_viewer(client, viewer, connect_demo, fresh_name):
    connect_demo(viewer)
    client.force_login(viewer)
    assert client.post("/cdn/new/", form(fresh_name)).status_code == 403


def test_the_guides_mainland_example_is_created_after_the_member_confirms_it_without_an_icp_record(
    op, demo, sandbox, wire, fresh_name
):
    data = form(fresh_name, areas=["cn"], origin_ips="114.114.114.114")
    first = op.post("/cdn/new/", data).content.decode()
    assert "Mainland China (cn) is served only with an ICP record: enter it, or tick the box" in first
    assert 'type="checkbox" name="icp_later"' in first  # the box to tick, now shown
    assert fresh_name not in upstream_names(demo)
    response = op.post("/cdn/new/", {**data, "icp_later": "on"}, follow=True)
    page = response.content.decode()
    created = next(d for d in demo.cdn.list() if d["domainName"] == fresh_name)
    assert icp_upstream(sandbox, created["domainId"]) is None and created["areas"] == ["cn"]
    assert "It is not served in mainland China (cn) until it has an ICP record" in page
    listed = op.get("/cdn/", {"q": fresh_name}).content.decode()
    if wire == "sdk":  # the domain's fields do not say what is served: neither does the panel
        assert 'id="icp-warning"' not in page and "not served" not in listed
    else:  # unserved_areas says so: on the domain page, linked to the field that fixes it, and in the list
        assert 'id="icp-warning"' in page and 'href="#id_edit-icp_record"' in page
        assert "(not served: Mainland China)" in listed


def test_a_mainland_domain_without_an_icp_record_is_edited_as_it_is_until_the_record_is_set(
    op, demo, sandbox, wire, fresh_name
):
    created = demo.cdn.create(fresh_name, ["114.114.114.114"], ["cn"], icp_record=None)
    # cn was there before: a change of origins asks for no confirmation, and leaves it unserved.
    data = {"edit-origin_ips": "115.115.115.115", "edit-areas": ["cn"], "edit-icp_record": ""}
    page = op.post(f"/cdn/{created['domainId']}/", data, follow=True).content.decode()
    assert demo.cdn.get(created["domainId"])["origin_ips"] == ["115.115.115.115"]
    assert icp_upstream(sandbox, created["domainId"]) is None
    assert ('id="icp-warning"' in page) == (wire == "default")  # only where the domain's fields say so
    data["edit-icp_record"] = "京ICP备12345678号-1"
    page = op.post(f"/cdn/{created['domainId']}/", data, follow=True).content.decode()
    assert icp_upstream(sandbox, created["domainId"]) == "京ICP备12345678号-1"
    assert 'id="icp-warning"' not in page and "It is not served in mainland China" not in page
    if wire == "default":
        assert "京ICP备12345678号-1" in page
