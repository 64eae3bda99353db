#!/usr/bin/env python3
"""The quick-start commands, standard library only so they run before anything is installed.

python3 dev.py run    install into .venv, then run the panel, the sandbox and a worker
python3 dev.py test   install into .venv with the test tools, then lint and run every test
python3 dev.py lock   re-lock requirements.txt and requirements-dev.txt after changing an .in file
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def ensure_venv(*locks: str) -> None:
    """Create .venv and install exactly the lock files given, skipping both when nothing changed."""
    if sys.version_info[:2] != (3, 11):
        say(f"warning: Python 3.11 is expected, this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        say("creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in locks))
    stamp = VENV / f".installed-{locks[-1]}"
    if stamp.exists() and stamp.read_text() == wanted.hexdigest():
        return
    say(f"installing {' and '.join(locks)}")
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    # The locks pin every package with its hashes: nothing is resolved here, so this .venv holds
    # what the Dockerfile installs (and, for the tests, the test tools on top).
    files = [arg for name in locks for arg in ("-r", str(ROOT / name))]
    subprocess.run([*pip, "--require-hashes", "--no-deps", *files], check=True)
    stamp.write_text(wanted.hexdigest())


def new_fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def ensure_encryption_key(env: dict) -> None:
    """The quick start's key lives in var/ (readable by its owner only); settings read it there."""
    key_file = ROOT / "var" / "encryption_keys"
    if "PANEL_ENCRYPTION_KEYS" in env or key_file.exists():
        return
    key_file.parent.mkdir(exist_ok=True)
    key_file.write_text(new_fernet_key() + "\n")
    key_file.chmod(0o600)
    say(f"made an encryption key for stored Plcloud secrets in {key_file.relative_to(ROOT)}: back it up")


def manage(*args: str, env: dict | None = None) -> None:
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, check=True, env=env)


