import os

import pytest

from tests.helpers import SandboxProcess

# The wire profile of the session's sandbox (docs/plcloud-api.md, "Wire profiles"): "default", or
# "sdk" for only what the vendor's SDK reads. .ci/run runs the wire-touching tests in both.
TEST_WIRE = os.environ.get("PLCLOUD_TEST_WIRE") or "default"
if TEST_WIRE not in ("default", "sdk"):
    raise pytest.UsageError(f"PLCLOUD_TEST_WIRE={TEST_WIRE!r}: use default or sdk")


def pytest_report_header() -> str:
    return f"sandbox wire profile: {TEST_WIRE} (PLCLOUD_TEST_WIRE)"


@pytest.fixture(scope="session")
def wire() -> str:
    """The session sandbox's profile, for a test whose assertion must differ between the two."""
    return TEST_WIRE


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    """The sandbox as a real process for the whole run, with short timings (tests.helpers.TEST_TIMINGS),
    in the profile PLCLOUD_TEST_WIRE names."""
    wire = None if TEST_WIRE == "default" else TEST_WIRE
    process = SandboxProcess(tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3", wire=wire)
    yield from _running(process, "the sandbox")


@pytest.fixture(scope="session")
def sdk_sandbox(tmp_path_factory):
    """A second sandbox process started with ``--wire=sdk`` (only what the vendor's SDK reads), for
    tests that run against both profiles in one session (a module overrides ``sandbox`` with a
    fixture parametrized over "default" and "sdk" that picks this one for "sdk")."""
    process = SandboxProcess(tmp_path_factory.mktemp("sdk-sandbox") / "sandbox.sqlite3", wire="sdk")
    yield from _running(process, "the sdk-profile sandbox")


def _running(process: SandboxProcess, name: str):
    """The process started for the fixture's time; a sandbox that died meanwhile fails the run."""
    try:
        process.start()
        yield process
    finally:
        died = process.process is not None and not process.alive()
        process.stop()
    if died:
        pytest.fail(f"{name} died during the tests:\n{process.stderr()}")


@pytest.fixture
def clean_faults(sandbox):
    """For a test that switches faults on: they are off again after it."""
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture(autouse=True)
def panel_language():
    """Each test starts in the panel's language: a page in Chinese leaves its language active in
    the thread, and a task a later test runs in-process would write its messages in it (a worker
    process starts in LANGUAGE_CODE)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
