"""Strategies for inputs a form must refuse. Each is bad by the contract (docs/plcloud-api.md) or
the form's own limits, never by asking the panel's validator, so a validator that lets one
through fails the test."""

from __future__ import annotations

import math

from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
# Text that is fine as text but must never be taken as markup, SQL, a template or a header.
NASTY = [
    SCRIPT,
    IMG,
    "</textarea><script>alert(1)</script>",
    "' OR '1'='1",
    "1; DROP TABLE auth_user; --",
    '" OR ""="',
    "%' --",
    "{{ 7*7 }}",
    "{% debug %}",
    "${jndi:ldap://127.0.0.1/x}",
    "../../../../etc/passwd",
    "%00",
    "\x00",
    "a\x00b",
    "\r\nX-Injected: 1",
    "\u202egnp.exe",
    "\ufeff",
    "%s%s%s%n",
    "javascript:alert(1)",
    "😀" * 3,
    "例子",
]
CONTROL = st.text(alphabet=st.characters(codec="utf-8", categories=["Cc"]), min_size=1, max_size=8)
ANY_TEXT = st.one_of(st.sampled_from(NASTY), CONTROL, st.text(max_size=40))


def oversized(more_than: int) -> st.SearchStrategy[str]:
    """Longer than the field allows, made of harmless or hostile units."""
    unit = st.sampled_from(["a", "例", "<", "%", "'", "\u0301", "😀"])
    return st.builds(lambda u, n: u * n, unit, st.integers(more_than + 1, more_than * 3 + 10))


def _not_whole(number: float) -> bool:
    return not math.isfinite(number) or number != int(number)


def bad_integers(low: int, high: int) -> st.SearchStrategy[str]:
    """Strings an integer field from ``low`` to ``high`` must refuse."""
    return st.one_of(
        st.integers(max_value=low - 1).map(str),
        st.integers(min_value=high + 1).map(str),
        st.integers(4301, 6000).map(lambda n: "9" * n),  # more digits than int() converts
        st.floats(allow_nan=True, allow_infinity=True).filter(_not_whole).map(repr),
        st.builds(lambda n, k: f"{n}e{k}", st.integers(1, 9), st.integers(1, 5)),
        st.sampled_from(
            [
                "",
                " ",
                "0x10",
                "0b1",
                "½",
                "²",
                "٣.٥",
                "1,000",
                "1 000",
                "+-1",
                "--1",
                "NaN",
                "Infinity",
                "None",
                "null",
                "true",
                "[]",
                "{}",
                "1/2",
            ]
        ),
        st.sampled_from(NASTY),
        CONTROL,
        oversized(400),
    )


# Host names

LABEL = st.from_regex(r"[a-z0-9]{2,8}", fullmatch=True)
NAME = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LABEL, min_size=1, max_size=3),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)
# Characters no host name holds, wherever they sit inside one.
NOT_IN_A_NAME = list(" <>\"'/\\:*?#@!$%&()+,;=[]^_`{|}~") + ["\x00", "\x01", "\x7f", "\t", "\n"]


def _insert(name: str, piece: str, where: int) -> str:
    # Inside the name, never at an end, where stripping could remove it.
    at = 1 + where % (len(name) - 1)
    return name[:at] + piece + name[at:]


BAD_NAMES = [
    "",
    " ",
    ".",
    "..",
    "com",
    "localhost",
    "a.example.com",
    "-www.example.com",
    "www-.example.com",
    "www..example.com",
    "www.example.123",
    "1.2.3.4",
    "[::1]",
    "::1",
    "2400:3200::1",
    "www.example.com:80",
    "http://www.example.com",
    "https://www.example.com/",
    "*.example.com",
    "www.example.com/path",
    "www.example.com?x=1",
    "www.example.com#x",
    "user@www.example.com",
    "xn--.com",
    "xn--ls8h.la",
    "xn--a.example.com",
    "xn--zz-.com",
    "xn--www.example.com",
    "a\u05d0b.example.com",
    "\u200d.example.com",
    "😀😀.example.com",
    "ex ample.com",
    "www.exam\x00ple.com",
    "例子",
    "a" * 64 + ".com",
    ".".join(["abc"] * 70),
    SCRIPT,
    IMG,
]
bad_domain_names = st.one_of(
    st.sampled_from(BAD_NAMES),
    st.builds(_insert, NAME, st.sampled_from(NOT_IN_A_NAME), st.integers(0, 1000)),
    st.builds(_insert, NAME, st.sampled_from(NASTY[:12]), st.integers(0, 1000)),
    LABEL,  # one label only
    st.builds(lambda n: "a" * n + ".example.com", st.integers(64, 300)),  # a label over 63
    st.builds(lambda n: ".".join(["ab"] * n) + ".com", st.integers(84, 200)),  # a name over 253
)


# Origin addresses

