"""The CDN domain page lists the member's open tickets that name the domain, read through the
member's short cache: a second page within CDN_CACHE_SECONDS makes no ticket-list call, and the
member's own change to a ticket shows on their next page."""

import pytest
from django.test import RequestFactory

from cdn.domain_views import _render_detail
from cdn.objects import Domain
from connections.member_cache import forget
from tests.tickets.conftest import unique


@pytest.fixture
def domain(connected, upstream):
    forget(connected["operator"])  # nothing kept by an earlier test's member of the same id
    name = f"p{unique('d').split()[1]}.panel-test.com"
    return upstream(connected["operator"]).cdn.create(name, ["114.114.114.114"], ["hk"])


def test_it_lists_open_tickets_naming_the_domain(client, connected, domain, new_ticket, upstream):
    operator = connected["operator"]
    name = domain["domainName"]
    mentioned = new_ticket(operator, f"Cache misses on {name.upper()}")
    closed = new_ticket(operator, f"Old trouble with {name}")
    upstream(operator).ticket.update(closed["id"], "closed")
    other = new_ticket(operator, unique("unrelated"))
    client.force_login(operator)
    page = client.get(f"/cdn/{domain['domainId']}/").content.decode()
    assert f'href="/tickets/{mentioned["id"]}/"' in page
    assert closed["id"] not in page and other["id"] not in page
    assert f'href="/tickets/new/?summary={name}"' in page


def test_an_outage_shows_a_message_not_an_empty_list(connected, domain, clean_faults):
    operator = connected["operator"]
    request = RequestFactory().get(f"/cdn/{domain['domainId']}/")
    request.user = operator
    clean_faults.set_faults(error_rate=1.0, scope="service")
    page = _render_detail(request, Domain.from_wire(domain)).content.decode()
    assert "Plcloud is not reachable right now" in page
    assert "No open tickets mention this domain." not in page


def ticket_list_calls(sandbox) -> list[dict]:
    return sandbox.calls("GET", "/ticket")


def test_a_second_page_within_the_cache_time_makes_no_ticket_list_call(client, connected, domain, sandbox):
    client.force_login(connected["operator"])
    url = f"/cdn/{domain['domainId']}/"
    sandbox.forget_requests()
    first = client.get(url).content.decode()
    assert len(ticket_list_calls(sandbox)) == 1
    sandbox.forget_requests()
    second = client.get(url).content.decode()
    assert ticket_list_calls(sandbox) == []
    # The domain itself is still read fresh, and the block is the same.
    assert len(sandbox.calls("GET", f"/cdn/domain/{domain['domainId']}")) == 1
    assert "No open tickets mention this domain." in first and "No open tickets mention this domain." in second


def test_a_ticket_the_member_opens_or_closes_shows_on_their_next_page(client, connected, domain, sandbox):
    client.force_login(connected["operator"])
    url = f"/cdn/{domain['domainId']}/"
    assert "No open tickets mention this domain." in client.get(url).content.decode()
    summary = f"Slow answers from {domain['domainName']}"
    opened = client.post("/tickets/new/", {"summary": summary, "description": "Since noon."})
    ticket_page = opened.headers["Location"]
    sandbox.forget_requests()
    shown = client.get(url).content.decode()
    assert f'href="{ticket_page}"' in shown
    assert len(ticket_list_calls(sandbox)) == 1
    assert client.post(f"{ticket_page}close/").status_code == 302
    sandbox.forget_requests()
    assert f'href="{ticket_page}"' not in client.get(url).content.decode()
    assert len(ticket_list_calls(sandbox)) == 1


def test_the_ticket_list_reads_fresh_beside_a_kept_block(client, connected, domain, new_ticket):
    operator = connected["operator"]
    client.force_login(operator)
    client.get(f"/cdn/{domain['domainId']}/")
    made = new_ticket(operator, f"Made elsewhere for {domain['domainName']}")  # not through the panel
    assert f'href="/tickets/{made["id"]}/"' in client.get("/tickets/").content.decode()
