import sqlite3

import pytest

from jobs import tasks
from jobs.models import Job
from plcloud import Client
from tests.helpers import wait_for

WWW = "www.demo-shop.com"


@pytest.fixture
def op(client, operator, connect_demo):
    """An operator, connected to the sandbox as demo and signed in to the panel."""
    connect_demo(operator)
    client.force_login(operator)
    return client


@pytest.fixture
def demo(sandbox):
    """The same Plcloud account, straight through the client: to see what really happened upstream."""
    with Client(username="demo", password="secreetword", tenant_name="demo", auth_url=sandbox.auth_url) as c:
        yield c


@pytest.fixture
def www(demo) -> dict:
    return next(d for d in demo.cdn.list() if d["domainName"] == WWW)


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
