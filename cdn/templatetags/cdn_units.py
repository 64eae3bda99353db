from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def gigabytes(value) -> str:
    """Bytes as GB with two decimals, in the reader's number format."""
    return number_format((int(value or 0)) / 1024**3, 2)


@register.filter
def megabits(value) -> str:
    return number_format((int(value or 0)) / 1_000_000, 2)
