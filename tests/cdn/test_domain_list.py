from tests.cdn.conftest import upstream_names


def test_it_lists_the_members_domains(op):
    page = op.get("/cdn/").content.decode()
    assert "www.demo-shop.com" in page
    assert "www.demo-shop.com.cdn.plcloud-sandbox.net" in page
    assert "Add domain" in page


def test_it_filters_by_status_area_and_name(op):
    offline = op.get("/cdn/", {"status": "offline"}).content.decode()
    assert "video.demo-shop.com" in offline and "www.demo-shop.com<" not in offline
    mainland = op.get("/cdn/", {"area": "cn"}).content.decode()
    assert "static.demo-shop.cn" in mainland and "download.demo-shop.com" not in mainland
    named = op.get("/cdn/", {"q": "DOWNLOAD"}).content.decode()
    assert "download.demo-shop.com" in named and "static.demo-shop.cn" not in named


def test_it_shows_a_viewer_no_change_controls(client, viewer, connect_demo):
    connect_demo(viewer)
    client.force_login(viewer)
    page = client.get("/cdn/").content.decode()
    assert "www.demo-shop.com" in page
    assert "Add domain" not in page and 'name="ids"' not in page


def test_it_says_plcloud_is_unreachable_instead_of_showing_no_domains(op, sandbox, clean_faults):
    sandbox.set_faults(error_rate=1.0, scope="service")
    response = op.get("/cdn/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Plcloud is not reachable right now" in page
    assert "No CDN domains yet." not in page


def test_it_caches_the_list_but_not_past_the_members_own_change(op, demo, fresh_name):
    op.get("/cdn/")
    demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])  # made outside the panel
    assert fresh_name not in op.get("/cdn/").content.decode()
    mine = "mine-" + fresh_name
    op.post("/cdn/new/", {"domain": mine, "origin_ips": "114.114.114.114", "areas": ["ov"], "type": "web"})
    page = op.get("/cdn/").content.decode()
    assert mine in page and fresh_name in page
    assert {mine, fresh_name} <= upstream_names(demo)


def test_a_polled_row_takes_any_attempt_count(op, demo):
    domain_id = demo.cdn.list()[0]["domainId"]
    for attempt in ("²", "9" * 5000, "-3", "x"):
        assert op.get(f"/cdn/{domain_id}/row/", {"n": attempt}).status_code in {200, 286}
