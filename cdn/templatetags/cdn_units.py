"""Numbers on pages, one filter each for all of them (cdn.units): ``count`` for requests and
other counts, ``data_size`` for bytes, ``bit_rate`` for bandwidth."""

import json

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format

from cdn import units

register = template.Library()
register.filter("count", units.count)
register.filter("data_size", units.data_size)
register.filter("bit_rate", units.bit_rate)


# The former fixed units, left for templates not yet moved to data_size and bit_rate (none in
# this branch): a template still using them shows a number, not an error page.
@register.filter
def gigabytes(value) -> str:
    return number_format(round(int(value or 0) / 1024**3, 2), 2, force_grouping=True)


@register.filter
def megabits(value) -> str:
    return number_format(round(int(value or 0) / 1_000_000, 2), 2, force_grouping=True)


@register.filter
def percent(value) -> str:
    """A share (0-1) as a percentage with one decimal, in the reader's number format."""
    return f"{floatformat(float(value) * 100, 1)} %"


@register.filter
def as_json(value) -> str:
    """Data for a script to read from an attribute (escaped there like any text): htmx drops
    the script elements of what it swaps in, so a part's data cannot ride in a json_script."""
    return json.dumps(value, separators=(",", ":"))
