"""The client against a server that follows WIRE.md but answers differently from our sandbox.

WIRE.md leaves shapes open, so the real service may add fields, leave optional ones out, answer
201, put text in a DELETE answer or word its errors its own way. This one-file server (the real
cloud cannot be reached from here) answers in those ways; the client must take them all.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from plcloud import AuthError, Client, NotFound, Unavailable, ValidationError

ACCESS = {
    "access": {
        # No offset on the expiry, no user roles, an extra service, an endpoint with no region.
        "token": {"id": "tok-other-vendor", "expires": "2099-01-01T00:00:00", "tenant": {"id": "t1", "name": "demo"}},
        "user": {"id": "u1", "name": "demo"},
        "serviceCatalog": [
            {"type": "compute", "name": "nova", "endpoints": [{"publicURL": "http://127.0.0.1:9/nova"}]},
            {"type": "plcloud", "name": "plcloud", "endpoints": [{"publicURL": "{base}/api"}]},
        ],
        "extra": {"anything": True},
    }
}


class OtherVendor(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, status: int, body: object, content_type: str = "application/json") -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self):
        self._read()
        if self.path == "/v2.0/tokens":
            base = f"http://127.0.0.1:{self.server.server_port}"
            self._answer(200, json.loads(json.dumps(ACCESS).replace("{base}", base)))
        elif self.path == "/api/cdn/domain":
            self._answer(201, {"cdn": {"domainId": 1, "domainName": "a.example.com", "vendorField": [1, 2]}})
        elif self.path == "/api/ticket":
            self._answer(422, {"message": "summary too long"})
        elif self.path == "/api/cdn/urls":  # an object, as the SDK reads it, naming no items
            self._answer(200, {"cdn": {"created": 2}})
        elif self.path.startswith("/api/ticket/reply/"):  # done, said in words
            self._answer(200, b"OK", "text/plain")
        else:
            self._answer(404, b"<html>not here</html>", "text/html")

    def do_GET(self):
        if self.path == "/api/cdn/domain":
            self._answer(200, {"cdn": [{"domainId": 1}], "cdn_total": 1})
        elif self.path.startswith("/api/cdn/request_log"):
            self._answer(200, {"cdn": [{"time": "2026-01-01T00:00:00Z"}]})
        elif self.path == "/api/ticket":
            self._answer(503, b"<html>maintenance</html>", "text/html")
        elif self.path == "/api/cdn/urls":  # keystoneclient's other list shape
            self._answer(200, {"cdn": {"values": [{"id": 7, "url": "http://a.example.com/x"}]}})
        else:
            self._answer(404, b"<html>not here</html>", "text/html")

    def do_PUT(self):
        self._read()
        if self.path == "/api/cdn/cache_flush":  # done, with an answer of its own (no wrapper)
            self._answer(200, {"result": "ok"})
            return
        self._answer(401, {"unauthorized": {"message": "token expired", "code": 401}})

    def do_DELETE(self):
        self._answer(200, b"deleted", "text/plain")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def other():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OtherVendor)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = Client(
        username="demo", password="pw", tenant_name="demo", auth_url=f"http://127.0.0.1:{server.server_port}/v2.0"
    )
    yield client
    server.shutdown()
    server.server_close()


def test_it_takes_a_catalog_entry_without_region_and_a_naive_expiry(other):
    other.authenticate()
    assert other.endpoint.endswith("/api")
    assert other.token_expires.tzinfo is not None
    assert other.tenant_id == "t1"


def test_it_keeps_unknown_fields_and_accepts_201(other):
    assert other.cdn.create("a.example.com", ["114.114.114.114"], ["hk"])["vendorField"] == [1, 2]
    assert other.cdn.list() == [{"domainId": 1}]


def test_it_reads_a_log_without_paging_links_as_one_page(other):
    pages = list(other.cdn.iter_request_log(1, "cache", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"))
    assert pages == [[{"time": "2026-01-01T00:00:00Z"}]]


def test_it_ignores_what_a_delete_answers(other):
    assert other.cdn.delete(1) is None


def test_it_sorts_other_error_bodies_into_the_same_classes(other):
    with pytest.raises(ValidationError) as caught:
        other.ticket.create("x" * 500, "y")
    assert caught.value.message == "summary too long"
    with pytest.raises(Unavailable):
        other.ticket.list()
    with pytest.raises(NotFound):
        other.cdn.get(99)
    with pytest.raises(AuthError) as caught:
        other.cdn.update(1, enable=False)
    assert caught.value.message == "token expired"


def test_a_change_never_fails_on_the_shape_of_its_answer(other):
    """Once Plcloud answered 2xx the change was made: whatever came is taken, never an error."""
    assert other.cdn.create_urls(["http://a.example.com/x", "http://a.example.com/y"]) is None  # made, items not named
    assert other.ticket.reply("tk-1", "thanks") == {}  # not JSON at all
    assert other.cdn.cache_flush(1, urls=["http://a.example.com/x"]) == {"result": "ok"}  # no "cdn" key: as it came


def test_it_reads_a_list_given_as_values_as_keystoneclient_does(other):
    assert other.cdn.list_urls() == [{"id": 7, "url": "http://a.example.com/x"}]
