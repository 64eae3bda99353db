"""Start-up settings from the environment and the command line, and the timings that can change live.

Every value is checked before the server starts, so a typo stops start-up with a message that
names the variable or flag instead of surfacing later as odd behaviour.
"""

from __future__ import annotations

import argparse
import math
import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from plcloud_sandbox.faults import Faults, FaultsError, faults_from_text

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "var" / "plcloud-sandbox.sqlite3"
DEFAULT_ADDRPORT = "127.0.0.1:5001"
# Ten years: long enough for any use, short enough that expiry times stay valid datetimes.
MAX_SECONDS = 10 * 365 * 86400
# "default" answers with the sandbox's extensions (paging, balance, extra fields); "sdk" serves only
# what the vendor's SDK reads (WIRE.md), so a client can be tried against the real cloud's shapes.
WIRE_PROFILES = ("default", "sdk")


class ConfigError(Exception):
    """A bad setting; the message names where it came from."""


@dataclass(frozen=True)
class Timings:
    token_ttl: float = 3600.0
    config_delay: float = 20.0
    support_delay: float = 20.0
    prefetch_seconds: float = 30.0

    def as_dict(self) -> dict[str, float]:
        return {name: _plain(value) for name, value in asdict(self).items()}


TIMING_NAMES = ("token_ttl", "config_delay", "support_delay", "prefetch_seconds")
TIMING_ENV = {name: f"PLCLOUD_SANDBOX_{name.upper()}" for name in TIMING_NAMES}
TIMING_FLAGS = {name: "--" + name.replace("_", "-") for name in TIMING_NAMES}


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def check_seconds(name: str, value: object, source: str) -> float:
    """A timing in seconds: a finite number, positive for token_ttl, not negative for the rest."""
    if isinstance(value, bool):
        raise ConfigError(f"{source}: {value!r} is not a number of seconds")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ConfigError(f"{source}: {value!r} is not a number of seconds") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"{source}: {value!r} is not a number of seconds")
    seconds = float(value)
    if name == "token_ttl" and seconds <= 0:
        raise ConfigError(f"{source}: must be more than 0 seconds")
    if seconds < 0:
        raise ConfigError(f"{source}: must not be negative")
    if seconds > MAX_SECONDS:
        raise ConfigError(f"{source}: must be at most {MAX_SECONDS} seconds")
    return seconds


class LiveTimings:
    """The timings in force; PUT /_sandbox/timings changes them while requests run."""

    def __init__(self, timings: Timings) -> None:
        self._lock = threading.Lock()
        self._timings = timings

    def current(self) -> Timings:
        with self._lock:
            return self._timings

    def update(self, changes: Mapping[str, object]) -> Timings:
        checked = {name: check_seconds(name, value, name) for name, value in changes.items()}
        with self._lock:
            self._timings = replace(self._timings, **checked)
            return self._timings


