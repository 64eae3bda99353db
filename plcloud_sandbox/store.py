"""The sandbox's own SQLite file: schema, pooled connections, transactions.

Only what users create is stored. Everything that follows from time (domain status, prefetch
progress, request logs, traffic) is computed from stored timestamps when it is read.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = "1"
# Domain ids continue the real service's numbering (the guide's example is 206813).
FIRST_DOMAIN_ID = 206813
POOL_SIZE = 8

SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tenants (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL, enabled INTEGER NOT NULL,
    balance_gb INTEGER NOT NULL, balance_updated_at REAL NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, tenant_id TEXT NOT NULL REFERENCES tenants(id),
    role TEXT NOT NULL, email TEXT NOT NULL, password_salt BLOB NOT NULL, password_hash BLOB NOT NULL
);
-- Only a digest of each token is kept, so the file never holds a usable token.
CREATE TABLE tokens (
    digest TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), tenant_id TEXT REFERENCES tenants(id),
    issued_at REAL NOT NULL, expires_at REAL NOT NULL
);
CREATE INDEX tokens_expiry ON tokens (expires_at);
CREATE TABLE domains (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL UNIQUE, areas TEXT NOT NULL, origin_ips TEXT NOT NULL, service_type TEXT NOT NULL,
    enabled INTEGER NOT NULL, icp_record TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    configured_at REAL NOT NULL, log_rate REAL NOT NULL
);
CREATE INDEX domains_tenant ON domains (tenant_id, created_at);
CREATE TABLE common_urls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL REFERENCES tenants(id), url TEXT NOT NULL,
    created_at REAL NOT NULL, UNIQUE (tenant_id, url)
);
CREATE TABLE flushes (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, domain_id INTEGER NOT NULL, urls TEXT NOT NULL,
    dirs TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE prefetches (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, urls TEXT NOT NULL, created_at REAL NOT NULL,
    seconds REAL NOT NULL
);
CREATE TABLE recharges (
    id INTEGER PRIMARY KEY AUTOINCREMENT, tenant_id TEXT NOT NULL, flow INTEGER NOT NULL, created_at REAL NOT NULL
);
CREATE TABLE tickets (
    id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants(id), user_id TEXT NOT NULL REFERENCES users(id),
    summary TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX tickets_user ON tickets (user_id, created_at);
CREATE TABLE replies (
    id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL REFERENCES tickets(id), author TEXT NOT NULL,
    user_id TEXT, content TEXT NOT NULL, created_at REAL NOT NULL
);
CREATE INDEX replies_ticket ON replies (ticket_id, created_at);
-- Support answers owed: written when due, on the next read.
CREATE TABLE support_due (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id TEXT NOT NULL REFERENCES tickets(id), due_at REAL NOT NULL
);
CREATE INDEX support_due_at ON support_due (due_at);
INSERT INTO sqlite_sequence (name, seq) VALUES ('domains', {FIRST_DOMAIN_ID - 1});
INSERT INTO meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}');
"""


class StoreError(Exception):
    """The state file cannot be used; the message says what to do."""


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._idle: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        # One writer at a time inside this process, so writers queue here instead of
        # spinning on SQLITE_BUSY; WAL still lets readers run beside the writer.
        self._write_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn

    @contextmanager
    def _borrow(self) -> Iterator[sqlite3.Connection]:
        with self._pool_lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
        try:
            yield conn
        finally:
            with self._pool_lock:
                if len(self._idle) < POOL_SIZE:
                    self._idle.append(conn)
                    conn = None
            if conn is not None:
                conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for a handler that only reads."""
        with self._borrow() as conn:
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        with self._write_lock, self._borrow() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._pool_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def open_store(path: Path, *, reset: bool = False, now: float | None = None) -> Store:
    """The store at ``path``, created and seeded when new (or when ``reset``)."""
    from plcloud_sandbox.seed import seed

    path = path.expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if reset:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    except OSError as error:
        raise StoreError(f"cannot prepare {path}: {error.strerror}") from None

    store = Store(path)
    try:
        with store._borrow() as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
            if has_meta:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
                if not row or row["value"] != SCHEMA_VERSION:
                    raise StoreError(f"{path} was written by another version of the sandbox; start with --reset")
        if not has_meta:
            with store.write() as conn:
                # Statement by statement: executescript() would commit the open transaction.
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                seed(conn, time.time() if now is None else now)
    except sqlite3.DatabaseError as error:
        store.close()
        raise StoreError(f"{path} is not a usable SQLite file ({error}); start with --reset") from None
    return store
