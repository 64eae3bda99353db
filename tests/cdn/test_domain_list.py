import re

from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import resolve
from django.utils import translation

from cdn.objects import Domain
from connections import member_cache
from notifications.models import Notification
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


def test_it_keeps_the_message_of_the_last_change_when_the_list_then_fails(op, demo, fresh_name, sandbox, clean_faults):
    created = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    op.post(f"/cdn/{created['domainId']}/delete/", {"delete-confirm": fresh_name})
    sandbox.set_faults(error_rate=1.0, scope="service")
    page = op.get("/cdn/").content.decode()
    assert f"Domain {fresh_name} deleted." in page
    assert "Plcloud is not reachable right now" in page


def test_it_shows_the_members_page_around_the_table_once(op):
    page = op.get("/cdn/").content.decode()
    assert page.count("<table") == 1 and page.count('<main id="main">') == 1
    assert "<!--domain-table-" not in page
    assert page.index('name="action"') < page.index('id="domain-') < page.rindex("</form>")


def test_it_escapes_whatever_plcloud_sends_in_a_row():
    evil = '"><script>alert(1)</script>'
    row = {"domainId": evil, "domainName": evil, "cname": evil, "status": "configuring", "areas": [evil]}
    domain = Domain.from_wire({**row, "origin_ips": [evil, 8080], "serviceType": evil})
    html = render_to_string("cdn/_domain_rows.html", {"domains": [domain], "can_change": True})
    assert "<script>" not in html and html.count("&lt;script&gt;") == 8
    assert "&lt;/script&gt;, 8080</td>" in html  # not a string: shown, not a crash
    # Routed all the same: an id that is not plain URL text goes into the path encoded.
    assert 'hx-get="/cdn/~Ij48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ-/row/?n=1"' in html
    assert resolve("/cdn/~Ij48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ-/row/").kwargs == {"domain_id": evil}


def csrf_tokens(page: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)


def test_a_page_served_again_carries_this_requests_csrf_token_and_it_works(operator, connect_demo, demo):
    connect_demo(operator)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(operator)
    # Read upstream, then twice from the member's cached list.
    _fetched, kept, again = (browser.get("/cdn/").content.decode() for _ in range(3))
    assert "csrf-slot-" not in again
    assert len(csrf_tokens(again)) == 2 and len(set(csrf_tokens(again))) == 1  # language, sign out
    assert csrf_tokens(kept)[0] != csrf_tokens(again)[0]  # masked afresh, as Django does
    domain = demo.cdn.list()[0]
    confirm = browser.get("/cdn/batch/", {"action": "enable", "ids": [domain["domainId"]]}).content.decode()
    sent = {"action": "enable", "ids": [domain["domainId"]], "confirmed": "1"}
    assert browser.post("/cdn/batch/", sent | {"csrfmiddlewaretoken": csrf_tokens(confirm).pop()}).status_code == 302


def test_a_page_served_again_shows_what_changed_around_the_table(op, operator):
    assert 'id="ticket-notifications-badge"' not in op.get("/cdn/").content.decode()
    tenant = operator.plcloud.tenant_id
    Notification.objects.create(
        user=operator, tenant_id=tenant, ticket_id="tk-0000beef", summary="Origin slow", reply_count=1
    )
    assert 'id="ticket-notifications-badge"' in op.get("/cdn/").content.decode()
    op.post("/i18n/setlang/", {"language": "zh-hans", "next": "/cdn/"})
    assert '<html lang="zh-hans">' in op.get("/cdn/").content.decode()


def test_a_page_served_again_is_only_ever_its_members(op, client, viewer, connect_demo):
    assert "Add domain" in op.get("/cdn/").content.decode()
    connect_demo(viewer)
    client.force_login(viewer)
    page = client.get("/cdn/").content.decode()
    assert "www.demo-shop.com" in page and "Add domain" not in page and "vera" in page


