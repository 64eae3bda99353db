"""Strict readers for settings from the environment.

django-environ parses; these helpers refuse what it would silently accept (``DEBUG=ture``
read as False, an unknown database scheme) so that a bad value stops start-up with a
message naming the variable instead of running misconfigured.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import available_timezones

import environ
from django.core.exceptions import ImproperlyConfigured

_env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_DB_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "psql"}
_BROKER_SCHEMES = {"redis", "rediss", "filesystem", "memory", "amqp", "pyamqp"}


def _bad(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={value!r} is not valid: expected {expected}.")


def raw(name: str, default: str | None = None) -> str | None:
    return _env.str(name, default=default)


def boolean(name: str, default: bool) -> bool:
    value = _env.str(name, default=None)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _bad(name, value, "one of true/false, yes/no, on/off, 1/0")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _env.str(name, default=None)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _bad(name, value, "a whole number") from None
    if minimum is not None and number < minimum:
        raise _bad(name, value, f"a whole number of at least {minimum}")
    return number


def number(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = _env.str(name, default=None)
    if value is None:
        return default
    try:
        parsed = float(value)
    except ValueError:
        raise _bad(name, value, "a number") from None
    if not parsed >= minimum:  # also refuses NaN
        raise _bad(name, value, f"a number of at least {minimum}")
    return parsed


def words(name: str, default: list[str]) -> list[str]:
    value = _env.str(name, default=None)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise _bad(name, value, "a comma-separated list with at least one item")
    return items


def choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _env.str(name, default=default).strip()
    if value.upper() not in choices:
        raise _bad(name, value, "one of " + ", ".join(choices))
    return value.upper()


def time_zone(name: str, default: str) -> str:
    """An IANA time zone name that this Python knows (Asia/Shanghai, UTC)."""
    value = _env.str(name, default=default).strip()
    if value not in available_timezones():
        raise _bad(name, value, "a time zone name such as Asia/Shanghai or UTC")
    return value


def http_url(name: str, default: str) -> str:
    value = _env.str(name, default=default).strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise _bad(name, value, "an http:// or https:// URL")
    return value.rstrip("/")


def http_urls(name: str, default: list[str]) -> list[str]:
    urls = words(name, default)
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise _bad(name, url, "comma-separated http:// or https:// URLs")
    return [url.rstrip("/") for url in urls]


def database(name: str, default: str, base_dir: Path) -> dict:
    value = _env.str(name, default=default)
    scheme = urlsplit(value).scheme
    if scheme not in _DB_SCHEMES:
        raise _bad(name, value, "a sqlite:/// or postgres:// URL")
    config = _env.db_url_config(value)
    if config["ENGINE"].endswith("sqlite3"):
        if not config["NAME"] or config["NAME"] == ":memory:":
            raise _bad(name, value, "a SQLite URL with a file path")
        path = Path(config["NAME"])
        config["NAME"] = str(path if path.is_absolute() else base_dir / path)
    elif not config["NAME"]:
        raise _bad(name, value, "a PostgreSQL URL that names a database")
    return config


def broker(names: tuple[str, ...], default: str) -> str:
    for name in names:
        value = _env.str(name, default=None)
        if value:
            scheme = urlsplit(value).scheme
            if scheme not in _BROKER_SCHEMES:
                raise _bad(name, value, "a redis://, amqp:// or filesystem:// URL")
            return value
    return default


def cache(name: str, default: str) -> dict:
    value = _env.str(name, default=default) or default
    if urlsplit(value).scheme not in {"locmemcache", "redis", "rediss", "dummycache"}:
        raise _bad(name, value, "locmemcache://, redis://HOST:6379/1 or dummycache://")
    config = _env.cache_url_config(value)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        # Ours: Redis being down is a cache miss, not a 500 (see plcloud_panel.cache).
        config["BACKEND"] = "plcloud_panel.cache.FailOpenRedisCache"
    return config


def secret_key(name: str, fallback_file: Path) -> str:
    """The key from the environment, or one generated once and kept under var/.

    A generated key beats a hard-coded default: a fresh install never shares its key.
    """
    value = _env.str(name, default=None) or None
    if value is not None:
        if len(value) < 32:
            raise _bad(name, "<hidden>", "at least 32 characters")
        return value
    if fallback_file.exists():
        return fallback_file.read_text().strip()
    fallback_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fallback_file.write_text(key)
    fallback_file.chmod(0o600)
    return key


def fernet_keys(name: str, fallback_file: Path) -> list[str]:
    """Fernet keys, newest first, from the environment or the file ``dev.py run`` writes.

    Unlike the secret key, no key is invented here: a panel that made itself a new key would
    silently lose every stored Plcloud token it had encrypted under the old one.
    """
    value = _env.str(name, default=None) or None
    if value is None and fallback_file.exists():
        value = fallback_file.read_text()
    if value is None:
        raise ImproperlyConfigured(
            f"{name} is not set: it holds the key that encrypts Plcloud tokens and passwords. "
            f'Make one with: python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
        )
    keys = [key.strip() for key in value.replace("\n", ",").split(",") if key.strip()]
    if not keys:
        raise _bad(name, "<hidden>", "one or more Fernet keys, comma-separated, newest first")
    for key in keys:
        try:
            ok = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            ok = False
        if not ok:
            raise _bad(name, "<hidden>", "Fernet keys: 32 bytes in URL-safe base64 (44 characters)")
    return keys
