"""SQLite with a web process and a worker side by side (the quick start): no "database is locked".

A transaction that reads and then writes fails at once with "database is locked", whatever the
busy timeout, when another process wrote in between; the panel's SQLite connections therefore
start every transaction with the write lock (IMMEDIATE), wait for each other (busy timeout), and
run in WAL, where readers never wait for the writer. PostgreSQL needs none of this: skipped there.
"""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from audit.services import record
from tests.helpers import PROJECT_ROOT
from tests.report import count
from tests.worker_fixtures import database_url
from tickets.models import CheckOutcome, TicketCheck, TicketSeen

pytestmark = [
    pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="SQLite only"),
    pytest.mark.django_db(transaction=True),
]
CHECKER_RUNS = 150


def test_every_connection_runs_in_wal_waits_for_the_lock_and_writes_from_the_start_of_a_transaction():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    # WAL is kept in the file itself: a worker, a shell or a backup opening it reads beside a writer.
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with transaction.atomic():
            # Nothing read or written yet, and the write lock is already this transaction's.
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
            assert other.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 0
    finally:
        other.close()


def test_the_ticket_checker_and_a_new_tickets_bookkeeping_run_side_by_side(operator, connect_demo, tmp_path):
    """What POST /tickets/new/ writes once Plcloud made the ticket (the audit row, then the ticket
    marked seen: a read, then a write) in this process, while another process runs the checker
    (one Plcloud call, then its read-then-write transaction) as beat has the worker do."""
    connect_demo(operator)
    log_file = tmp_path / "checker.log"  # a file, not a pipe: a full pipe would stall the checker
    with open(log_file, "w") as log_output:
        checker = subprocess.Popen(
            [sys.executable, "-m", "tests.settings.sqlite_checker", str(CHECKER_RUNS), "120"],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": database_url()},
            stdout=subprocess.PIPE,
            stderr=log_output,
            text=True,
        )
    pages, locked = 0, []
    try:
        while checker.poll() is None and pages < 20_000:
            ticket_id = f"T{pages % 20:03}"
            try:
                record(actor=operator, action="ticket.create", object_type="ticket", object_id=ticket_id)
                # tickets.services.mark_seen's transaction: update_or_create reads, then writes.
                TicketSeen.objects.update_or_create(user=operator, ticket_id=ticket_id, defaults={"reply_count": pages})
            except OperationalError as error:
                locked.append(str(error))
            pages += 1
        output, _ = checker.communicate(timeout=180)
    finally:
        if checker.poll() is None:
            checker.kill()
            checker.communicate()
    log = log_file.read_text()
    assert checker.returncode == 0, log[-3000:]
    result = json.loads(output)
    count("sqlite", "SQLite side by side: checker runs", result["runs"])
    count("sqlite", "new tickets' bookkeeping", pages)
    count("sqlite", "failed on a lock", len(locked) + result["failed"] + len(result["errors"]))
    assert result["runs"] == CHECKER_RUNS
    assert locked == [], f"{len(locked)} of {pages} new tickets' bookkeeping failed: {locked[0]}"
    assert "database is locked" not in log, log[-3000:]
    assert result["errors"] == [] and result["failed"] == 0, log[-3000:]
    check = TicketCheck.objects.get(user=operator)
    assert (check.outcome, check.error) == (CheckOutcome.OK, "")
