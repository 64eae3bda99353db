import sqlite3

from jobs import tasks
from jobs.models import Job
from tests.helpers import wait_for


def flushes_sent(sandbox) -> int:
    """How many flushes the sandbox has recorded (its own state file, read only)."""
    with sqlite3.connect(f"file:{sandbox.db_path}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM flushes").fetchone()[0]


def run_to_end(job: Job, timeout: float = 30) -> Job:
    """Run the job's steps in this process, as a worker would, until it has ended."""
    step = tasks.STEPS[job.kind]

    def ended():
        step(job.pk, owner="test")
        job.refresh_from_db()
        return job.ended

    wait_for(ended, timeout=timeout, interval=0.3)
    return job
