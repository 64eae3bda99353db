"""An audit row's words on a page (audit.describe): ``{{ entry|sentence }}``, ``{{ entry|error }}`` and
``{% for line in entry|detail_lines %}``."""

from django import template

from audit import describe

register = template.Library()


@register.filter
def sentence(entry) -> str:
    return describe.sentence(entry)


@register.filter
def error(entry) -> str:
    return describe.error(entry)


@register.filter
def detail_lines(entry) -> list[str]:
    return describe.detail_lines(entry)
