"""The client reads a request-log window in time slices, whether the service pages (the sandbox's
default profile) or answers a window whole (the sdk profile, as the SDK reads it): every entry of
the window once, no answer past the client's cap, paging only where an answer offers it.

A response hook on the client's session sees each answer as it came on the wire.
"""

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from plcloud import AnswerTooLarge, Client
from plcloud.log_window import LogWindow, Sizing, utc

END = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
FIELDS = ("time", "client_ip", "method", "url", "status", "bytes", "cache", "response_ms", "referer", "user_agent")


@pytest.fixture(params=["default", "sdk"])
def profile_sandbox(request, sandbox):
    return sandbox if request.param == "default" else request.getfixturevalue("sdk_sandbox")


class Answers:
    """The request-log calls a client made: each one's query and the bytes read of its answer."""

    def __init__(self, client: Client) -> None:
        self.responses = []
        client.session.hooks["response"].append(self._record)

    def _record(self, response, *args, **kwargs):
        if "/cdn/request_log" in response.url:
            self.responses.append(response)

    def queries(self) -> list[dict]:
        return [{k: v[0] for k, v in parse_qs(urlsplit(r.url).query).items()} for r in self.responses]

    def sizes(self) -> list[int]:
        return [r.raw.tell() for r in self.responses]


@pytest.fixture
def client(profile_sandbox):
    with Client(
        username="demo", password="secreetword", tenant_name="demo", auth_url=profile_sandbox.auth_url
    ) as client:
        client.answers = Answers(client)
        yield client


@pytest.fixture
def busy(client) -> dict:
    return next(d for d in client.cdn.list() if d["domainName"] == "www.demo-shop.com")


def test_it_reads_every_entry_of_a_long_window_once_in_bounded_answers(client, busy):
    start = END - timedelta(hours=2)
    entries = [e for page in client.cdn.iter_request_log(busy["domainId"], "cache", start, END) for e in page]
    assert len(entries) == 15 * 7200  # the sandbox's busy domain logs exactly 15 a second
    assert len({tuple(e[f] for f in FIELDS) for e in entries}) == len(entries)
    times = [utc(e["time"]) for e in entries]
    assert times == sorted(times) and start <= times[0] and times[-1] < END
    # Slices sized from the answers: none past the cap, none much past 8,000 entries (3 MB).
    assert len(client.answers.responses) >= 15 * 7200 / 10_000
    assert max(client.answers.sizes()) < Sizing().target_bytes


def test_it_pages_only_within_a_slice_whose_answer_offers_it(client, busy, profile_sandbox):
    start = END - timedelta(minutes=30)
    list(client.cdn.iter_request_log(busy["domainId"], "cache", start, END, page_size=1000))
    queries = client.answers.queries()
    assert all(q["limit"] == "1000" for q in queries)
    assert len({(q["start_at"], q["end_at"]) for q in queries}) > 1  # slices, never the whole window
    with_marker = [(before, q) for before, q in zip(queries, queries[1:], strict=False) if "marker" in q]
    if profile_sandbox.wire == "sdk":
        assert not with_marker  # nothing offered paging: slices alone
    else:
        assert with_marker  # the first slice (five minutes, 4,500 entries) came a page of 1,000 at a time
        assert all((q["start_at"], q["end_at"]) == (b["start_at"], b["end_at"]) for b, q in with_marker)


def test_an_answer_past_the_cap_is_dropped_and_its_slice_halved_until_one_fits(client, busy):
    start = END - timedelta(minutes=20)
    window = LogWindow(
        client.cdn, busy["domainId"], "cache", start, END, sizing=Sizing(max_bytes=200_000, first_span=3600)
    )
    first = window.read(window.first())
    assert first.calls > 1 and first.position.span < 3600  # cut at the cap, asked again for less
    entries, position = list(first.entries), first.next
    while position is not None:
        piece = window.read(position)
        entries += piece.entries
        position = piece.next
    assert len(entries) == 15 * 1200 and len({tuple(e[f] for f in FIELDS) for e in entries}) == len(entries)
    assert max(client.answers.sizes()) <= 200_000 + 256 * 1024  # read no further than the cap's chunk


def test_the_sdks_call_on_a_long_window_stops_at_the_cap_instead_of_filling_memory(client, busy, profile_sandbox):
    start = END - timedelta(hours=2)
    if profile_sandbox.wire == "sdk":
        with pytest.raises(AnswerTooLarge) as caught:
            client.cdn.request_log(busy["domainId"], "cache", start, END)  # 108,000 entries, 42 MB
        assert "larger than" in caught.value.message
        assert client.answers.sizes()[-1] <= 17 * 1024 * 1024
    else:
        assert len(client.cdn.request_log(busy["domainId"], "cache", start, END)) == 1000  # the first page
    # The connection cut short is not reused: the next call is answered as usual.
    assert len(client.cdn.request_log(busy["domainId"], "cache", END - timedelta(seconds=10), END)) == 150


class Bounds(BaseHTTPRequestHandler):
    """Another service's request log, answering a whole window at once: an entry every 250 ms
    (so some exactly on whole seconds), the window's bounds taken its own way."""

    protocol_version = "HTTP/1.1"

    def _answer(self, document: dict) -> None:
        data = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        base = f"http://127.0.0.1:{self.server.server_port}"
        catalog = [{"type": "plcloud", "name": "plcloud", "endpoints": [{"publicURL": f"{base}/api"}]}]
        self._answer({"access": {"token": {"id": "t", "tenant": {"id": "t1"}}, "serviceCatalog": catalog}})

    def do_GET(self):
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        start, end = utc(query["start_at"]), utc(query["end_at"])
        if self.server.bounds == "seconds":  # times taken to the whole second, both bounds counted
            start, end = start.replace(microsecond=0), end.replace(microsecond=0)
        entries = []
        moment = END - timedelta(minutes=5)
        while moment < END + timedelta(minutes=5):
            inclusive = {"both": start <= moment <= end, "after_start": start < moment <= end}
            if inclusive.get(self.server.bounds, start <= moment <= end):
                entries.append({"time": moment.isoformat().replace("+00:00", "Z"), "url": "http://a.example.com/"})
            moment += timedelta(milliseconds=250)
        self._answer({"cdn": entries})

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("bounds", ["both", "after_start", "seconds"])
def test_entries_on_a_slice_boundary_are_read_once_however_the_service_takes_its_bounds(bounds):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Bounds)
    server.bounds = bounds
    threading.Thread(target=server.serve_forever, daemon=True).start()
    auth_url = f"http://127.0.0.1:{server.server_port}/v2.0"
    try:
        with Client(username="demo", password="pw", tenant_name="demo", auth_url=auth_url) as other:
            start = END - timedelta(minutes=2)
            window = LogWindow(other.cdn, 1, "cache", start, END, sizing=Sizing(target_entries=30, first_span=10))
            times, position, calls = [], window.first(), 0
            while position is not None:
                piece = window.read(position)
                times += [e["time"] for e in piece.entries]
                position, calls = piece.next, calls + piece.calls
    finally:
        server.shutdown()
        server.server_close()
    assert calls > 10  # many slices, so many boundaries, each on a whole second with an entry on it
    assert len(times) == len(set(times)) == 4 * 120
    assert utc(times[0]) == start and utc(times[-1]) == END - timedelta(milliseconds=250)
