"""The run-time install as shipped: the lock files, and a fresh virtualenv made from requirements.txt
alone (the Dockerfile's pip line, nothing from the test tools) running the web, a worker and beat.

The test suite's own .venv holds the test tools too, and they bring in packages the panel needs
without declaring them (kombu's Redis transport imports ``packaging``, which pytest brings): a
worker that starts here could still die in the image. So the processes below run from their own
venv, built once per session (pip's download cache keeps that quick).
"""

import os
import re
import shlex
import shutil
import socket
import subprocess
import venv
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib import metadata
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from accounts.models import Membership, Role
from ops.models import WorkerPing
from tests.helpers import free_port, wait_for
from tests.report import count
from tests.settings.test_compose import ROOT, compose, dockerfile
from tests.worker_fixtures import database_url, redis_or_skip

# What sys.platform, platform.system() and os.name say on each system the quick start runs on.
PLATFORMS = {"linux": ("Linux", "posix"), "darwin": ("Darwin", "posix"), "win32": ("Windows", "nt")}
PASSWORD = "fresh-install-horse-9"


def requirements(path: Path) -> list[Requirement]:
    """The requirements a file names (a lock's hashes, comments and -r/-c lines left out)."""
    text = re.sub(r"\\\n", " ", path.read_text())
    lines = (line.split(" --hash")[0].strip() for line in text.splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith(("#", "-"))]


def pins(path: Path) -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in requirements(path)}


def applies(requirement: Requirement, environment: dict, extras: set[str] = frozenset()) -> bool:
    marker = requirement.marker
    return marker is None or any(marker.evaluate({**environment, "extra": e}) for e in extras | {""})


def needed(roots: list[Requirement], environment: dict) -> dict[str, Requirement]:
    """Every package ``roots`` need on that system, extras followed, read from the metadata of the
    versions installed here (the locked ones). A package not installed here (Windows-only ones
    such as colorama) is checked itself, not followed: those have no dependencies of their own."""
    wanted: dict[str, Requirement] = {}
    extras: dict[str, set[str]] = {}
    todo = [r for r in roots if applies(r, environment)]
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if name in wanted and set(requirement.extras) <= extras[name]:
            continue
        wanted.setdefault(name, requirement)
        extras[name] = extras.get(name, set()) | set(requirement.extras)
        try:
            declared = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [d for d in map(Requirement, declared) if applies(d, environment, extras[name])]
    return wanted


def assert_complete(lock: dict[str, Requirement], roots: list[Requirement]) -> None:
    for platform, (system, os_name) in PLATFORMS.items():
        environment = {**default_environment(), "sys_platform": platform, "platform_system": system, "os_name": os_name}
        for name, requirement in needed(roots, environment).items():
            assert name in lock, f"{name} (for {requirement}) is not locked; on {platform} it would be missing"
            pinned = lock[name]
            assert applies(pinned, environment), f"{pinned} is left out on {platform}, where {requirement} needs it"
            version = next(iter(pinned.specifier)).version
            assert requirement.specifier.contains(version, prereleases=True), f"{pinned} does not satisfy {requirement}"


def test_the_run_time_lock_pins_every_package_with_hashes_on_linux_macos_and_windows():
    lock = pins(ROOT / "requirements.txt")
    text = (ROOT / "requirements.txt").read_text()
    for name, pinned in lock.items():
        assert [s.operator for s in pinned.specifier] == ["=="], f"{name} is not pinned to one version"
        entry = re.search(rf"^{re.escape(pinned.name)}==.*?(?=^\S|\Z)", text, re.M | re.S | re.I)[0]
        assert "--hash=sha256:" in entry, f"{name} has no hash"
    assert_complete(lock, requirements(ROOT / "requirements.in"))


def test_the_test_lock_adds_the_test_tools_at_the_run_time_versions():
    run_time, test_tools = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    for name in run_time.keys() & test_tools.keys():
        assert str(test_tools[name].specifier) == str(run_time[name].specifier), name
    assert "pytest" in test_tools and "pytest" not in run_time
    roots = requirements(ROOT / "requirements.in") + requirements(ROOT / "requirements-dev.in")
    assert_complete(run_time | test_tools, roots)


def image_pip_install() -> list[str]:
    """The Dockerfile's pip command, after ``pip``."""
    run = next(arg for op, arg in dockerfile() if op == "RUN" and arg.startswith("pip install"))
    words = shlex.split(run)
    assert "&&" not in words, "the pip step is one command"
    return words[1:]


