"""Calls reuse one HTTP session per thread across requests, and members share nothing through it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from connections import services


class SetsCookies(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Set-Cookie", "session=member-a; Path=/")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_it_refuses_cookies_so_no_member_carries_anothers():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SetsCookies)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        session = services._shared_session()
        session.get(f"http://127.0.0.1:{server.server_port}/", timeout=5)
        assert len(session.cookies) == 0
    finally:
        server.shutdown()


def test_clients_of_two_members_in_one_thread_share_the_session_and_closing_one_keeps_it(
    operator, viewer, connect_demo
):
    connect_demo(operator)
    connect_demo(viewer)
    first, second = services.client_for(operator), services.client_for(viewer)
    assert first.session is second.session
    assert first.token != second.token
    first.close()
    assert second.cdn.list()  # the shared session still works


def test_another_thread_gets_a_session_of_its_own():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(services._shared_session()))
    thread.start()
    thread.join()
    assert seen[0] is not services._shared_session()
