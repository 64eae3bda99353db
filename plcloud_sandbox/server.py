"""The HTTP side: one request in, faults applied, routed, answered; never a traceback on the wire."""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from plcloud_sandbox import identity, routes
from plcloud_sandbox.config import LiveTimings, Settings
from plcloud_sandbox.faults import NO_FAULT, Decision, FaultSwitch
from plcloud_sandbox.seen import RequestsSeen
from plcloud_sandbox.store import Store, open_store
from plcloud_sandbox.wire import TITLES, ApiError, Request, Response, dumps, error_document

log = logging.getLogger("plcloud_sandbox")

MAX_BODY = 1024 * 1024
# An oversized body up to this size is read and thrown away before the 413, so the client is
# not cut off mid-upload (a reset would lose the 413) and the connection stays usable.
MAX_DRAIN = 16 * MAX_BODY
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]+)(?::\d{1,5})?$")
PROXY_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
    b"</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


class Sandbox:
    """What every handler needs: the state, the live timings and faults, and the keys."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.timings = LiveTimings(settings.timings)
        self.faults = FaultSwitch(settings.faults)
        self.seen = RequestsSeen()
        self.admin_key = settings.admin_key
        self.public_url = settings.public_url
        self.wire = settings.wire

    @property
    def sdk(self) -> bool:
        """Serve only what the vendor's SDK reads (``--wire=sdk``): no extension of the sandbox's own."""
        return self.wire == "sdk"

    def base_url(self, req: Request) -> str:
        return self.public_url or req.base_url


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.sandbox = sandbox
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    def start_in_thread(self) -> threading.Thread:
        """Serve from a daemon thread, for embedding in a test or another program."""
        thread = threading.Thread(target=self.serve_forever, name="plcloud-sandbox", daemon=True)
        thread.start()
        return thread

    def server_close(self) -> None:
        super().server_close()
        self.sandbox.store.close()


def make_server(addr: str, port: int, db_path: Path | str, settings: Settings | None = None) -> SandboxServer:
    """A ready server on ``addr:port`` (0 picks a free port) with its state in ``db_path``.

    Call ``serve_forever()`` (or ``start_in_thread()``), then ``shutdown()`` and ``server_close()``.
    """
    if settings is None:
        from plcloud_sandbox.config import settings_from

        settings = settings_from({}, {})
    store = open_store(Path(db_path), reset=settings.reset)
    try:
        return SandboxServer((addr, port), Sandbox(store, settings))
    except BaseException:
        store.close()
        raise


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes; with Nagle on, a keep-alive client waits for
    # the delayed ACK (about 40 ms) on every call.
    disable_nagle_algorithm = True
    server_version = "PlcloudSandbox/1.0"
    sys_version = ""
    # Idle keep-alive connections give their thread back after this long.
    timeout = 120
    server: SandboxServer

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def _handle(self) -> None:
        started = time.monotonic()
        sandbox = self.server.sandbox
        parts = urlsplit(self.path)
        path = parts.path or "/"
        scope = routes.fault_scope(path)
        # Each call is recorded before its answer leaves, so a client that has its answer (or
        # its dropped connection) finds the call in /_sandbox/requests.
        try:
            body = self._read_body()
        except ApiError as error:
            self._seen(path, error.status, scope, NO_FAULT)
            self._log(path, self._send_error(error, close=self.close_connection), started)
            return

        decision = sandbox.faults.decide(scope) if scope else NO_FAULT
        if decision.latency_s:
            time.sleep(decision.latency_s)
        if decision.drop:
            self._seen(path, "dropped", scope, decision)
            self._drop()
            self._log(path, "dropped", started)
            return
        if decision.error_status or decision.unauthorized:
            self._seen(path, decision.error_status or 401, scope, decision)
            self._log(path, self._send_fault(decision), started)
            return

        req = Request(
            method=self.command,
            path=path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
            base_url=self._request_base(),
        )
        response = self._dispatch(sandbox, req)
        if decision.malformed:
            response = _malformed(response)
        self._seen(path, response.status, scope, decision)
        self._log(path, self._send(response), started)

    def _dispatch(self, sandbox: Sandbox, req: Request) -> Response:
        found = routes.match(req.path)
        try:
            if found is None:
                raise ApiError(404, "The resource could not be found.")
            route, params = found
            methods = route.methods_for(sdk=sandbox.sdk)
            handler = methods.get(req.method)
            if handler is None:
                raise ApiError(405, f"{req.method} is not allowed here.", {"Allow": ", ".join(methods)})
            req.params = {key: unquote(value) for key, value in params.items()}
            if route.needs_token:
                req.auth = identity.authenticate(sandbox, req)
            return handler(sandbox, req)
        except ApiError as error:
            return Response(error.status, error_document(error.status, error.message), dict(error.headers))
        except Exception:
            log.exception("unexpected error answering %s %s", req.method, req.path)
            return Response(500, error_document(500, "The sandbox failed to answer; see its log."))

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        raw = self.headers.get("Content-Length")
        if raw is None:
            return b""
        if not raw.strip().isdigit():
            self.close_connection = True
            raise ApiError(400, "Content-Length: is not a number")
        length = int(raw)
        if length > MAX_BODY:
            if length <= MAX_DRAIN:
                self._discard(length)
            else:
                self.close_connection = True
            raise ApiError(413, f"request body: {raw.strip()} bytes; at most {MAX_BODY} (1 MiB)")
        return self.rfile.read(length)

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(65536, length))
            if not chunk:
                self.close_connection = True
                return
            length -= len(chunk)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise ApiError(400, "request body: bad chunked encoding") from None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                self.close_connection = True
                raise ApiError(413, f"request body: more than {MAX_BODY} bytes (1 MiB)")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def handle_expect_100(self) -> bool:
        """Refuse an oversized body before the client sends it."""
        raw = self.headers.get("Content-Length", "")
        if raw.strip().isdigit() and int(raw) > MAX_BODY:
            self._send_error(ApiError(413, f"request body: {raw} bytes; at most {MAX_BODY} (1 MiB)"), close=True)
            return False
        return super().handle_expect_100()

    def _request_base(self) -> str:
        host = self.headers.get("Host", "")
        if not _HOST.match(host):
            host = self.server.url.removeprefix("http://")
        return f"http://{host}"

    # Answers

    def _send(self, response: Response) -> int:
        headers = {"X-Openstack-Request-Id": f"req-{uuid.uuid4()}", **response.headers}
        if response.stream is not None:
            headers.setdefault("Content-Type", "application/json")
            self._write_chunked(response.status, response.stream, headers)
            return response.status
        body = response.body()
        if body:
            headers.setdefault("Content-Type", "application/json")
        self._write(response.status, body, headers)
        return response.status

    def _send_error(self, error: ApiError, *, close: bool = False) -> int:
        headers = {"Content-Type": "application/json", **error.headers}
        self._write(error.status, dumps(error_document(error.status, error.message)), headers, close=close)
        return error.status

    def _send_fault(self, decision: Decision) -> int:
        status = decision.error_status
        if status == 502:
            self._write(502, PROXY_502, {"Content-Type": "text/html"})
        elif status is not None:
            extra = {"Retry-After": "1"} if status == 503 else {}
            self._send_error(ApiError(status, "The service is unavailable (injected fault).", extra))
        else:
            status = 401
            self._send_error(ApiError(401, identity.NEEDS_AUTH))
        return status

    def _write(self, status: int, body: bytes, headers: dict[str, str], *, close: bool = False) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            # HTTP forbids Content-Length on 204; every other answer carries it.
            if status != 204:
                self.send_header("Content-Length", str(len(body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if body and self.command != "HEAD" and status != 204:
                self.wfile.write(body)
        except OSError:
            self.close_connection = True  # the client went away; nothing to tell it

    def _write_chunked(self, status: int, chunks: Iterator[bytes], headers: dict[str, str]) -> None:
        """An answer too long to hold, sent as it is made; a client that goes away stops it."""
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if self.command != "HEAD":
                for chunk in chunks:
                    if chunk:
                        self.wfile.write(b"%x\r\n%b\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True  # the client went away; nothing to tell it
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    def _drop(self) -> None:
        """Close without a byte of answer, as a crashed proxy or a cut network would."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (bad request line, unknown method) in the same JSON shape."""
        text = message or TITLES.get(code, "Error")
        self._write(code, dumps(error_document(code, text)), {"Content-Type": "application/json"}, close=True)

    # Logging: method, path (never the query), status and time; never headers or bodies.

    def _log(self, path: str, status: int | str, started: float) -> None:
        log.info("%s %s %s %.0fms", self.command, path, status, (time.monotonic() - started) * 1000)

    def _seen(self, path: str, status: int | str, scope: str | None, decision: Decision) -> None:
        if scope:  # Plcloud calls only, not /_sandbox/ itself
            self.server.sandbox.seen.add(self.command, path, status, _applied(decision))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _log covers it, without the request line's query string

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        log.debug("%s " + format, self.address_string(), *args)


def _applied(decision: Decision) -> list[str]:
    """The faults that shaped this answer, by name, for /_sandbox/requests."""
    names = []
    if decision.latency_s:
        names.append("latency")
    if decision.drop:
        names.append("drop")
    elif decision.error_status:
        names.append("error")
    elif decision.unauthorized:
        names.append("unauthorized")
    elif decision.malformed:
        names.append("malformed")
    return names


def _malformed(response: Response) -> Response:
    """A 200 whose JSON stops halfway: any prefix of a JSON object is not JSON."""
    if response.stream is not None:
        body = b"".join(itertools.islice(response.stream, 2))  # the opening and a first block
        close = getattr(response.stream, "close", None)
        if close is not None:
            close()
    else:
        body = response.body()
    body = body or b'{"cdn": []}'
    return Response(200, raw=body[: max(1, len(body) // 2)], headers={"Content-Type": "application/json"})
