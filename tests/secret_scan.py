"""After the whole run: no Plcloud token or password in any log line, page or database row.

Every secret the panel encrypted during the run is collected (by wrapping our own ``encrypt``,
which changes nothing it does), along with the sandbox's known passwords; then every log record,
every response the panel served (test client and live server alike) and every row left in the
test database are searched for each of them.
"""

import logging

import pytest
from django.core.handlers.base import BaseHandler
from django.db import connection

from plcloud_panel import crypto
from tests.panel_fixtures import PASSWORD
from tests.report import SCAN

# The sandbox's seeded Plcloud passwords and the test members' panel password.
KNOWN_PASSWORDS = {"secreetword", "alice-password", "team2-password", PASSWORD}


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def _database_text() -> str:
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


@pytest.fixture(scope="session", autouse=True)
def secret_scan(django_db_setup, django_db_blocker):
    secrets = set(KNOWN_PASSWORDS)
    pages: list[bytes] = []
    logs = _Collect()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(logs)
    root.setLevel(logging.DEBUG)
    encrypt, get_response = crypto.encrypt, BaseHandler.get_response

    def recording_encrypt(plaintext: str) -> str:
        secrets.add(plaintext)
        return encrypt(plaintext)

    def recording_get_response(self, request):
        response = get_response(self, request)
        if not response.streaming:
            pages.append(response.content)
        return response

    crypto.encrypt = recording_encrypt
    BaseHandler.get_response = recording_get_response
    yield
    crypto.encrypt, BaseHandler.get_response = encrypt, get_response
    root.removeHandler(logs)
    root.setLevel(old_level)
    with django_db_blocker.unblock():
        database = _database_text()
    haystacks = {
        "logs": "\n".join(logs.lines),
        "pages": b"\n".join(pages).decode(errors="replace"),
        "database": database,
    }
    found = [(name, secret[:4] + "…") for secret in secrets for name, text in haystacks.items() if secret in text]
    scanned = {"secrets": len(secrets), "pages": len(pages), "log lines": len(logs.lines), "found": len(found)}
    for key, n in scanned.items():
        SCAN[key] += n
    SCAN["processes"] += 1
    assert not found, f"secrets leaked into {found}"
