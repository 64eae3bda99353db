"""Start-up shared by ``python -m plcloud_sandbox`` and ``manage.py plcloud_sandbox``."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Mapping
from types import FrameType
from typing import TextIO

from plcloud_sandbox.config import ConfigError, Settings, settings_from
from plcloud_sandbox.server import SandboxServer, make_server
from plcloud_sandbox.store import StoreError

WIRE_TEXT = {
    "default": "default (with the sandbox's extensions; --wire=sdk for the SDK's shapes only)",
    "sdk": "sdk (only what the vendor's SDK reads: no paging, no balance, no extra fields)",
}


class StartupError(Exception):
    """The sandbox cannot start; the message says why and what to change."""


def prepare(options: Mapping[str, object], environ: Mapping[str, str] | None = None) -> tuple[SandboxServer, Settings]:
    environ = os.environ if environ is None else environ
    try:
        settings = settings_from(options, environ)
    except ConfigError as error:
        raise StartupError(str(error)) from None
    try:
        server = make_server(settings.addr, settings.port, settings.db_path, settings)
    except StoreError as error:
        raise StartupError(str(error)) from None
    except OSError as error:
        raise StartupError(f"cannot listen on {settings.addr}:{settings.port}: {error.strerror or error}") from None
    return server, settings


def banner(server: SandboxServer, settings: Settings) -> str:
    url = settings.public_url or server.url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:")
    if settings.admin_key_generated:
        key_line = f"  Admin key:    {settings.admin_key}  (generated; set PLCLOUD_SANDBOX_ADMIN_KEY to fix it)"
    else:
        key_line = "  Admin key:    as given by --admin-key or PLCLOUD_SANDBOX_ADMIN_KEY"
    timings = " ".join(f"{k}={v}" for k, v in settings.timings.as_dict().items())
    faults = settings.faults.as_dict()
    active = {k: v for k, v in faults.items() if k != "scope" and v}
    fault_text = ", ".join(f"{k}={v}" for k, v in active.items()) + f" (scope {faults['scope']})" if active else "none"
    return "\n".join(
        (
            f"Plcloud sandbox listening on {server.url}",
            f"  Keystone:     {url}/v2.0",
            "  Demo login:   user demo, password secreetword, tenant demo",
            key_line,
            f"  State:        {settings.db_path}",
            f"  Timings:      {timings}",
            f"  Faults:       {fault_text}",
            f"  Wire:         {WIRE_TEXT[settings.wire]}",
            "Press Ctrl-C to stop.",
        )
    )


def serve(server: SandboxServer) -> None:
    """Serve until Ctrl-C or SIGTERM, then close cleanly."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.server_close()
        logging.getLogger("plcloud_sandbox").info("stopped")


def setup_logging(stream: TextIO = sys.stderr) -> None:
    logger = logging.getLogger("plcloud_sandbox")
    if logger.handlers:
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    import argparse

    from plcloud_sandbox.config import add_arguments

    parser = argparse.ArgumentParser(prog="python -m plcloud_sandbox", description="The local Plcloud sandbox.")
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    setup_logging()
    try:
        server, settings = prepare(options)
    except StartupError as error:
        print(f"plcloud_sandbox: {error}", file=sys.stderr)
        return 2
    print(banner(server, settings), flush=True)
    serve(server)
    return 0