@dataclass
class Settings:
    addr: str = "127.0.0.1"
    port: int = 5001
    db_path: Path = DEFAULT_DB
    admin_key: str = ""
    admin_key_generated: bool = False
    public_url: str | None = None
    timings: Timings = field(default_factory=Timings)
    faults: Faults = field(default_factory=Faults)
    reset: bool = False
    wire: str = "default"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of both ``python -m plcloud_sandbox`` and ``manage.py plcloud_sandbox``."""
    parser.add_argument("--addrport", default=None, help=f"address and port to listen on (default {DEFAULT_ADDRPORT})")
    parser.add_argument("--db", default=None, help=f"SQLite file of the sandbox's state (default {DEFAULT_DB})")
    parser.add_argument("--admin-key", default=None, help="key for /_sandbox/ (default PLCLOUD_SANDBOX_ADMIN_KEY)")
    parser.add_argument("--public-url", default=None, help="base URL of the catalog's endpoints")
    for name in TIMING_NAMES:
        parser.add_argument(
            TIMING_FLAGS[name], default=None, dest=name, metavar="S", help=f"seconds ({TIMING_ENV[name]})"
        )
    parser.add_argument("--reset", action="store_true", help="delete the state file and seed it again")
    parser.add_argument(
        "--wire",
        default=None,
        metavar="PROFILE",
        help="answer shapes: default (with the sandbox's extensions) or sdk (only what the SDK reads)"
        " (PLCLOUD_SANDBOX_WIRE)",
    )


def settings_from(options: Mapping[str, object], environ: Mapping[str, str]) -> Settings:
    """Flags win over the environment, the environment over the defaults."""
    settings = Settings()
    settings.addr, settings.port = parse_addrport(str(options.get("addrport") or DEFAULT_ADDRPORT), "--addrport")

    db = options.get("db")
    if db:
        settings.db_path = Path(str(db))
    elif environ.get("PLCLOUD_SANDBOX_DB"):
        settings.db_path = Path(environ["PLCLOUD_SANDBOX_DB"])

    timings: dict[str, float] = {}
    for name in TIMING_NAMES:
        flag_value = options.get(name)
        if flag_value is not None:
            timings[name] = check_seconds(name, flag_value, TIMING_FLAGS[name])
        elif environ.get(TIMING_ENV[name], "").strip():
            timings[name] = check_seconds(name, environ[TIMING_ENV[name]], TIMING_ENV[name])
    settings.timings = Timings(**timings)

    key = options.get("admin_key")
    source = "--admin-key"
    if key is None:
        key, source = environ.get("PLCLOUD_SANDBOX_ADMIN_KEY", ""), "PLCLOUD_SANDBOX_ADMIN_KEY"
    key = str(key).strip()
    if key:
        if len(key) < 8 or not key.isprintable():
            raise ConfigError(f"{source}: must be at least 8 printable characters")
        settings.admin_key = key
    else:
        settings.admin_key = secrets.token_urlsafe(24)
        settings.admin_key_generated = True

    public = options.get("public_url")
    source = "--public-url"
    if public is None:
        public, source = environ.get("PLCLOUD_SANDBOX_PUBLIC_URL", ""), "PLCLOUD_SANDBOX_PUBLIC_URL"
    if str(public).strip():
        settings.public_url = check_public_url(str(public).strip(), source)

    faults_text = environ.get("PLCLOUD_SANDBOX_FAULTS", "")
    try:
        settings.faults = faults_from_text(faults_text)
    except FaultsError as error:
        raise ConfigError(f"PLCLOUD_SANDBOX_FAULTS: {error}") from None

    settings.wire = wire_from(options, environ)
    settings.reset = bool(options.get("reset"))
    return settings


def wire_from(options: Mapping[str, object], environ: Mapping[str, str]) -> str:
    flag = options.get("wire")
    if flag is not None:
        return check_wire(str(flag), "--wire")
    if environ.get("PLCLOUD_SANDBOX_WIRE", "").strip():
        return check_wire(environ["PLCLOUD_SANDBOX_WIRE"], "PLCLOUD_SANDBOX_WIRE")
    return "default"


def check_wire(text: str, source: str) -> str:
    name = text.strip()
    if name not in WIRE_PROFILES:
        raise ConfigError(f"{source}: {text!r} is not one of {', '.join(WIRE_PROFILES)}")
    return name


_ADDRPORT = re.compile(r"^(?:(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.\-]+):)?(?P<port>\d{1,5})$")


def parse_addrport(text: str, source: str) -> tuple[str, int]:
    """``HOST:PORT``, ``[IPv6]:PORT`` or a bare ``PORT`` (on 127.0.0.1), as Django's runserver."""
    match = _ADDRPORT.match(text.strip())
    if not match:
        raise ConfigError(f"{source}: {text!r} is not HOST:PORT")
    port = int(match["port"])
    if port > 65535:
        raise ConfigError(f"{source}: port {port} is out of range")
    host = match["host"] or "127.0.0.1"
    return host.strip("[]"), port


_PUBLIC_URL = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+(?:/[A-Za-z0-9._~\-/]*)?$")


def check_public_url(text: str, source: str) -> str:
    if not _PUBLIC_URL.match(text):
        raise ConfigError(f"{source}: {text!r} is not an http(s) base URL like http://sandbox:5001")
    return text.rstrip("/")
