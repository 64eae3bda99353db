"""Numbers on pages, one filter each for all of them (cdn.units): ``count`` for requests and
other counts, ``data_size`` for bytes, ``bit_rate`` for bandwidth."""

from django import template

from cdn import units

register = template.Library()
register.filter("count", units.count)
register.filter("data_size", units.data_size)
register.filter("bit_rate", units.bit_rate)
