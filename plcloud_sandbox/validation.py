"""The input rules of docs/plcloud-api.md. Each failure is a 400 whose message names the field and why."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from plcloud_sandbox.wire import ApiError, bad_request, quoted

AREAS = ("cn", "hk", "ov")
SERVICE_TYPES = ("web", "download", "media")
MAX_URL_LENGTH = 2048
MAX_ORIGIN_IPS = 10

_LABEL = re.compile(r"^[a-z0-9-]+$")
_BAD_LABEL_CHAR = re.compile(r"[^a-z0-9-]")
# A province's one-character abbreviation, "ICP备", 6-10 digits, "号", optionally "-n".
_ICP = re.compile(r"^[\u4e00-\u9fff]ICP备\d{6,10}号(?:-[1-9]\d{0,3})?$")
_DOCUMENTATION = tuple(
    ipaddress.ip_network(net)
    for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20")
)


def fail(field: str, value: object, reason: str) -> ApiError:
    return bad_request(f"{field}: {quoted(value)} {reason}")


def expect_object(value: object, field: str) -> dict:
    if not isinstance(value, dict):
        raise bad_request(f"{field}: expected a JSON object")
    return value


def only_keys(obj: dict, allowed: Iterable[str], field: str) -> None:
    allowed = tuple(allowed)
    for key in obj:
        if key not in allowed:
            raise bad_request(f"{field}: unknown key {quoted(key)} (allowed: {', '.join(allowed)})")


def wrapped(body: object, key: str) -> dict:
    """``{"<key>": {...}}`` and nothing else beside it."""
    body = expect_object(body, "request body")
    only_keys(body, (key,), "request body")
    if key not in body:
        raise bad_request(f'request body: expected {{"{key}": {{...}}}}')
    return expect_object(body[key], key)


def domain_name(value: object) -> str:
    """A host name as the contract allows it, lower-cased; never an IP, wildcard, port or URL."""
    field = "domain"
    if not isinstance(value, str):
        raise bad_request(f"{field}: must be a string")
    if not value:
        raise bad_request(f"{field}: is required")
    _not_a_url_or_unicode(value)
    if _is_ip(value.strip("[]")):
        raise fail(field, value, "is an IP address, not a host name")
    if ":" in value:
        raise fail(field, value, "must be a host name, without a port")
    name = value.lower()
    if len(name) > 253:
        raise fail(field, value, "is longer than 253 characters")
    labels = name.split(".")
    if len(labels) < 2:
        raise fail(field, value, "needs at least two labels, like www.example.com")
    for label in labels:
        _check_label(value, label)
    if labels[-1].isdigit():
        raise fail(field, value, "has a top label of digits only")
    return name


def _not_a_url_or_unicode(value: str) -> None:
    field = "domain"
    if "://" in value:
        raise fail(field, value, "must be a host name, without a scheme")
    if "/" in value or "?" in value or "#" in value:
        raise fail(field, value, "must be a host name, without a path")
    if "*" in value:
        raise fail(field, value, "is a wildcard; give one host name")
    if not value.isascii():
        try:
            ascii_form = value.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise fail(field, value, "is not ASCII; send the IDNA (xn--) form of the name") from None
        raise fail(field, value, f"is not ASCII; send its IDNA form {quoted(ascii_form)}")


def _check_label(value: str, label: str) -> None:
    field = "domain"
    if not label:
        raise fail(field, value, "has an empty label")
    if not _LABEL.match(label):
        bad = _BAD_LABEL_CHAR.search(label)
        char = bad.group() if bad else "?"
        raise fail(field, value, f"has {quoted(char)}; labels hold letters, digits and hyphens only")
    if not 2 <= len(label) <= 63:
        raise fail(field, value, f"has the label {quoted(label)}; labels are 2 to 63 characters")
    if label.startswith("-") or label.endswith("-"):
        raise fail(field, value, f"has the label {quoted(label)}, which starts or ends with a hyphen")
    if label.startswith("xn--") and not _punycode_ok(label[4:]):
        raise fail(field, value, f"has {quoted(label)}, which is not a valid IDNA label")


def _punycode_ok(encoded: str) -> bool:
    """Decodes to a non-ASCII label; no round trip, so IDNA 2008 names such as straße pass."""
    try:
        decoded = encoded.encode("ascii").decode("punycode")
    except UnicodeError:
        return False
    if not decoded or decoded.isascii():
        return False
    return all(ch.isalnum() or ch == "-" or unicodedata.category(ch).startswith("M") for ch in decoded)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def origin_ips(value: object) -> list[str]:
    """1-10 distinct global unicast addresses, each in its canonical form."""
    field = "origin_ips"
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_ORIGIN_IPS:
        raise bad_request(f"{field}: give a list of 1 to {MAX_ORIGIN_IPS} IPv4 or IPv6 addresses")
    seen: set[str] = set()
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise fail(field, item, "is not an IPv4 or IPv6 address")
        try:
            address = ipaddress.ip_address(item)
        except ValueError:
            raise fail(field, item, "is not an IPv4 or IPv6 address") from None
        reason = _not_global_reason(address)
        if reason:
            raise fail(field, item, reason)
        canonical = str(address)
        if canonical in seen:
            raise fail(field, item, "is listed twice")
        seen.add(canonical)
        out.append(canonical)
    return out


def _not_global_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "carries a zone; origins need a global address"
        if address.ipv4_mapped:
            return "is an IPv4-mapped address; send the IPv4 form"
    checks = (
        (address.is_unspecified, "is the unspecified address"),
        (address.is_loopback, "is a loopback address"),
        (address.is_link_local, "is a link-local address"),
        (address.is_multicast, "is a multicast address"),
        (any(address in net for net in _DOCUMENTATION if net.version == address.version), "is a documentation address"),
        (address.is_reserved, "is a reserved address"),
        (address.is_private, "is a private address"),
        (not address.is_global, "is not a global unicast address"),
    )
    for failed, reason in checks:
        if failed:
            return reason
    return None


def areas(value: object) -> list[str]:
    field = "areas"
    if not isinstance(value, list) or not 1 <= len(value) <= len(AREAS):
        raise bad_request(f"{field}: give a list of 1 to 3 of cn, hk, ov")
    seen: list[str] = []
    for item in value:
        if item not in AREAS:
            raise fail(field, item, "is not one of cn, hk, ov")
        if item in seen:
            raise fail(field, item, "is listed twice")
        seen.append(item)
    return seen


def service_type(value: object) -> str:
    if value is None:
        return "web"
    if value not in SERVICE_TYPES:
        raise fail("type", value, "is not one of web, download, media")
    return value


def icp_record(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _ICP.match(value):
        raise fail("icp_record", value, "is not an ICP record number like 京ICP备12345678号-1")
    return value


def boolean(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise bad_request(f"{field}: must be true or false")
    return value


def url(value: object, field: str) -> str:
    """An absolute http(s) URL of at most 2,048 characters, kept exactly as sent."""
    if not isinstance(value, str) or not value:
        raise bad_request(f"{field}: every item must be a URL string")
    if len(value) > MAX_URL_LENGTH:
        raise fail(field, value, f"is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise fail(field, value, "is not a valid URL (it holds spaces or control characters)")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise fail(field, value, "is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise fail(field, value, "is not an http or https URL")
    if not parts.hostname:
        raise fail(field, value, "has no host")
    return value


def url_host(value: str) -> str:
    return (urlsplit(value).hostname or "").lower()


def url_list(value: object, field: str, low: int, high: int) -> list[str]:
    """``low``-``high`` distinct URLs."""
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise bad_request(f"{field}: give a list of {low} to {high} URLs")
    seen: set[str] = set()
    for item in value:
        url(item, field)
        if item in seen:
            raise fail(field, item, "is listed twice")
        seen.add(item)
    return list(value)


def whole_number(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request(f"{field}: must be a whole number from {low} to {high}")
    return value


def text(value: object, field: str, high: int) -> str:
    if not isinstance(value, str):
        raise bad_request(f"{field}: must be a string of 1 to {high} characters")
    if not value.strip():
        raise bad_request(f"{field}: must not be empty")
    if len(value) > high:
        raise bad_request(f"{field}: is {len(value)} characters long; at most {high}")
    return value


def int_id(value: object, field: str) -> int:
    """An integer id from JSON (number or digit string, as SDK callers pass either)."""
    if isinstance(value, bool):
        raise bad_request(f"{field}: must be an integer id")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    raise fail(field, value, "is not an integer id")
