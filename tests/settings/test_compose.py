"""docker-compose.yml and the Dockerfile, checked the way `docker compose config` would read them.

No Docker engine runs here, so these read the files as Compose does (YAML merge keys, variable
interpolation with its defaults and required variables) and check what would break a start:
services and volumes that are named but not defined, settings the panel does not read, commands
and health checks that name code or URLs that do not exist, and the image's own build step
(collectstatic with the Dockerfile's build-time values), which runs here for real.
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ops.middleware import HEALTH_PATH

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SECRETS = {"SECRET_KEY": "k" * 50, "PANEL_ENCRYPTION_KEYS": "A" * 43 + "="}
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}, $NAME, and $$.
_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))"
)


class MissingVariable(Exception):
    pass


def interpolate(value, env: dict[str, str]):
    """A value of the file with its variables filled in, as Compose fills them in."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def fill(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        op, arg = match["op"] or "", match["arg"] or ""
        present = name in env and (env[name] != "" or not op.startswith(":"))
        if present:
            return env[name]
        if op.endswith("?"):
            raise MissingVariable(f"{name}: {arg}")
        return arg if op.endswith("-") else ""

    return _VARIABLE.sub(fill, value)


def compose(env: dict[str, str] | None = None) -> dict:
    """The file with merge keys resolved and variables filled in from ``env`` (the shell and .env)."""
    return interpolate(yaml.safe_load(COMPOSE.read_text()), SECRETS if env is None else env)


def panel_services(config: dict) -> dict[str, dict]:
    return {name: s for name, s in config["services"].items() if s.get("build") == "."}


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def settings_read() -> set[str]:
    """Every variable name the panel's settings read through plcloud_panel.env."""
    source = (ROOT / "plcloud_panel" / "settings.py").read_text()
    return set(re.findall(r'env\.\w+\(\s*\(?"([A-Z][A-Z0-9_]+)"', source)) | set(
        re.findall(r'"([A-Z][A-Z0-9_]+)"', "".join(re.findall(r"env\.broker\(\(([^)]*)\)", source)))
    )


def test_it_refuses_to_start_without_the_two_secrets():
    for missing in SECRETS:
        with pytest.raises(MissingVariable, match=missing):
            compose({k: v for k, v in SECRETS.items() if k != missing})


def test_it_runs_the_production_services_and_the_sandbox_only_on_request():
    services = compose()["services"]
    assert {"migrate", "web", "worker", "beat", "redis", "postgres"} <= set(services)
    assert services["sandbox"]["profiles"] == ["sandbox"]
    assert all("profiles" not in s for name, s in services.items() if name != "sandbox")


def test_every_named_service_and_volume_is_defined():
    config = compose()
    for name, service in config["services"].items():
        for needed in service.get("depends_on") or {}:
            assert needed in config["services"], f"{name} depends on {needed}, which is not a service"
        for mount in service.get("volumes") or []:
            source = mount.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in config["volumes"], f"{name} mounts {source}, which is not a declared volume"


