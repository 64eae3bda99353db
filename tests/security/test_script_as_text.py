"""Script in upstream data (tickets, replies, common URLs) and in the panel's own records of it
(notifications, jobs, audit rows) shows as text on every page that shows it, never as markup."""

import uuid

import pytest

from jobs.models import ItemKind, ItemState, Job, JobItem, Kind, State
from notifications.models import Notification
from tests.security.conftest import LIVE_MARKUP

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# A URL holds no space: the same attack without one.
IMG_URL = '"><img/src=x/onerror=alert(1)>'
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
WWW = "www.demo-shop.com"


@pytest.fixture
def hostile(client, operator, connect_demo, demo):
    """Upstream data with script in every text field the sandbox takes, and panel records of it."""
    connect_demo(operator)
    client.force_login(operator)
    mark = uuid.uuid4().hex[:8]
    from connections.services import client_for

    upstream = client_for(operator)
    ticket = upstream.ticket.create(f"{SCRIPT} {IMG} {WWW} {mark}", f"{SCRIPT}\n\n{IMG}\n\n[x](javascript:alert(1))")
    upstream.ticket.reply(ticket["id"], f"{SCRIPT} {IMG}")
    urls = [f"https://{WWW}/{mark}/{SCRIPT}", f"https://{WWW}/{mark}/{IMG_URL}", f"https://{WWW}/{mark}/gone{SCRIPT}"]
    items = upstream.cdn.create_urls(urls)
    # Deleting one through the panel leaves an audit row naming that URL.
    gone = next(item for item in items if "gone" in item["url"])
    assert client.post("/cdn/urls/delete/", {"ids": [str(gone["id"])]}).status_code == 302
    tenant = operator.plcloud.tenant_id
    Notification.objects.create(
        user=operator, tenant_id=tenant, ticket_id=ticket["id"], summary=ticket["summary"], reply_count=1
    )
    www = next(d for d in demo.cdn.list() if d["domainName"] == WWW)
    job = Job.objects.create(
        owner=operator, tenant_id=tenant, kind=Kind.PREFETCH, domain_id=str(www["domainId"]), domain_name=WWW,
        state=State.PARTIAL,
        error=f"origin said {SCRIPT}",
    )  # fmt: skip
    JobItem.objects.create(job=job, url=urls[0], kind=ItemKind.URL, state=ItemState.FAILED, error=f"origin: {IMG}")
    return {"ticket": ticket, "mark": mark, "www": www, "job": job}


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code in {200, 286}, f"{url}: {response.status_code}"
    return response.content.decode()


def test_script_in_upstream_and_panel_data_shows_as_text(client, hostile):
    tk, mark, job = hostile["ticket"]["id"], hostile["mark"], hostile["job"]
    pages = {
        "/tickets/notifications/": [ESCAPED_SCRIPT],  # before the ticket page, which reads it
        "/tickets/": [ESCAPED_SCRIPT],
        f"/tickets/{tk}/": [ESCAPED_SCRIPT, "onerror=alert(1)"],
        f"/tickets/{tk}/close/": [ESCAPED_SCRIPT],
        f"/cdn/urls/?q={mark}": [ESCAPED_SCRIPT, "&quot;&gt;&lt;img/src=x/onerror=alert(1)&gt;"],
        f"/cdn/{hostile['www']['domainId']}/": [ESCAPED_SCRIPT],  # the ticket naming the domain
        f"/jobs/{job.pk}/": [ESCAPED_SCRIPT, "&lt;img src=x onerror=alert(1)&gt;"],
        f"/jobs/{job.pk}/progress/": [ESCAPED_SCRIPT],
        "/audit/": [ESCAPED_SCRIPT],
        f"/tickets/new/?summary={SCRIPT}&description={IMG}": ["&lt;img src=x onerror=alert(1)&gt;"],
    }
    for url, shown in pages.items():
        body = page_text(client, url)
        for markup in (*LIVE_MARKUP, "<img/src=x/onerror", 'href="javascript:'):
            assert markup not in body, f"{url}: {markup!r} is live on the page"
        for text in shown:
            assert text in body, f"{url}: {text!r} is not shown as text"
