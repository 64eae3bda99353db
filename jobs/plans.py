"""Plans of cache flushes and prefetches: what a pasted list becomes before anything is sent.

A plan normalises every line to the URL the CDN sees, drops the lines that come out the same,
splits the rest under the API's per-call caps, and says what it changed. A line it cannot send
refuses the whole plan, named by its number next to the field it came from.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

import idna
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cdn.objects import Domain
from cdn.validators import MAX_URL_LENGTH, first_messages, is_http_url, quoted
from jobs.errors import PlanRefused
from jobs.models import ItemKind, JobItem

FLUSH_URLS_PER_CALL = 100
FLUSH_DIRS_PER_CALL = 20
PREFETCH_URLS_PER_CALL = 500
# Notes past this many are counted, not listed: a 10,000-line paste stays a readable page.
MAX_NOTES = 50
DEFAULT_PORTS = {"http": 80, "https": 443}
# What a browser leaves as it is in a path or query: reserved characters and existing %XX escapes.
_SAFE = "/?:@!$&'()*+,;=%~-._[]"
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
T = TypeVar("T")


@dataclass(frozen=True)
class Note:
    """A line the plan changed or left out: ``sent_as`` when changed, ``repeats`` when left out."""

    what: str
    number: int
    line: str
    sent_as: str = ""
    repeats: str = ""


def describe(urls: list, dirs: list) -> str:
    """Say "3 URLs and 1 directory", leaving out what there is none of."""
    said = {
        "urls": ngettext("%(n)s URL", "%(n)s URLs", len(urls)) % {"n": len(urls)},
        "dirs": ngettext("%(n)s directory", "%(n)s directories", len(dirs)) % {"n": len(dirs)},
    }
    if urls and dirs:
        return _("%(urls)s and %(dirs)s") % said
    return said["dirs"] if dirs else said["urls"]


@dataclass(frozen=True)
class Call:
    """One call of the plan: the URLs and directories it carries."""

    urls: list[str]
    dirs: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return describe(self.urls, self.dirs)


@dataclass(frozen=True)
class Plan:
    urls: list[str]
    dirs: list[str]
    calls: list[Call]
    # Lines changed or left out on the way, for the person reviewing the plan.
    notes: list[Note]
    notes_left_out: int = 0

    @property
    def summary(self) -> str:
        calls = ngettext("%(n)s request", "%(n)s requests", len(self.calls)) % {"n": len(self.calls)}
        return _("%(what)s in %(calls)s") % {"what": describe(self.urls, self.dirs), "calls": calls}


@dataclass(frozen=True)
class PrefetchPlan(Plan):
    # The member's domains (as Plcloud lists them) that the URLs are on.
    domains: list[Domain] = field(default_factory=list)


def _escape(text: str) -> str:
    """Non-ASCII characters percent-encoded as UTF-8, as a browser sends them; %XX in upper case."""
    return _ESCAPE.sub(lambda m: m.group(0).upper(), quote(text, safe=_SAFE))


def normalise(line: str) -> str | None:
    """The URL as the CDN sees it, or None if the API would refuse it.

    Scheme and host in lower case, an IDN host in its xn-- form, no trailing dot, no default
    port, no fragment (browsers never send one), at least "/" as the path, and what a URL cannot
    hold as it is (non-ASCII characters, <, >, " and the like) percent-encoded. No user name or
    password: a CDN URL never carries one.
    """
    if not is_http_url(line):
        return None
    parts = urlsplit(line)
    if parts.username is not None or parts.password is not None:
        return None
    host = parts.hostname.rstrip(".")  # already in lower case
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except UnicodeError:  # idna's errors among them
            return None
    if ":" in host:  # an IPv6 literal, which urlsplit gives without its brackets
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[parts.scheme.lower()]) else f"{host}:{port}"
    url = urlunsplit((parts.scheme.lower(), netloc, _escape(parts.path) or "/", _escape(parts.query), ""))
    return url if len(url) <= MAX_URL_LENGTH else None


def host_of(url: str) -> str:
    """The host of a normalised URL."""
    return urlsplit(url).hostname or ""


@dataclass
class _Reader:
    """Reads pasted lines into normalised URLs, keeping what it changed and what it refused."""

    notes: list[Note] = field(default_factory=list)
    notes_left_out: int = 0
    fields: dict[str, list[str]] = field(default_factory=dict)
    seen: dict[str, dict] = field(default_factory=dict)  # URL kept -> where it was first typed

    def note(self, note: Note) -> None:
        if len(self.notes) < MAX_NOTES:
            self.notes.append(note)
        else:
            self.notes_left_out += 1

    def refuse(self, where: str, text: str) -> None:
        self.fields.setdefault(where, []).append(text)

    def read(self, where: str, what: str, text: str, *, not_a_url: str, check) -> list[str]:
        """The field's lines as URLs, the first of each kept.

        ``not_a_url`` is the message for a line that is no URL the API takes, with the placeholders
        n (line number), what (the field) and line (as pasted); ``check(url, those values)`` gives
        the message for a URL the plan refuses, or None.
        """
        kept = []
        for number, raw in enumerate((text or "").splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            said = {"n": number, "what": what, "line": quoted(line)}
            url = normalise(line)
            refused = not_a_url % said if url is None else check(url, said)
            if refused:
                self.refuse(where, refused)
            elif url in self.seen:
                self.note(Note(what, number, line, repeats=_("line %(n)s of the %(what)s") % self.seen[url]))
            else:
                self.seen[url] = said
                if url != line:
                    self.note(Note(what, number, line, sent_as=url))
                kept.append(url)
        return kept

    def refusal(self) -> PlanRefused | None:
        """Each field's first wrong lines and a count of the rest (cdn.validators.first_messages)."""
        if not self.fields:
            return None
        fields = {where: first_messages(problems) for where, problems in self.fields.items()}
        return PlanRefused([p for problems in fields.values() for p in problems], fields)


def split(urls: list[T], dirs: list[T], url_cap: int, dir_cap: int = 1) -> list[tuple[list[T], list[T]]]:
    """URLs and directories in calls of at most ``url_cap`` URLs and ``dir_cap`` directories."""
    count = max(math.ceil(len(urls) / url_cap), math.ceil(len(dirs) / dir_cap))
    return [(urls[i * url_cap : (i + 1) * url_cap], dirs[i * dir_cap : (i + 1) * dir_cap]) for i in range(count)]


def plan_flush(*, domain: Domain, urls_text: str, dirs_text: str) -> Plan:
    """Every URL and directory must be on ``domain``; directories end with /."""
    name = domain.name.lower()

    def on_domain(url: str, said: dict) -> str | None:
        if host_of(url) != name:
            return _("Line %(n)s of the %(what)s: %(line)s is not on %(domain)s.") % {**said, "domain": name}
        return None

    def a_directory(url: str, said: dict) -> str | None:
        if refused := on_domain(url, said):
            return refused
        if urlsplit(url).query or not url.endswith("/"):
            return _("Line %(n)s of the %(what)s: %(line)s must end with /.") % said
        return None

    not_a_url = _("Line %(n)s of the %(what)s: %(line)s is not an http(s) URL.")
    reader = _Reader()
    urls = reader.read("urls", _("URLs"), urls_text, not_a_url=not_a_url, check=on_domain)
    dirs = reader.read("dirs", _("directories"), dirs_text, not_a_url=not_a_url, check=a_directory)
    if not reader.fields and not urls and not dirs:
        reader.refuse("", _("Enter at least one URL or directory."))
    if refused := reader.refusal():
        raise refused
    batches = split(urls, dirs, FLUSH_URLS_PER_CALL, FLUSH_DIRS_PER_CALL)
    return Plan(
        urls=urls,
        dirs=dirs,
        calls=[Call(u, d) for u, d in batches],
        notes=reader.notes,
        notes_left_out=reader.notes_left_out,
    )


def plan_prefetch(*, urls_text: str, domains: list[Domain]) -> PrefetchPlan:
    """URLs whose hosts are among the member's domains (as cdn.selectors.domains reads them)."""
    by_name = {d.name.lower(): d for d in domains}

    def on_a_domain(url: str, said: dict) -> str | None:
        if host_of(url) not in by_name:
            return _("Line %(n)s: %(line)s is not on one of your domains.") % said
        return None

    reader = _Reader()
    not_a_url = _("Line %(n)s: %(line)s is not an http(s) URL.")
    urls = reader.read("urls", _("URLs"), urls_text, not_a_url=not_a_url, check=on_a_domain)
    if not reader.fields and not urls:
        reader.refuse("urls", _("Enter at least one URL."))
    if refused := reader.refusal():
        raise refused
    used = {host_of(u): by_name[host_of(u)] for u in urls}
    return PrefetchPlan(
        urls=urls,
        dirs=[],
        calls=[Call(u) for u in prefetch_batches(urls)],
        notes=reader.notes,
        notes_left_out=reader.notes_left_out,
        domains=list(used.values()),
    )


def flush_batches(items: list[JobItem]) -> list[tuple[list[JobItem], list[JobItem]]]:
    """A flush job's items in the calls that send them: the same split as its plan."""
    urls = [i for i in items if i.kind == ItemKind.URL]
    dirs = [i for i in items if i.kind == ItemKind.DIR]
    return split(urls, dirs, FLUSH_URLS_PER_CALL, FLUSH_DIRS_PER_CALL)


def prefetch_batches(items: list[T]) -> list[list[T]]:
    """A prefetch's URLs (or items) in the calls that submit them."""
    return [urls for urls, _dirs in split(items, [], PREFETCH_URLS_PER_CALL)]
