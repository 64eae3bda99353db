import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from plcloud import Client
from tests.helpers import wait_for


@pytest.fixture
def client(sandbox):
    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as client:
        yield client


@pytest.fixture
def team2_client(sandbox):
    with Client(username="team2", password="team2-password", tenant_name="team2", auth_url=sandbox.auth_url) as c:
        yield c


@pytest.fixture
def fresh_name():
    return f"t{uuid.uuid4().hex[:10]}.panel-test.com"


@pytest.fixture
def online_domain(client, fresh_name):
    domain = client.cdn.create(fresh_name, ["114.114.114.114"], ["hk", "ov"])
    wait_for(lambda: client.cdn.get(domain["domainId"])["status"] == "online", timeout=15)
    return client.cdn.get(domain["domainId"])


@pytest.fixture
def redirecting_server():
    paths: list[str] = []

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):
            paths.append(self.path)
            self.send_response(302)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", paths=paths)
    server.shutdown()
    server.server_close()