def test_web_and_workers_wait_for_migrations_and_healthy_services():
    services = compose()["services"]
    for name in ("web", "worker", "export-worker", "beat"):
        waits = services[name]["depends_on"]
        assert waits["migrate"] == {"condition": "service_completed_successfully"}
        assert waits["postgres"]["condition"] == waits["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "export-worker", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name


def test_the_panel_reads_every_variable_compose_gives_it():
    read = settings_read()
    for name, service in panel_services(compose()).items():
        if name == "sandbox":
            continue
        assert set(service["environment"]) <= read, f"{name} sets variables the settings never read"
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert set(compose()["services"]["web"]["environment"]) <= documented


def test_the_sandbox_service_runs_the_sandboxs_own_flags():
    from plcloud_sandbox.config import ConfigError, add_arguments, settings_from

    sandbox = compose()["services"]["sandbox"]
    argv = shlex.split(sandbox["command"])
    assert argv[:3] == ["python", "-m", "plcloud_sandbox"]
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = vars(parser.parse_args(argv[3:]))
    try:
        settings = settings_from(options, sandbox["environment"])
    except ConfigError as error:
        pytest.fail(str(error))
    assert (settings.addr, settings.port) == ("0.0.0.0", 5001)  # noqa: S104 - in its container
    assert str(settings.db_path).startswith(sandbox["volumes"][0].split(":")[1])
    web = compose()["services"]["web"]["environment"]
    assert web["PLCLOUD_AUTH_URL"] == f"{settings.public_url}/v2.0"


def test_commands_and_health_checks_name_what_exists():
    services = compose()["services"]
    web = shlex.split(services["web"]["command"])
    assert web[0] == "gunicorn"
    module, attribute = web[1].split(":")
    __import__(module)
    assert callable(getattr(sys.modules[module], attribute))
    bind_port = web[web.index("--bind") + 1].rsplit(":", 1)[1]
    assert services["web"]["ports"] == [f"{bind_port}:{bind_port}"]
    probe = " ".join(services["web"]["healthcheck"]["test"])
    url = re.search(r"http://127\.0\.0\.1:(\d+)(/[^'\"]*)", probe)
    assert url[1] == bind_port and url[2] == HEALTH_PATH
    for name in ("worker", "export-worker", "beat"):
        assert shlex.split(services[name]["command"])[:3] == ["celery", "-A", "plcloud_panel"]
    from plcloud_panel.celery import app

    assert app.main == "plcloud_panel"


def routed_queues() -> set[str]:
    """Every queue the panel's tasks are sent to, as the Celery app itself routes them."""
    from plcloud_panel.celery import app

    app.loader.import_default_modules()
    names = [name for name in app.tasks if not name.startswith("celery.")]
    return {app.amqp.router.route({}, name)["queue"].name for name in names}


def worker_queues(argv: list[str]) -> set[str] | None:
    """The queues a `celery worker` command line consumes (None if it is not one); -Q must be explicit."""
    if "worker" not in argv[:5]:
        return None
    assert "-Q" in argv, f"{argv}: a worker names its queues, or it takes the default queue's and no other"
    return set(argv[argv.index("-Q") + 1].split(","))


def test_every_queue_a_task_is_sent_to_has_a_worker_and_exports_have_workers_of_their_own():
    from django.conf import settings

    routed = routed_queues()
    assert {settings.CELERY_TASK_DEFAULT_QUEUE, settings.EXPORT_QUEUE} <= routed
    services = compose()["services"]
    workers = {name: worker_queues(shlex.split(s.get("command", ""))) for name, s in services.items()}
    workers = {name: queues for name, queues in workers.items() if queues is not None}
    assert routed <= set().union(*workers.values())
    for name, queues in workers.items():
        # a worker that took exports and short jobs alike could have every slot on a long export
        assert queues == {settings.EXPORT_QUEUE} or settings.EXPORT_QUEUE not in queues, name
        assert services[name]["healthcheck"]["test"], name


def test_export_files_live_on_the_volume_web_and_workers_share():
    from django.conf import settings

    workdir = next(arg for op, arg in dockerfile() if op == "WORKDIR")
    media = Path(workdir) / Path(settings.MEDIA_ROOT).relative_to(settings.BASE_DIR)
    for name in ("web", "worker", "export-worker"):
        mounts = dict(m.split(":", 1)[::-1] for m in compose()["services"][name]["volumes"])
        assert mounts.get(str(media)) == "panel-media", name


def test_the_image_starts_what_compose_starts_and_keeps_secrets_out():
    steps = dockerfile()
    assert steps[0] == ("FROM", "python:3.11-slim")
    cmd = next(arg for op, arg in steps if op == "CMD")
    assert shlex.split(compose()["services"]["web"]["command"])[:2] == json.loads(cmd)[:2]
    assert any(op == "USER" and arg != "root" for op, arg in steps)
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "var", ".env"} <= ignored


SERVING = ("--workers", "--worker-class", "--threads", "--timeout", "--graceful-timeout")


def serving_options(argv: list[str]) -> dict[str, str]:
    """What decides how gunicorn serves: processes, threads, timeouts."""
    return {name: argv[argv.index(name) + 1] for name in SERVING if name in argv}


def test_the_image_serves_as_compose_does_with_threads_and_lets_a_slow_page_finish_on_restart():
    from django.conf import settings

    web = compose()["services"]["web"]
    options = serving_options(shlex.split(web["command"]))
    image = json.loads(next(arg for op, arg in dockerfile() if op == "CMD"))
    assert serving_options(image) == options
    # A page waiting on a slow Plcloud holds one thread of a process, not the process.
    assert options["--worker-class"] == "gthread" and int(options["--threads"]) > 1
    # A restart lets a page finish that waits out a read timeout on identity and on the service,
    # and Docker waits for gunicorn that long before it kills it.
    longest_page = 2 * (settings.PLCLOUD_CONNECT_TIMEOUT + settings.PLCLOUD_READ_TIMEOUT)
    assert float(options["--graceful-timeout"]) > longest_page
    assert int(web["stop_grace_period"].removesuffix("s")) > float(options["--graceful-timeout"])


def test_the_image_installs_exactly_the_run_time_lock():
    """Every package from requirements.txt at its pinned version and hash, nothing resolved at build
    (tests/settings/test_runtime_install.py runs this same line in a fresh virtualenv)."""
    steps = dockerfile()
    install = next(i for i, (op, arg) in enumerate(steps) if op == "RUN" and arg.startswith("pip install"))
    words = shlex.split(steps[install][1])
    assert words[:2] == ["pip", "install"]
    assert {"--require-hashes", "--no-deps"} <= set(words)
    assert words[words.index("-r") + 1] == "requirements.txt"
    assert ("COPY", "requirements.txt .") in steps[:install]


def test_the_images_build_step_collects_the_static_files(tmp_path):
    """The Dockerfile's collectstatic, with its own build-time values, run here."""
    run = next(arg for op, arg in dockerfile() if op == "RUN" and "collectstatic" in arg)
    step = next(part for part in run.split("&&") if "collectstatic" in part)
    words = shlex.split(step)
    assignments = dict(w.split("=", 1) for w in words if re.match(r"^[A-Z_]+=", w))
    command = [w for w in words if not re.match(r"^[A-Z_]+=", w)]
    assert command[:3] == ["python", "manage.py", "collectstatic"]
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PANEL_ENCRYPTION_KEYS", "DEBUG")}
    env = {**clean, **assignments, "PANEL_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, *command[1:]], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "css").glob("panel.*.css"))
