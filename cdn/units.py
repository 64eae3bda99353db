"""Counts, sizes and rates as the member reads them: grouped by thousands in the page's language
(plcloud_panel/formats), in the largest unit that keeps the number at 1 or more. Sizes in bytes
count in 1,024s (KB, MB, GB, TB: Plcloud's GB is 1024**3 bytes); rates in bits per second in
1,000s (Kbit/s, Mbit/s, Gbit/s). The symbols are written alike in both languages."""

from __future__ import annotations

from django.utils.formats import number_format

SIZE_UNITS = ("B", "KB", "MB", "GB", "TB")
RATE_UNITS = ("bit/s", "Kbit/s", "Mbit/s", "Gbit/s", "Tbit/s")


def count(value) -> str:
    """A whole number with the language's grouping: 1,234,567."""
    try:
        return number_format(int(value), force_grouping=True)
    except (TypeError, ValueError):
        return ""


def _scaled(value, step: int, units: tuple[str, ...]) -> str:
    try:
        amount = float(value or 0)
    except (TypeError, ValueError):
        return ""
    unit = 0
    while abs(amount) >= step and unit < len(units) - 1:
        amount /= step
        unit += 1
    number = count(amount) if unit == 0 else number_format(round(amount, 2), 2, force_grouping=True)
    return f"{number}\xa0{units[unit]}"  # a no-break space: a number is never parted from its unit


def data_size(value) -> str:
    """Bytes: 512 B, 1.50 KB, 73.40 MB, 1,234.00 TB (each with a no-break space)."""
    return _scaled(value, 1024, SIZE_UNITS)


def bit_rate(value) -> str:
    """Bits per second: 950 bit/s, 1.96 Mbit/s."""
    return _scaled(value, 1000, RATE_UNITS)
