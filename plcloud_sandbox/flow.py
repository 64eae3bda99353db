"""Traffic series: every 5-minute slot's numbers follow from the domain and the time alone.

Longer intervals add up their slots, so an hour always equals its twelve 5-minute points and
the same day answers the same series on every call.
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
import time
from typing import TYPE_CHECKING

from plcloud_sandbox.domains import owned, served_areas
from plcloud_sandbox.wire import Request, Response, bad_request, iso, micros, parse_time, quoted

if TYPE_CHECKING:
    from plcloud_sandbox.server import Sandbox

SLOT = 300
INTERVALS = (300, 3600, 86400)
MAX_POINTS = 2016
MAX_WINDOW = 31 * 86400
DEFAULT_WINDOW = 86400
# Average bytes per request by service type: pages and images, installers, video segments.
MEAN_BYTES = {"web": 42_000, "download": 4_500_000, "media": 900_000}
AREA_WEIGHTS = {"cn": 6.0, "hk": 2.0, "ov": 3.0}


def flow(ctx: Sandbox, req: Request) -> Response:
    with ctx.store.read() as conn:
        row = owned(conn, req.auth, req.params["domain_id"])
    now = time.time()
    # The SDK's flow call takes no window or interval: the sdk profile ignores them (as it does
    # any query parameter it does not know) and always answers the default day.
    interval = SLOT if ctx.sdk else _interval(req.arg("interval"))
    start, end = _window(req, now, defaults_only=ctx.sdk)

    first = math.ceil(start / interval) * interval
    count = max(0, math.ceil((end - first) / interval))
    if count > MAX_POINTS:
        raise bad_request(f"interval: the window holds {count} points of {interval} s; at most {MAX_POINTS} per call")

    served = served_areas(json.loads(row["areas"]), row["icp_record"])
    # A domain that serves no area (cn alone, without an ICP record) has no traffic.
    series = Series(row["id"], row["service_type"], row["log_rate"] if served else 0.0, served)
    created = row["created_at"]
    points = []
    for moment in range(first, first + count * interval, interval):
        if moment + interval > now:
            break  # an interval still running would change between calls; it shows once complete
        slots = [s for s in range(moment, moment + interval, SLOT) if s >= created]
        if slots:
            points.append(series.point(moment, interval, slots))
    return Response(200, {"cdn": points})


def _interval(raw: str | None) -> int:
    if raw is None:
        return SLOT
    if not (raw.strip().isascii() and raw.strip().isdigit()) or int(raw) not in INTERVALS:
        raise bad_request(f"interval: {quoted(raw)} is not one of 300, 3600, 86400")
    return int(raw)


def _window(req: Request, now: float, *, defaults_only: bool = False) -> tuple[float, float]:
    """Default: the 24 hours up to the last whole 5 minutes."""
    raw_start, raw_end = (None, None) if defaults_only else (req.arg("start_at"), req.arg("end_at"))
    end = micros(parse_time(raw_end, "end_at")) / 1e6 if raw_end else math.floor(now / SLOT) * SLOT
    start = micros(parse_time(raw_start, "start_at")) / 1e6 if raw_start else end - DEFAULT_WINDOW
    if start >= end:
        raise bad_request("start_at: must be before end_at")
    if end - start > MAX_WINDOW:
        raise bad_request("end_at: the window is longer than 31 days")
    return start, end


class Series:
    def __init__(self, domain_id: int, service_type: str, rate: float, areas: list[str]) -> None:
        self.domain_id = domain_id
        self.rate = rate
        factor = 0.7 + 0.6 * _unit(self._hash("bytes"), 0)
        self.mean_bytes = MEAN_BYTES.get(service_type, MEAN_BYTES["web"]) * factor
        weights = [AREA_WEIGHTS[a] * (0.75 + 0.5 * _unit(self._hash(f"area:{a}"), 0)) for a in areas]
        total = sum(weights) or 1.0
        self.areas = [(a, w / total) for a, w in zip(areas, weights, strict=True)]

    def _hash(self, what: str) -> bytes:
        return hashlib.blake2b(f"flow:{self.domain_id}:{what}".encode(), digest_size=16).digest()

    def slot(self, start: int) -> tuple[int, int]:
        """Requests and bytes of the 5 minutes from ``start``."""
        digest = self._hash(str(start))
        seconds_of_day = start % 86400
        # Busiest at 12:00 UTC, which is 20:00 in Beijing; a little busier at weekends.
        diurnal = 1 + 0.55 * math.cos(2 * math.pi * (seconds_of_day / 86400 - 0.5))
        weekday = (start // 86400 + 3) % 7  # 1970-01-01 was a Thursday; 0 is Monday
        weekly = 1.15 if weekday >= 5 else 1.0
        requests = round(self.rate * SLOT * diurnal * weekly * (0.85 + 0.3 * _unit(digest, 0)))
        size = round(requests * self.mean_bytes * (0.8 + 0.4 * _unit(digest, 1)))
        return requests, size

    def point(self, moment: int, interval: int, slots: list[int]) -> dict:
        requests = size = 0
        for start in slots:
            r, b = self.slot(start)
            requests += r
            size += b
        split: dict[str, int] = {}
        left = size
        for index, (area, share) in enumerate(self.areas):
            part = left if index == len(self.areas) - 1 else math.floor(size * share)
            split[area] = part
            left -= part
        return {
            "time": iso(moment),
            "flow": size,
            "bandwidth": round(size * 8 / interval),
            "requests": requests,
            "areas": split,
        }


def _unit(digest: bytes, index: int) -> float:
    """A share in [0, 1) from four bytes of a digest."""
    return struct.unpack_from("<I", digest, index * 4)[0] / 2**32
