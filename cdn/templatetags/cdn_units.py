import json

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format

register = template.Library()


@register.filter
def gigabytes(value) -> str:
    """Bytes as GB with two decimals, in the reader's number format."""
    return number_format((int(value or 0)) / 1024**3, 2)


@register.filter
def megabits(value) -> str:
    return number_format((int(value or 0)) / 1_000_000, 2)


@register.filter
def percent(value) -> str:
    """A share (0-1) as a percentage with one decimal, in the reader's number format."""
    return f"{floatformat(float(value) * 100, 1)} %"


@register.filter
def as_json(value) -> str:
    """Data for a script to read from an attribute (escaped there like any text): htmx drops
    the script elements of what it swaps in, so a part's data cannot ride in a json_script."""
    return json.dumps(value, separators=(",", ":"))
