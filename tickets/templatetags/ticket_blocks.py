"""Blocks of tickets on other apps' pages: their templates load these, their Python never imports tickets."""

from django import template

from connections.problems import explain
from connections.request_client import client_for_request
from plcloud import PlcloudError
from tickets.selectors import mentioning, recent_tickets

register = template.Library()


@register.inclusion_tag("tickets/_domain_tickets.html", takes_context=True)
def domain_tickets(context, domain):
    """The domain page's open tickets naming the domain, read with the request's client through
    the member's short cache (tickets.selectors.recent_tickets); an outage shows its message, not
    an empty list."""
    block = {"domain": domain, "can_change": context.get("can_change")}
    try:
        request = context["request"]
        tickets = recent_tickets(client=client_for_request(request), user=request.user)
    except PlcloudError as error:
        block["tickets_problem"] = explain(error)
    else:
        block["domain_tickets"] = mentioning(tickets, domain.name, domain.display_name)
    return block
