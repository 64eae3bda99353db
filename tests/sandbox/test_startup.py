"""Start-up: settings from flags and the environment; a bad one stops it with a message naming it."""

import os
import subprocess
import sys

import pytest
import requests

from tests.helpers import PROJECT_ROOT, SandboxProcess, free_port, wait_for
from tests.sandbox.support import token_request


def run_sandbox(tmp_path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLCLOUD_SANDBOX_")}
    command = [sys.executable, "-m", "plcloud_sandbox", f"--addrport=127.0.0.1:{free_port()}",
               f"--db={tmp_path / 'startup.sqlite3'}", *args]  # fmt: skip
    return subprocess.run(command, cwd=PROJECT_ROOT, env=clean | (env or {}), capture_output=True, text=True,
                          timeout=30)  # fmt: skip


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PLCLOUD_SANDBOX_TOKEN_TTL": "an hour"}, "PLCLOUD_SANDBOX_TOKEN_TTL"),
        ({"PLCLOUD_SANDBOX_TOKEN_TTL": "0"}, "PLCLOUD_SANDBOX_TOKEN_TTL"),
        ({"PLCLOUD_SANDBOX_CONFIG_DELAY": "-1"}, "PLCLOUD_SANDBOX_CONFIG_DELAY"),
        ({"PLCLOUD_SANDBOX_SUPPORT_DELAY": "nan"}, "PLCLOUD_SANDBOX_SUPPORT_DELAY"),
        ({"PLCLOUD_SANDBOX_PREFETCH_SECONDS": "inf"}, "PLCLOUD_SANDBOX_PREFETCH_SECONDS"),
        ({"PLCLOUD_SANDBOX_FAULTS": "error_rate=2"}, "PLCLOUD_SANDBOX_FAULTS"),
        ({"PLCLOUD_SANDBOX_FAULTS": "explode=1"}, "PLCLOUD_SANDBOX_FAULTS"),
        ({"PLCLOUD_SANDBOX_PUBLIC_URL": "ftp://sandbox"}, "PLCLOUD_SANDBOX_PUBLIC_URL"),
        ({"PLCLOUD_SANDBOX_ADMIN_KEY": "short"}, "PLCLOUD_SANDBOX_ADMIN_KEY"),
        ({"PLCLOUD_SANDBOX_WIRE": "real"}, "PLCLOUD_SANDBOX_WIRE"),
    ],
)
def test_it_stops_on_a_bad_environment_variable_and_names_it(tmp_path, env, named):
    result = run_sandbox(tmp_path, env=env)
    assert result.returncode == 2
    assert named in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--token-ttl=soon"], "--token-ttl"),
        (["--config-delay=-5"], "--config-delay"),
        (["--support-delay=x"], "--support-delay"),
        (["--prefetch-seconds="], "--prefetch-seconds"),
        (["--addrport=localhost:99999"], "--addrport"),
        (["--addrport=nowhere"], "--addrport"),
    ],
)
def test_it_stops_on_a_bad_flag_and_names_it(tmp_path, args, named):
    result = run_sandbox(tmp_path, *args)
    assert result.returncode == 2
    assert named in result.stderr and "Traceback" not in result.stderr


def test_it_takes_faults_and_the_public_url_from_the_environment(tmp_path):
    env = {"PLCLOUD_SANDBOX_FAULTS": "error_rate=1,scope=service", "PLCLOUD_SANDBOX_PUBLIC_URL": "https://plc.example/"}
    process = SandboxProcess(tmp_path / "env.sqlite3", env=env)
    process.start()
    try:
        faults = process.control.get(f"{process.base_url}/_sandbox/faults", timeout=5).json()
        assert (faults["error_rate"], faults["scope"]) == (1.0, "service")
        access = requests.post(f"{process.auth_url}/tokens", json=token_request("demo", "secreetword", "demo"),
                               timeout=5).json()["access"]  # fmt: skip
        endpoint = access["serviceCatalog"][0]["endpoints"][0]["publicURL"]
        assert endpoint == "https://plc.example/plcloud/pek-1"
        local = f"{process.base_url}/plcloud/pek-1/cdn/domain"
        answer = requests.get(local, headers={"X-Auth-Token": access["token"]["id"]}, timeout=5)
        assert answer.status_code in (500, 502, 503)
        assert "Keystone:     https://plc.example/v2.0" in process.stdout()
    finally:
        process.stop()


def test_it_makes_and_prints_an_admin_key_when_none_is_given(tmp_path):
    port = free_port()
    out = tmp_path / "stdout.log"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLCLOUD_SANDBOX_")}
    command = [
        sys.executable,
        "-m",
        "plcloud_sandbox",
        f"--addrport=127.0.0.1:{port}",
        f"--db={tmp_path / 'k.sqlite3'}",
    ]
    with open(out, "wb") as stdout:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=clean, stdout=stdout, stderr=subprocess.DEVNULL)
    try:
        line = wait_for(
            lambda: next((ln for ln in out.read_text().splitlines() if "Admin key:" in ln), None), timeout=20
        )
        key = line.split()[2]
        assert f"Keystone:     http://127.0.0.1:{port}/v2.0" in out.read_text()
        answer = requests.get(f"http://127.0.0.1:{port}/_sandbox/timings", headers={"X-Sandbox-Admin-Key": key},
                              timeout=5)  # fmt: skip
        assert answer.json() == {"token_ttl": 3600, "config_delay": 20, "support_delay": 20, "prefetch_seconds": 30}
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0  # SIGTERM stops it cleanly


@pytest.mark.parametrize("args", [["--wire=SDK"], ["--wire="], ["--wire=real"]])
def test_it_stops_on_a_wire_profile_it_does_not_know_and_names_those_it_does(tmp_path, args):
    result = run_sandbox(tmp_path, *args)
    assert result.returncode == 2
    assert "--wire:" in result.stderr and "is not one of default, sdk" in result.stderr


def test_it_takes_the_wire_profile_from_the_environment_and_shows_it(tmp_path):
    process = SandboxProcess(tmp_path / "wire.sqlite3", env={"PLCLOUD_SANDBOX_WIRE": "sdk"})
    process.start()
    try:
        access = requests.post(f"{process.auth_url}/tokens", json=token_request("demo", "secreetword", "demo"),
                               timeout=5).json()["access"]  # fmt: skip
        balance = f"{process.base_url}/plcloud/pek-1/recharge/{access['token']['tenant']['id']}/cdn_flow"
        assert requests.get(balance, headers={"X-Auth-Token": access["token"]["id"]}, timeout=5).status_code == 405
        assert "Wire:         sdk (only what the vendor's SDK reads" in process.stdout()
    finally:
        process.stop()


def test_it_shows_the_default_wire_profile(sandbox):
    assert "Wire:         default (with the sandbox's extensions" in sandbox.stdout()