def wait_for_http(url: str, seconds: float, processes: list[subprocess.Popen]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return True
        except urllib.error.HTTPError:
            return True  # it answered, if only with a redirect to sign in
        except OSError:
            time.sleep(0.3)
    return False


def workers(var_dir: str) -> dict[str, list[str]]:
    """The quick start's two workers, one a queue as in docker-compose.yml: exports on their own,
    so that a long export never holds back a flush. One worker for both queues would not do: its
    slots take whichever task comes first, and two exports fill them all."""
    celery = ["-m", "celery", "-A", "plcloud_panel", "worker", "--loglevel", "INFO"]
    return {
        # -B: this worker also runs beat (the periodic checks): one beat, as here, never two.
        "worker": [*celery, "-n", "default@%h", "-Q", "celery", "--concurrency", "2", "-B"]
        + ["--schedule", f"{var_dir}/celerybeat-schedule"],
        # One export at a time on one machine; the others wait in their queue, not in a flush's way.
        "export worker": [*celery, "-n", "exports@%h", "-Q", "exports", "--concurrency", "1"],
    }


def run(args: argparse.Namespace) -> int:
    ensure_venv("requirements.txt")
    env = dict(os.environ)
    sandbox_url = f"http://127.0.0.1:{args.sandbox_port}"
    env.setdefault("PLCLOUD_AUTH_URL", f"{sandbox_url}/v2.0")
    var_dir = Path(env.get("PANEL_VAR_DIR", str(ROOT / "var")))
    # The quick start's files: its SQLite databases (the default DATABASE_URL is var/panel.sqlite3,
    # whatever PANEL_VAR_DIR says) and beat's schedule; the settings make no folders themselves.
    for folder in {ROOT / "var", var_dir}:
        folder.mkdir(parents=True, exist_ok=True)
    ensure_encryption_key(env)
    say("preparing the database and static files")
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("collectstatic", "--noinput", "-v", "0", env=env)
    login = subprocess.run(
        [str(PYTHON), "manage.py", "quickstart_login"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()

    commands = {
        # As docker-compose.yml runs it: the sandbox needs none of the panel's settings.
        "sandbox": ["-m", "plcloud_sandbox", "--addrport", f"127.0.0.1:{args.sandbox_port}"],
        **workers(str(var_dir)),
        "web": ["manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
    }
    processes: list[subprocess.Popen] = []
    for name, command in commands.items():
        say(f"starting the {name}")
        processes.append(start(command, env))

    code = 0
    # Ctrl-C, or a SIGTERM from a service manager: stop everything either way.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        panel_url = f"http://127.0.0.1:{args.port}/"
        if not wait_for_http(f"{sandbox_url}/v2.0/", 60, processes) or not wait_for_http(panel_url, 60, processes):
            say("a process stopped or did not answer within 60 s; stopping")
            return 1
        connect_admin_once(env, f"{sandbox_url}/v2.0")
        print(
            f"\n  Plcloud Panel: {panel_url}\n"
            f"  {login}\n"
            f"  Plcloud sandbox: {sandbox_url}/v2.0  (user demo, password secreetword, tenant demo;\n"
            f"                   'admin' is connected to it as demo on the first run, and stays connected)\n"
            f"  Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        say("a process stopped; stopping the others")
        code = 1
    except KeyboardInterrupt:
        say("stopping")
    finally:
        # The sandbox last: a task still running through a warm shutdown may be calling it.
        stop(processes[1:])
        stop(processes[:1])
    return code


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def connect_admin_once(env: dict, auth_url: str) -> None:
    """On the first run, connect the quick start's admin to the sandbox so every page has data,
    keeping the sandbox's password so that the connection outlives its token (an hour): the panel
    signs in again by itself. Later runs only make a connection an earlier quick start made
    without the password keep it; a member who disconnected, or connected another identity, is
    left as they chose."""
    stamp = ROOT / "var" / ".quickstart-connected"
    command = [str(PYTHON), "manage.py", "quickstart_connect", "--auth-url", auth_url]
    if stamp.exists():
        command.append("--existing-only")
    result = subprocess.run(
        command, cwd=ROOT, env={**env, "PLCLOUD_PASSWORD": "secreetword"}, capture_output=True, text=True
    )
    if result.returncode == 0:
        stamp.touch()
        if result.stdout.startswith("connected"):
            say("connected 'admin' to the sandbox as demo (kept connected: the panel renews its token)")
    else:
        say(f"could not connect 'admin' to the sandbox: {result.stderr.strip()[-300:]}")


def start(command: list[str], env: dict, **popen: object) -> subprocess.Popen:
    """One of the quick start's processes, in a process group (a session) of its own: Ctrl-C at
    the terminal reaches dev.py alone, which then stops each process the way it is meant to stop."""
    return subprocess.Popen([str(PYTHON), *command], cwd=ROOT, env=env, start_new_session=True, **popen)


# How long stopping may take before whatever is left is killed: a worker's warm shutdown waits for
# the tasks it is running (and beat inside it for its last beat), a few seconds when idle.
STOP_SECONDS = 15


def stop(processes: list[subprocess.Popen]) -> None:
    """Stop each process as its own Ctrl-C would: SIGTERM to its main process only. Celery's main
    process takes that as a warm shutdown, finishing its tasks and then ending its pool's processes
    itself; a SIGTERM sent to the whole group would reach those pool processes first, and the
    worker would report each as lost ("ForkPoolWorker exited with signal 15"). A process still
    running after STOP_SECONDS is killed with its whole group."""
    # A second Ctrl-C (or a SIGTERM forwarded twice) must not cut this short and leave a server
    # holding its port.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            # Its group is still led by it, so this reaches its own processes only.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test(args: argparse.Namespace) -> int:
    ensure_venv("requirements.txt", "requirements-dev.txt")
    env = dict(os.environ)
    # Each run encrypts under a key of its own, so no test depends on a developer's var/.
    env.setdefault("PANEL_ENCRYPTION_KEYS", new_fernet_key())
    # Tasks the tests queue on the embedded transport go to a folder of the run's own, never to
    # the quick start's queue in var/broker, where its worker would pick them up.
    env.setdefault("CELERY_BROKER_FOLDER", tempfile.mkdtemp(prefix="plcloud-test-broker-"))
    say("ruff check")
    lint = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=ROOT)
    say("pytest")
    tests = subprocess.run([str(PYTHON), "-m", "pytest", *in_parallel(args.pytest_args)], cwd=ROOT, env=env)
    return lint.returncode or tests.returncode


# The suite runs in this many pytest-xdist processes, each with its own sandbox, test database and
# Redis database (TEST_REDIS_URL's, and one further down for each other process). Most tests wait
# on the sandbox, a worker process or the browser rather than on a core, so more processes than
# cores pay: on 2 quiet cores the SQLite run took 4.4 min with 4 processes and 5.2 with 3 (20 min
# in one process, on a busy machine). Each process needs a Redis database of its own: 15, 14, 13
# and 12 by default.
TEST_PROCESSES = 4


def in_parallel(pytest_args: list[str]) -> list[str]:
    """pytest's arguments with the run's processes added, unless they already say how to run
    (-n, --numprocesses, --dist, or -p no:xdist for one process)."""
    said = any(arg.startswith(("-n", "--numprocesses", "--dist")) or arg.endswith("no:xdist") for arg in pytest_args)
    # loadgroup: tests go to whichever process is free, one at a time, except those of a group
    # (the browser tests: one Chromium, not one in every process), which all go to one.
    return pytest_args if said else ["-n", str(TEST_PROCESSES), "--dist", "loadgroup", *pytest_args]


# The lock compiler, pinned so that a re-lock writes the same format; it lives in a throwaway
# venv and is never installed into .venv or the image.
UV = "uv==0.13.9"
LOCKS = (("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt"))


def lock(uv_args: list[str]) -> int:
    """Compile the .in files into the lock files: every package pinned with its hashes, for
    Linux, macOS and Windows alike (--universal). The pins already in a lock are kept unless
    an .in file needs them moved or ``uv_args`` say so (--upgrade-package NAME, --upgrade)."""
    with tempfile.TemporaryDirectory(prefix="plcloud-lock-") as folder:
        say(f"installing {UV} into a throwaway virtual environment")
        venv.EnvBuilder(with_pip=True).create(folder)
        tools = Path(folder) / BIN.name
        subprocess.run([str(tools / "python"), "-m", "pip", "install", "--quiet", UV], check=True)
        for source, target in LOCKS:
            say(f"locking {source} into {target}")
            compile_lock = [str(tools / "uv"), "pip", "compile", "--quiet", "--universal", "--python-version", "3.11"]
            compile_lock += ["--generate-hashes", "--custom-compile-command", "python3 dev.py lock", *uv_args]
            result = subprocess.run([*compile_lock, source, "--output-file", target], cwd=ROOT)
            if result.returncode:
                return result.returncode
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="install, then run panel, sandbox and worker until Ctrl-C")
    run_parser.add_argument("--port", type=int, default=8000)
    run_parser.add_argument("--sandbox-port", type=int, default=5001)
    test_parser = commands.add_parser("test", help="install, then lint and run the whole test suite")
    test_parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    lock_parser = commands.add_parser("lock", help="re-lock the requirements from the .in files")
    lock_parser.add_argument("uv_args", nargs=argparse.REMAINDER, help="passed to uv pip compile, e.g. --upgrade")
    # pytest's own options may come first (dev.py test -x -k name): they are not ours to refuse.
    args, others = parser.parse_known_args()
    if args.command == "run":
        if others:
            parser.error(f"unrecognized arguments: {' '.join(others)}")
        return run(args)
    if args.command == "lock":
        return lock([*others, *args.uv_args])
    args.pytest_args = [*others, *args.pytest_args]
    return test(args)


if __name__ == "__main__":
    sys.exit(main())
