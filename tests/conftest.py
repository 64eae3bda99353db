import pytest

from tests.helpers import SandboxProcess


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """The sandbox as a real process for the whole run, with short timings (tests.helpers.TEST_TIMINGS)."""
    process = SandboxProcess(tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3")
    try:
        process.start()
        yield process
    finally:
        died = process.process is not None and not process.alive()
        process.stop()
    if died:
        pytest.fail(f"the sandbox died during the tests:\n{process.stderr()}")


@pytest.fixture
def clean_faults(sandbox):
    """For a test that switches faults on: they are off again after it."""
    yield sandbox
    sandbox.clear_faults()
