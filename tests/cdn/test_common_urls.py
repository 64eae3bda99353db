import uuid

from audit.models import AuditEntry


def test_it_adds_many_urls_in_batches_under_the_api_cap(op, demo):
    tag = uuid.uuid4().hex[:8]
    urls = [f"http://www.demo-shop.com/{tag}/{n}.js" for n in range(2500)]
    text = op.post("/cdn/urls/", {"urls": "\n".join(urls)}, follow=True).content.decode()
    assert "2500 URLs saved." in text
    assert set(urls) <= {item["url"] for item in demo.cdn.list_urls()}
    assert AuditEntry.objects.get(action="cdn.urls.add").detail == {"added": 2500}


def test_it_reports_bad_lines_by_number_and_keeps_the_box_as_typed(op, demo):
    tag = uuid.uuid4().hex[:8]
    good = f"http://www.demo-shop.com/{tag}.css"
    page = op.post("/cdn/urls/", {"urls": f"{good}\nftp://x/y\nnot a url"}).content.decode()
    assert "Line 2: ftp://x/y is not an http:// or https:// URL." in page
    assert "Line 3: not a url is not an http:// or https:// URL." in page
    assert f"{good}\nftp://x/y\nnot a url</textarea>" in page  # to correct in place
    assert good not in {item["url"] for item in demo.cdn.list_urls()}


def test_it_searches_and_deletes_several(op, demo):
    tag = uuid.uuid4().hex[:8]
    created = demo.cdn.create_urls([f"http://www.demo-shop.com/{tag}/a", f"http://www.demo-shop.com/{tag}/b"])
    page = op.get("/cdn/urls/", {"q": tag}).content.decode()
    assert "2 of" in page and f"{tag}/a" in page
    text = op.post("/cdn/urls/delete/", {"ids": [c["id"] for c in created]}, follow=True).content.decode()
    assert "2 URLs deleted." in text
    assert not {c["id"] for c in created} & {item["id"] for item in demo.cdn.list_urls()}


def test_it_refuses_a_viewer(client, viewer, connect_demo):
    connect_demo(viewer)
    client.force_login(viewer)
    assert client.get("/cdn/urls/").status_code == 200
    assert client.post("/cdn/urls/", {"urls": "http://www.demo-shop.com/x"}).status_code == 403
    assert client.post("/cdn/urls/delete/", {"ids": ["1"]}).status_code == 403


def test_it_refuses_urls_the_api_would_refuse_before_sending_any(op, demo, sandbox):
    tag = uuid.uuid4().hex[:8]
    lines = [f"http://www.demo-shop.com/{tag}/a\tb", f"http://www.demo-shop.com:99999/{tag}", "http://[::1"]
    sandbox.forget_requests()
    page = op.post("/cdn/urls/", {"urls": "\n".join(lines)}).content.decode()
    for number in (1, 2, 3):
        assert f"Line {number}: " in page
    assert not sandbox.calls("POST")


def test_it_ignores_ids_that_are_not_plain_numbers(op, sandbox):
    sandbox.forget_requests()
    response = op.post("/cdn/urls/delete/", {"ids": ["²", "9" * 5000, "-1"]}, follow=True)
    assert "Select at least one URL." in response.content.decode()
    assert not sandbox.calls("DELETE")
