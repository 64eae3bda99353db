"""Counts over a domain's request-log entries: the hit ratio, status classes over time, bytes by
cache result, the top URLs, referers, client addresses and user agents, the slowest URLs.

One tally serves the analytics page (a small window, read on the page) and the analytics job
(any window, counted from the export's file by jobs.exports.analyze). Entries may come from the
wire (numbers as numbers) or from the CSV file (every field text): fields are read leniently and
an entry missing one is counted without it.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

TOP = 10
# The bucket of "status classes over time": the smallest of these giving at most MAX_BUCKETS.
BUCKETS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400)
MAX_BUCKETS = 120
CLASSES = ("2xx", "3xx", "4xx", "5xx")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _time(value) -> datetime | None:
    try:
        found = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def bucket_for(seconds: float) -> int:
    return next((size for size in BUCKETS if seconds / size <= MAX_BUCKETS), BUCKETS[-1])


class Tally:
    def __init__(self, *, start: datetime, end: datetime) -> None:
        self.start, self.end = start, end
        self.bucket = bucket_for((end - start).total_seconds())
        self.entries = self.cached = self.hits = self.bytes = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.bytes_by_cache: Counter = Counter()
        self.statuses: Counter = Counter()
        self.over_time: dict[int, Counter] = {}
        self.urls: Counter = Counter()
        self.referers: Counter = Counter()
        self.clients: Counter = Counter()
        self.agents: Counter = Counter()
        self.response_ms: Counter = Counter()  # url: total ms
        self.timed: Counter = Counter()  # url: entries with a response time

    def add(self, entry: dict) -> None:
        self.entries += 1
        url = str(entry.get("url") or "")
        size = _int(entry.get("bytes")) or 0
        self.bytes += size
        cache = entry.get("cache") or ""
        if cache:
            self.cached += 1
            self.hits += cache == "HIT"
            self.bytes_by_cache[cache] += size
        status = _int(entry.get("status"))
        klass = f"{status // 100}xx" if status is not None and 100 <= status < 600 else "?"
        self.statuses[klass] += 1
        at = _time(entry.get("time"))
        if at is not None:
            self.first = at if self.first is None or at < self.first else self.first
            self.last = at if self.last is None or at > self.last else self.last
            slot = int((at - self.start).total_seconds() // self.bucket)
            self.over_time.setdefault(slot, Counter())[klass] += 1
        self.urls[url] += 1
        if entry.get("referer"):
            self.referers[str(entry["referer"])] += 1
        if entry.get("client_ip"):
            self.clients[str(entry["client_ip"])] += 1
        if entry.get("user_agent"):
            self.agents[str(entry["user_agent"])] += 1
        took = _int(entry.get("response_ms"))
        if took is not None:
            self.response_ms[url] += took
            self.timed[url] += 1

    def report(self) -> dict:
        """What pages show, as JSON (kept on the job)."""
        slots = range(int((self.end - self.start).total_seconds() // self.bucket) + 1) if self.over_time else []
        slowest = sorted(((self.response_ms[u] / n, n, u) for u, n in self.timed.items()), reverse=True)[:TOP]
        return {
            "entries": self.entries,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "hit_ratio": self.hits / self.cached if self.cached else None,
            "bytes": self.bytes,
            "bytes_by_cache": dict(self.bytes_by_cache.most_common()),
            "statuses": {k: self.statuses[k] for k in (*CLASSES, "?") if self.statuses[k]},
            "chart": {
                "unit": "count",
                "t": [int(self.start.timestamp()) + slot * self.bucket for slot in slots],
                "series": [
                    {"label": k, "values": [self.over_time.get(slot, Counter())[k] for slot in slots]}
                    for k in CLASSES
                    if self.statuses[k]
                ],
            },
            "bucket_seconds": self.bucket,
            "top_urls": self.urls.most_common(TOP),
            "referers": self.referers.most_common(TOP),
            "clients": self.clients.most_common(TOP),
            "agents": self.agents.most_common(TOP),
            "slowest": [[url, round(mean, 1), n] for mean, n, url in slowest],
        }
