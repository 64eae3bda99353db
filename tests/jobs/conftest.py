import csv
import gzip
import json
import sqlite3

from cdn.log_filters import matcher
from jobs import exports, tasks
from jobs.models import Job
from tests.helpers import wait_for


def sandbox_state(sandbox) -> sqlite3.Connection:
    """The sandbox's own state file, read only."""
    return sqlite3.connect(f"file:{sandbox.db_path}?mode=ro", uri=True)


def recorded(sandbox, table: str) -> int:
    """How many rows the sandbox has recorded in ``table``."""
    with sandbox_state(sandbox) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - our own table names


def flushes_sent(sandbox) -> int:
    return recorded(sandbox, "flushes")


def flushed(sandbox, flush_id: str) -> tuple[list[str], list[str]]:
    """The URLs and directories the sandbox received in one flush call."""
    with sandbox_state(sandbox) as db:
        urls, dirs = db.execute("SELECT urls, dirs FROM flushes WHERE id = ?", (flush_id,)).fetchone()
    return json.loads(urls), json.loads(dirs)


def run_to_end(job: Job, timeout: float = 30) -> Job:
    """Run the job's steps in this process, as a worker would, until it has ended."""
    step = tasks.STEPS[job.kind]

    def ended():
        step(job.pk, owner="test")
        job.refresh_from_db()
        return job.ended

    wait_for(ended, timeout=timeout, interval=0.3)
    return job


def wire_rows(demo, www, window: dict) -> list[list[str]]:
    """An export's window as the client reads it straight from the sandbox, as CSV rows (with the
    window's filters, if it has any)."""
    keep = matcher(**{k: window.get(k, "") for k in ("status_class", "cache_state", "url_contains")})
    rows = []
    for page in demo.cdn.iter_request_log(www["domainId"], window["log_type"], window["start_at"], window["end_at"]):
        rows += [[str(e[c]) for c in exports.COLUMNS] for e in page if keep is None or keep(e)]
    return rows


def file_rows(path) -> list[list[str]]:
    """The lines of an export file, after its header (which must be the columns)."""
    with gzip.open(path, "rt", newline="") as text:
        rows = list(csv.reader(text))
    assert rows[0] == list(exports.COLUMNS)
    return rows[1:]