GOOD_IPS = [
    "114.114.114.114",
    "47.95.12.34",
    "120.76.10.5",
    "2400:3200::1",
    "139.162.20.15",
    "8.8.8.8",
    "1.1.1.1",
    "2001:4860:4860::8888",
    "9.9.9.9",
    "208.67.222.222",
    "2606:4700:4700::1111",
    "180.76.76.76",
]
BAD_IPS = [
    # zone ids
    "2400:3200::1%eth0",
    "2400:3200::1%1",
    "fe80::1%eth0",
    "2001:4860:4860::8888%25en0",
    # too many or misplaced colons
    "1:2:3:4:5:6:7:8:9",
    "2400:::1",
    ":::1",
    "2400:3200::1::",
    "2400:3200::1:",
    "[2400:3200::1]",
    "::::",
    # embedded IPv4
    "::ffff:8.8.8.8",
    "::8.8.8.8",
    "64:ff9b::8.8.8.8",
    "::ffff:10.0.0.1",
    "::ffff:300.1.1.1",
    "2400:3200::1.2.3",
    "::ffff:8.8.8.8%eth0",
    # IPv4 shapes
    "300.1.1.1",
    "1.2.3",
    "1.2.3.4.5",
    "01.02.03.04",
    "0x7f.0.0.1",
    "114.114.114.114/32",
    "114.114.114.114:80",
    "1.1.1.1.",
    "1..1.1",
    "١١٤.١١٤.١١٤.١١٤",
    # not global
    "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
    "127.0.0.1",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.1.1",
    "100.64.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.9",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "2001:db8::1",
    "3fff::1",
    "100::1",
    "2001::1",
    "2002:a00:1::1",
    # not addresses
    "origin.example.com",
    "http://114.114.114.114/",
    SCRIPT,
    "' OR 1=1 --",
    "\x00",
    "114.114.114.114\x00",
]


def _lines_with(bad: str, good: list[str], where: int) -> str:
    lines = list(good)
    lines.insert(where % (len(lines) + 1), bad)
    return "\n".join(lines)


bad_origin_ips = st.one_of(
    st.builds(
        _lines_with,
        st.sampled_from(BAD_IPS),
        st.lists(st.sampled_from(GOOD_IPS[:6]), max_size=3, unique=True),
        st.integers(0, 9),
    ),
    st.builds(lambda n: "\n".join(GOOD_IPS[:n]), st.integers(11, 12)),  # more than 10
    st.just("2400:3200::1\n2400:3200:0:0::1"),  # the same address twice
    st.just("114.114.114.114\n114.114.114.114"),
    st.sampled_from(["", " ", "\n\n", "\t"]),
    oversized(2000),
    ANY_TEXT.filter(lambda t: t.strip() and t.strip() not in GOOD_IPS),
)

BAD_ICP = [
    "京ICP备123号",
    "ICP备12345678号",
    "京ICP12345678号",
    "京ICP备12345678号-0",
    "京ICP备12345678号-12345",
    "京ICP备12345678",
    "aICP备12345678号",
    "京ICP备12345678号-",
    "京ICP备12345678901号",
    SCRIPT,
    "\x00",
    "京ICP备12345678号\x00",
]
bad_icp = st.one_of(st.sampled_from(BAD_ICP), oversized(64), ANY_TEXT.filter(lambda t: t.strip() and "ICP" not in t))
bad_choice = st.one_of(st.sampled_from(["", "CN", "HK", "cn,hk", "cn hk", "xx", "*", "0", "web ", " hk"]), ANY_TEXT)


# URLs


def good_urls(host: str, n: int) -> list[str]:
    return [f"https://{host}/fuzz/{i}.js" for i in range(n)]


def not_http_lines(host: str) -> list[str]:
    """Lines that are no http(s) URL with a host at all."""
    return [
        "javascript:alert(1)",
        "ftp://" + host + "/a",
        "http://",
        "https://",
        "//" + host + "/a",
        host + "/a",
        "http://[::1",
        "http://[zz]/",
        "http:///a",
        "http://:80/",
        "mailto:a@b.com",
        "data:text/html,<script>alert(1)</script>",
        SCRIPT,
        IMG,
        "http://a b.com/",
        "http://\x00/",
    ]


def malformed_lines(host: str) -> list[str]:
    """http(s) URLs on ``host`` that the API refuses: a bad port, whitespace or control characters
    inside, more than 2,048 characters (docs/plcloud-api.md)."""
    return [
        f"http://{host}:99999/a",
        f"http://{host}:-1/a",
        f"http://{host}:port/a",
        f"http://{host}/a b",
        f"http://{host}/a\tb",
        f"http://{host}/a\x00b",
        f"http://{host}/a\x7fb",
        f"http://{host}/\x1b[31m",
        f"http://{host}/\u00a0x",
        f"http://{host}/" + "a" * 2100,
    ]


def bad_url_list(host: str, *, big: bool = True, lines: list[str] | None = None) -> st.SearchStrategy[str]:
    """A pasted list with at least one bad line; now and then 10,000 lines long."""
    bad = st.sampled_from(lines or not_http_lines(host) + malformed_lines(host))
    small = st.builds(_lines_with, bad, st.integers(0, 5).map(lambda n: good_urls(host, n)), st.integers(0, 9))
    short = st.one_of(small, st.lists(bad, min_size=1, max_size=6).map("\n".join))
    if not big:
        return short
    # 10,000 lines, one input in 25 (they are slow to answer): one bad line hidden among good
    # ones, or all of them bad.
    long = st.one_of(
        st.builds(_lines_with, bad, st.just(good_urls(host, 9_999)), st.integers(0, 9_999)),
        st.builds(lambda line: "\n".join([line] * 10_000), bad),
    )
    return st.integers(0, 24).flatmap(lambda k: long if k == 0 else short)
