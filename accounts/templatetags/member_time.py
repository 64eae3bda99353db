"""Times on pages: ``{{ value|when }}`` shows one in the member's zone, with the zone, in the
language's one format; ``{{ value|iso }}`` is the same time for a ``<time datetime>`` attribute.
Both take datetimes and Plcloud's ISO 8601 texts (accounts.zones)."""

from django import template

from accounts import zones

register = template.Library()


@register.filter
def when(value) -> str:
    return zones.display(value)


@register.filter
def iso(value) -> str:
    return zones.machine(value)
