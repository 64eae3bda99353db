"""Request logs, generated and never stored.

Entry ``n`` of a domain's log is a pure function of (domain, type, n): its time is
``epoch + (n + jitter_n) / rate`` and every field comes from one hash of the key. The epoch is
the whole second after the domain's creation and the arithmetic is exact integers, so each
entry keeps to its own 1/rate slot and a domain logging 15 a second has exactly 15 in every
whole second, yet the times within a second are uneven, as real traffic is. Finding
where a window starts is arithmetic plus a step or two, so a page costs O(limit) wherever it
sits in the window, and nothing is ever held beyond the page being answered.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import struct
import time
from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from plcloud_sandbox import validation as v
from plcloud_sandbox.domains import owned, served_areas
from plcloud_sandbox.wire import Request, Response, bad_request, micros, parse_time

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox

TYPES = ("cache", "origin")
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
MAX_WINDOW_MS = 31 * 86400 * 1000
DEFAULT_WINDOW_MS = 86400 * 1000
# Entries per chunk of a streamed answer (about 0.8 MB): small enough to keep memory flat,
# large enough that the chunk framing costs nothing.
STREAM_BLOCK = 2000
# About one request in five misses the edge cache and goes to the origin.
ORIGIN_SHARE = Fraction(1, 5)
TABLE_SIZE = 4096

_WORDS = struct.Struct("<8I")

CLIENT_PREFIXES = (
    "223.104.",
    "117.136.",
    "112.97.",
    "183.14.",
    "36.110.",
    "101.84.",
    "58.250.",
    "120.229.",
    "42.120.",
    "113.88.",
    "14.153.",
    "203.198.",
    "223.197.",
    "112.118.",
    "73.162.",
    "86.12.",
    "151.80.",
    "49.228.",
)
EDGE_PREFIXES = ("101.33.12.", "43.152.3.", "119.147.82.", "58.222.47.")
USER_AGENTS = tuple(
    json.dumps(ua)
    for ua in (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
        "Safari/537.36",
        "Mozilla/5.0 (Linux; Android 14; V2309A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 "
        "Mobile Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148 MicroMessenger/8.0.49(0x18003130) NetType/WIFI Language/zh_CN",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (Linux; U; Android 13; zh-CN; PHB110 Build/TP1A.220905.001) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/100.0.4896.58 UCBrowser/16.6.0.1341 Mobile Safari/537.36",
        "okhttp/4.12.0",
    )
)
EDGE_AGENT = json.dumps("Plcloud-CDN/2.4 (edge fetch)")


def request_log(ctx: Sandbox, req: Request) -> Response:
    raw_id = req.arg("domain_id")
    if raw_id is None:
        raise bad_request("domain_id: is required")
    domain_id = v.int_id(raw_id, "domain_id")
    kind = req.arg("type") or "cache"
    if kind not in TYPES:
        raise v.fail("type", kind, "is not one of cache, origin")
    # The sdk profile has no paging: limit and marker are unknown there, so ignored.
    limit = 0 if ctx.sdk else _limit(req.arg("limit"))
    with ctx.store.read() as conn:
        domain = owned(conn, req.auth, domain_id)

    now_ms = math.floor(time.time() * 1000)
    start_ms, end_ms, defaulted = _window(req, now_ms)
    # A domain that serves no area (cn alone, without an ICP record) gets no requests.
    served = served_areas(json.loads(domain["areas"]), domain["icp_record"])
    log = DomainLog(
        domain["id"],
        domain["name"],
        domain["service_type"],
        domain["log_rate"] if served else 0.0,
        domain["created_at"],
        kind,
    )
    first = log.first_at_or_after(start_ms)
    stop = log.first_at_or_after(min(end_ms, now_ms))
    if ctx.sdk:
        return Response(200, stream=whole_window(log, first, stop))

    marker = req.arg("marker")
    begin = first
    if marker:
        begin = _read_marker(marker, domain["id"], kind)
        if begin < first:
            raise bad_request("marker: points before this window's start; send the query the marker came from")
    end = max(begin, min(begin + limit, stop))

    parts = [b'{"cdn": [', log.render(begin, end), b"]"]
    if end < stop:
        href = _next_href(ctx, req, defaulted, make_marker(domain["id"], kind, end))
        parts.append(b', "cdn_links": [{"rel": "next", "href": ' + json.dumps(href).encode() + b"}]")
    parts.append(b"}")
    return Response(200, raw=b"".join(parts))


def whole_window(log: DomainLog, first: int, stop: int) -> Iterator[bytes]:
    """The SDK's one list for the whole window, made block by block as it is sent: a busy day is
    1,296,000 entries (about 500 MB), a 31-day window forty million, and none of it is ever held."""
    yield b'{"cdn": ['
    for begin in range(first, stop, STREAM_BLOCK):
        block = log.render(begin, min(begin + STREAM_BLOCK, stop), with_seq=False)
        yield block if begin == first else b", " + block
    yield b"]}"


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_LIMIT:
        raise v.fail("limit", raw, f"is not a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def _window(req: Request, now_ms: int) -> tuple[int, int, dict[str, str]]:
    """Milliseconds of ``start_at <= time < end_at``; by default the 24 hours up to now."""
    defaulted: dict[str, str] = {}
    raw_start, raw_end = req.arg("start_at"), req.arg("end_at")
    # Whole milliseconds are compared, so a bound with finer precision rounds up: entries
    # carry millisecond times, and t >= 1.0005 s holds for exactly the entries t >= 1.001 s.
    end_ms = -(-micros(parse_time(raw_end, "end_at")) // 1000) if raw_end else now_ms
    start_ms = -(-micros(parse_time(raw_start, "start_at")) // 1000) if raw_start else end_ms - DEFAULT_WINDOW_MS
    if not raw_end:
        defaulted["end_at"] = iso_ms(end_ms)
    if not raw_start:
        defaulted["start_at"] = iso_ms(start_ms)
    if start_ms >= end_ms:
        raise bad_request("start_at: must be before end_at")
    if end_ms - start_ms > MAX_WINDOW_MS:
        raise bad_request("end_at: the window is longer than 31 days")
    return start_ms, end_ms, defaulted


def _next_href(ctx: Sandbox, req: Request, defaulted: dict[str, str], marker: str) -> str:
    """The same query plus the marker; a defaulted window is written out so it stays put."""
    pairs = [(key, value) for key, values in req.query.items() if key != "marker" for value in values]
    pairs += list(defaulted.items())
    pairs.append(("marker", marker))
    return f"{ctx.base_url(req)}{req.path}?{urlencode(pairs)}"


def make_marker(domain_id: int, kind: str, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{domain_id}.{kind}.{seq}".encode()).decode().rstrip("=")


def _read_marker(marker: str, domain_id: int, kind: str) -> int:
    try:
        text = base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4)).decode("ascii")
        marked_domain, marked_kind, seq = text.split(".")
        if not (marked_domain.isascii() and marked_domain.isdigit() and seq.isascii() and seq.isdigit()):
            raise ValueError(text)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise v.fail("marker", marker, "is not a marker this API gave") from None
    if int(marked_domain) != domain_id or marked_kind != kind:
        raise bad_request("marker: belongs to another domain or log type")
    return int(seq)


def iso_ms(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


class DomainLog:
    """One domain's log of one type: entry times and fields, computed from the sequence number."""

    def __init__(self, domain_id: int, name: str, service_type: str, rate: float, created_at: float, kind: str) -> None:
        self.kind = kind
        share = ORIGIN_SHARE if kind == "origin" else Fraction(1)
        # Entries a second as an exact fraction num/den: slot n spans [n, n + 1) * 1000 * den / num ms.
        exact = Fraction(rate).limit_denominator(1000) * share
        self.num, self.den = exact.numerator, exact.denominator
        self.epoch_ms = math.ceil(created_at) * 1000
        self.key = f"log:{domain_id}:{kind}:".encode()
        self.paths, self.table = path_catalog(domain_id, name, service_type)
        self.name = name

    def _words(self, seq: int) -> tuple[int, ...]:
        return _WORDS.unpack(hashlib.blake2b(self.key + seq.to_bytes(8, "little"), digest_size=32).digest())

    def time_ms(self, seq: int) -> int:
        return self.epoch_ms + ((seq << 32) + self._words(seq)[0]) * 1000 * self.den // (self.num << 32)

    def first_at_or_after(self, moment_ms: int) -> int:
        """The smallest seq whose time is at or after ``moment_ms``: a guess, then a few steps."""
        if self.num == 0 or moment_ms <= self.epoch_ms:
            return 0
        # Entry n's time is below the end of its slot, so this guess is never past the answer.
        seq = max(0, (moment_ms - self.epoch_ms) * self.num // (1000 * self.den) - 1)
        while self.time_ms(seq) < moment_ms:
            seq += 1
        return seq

    def render(self, begin: int, end: int, *, with_seq: bool = True) -> bytes:
        """Entries ``begin``..``end - 1`` as JSON text, written directly for speed.

        ``seq`` (what a paging marker points at) is the sandbox's own field: the sdk profile,
        which has no paging, leaves it out.
        """
        out: list[str] = []
        append = out.append
        blake2b = hashlib.blake2b
        unpack = _WORDS.unpack
        key, epoch = self.key, self.epoch_ms
        scale, divisor = 1000 * self.den, self.num << 32
        paths, table = self.paths, self.table
        origin = self.kind == "origin"
        referers = _referers(self.name)
        last_second = -1
        stamp = ""
        for seq in range(begin, end):
            w0, w1, w2, w3, w4, w5, _, _ = unpack(blake2b(key + seq.to_bytes(8, "little"), digest_size=32).digest())
            ms = epoch + ((seq << 32) + w0) * scale // divisor
            second = ms // 1000
            if second != last_second:
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
                last_second = second
            url, size, partial = paths[table[w1 & (TABLE_SIZE - 1)]]
            roll = w2 % 1000
            method = "HEAD" if (w2 >> 20) % 1000 >= 980 else "GET"
            if origin:
                status, cache, nbytes, ms_taken = _origin_outcome(roll, size, w4)
                # An edge node's own address: its /24 prefix and one host octet.
                client = f"{EDGE_PREFIXES[w3 % len(EDGE_PREFIXES)]}{1 + (w3 >> 16) % 254}"
                referer, agent = '""', EDGE_AGENT
            else:
                status, cache, nbytes, ms_taken = _edge_outcome(roll, (w2 >> 10) % 100, size, partial, w4, w5)
                # A visitor: a /16 prefix and two octets.
                client = f"{CLIENT_PREFIXES[w3 % len(CLIENT_PREFIXES)]}{(w3 >> 8) & 255}.{1 + (w3 >> 16) % 254}"
                referer = referers[(w1 >> 12) % 100]
                agent = USER_AGENTS[w5 % len(USER_AGENTS)]
            if method == "HEAD":
                nbytes = 0
            append(
                f'{{"time": "{stamp}.{ms % 1000:03d}Z", "client_ip": "{client}", "method": "{method}", '
                f'"url": {url}, "status": {status}, "bytes": {nbytes}, "cache": "{cache}", '
                f'"response_ms": {ms_taken}, "referer": {referer}, "user_agent": {agent}, "type": "{self.kind}"'
                + (f', "seq": {seq}}}' if with_seq else "}")
            )
        return ", ".join(out).encode()


def _edge_outcome(roll: int, cache_roll: int, size: int, partial: bool, w4: int, w5: int) -> tuple[int, str, int, int]:
    """Status, cache result, bytes and time of an edge answer; ranged files see more 206s."""
    ranged = 60 if partial else 15
    if roll < 870 - ranged:
        status, nbytes = 200, size
    elif roll < 870:
        status, nbytes = 206, max(1, size // (2 + w5 % 8))
    elif roll < 940:
        status, nbytes = 304, 0
    elif roll < 975:
        status, nbytes = 404, 548
    elif roll < 982:
        status, nbytes = 403, 555
    elif roll < 994:
        status, nbytes = 499, 0
    else:
        status, nbytes = (502, 537) if roll < 998 else (504, 537)
    if status in (200, 206):
        cache = "HIT" if cache_roll < 82 else "MISS" if cache_roll < 96 else "EXPIRED"
    else:
        cache = "HIT" if status in (304, 499) else "MISS"
    transfer = nbytes // 400_000  # about 3 Mbit/s to the visitor
    if status >= 500:
        taken = 1000 + w4 % 29_000
    elif cache == "HIT":
        taken = 1 + w4 % 30 + transfer
    else:
        taken = 25 + w4 % 400 + transfer
    return status, cache, nbytes, taken


def _origin_outcome(roll: int, size: int, w4: int) -> tuple[int, str, int, int]:
    if roll < 800:
        status, nbytes = 200, size
    elif roll < 950:
        status, nbytes = 304, 0
    elif roll < 985:
        status, nbytes = 404, 162
    else:
        status, nbytes = 502, 0
    return status, "MISS", nbytes, 15 + w4 % 800 + nbytes // 2_000_000


@lru_cache(maxsize=64)
def _referers(name: str) -> tuple[str, ...]:
    """A hundred slots: 40 empty, 35 the site's home, 10 a product page, 10 Baidu, 5 Google."""
    choices = (
        [""] * 40
        + [f"https://{name}/"] * 35
        + [f"https://{name}/products/list.html"] * 10
        + ["https://www.baidu.com/"] * 10
        + ["https://www.google.com/"] * 5
    )
    return tuple(json.dumps(choice) for choice in choices)


@lru_cache(maxsize=64)
def path_catalog(domain_id: int, name: str, service_type: str) -> tuple[list[tuple[str, int, bool]], list[int]]:
    """The domain's URLs, most requested first, and a table that picks them with a long tail.

    Each path keeps one size, as a real object does. The table maps 12 bits of a hash to a path
    index spread log-uniformly, so a few hot objects take most requests.
    """

    def h(*parts: object) -> int:
        text = ":".join(str(p) for p in (domain_id, *parts)).encode()
        return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")

    entries: list[tuple[str, int, bool]] = []
    if service_type == "download":
        entries += [("/", 18_000 + h("home") % 4000, False)]
        entries += [
            (f"/downloads/app-3.{minor}.{h('apk', minor) % 10}.apk", 30_000_000 + h("apksz", minor) % 60_000_000, True)
            for minor in range(8, 0, -1)
        ]
        entries += [
            (f"/downloads/setup-3.{minor}.exe", 80_000_000 + h("exe", minor) % 40_000_000, True)
            for minor in range(8, 0, -1)
        ]
        entries += [(f"/files/docs/manual-{n}.pdf", 500_000 + h("pdf", n) % 5_000_000, True) for n in range(40)]
    elif service_type == "media":
        for video in range(60):
            vid = 100_000 + h("video", video) % 900_000
            entries.append((f"/video/{vid}/index.m3u8", 800 + h("m3u8", video) % 600, False))
            entries += [
                (f"/video/{vid}/seg-{k:04d}.ts", 1_000_000 + h("ts", video, k) % 2_500_000, True) for k in range(12)
            ]
            entries.append((f"/posters/{vid}.jpg", 60_000 + h("poster", video) % 140_000, False))
    else:
        tag = f"{h('build'):016x}"
        entries += [
            ("/", 18_000 + h("home") % 6000, False),
            (f"/static/js/app.{tag[:8]}.js", 180_000 + h("app") % 120_000, False),
            (f"/static/css/site.{tag[8:16]}.css", 40_000 + h("css") % 30_000, False),
            (f"/static/js/vendor.{tag[4:12]}.js", 300_000 + h("vendor") % 200_000, False),
            ("/favicon.ico", 4286, False),
            ("/static/fonts/PingFangSC-Regular.woff2", 1_900_000, True),
            ("/index.html", 18_000 + h("home") % 6000, False),
            ("/robots.txt", 120, False),
        ]
        for n in range(240):
            item = 10_000 + h("product", n) % 90_000
            entries.append((f"/images/products/{item}.jpg", 30_000 + h("jpg", n) % 220_000, False))
            if n % 4 == 0:
                entries.append((f"/api/v1/products?page={n // 4 + 1}", 5_000 + h("api", n) % 15_000, False))
            if n % 8 == 0:
                entries.append((f"/images/banners/{n // 8 + 1}.webp", 80_000 + h("banner", n) % 120_000, False))
    paths = [(json.dumps(f"https://{name}{path}"), size, partial) for path, size, partial in entries]
    count = len(paths)
    table = [min(count - 1, int(count ** (i / TABLE_SIZE)) - 1) for i in range(TABLE_SIZE)]
    return paths, table
