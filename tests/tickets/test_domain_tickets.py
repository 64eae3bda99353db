"""The CDN domain page lists the member's open tickets that name the domain."""

import pytest
from django.test import RequestFactory

from cdn.domain_views import _render_detail
from cdn.objects import Domain
from tests.tickets.conftest import unique


@pytest.fixture
def domain(connected, upstream):
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