def test_a_cache_that_lost_the_members_version_never_serves_their_older_entries(op, operator, demo, fresh_name):
    cache.clear()  # the member's first version is then this test's
    op.get("/cdn/")
    made = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])  # not shown until the list is read again
    cache.delete(f"cdn:v:{operator.pk}")  # evicted from a full cache
    assert f'id="domain-{made["domainId"]}"' in op.get("/cdn/", {"q": fresh_name}).content.decode()
    demo.cdn.delete(made["domainId"])


def test_a_cached_list_it_cannot_read_is_read_again_from_plcloud(op, operator, demo, fresh_name):
    op.get("/cdn/")
    made = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    # As an earlier release kept it (marshal bytes), or a damaged entry.
    scope = member_cache._scope(cache.get(f"cdn:v:{operator.pk}"), operator.plcloud.tenant_id)
    cache.set(f"cdn:{operator.pk}:{scope}:domains", b"\xdb\x01\x00\x00\x00garbage")
    assert f'id="domain-{made["domainId"]}"' in op.get("/cdn/", {"q": fresh_name}).content.decode()
    demo.cdn.delete(made["domainId"])


def test_it_counts_what_matches_and_says_when_nothing_does(op):
    page = op.get("/cdn/", {"q": "no-such-domain-anywhere"}).content.decode()
    assert re.search(r">0 of \d+ domains<", page)
    assert "No domain matches these filters." in page
    named = op.get("/cdn/", {"q": "www.demo-shop.com"}).content.decode()
    assert re.search(r">1 of \d+ domain<", named)
    assert '<th scope="col">Origin IPs</th>' in named


def test_the_pager_keeps_the_filters_and_speaks_the_members_language():
    domains = [{"domainId": n, "domainName": f"d{n:02d}.example.com", "status": "online"} for n in range(30)]
    page = Paginator(Domain.from_wire_list(domains), 25).get_page(1)
    request = RequestFactory().get("/cdn/", {"area": "hk", "sort": "name", "page": "1"})
    context = {"request": request, "page": page, "matching": 30, "total": 40, "can_change": True}
    with translation.override("zh-hans"):
        html = render_to_string("cdn/_domain_table.html", context)
    assert "30 / 40 个域名" in html and "选择" in html
    assert 'href="?area=hk&amp;sort=name&amp;page=2">下一页</a>' in html
    assert html.count("<tr id=") == 25


def test_a_list_read_again_around_a_kept_page_shows_this_requests_token_badge_and_domains(
    operator, connect_demo, demo, fresh_name
):
    connect_demo(operator)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(operator)
    first = browser.get("/cdn/", {"q": fresh_name}).content.decode()
    assert "0 of" in first and 'id="ticket-notifications-badge"' not in first
    made = demo.cdn.create(fresh_name, ["114.114.114.114"], ["hk"])
    tenant = operator.plcloud.tenant_id
    Notification.objects.create(
        user=operator, tenant_id=tenant, ticket_id="tk-0000cafe", summary="Origin slow", reply_count=1
    )
    member_cache.forget(operator)  # the list is read from Plcloud again
    again = browser.get("/cdn/", {"q": fresh_name}).content.decode()
    assert f'id="domain-{made["domainId"]}"' in again and 'id="ticket-notifications-badge"' in again
    member_cache.forget(operator)
    kept = browser.get("/cdn/", {"q": fresh_name}).content.decode()
    for page in (again, kept):
        assert "slot-" not in page and len(set(csrf_tokens(page))) == 1
    assert csrf_tokens(kept)[0] != csrf_tokens(again)[0]
    sent = {
        "action": "disable",
        "ids": [made["domainId"]],
        "confirmed": "1",
        "csrfmiddlewaretoken": csrf_tokens(kept).pop(),
    }
    assert browser.post("/cdn/batch/", sent).status_code == 302
    demo.cdn.delete(made["domainId"])
