"""What the panel checks before anything goes to Plcloud (docs/plcloud-api.md, CDN domains).

The messages are for a person at a form, so they name the line and say what to type instead.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import idna
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_ORIGIN_IPS = 10
# A form names at most this many wrong lines, and counts the rest in one more message: a paste of
# 5,000 wrong lines answers a page of 21 messages, not 5,000 (each message quotes its line, cut
# to QUOTED_LENGTH characters).
MAX_LINE_MESSAGES = 20
QUOTED_LENGTH = 100
# What one pasted list of URLs may hold. 5,000 lines is 5 create_urls calls of 1,000, 10 prefetch
# calls of 500 or 50 flush calls of 100 (docs/plcloud-api.md, Limits): a longer list is better
# sent as several jobs, each reviewed. 500,000 bytes is 100 bytes a line at that count (a CDN URL
# is usually 40 to 80); the box is sent back as typed, so the page answering a list at these
# caps stays well under 1 MB.
URL_LIST_MAX_LINES = 5_000
URL_LIST_MAX_BYTES = 500_000
# The suffix is -1 to -9999, as the API takes it (docs/plcloud-api.md): "-0" or "-01" is refused upstream.
ICP_RECORD = re.compile(r"^[\u4e00-\u9fff]ICP备\d{6,10}号(-[1-9]\d{0,3})?$")
_LABEL = re.compile(r"^[a-z0-9-]{2,63}$")
# ipaddress counts these as global; a CDN origin there is always a mistake.
_DOCUMENTATION = [
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
]


def domain_to_ascii(value: str) -> str:
    """The name as the API expects it: lower-case ASCII, an IDN in its xn-- form."""
    name = value.strip().rstrip(".").lower()
    if not name:
        raise ValidationError(_("Enter a domain name."))
    if "://" in name or "/" in name or ":" in name or "*" in name or " " in name:
        raise ValidationError(_("Enter a host name only, like www.example.com: no scheme, path, port or wildcard."))
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        pass
    else:
        raise ValidationError(_("Enter a host name, not an IP address."))
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise ValidationError(_("%(name)s is not a valid domain name.") % {"name": value.strip()}) from None
    labels = ascii_name.split(".")
    if len(labels) < 2 or len(ascii_name) > 253 or labels[-1].isdigit():
        raise ValidationError(_("Enter a full domain name, like www.example.com."))
    for label in labels:
        if not _LABEL.match(label) or label.startswith("-") or label.endswith("-"):
            raise ValidationError(
                _("%(label)s: each part holds 2 to 63 letters, digits or inner hyphens.") % {"label": label}
            )
    return ascii_name


def domain_to_unicode(name: str) -> str:
    try:
        return idna.decode(name)
    except idna.IDNAError:
        return name


def quoted(line: str) -> str:
    """A line as a message quotes it: at most QUOTED_LENGTH characters."""
    return line if len(line) <= QUOTED_LENGTH else line[: QUOTED_LENGTH - 1] + "…"


def first_messages(messages: list[str]) -> list[str]:
    """The first MAX_LINE_MESSAGES of one message a wrong line, then one that counts the rest."""
    if len(messages) <= MAX_LINE_MESSAGES:
        return messages
    more = len(messages) - MAX_LINE_MESSAGES
    counted = ngettext(
        "…and %(more)s more line to correct (%(total)s in all).",
        "…and %(more)s more lines to correct (%(total)s in all).",
        more,
    ) % {"more": number_format(more, force_grouping=True), "total": number_format(len(messages), force_grouping=True)}
    return [*messages[:MAX_LINE_MESSAGES], counted]


def list_size(text: str, *, max_lines: int, max_bytes: int) -> None:
    """Refuse a pasted list past its caps with one message, before any of its lines is read."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ValidationError(
            _("Paste at most %(max)s bytes here (this is %(size)s): send a longer list in parts.")
            % {"max": number_format(max_bytes, force_grouping=True), "size": number_format(size, force_grouping=True)}
        )
    lines = sum(1 for line in text.splitlines() if line.strip())
    if lines > max_lines:
        raise ValidationError(
            _("Paste at most %(max)s lines here (this has %(n)s): send a longer list in parts.")
            % {"max": number_format(max_lines, force_grouping=True), "n": number_format(lines, force_grouping=True)}
        )


def origin_ips(text: str) -> list[str]:
    """One address a line; every bad line is named by its number."""
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise ValidationError(_("Enter at least one origin IP address."))
    errors, seen, addresses = [], {}, []
    for number, line in lines:
        try:
            address = ipaddress.ip_address(line)
        except ValueError:
            errors.append(
                _("Line %(n)s: %(value)s is not an IPv4 or IPv6 address.") % {"n": number, "value": quoted(line)}
            )
            continue
        canonical = str(address)
        refused = _not_an_origin(address)
        if refused:
            errors.append(refused % {"n": number, "value": quoted(line)})
        elif canonical in seen:
            errors.append(
                _("Line %(n)s: %(value)s repeats line %(first)s.")
                % {"n": number, "value": quoted(line), "first": seen[canonical]}
            )
        else:
            seen[canonical] = number
            addresses.append(canonical)
    errors = first_messages(errors)
    if len(addresses) > MAX_ORIGIN_IPS:
        errors.append(_("Give at most %(max)s origin addresses.") % {"max": MAX_ORIGIN_IPS})
    if errors:
        raise ValidationError(errors)
    return addresses


def _not_an_origin(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why the API refuses ``address`` as an origin (it takes global unicast only), or None."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return _("Line %(n)s: %(value)s has a zone (after %%); give the address without it.")
        if address.ipv4_mapped:
            return _("Line %(n)s: %(value)s is an IPv4 address written as IPv6; give it as IPv4.")
    public = address.is_global and not (address.is_reserved or address.is_private or address.is_multicast)
    if not public or any(address in net for net in _DOCUMENTATION if net.version == address.version):
        return _("Line %(n)s: %(value)s is not a public address.")
    return None


def icp_record(value: str) -> str:
    value = value.strip()
    if value and not ICP_RECORD.match(value):
        raise ValidationError(_("Enter the ICP record number as issued, like 京ICP备12345678号-1."))
    return value


MAX_URL_LENGTH = 2048


def is_http_url(line: str) -> bool:
    """An absolute http(s) URL the API takes: no whitespace or control character (urlsplit would
    quietly drop a tab), a host, and a port that is a port."""
    if any(ch.isspace() or not ch.isprintable() for ch in line):
        return False
    try:
        parts = urlsplit(line)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:  # an unclosed [ or a bad IPv6 literal, or a port out of range
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def url_lines(text: str) -> tuple[list[str], list[str]]:
    """The valid http(s) URLs of a pasted list (first occurrence of each), and a message per bad line."""
    valid, errors, seen = [], [], set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line in seen:
            continue
        if not is_http_url(line):
            errors.append(
                _("Line %(n)s: %(value)s is not an http:// or https:// URL.") % {"n": number, "value": quoted(line)}
            )
        elif len(line) > MAX_URL_LENGTH:
            errors.append(_("Line %(n)s: longer than %(max)s characters.") % {"n": number, "max": MAX_URL_LENGTH})
        else:
            seen.add(line)
            valid.append(line)
    return valid, errors