@pytest.fixture(scope="session")
def runtime_venv(tmp_path_factory) -> Iterator[Path]:
    """A new virtualenv holding what the Dockerfile installs, and nothing else."""
    folder = tmp_path_factory.mktemp("runtime-venv")
    venv.EnvBuilder(with_pip=True).create(folder)
    bin_dir = folder / ("Scripts" if os.name == "nt" else "bin")
    pip = [str(bin_dir / "python"), "-m", "pip", "--disable-pip-version-check"]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PIP_NO_CACHE_DIR")}
    for command in (image_pip_install(), ["check"]):
        result = subprocess.run([*pip, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"pip {' '.join(command)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    yield bin_dir
    shutil.rmtree(folder, ignore_errors=True)


def compose_command(service: str, bin_dir: Path, **replace: str) -> list[str]:
    """A compose service's command, run from ``bin_dir``, with some of its options' values replaced."""
    words = shlex.split(compose()["services"][service]["command"])
    for option, value in replace.items():
        words[words.index(option) + 1] = value
    return [str(bin_dir / words[0]), *words[1:]]


@contextmanager
def started(name: str, command: list[str], env: dict[str, str], logs: Path) -> Iterator[subprocess.Popen]:
    log = logs / f"{name}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def tails(logs: Path) -> str:
    return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2500:]}" for log in sorted(logs.glob("*.log")))


@pytest.mark.timeout(900)
@pytest.mark.django_db(transaction=True)
def test_a_fresh_install_of_the_run_time_lock_serves_pages_and_runs_a_worker_and_beat_on_redis(
    runtime_venv, sandbox, tmp_path
):
    broker = redis_or_skip()
    user = get_user_model().objects.create(username="freda")
    Membership.objects.create(user=user, role=Role.VIEWER)
    hasher = PBKDF2PasswordHasher()  # the panel's own default, which the web process checks
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save()
    left_out = ("PYTHONPATH", "VIRTUAL_ENV", "REDIS_URL", "CACHE_URL", "DEBUG")
    env = {k: v for k, v in os.environ.items() if k not in left_out} | {
        "PATH": f"{runtime_venv}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "PLCLOUD_AUTH_URL": sandbox.auth_url,
        "SECRET_KEY": "fresh-install-" + "k" * 40,
        "PANEL_VAR_DIR": str(tmp_path / "var"),
        "WORKER_HEARTBEAT_SECONDS": "5",
        "HOME": str(tmp_path),  # gunicorn's control socket goes under it: not shared with another run
    }
    python = str(runtime_venv / "python")
    # The image collects the static files at build; pages name them through its manifest.
    collect = subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert collect.returncode == 0, collect.stderr
    logs = tmp_path / "logs"
    logs.mkdir()
    port = free_port()
    node = f"fresh-install@{socket.gethostname()}"
    commands = {
        "web": compose_command("web", runtime_venv, **{"--bind": f"127.0.0.1:{port}"}),
        "worker": [*compose_command("worker", runtime_venv), "-n", node],
        "beat": compose_command("beat", runtime_venv, **{"--schedule": str(tmp_path / "celerybeat-schedule")}),
    }
    base = f"http://127.0.0.1:{port}"
    answered = []
    with ExitStack() as stack:
        processes = {name: stack.enter_context(started(name, command, env, logs)) for name, command in commands.items()}

        def answer(path: str):
            stopped = [name for name, p in processes.items() if p.poll() is not None]
            assert not stopped, f"{', '.join(stopped)} stopped:\n{tails(logs)}"
            try:
                response = requests.get(base + path, timeout=10)
            except requests.ConnectionError:
                return None
            answered.append(response.status_code)
            return response

        page = wait_for(lambda: answer("/accounts/login/"), timeout=90, interval=0.5, message=tails(logs))
        assert page.status_code == 200, tails(logs)
        assert 'name="password"' in page.text

        web = requests.Session()
        web.get(base + "/accounts/login/", timeout=10)
        signed_in = web.post(
            base + "/accounts/login/",
            data={"username": "freda", "password": PASSWORD, "csrfmiddlewaretoken": web.cookies["csrftoken"]},
            headers={"Referer": base + "/accounts/login/"},
            timeout=30,
        )
        assert signed_in.status_code == 200 and signed_in.url == base + "/", tails(logs)
        assert "freda" in signed_in.text
        answered.append(signed_in.status_code)

        # ok: the database, Redis, a heartbeat that beat sent and the worker ran, and the sandbox.
        def healthy():
            health = answer("/health/")
            return health if health is not None and health.json()["status"] == "ok" else None

        health = wait_for(healthy, timeout=90, interval=1, message=f"not healthy:\n{tails(logs)}")
        assert health.status_code == 200
        assert all(check["ok"] for check in health.json()["checks"].values())

        ping = subprocess.run(
            [str(runtime_venv / "celery"), "-A", "plcloud_panel", "inspect", "ping", "-d", node, "--timeout", "10"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ping.returncode == 0, f"{ping.stdout}\n{ping.stderr}\n{tails(logs)}"
        assert f"{node}: OK" in ping.stdout and "pong" in ping.stdout
        heartbeats = WorkerPing.objects.filter(answered_at__isnull=False).count()
        assert heartbeats >= 1

    installed = subprocess.run([python, "-m", "pip", "freeze"], capture_output=True, text=True).stdout.split()
    figures = "fresh run-time-only install"
    count(figures, "fresh run-time-only install (packages)", len(installed))
    count(figures, "web answered (pages, 200)", answered.count(200))
    count(figures, "worker on Redis answered ping", ping.stdout.count("pong"))
    count(figures, "beat heartbeats the worker answered", heartbeats)
