"""A webhook receiver on loopback: what a Slack-style webhook or a DingTalk/WeCom robot would get."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    def __init__(self, server: ThreadingHTTPServer):
        self.server = server
        self.got: list[tuple[str, dict]] = []
        self.lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def bodies(self, prefix: str) -> list[dict]:
        with self.lock:
            return [body for path, body in self.got if path.startswith(prefix)]

    def texts(self, prefix: str) -> list[str]:
        """The message of each body: Slack's "text", a robot's "text"."content"."""
        return [b["text"]["content"] if isinstance(b.get("text"), dict) else b["text"] for b in self.bodies(prefix)]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with self.server.receiver.lock:
            self.server.receiver.got.append((self.path, body))
        if self.path.startswith("/fail"):
            self.send_response(500)
            self.end_headers()
            return
        answer = b'{"errcode": 0, "errmsg": "ok"}' if self.path.startswith("/robot") else b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):  # quiet
        pass


def serve():
    """A receiver for the time of a test (``yield from serve()`` in a fixture)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver():
    yield from serve()
