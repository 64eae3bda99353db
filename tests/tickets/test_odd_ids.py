"""Ticket ids of any shape: WIRE.md shows ``tk-8b47870c`` as an example, not a rule. Whatever id
Plcloud gives renders, routes to its page and reaches Plcloud back as the same ticket."""

import re
from html import unescape

import pytest
from django.urls import resolve

from tests.tickets.conftest import unique

ODD_IDS = ["TK/2026 #7 ünï?x=1", "..", "42", "~tk", "工单-1", "a%2Fb"]


@pytest.fixture
def odd_ticket(connected, new_ticket, sandbox):
    made = []

    def make(new_id: str) -> dict:
        ticket = new_ticket(connected["operator"], unique(f"odd id {new_id}"))
        made.append(sandbox.rename_ticket(ticket["id"], new_id))
        return {**ticket, "id": new_id}

    return make


def link_to(page: str, summary: str) -> str:
    """The href of the link whose text is ``summary``."""
    for href, text in re.findall(r'<a href="([^"]+)">([^<]*)</a>', page):
        if unescape(text) == summary:
            return unescape(href)
    raise AssertionError(f"no link to {summary!r}")


@pytest.mark.parametrize("odd_id", ODD_IDS)
def test_a_ticket_with_any_id_is_listed_opened_and_answered(client, connected, odd_ticket, upstream, odd_id):
    ticket = odd_ticket(odd_id)
    client.force_login(connected["operator"])
    listed = client.get("/tickets/")
    assert listed.status_code == 200
    page_url = link_to(listed.content.decode(), ticket["summary"])
    assert resolve(page_url).kwargs["ticket_id"] == odd_id
    opened = client.get(page_url)
    assert opened.status_code == 200 and f"<code>{odd_id}</code>".replace("&", "&amp;") in opened.content.decode()
    replied = client.post(page_url + "reply/", {"content": f"a reply to {odd_id}"})
    assert replied.status_code == 302 and replied["Location"] == page_url
    replies = upstream(connected["operator"]).ticket.list_reply(odd_id)
    assert replies[-1]["content"] == f"a reply to {odd_id}"


def test_a_domain_page_and_the_notices_link_a_ticket_with_any_id(client, connected, new_ticket, sandbox, www):
    ticket = new_ticket(connected["operator"], unique("www.demo-shop.com slow from Beijing"))
    sandbox.rename_ticket(ticket["id"], "TK 2026/08")
    client.force_login(connected["operator"])
    domain_page = client.get(f"/cdn/{www['domainId']}/")
    assert domain_page.status_code == 200
    assert client.get(link_to(domain_page.content.decode(), ticket["summary"])).status_code == 200


def test_an_encoded_id_that_decodes_to_nothing_usable_is_not_found(client, connected):
    client.force_login(connected["operator"])
    for path in ("/tickets/~%21%21/", "/tickets/~_w/", "/cdn/~/", "/tickets/.hidden/"):
        assert client.get(path).status_code == 404, path
