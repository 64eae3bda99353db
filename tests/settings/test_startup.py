"""Start-up refuses a bad setting with a message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def check(**env: str) -> subprocess.CompletedProcess:
    return manage("check", **env)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "ture"),
        ("DATABASE_URL", "mysql://db/panel"),
        ("DATABASE_URL", "postgres://db:5432/"),
        ("CELERY_BROKER_URL", "kafka://broker"),
        ("PLCLOUD_AUTH_URL", "api.plcloud.com:5001/v2.0"),
        ("PLCLOUD_READ_TIMEOUT", "soon"),
        ("LOG_LEVEL", "LOUD"),
        ("ALLOWED_HOSTS", " , "),
        ("SECRET_KEY", "short"),
        ("EXPORT_MAX_ACTIVE", "0"),
        ("EXPORT_DAILY_MB", "lots"),
        ("EXPORT_DISK_BUDGET_MB", "-1"),
        ("TIME_ZONE", "Beijing"),
    ],
)
def test_it_stops_on_a_bad_value_naming_the_variable(name, value):
    result = check(**{name: value})
    assert result.returncode != 0
    assert f"{name}=" in result.stderr
    if name == "SECRET_KEY":
        assert value not in result.stderr


def test_it_starts_on_the_defaults():
    result = check()
    assert result.returncode == 0, result.stderr


def test_it_stops_without_an_encryption_key_and_says_how_to_make_one(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k != "PANEL_ENCRYPTION_KEYS"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "PANEL_VAR_DIR": str(tmp_path)},
        timeout=60,
    )
    assert result.returncode != 0
    assert "PANEL_ENCRYPTION_KEYS is not set" in result.stderr
    assert "urlsafe_b64encode" in result.stderr


def test_it_refuses_a_key_that_is_not_a_fernet_key():
    result = check(PANEL_ENCRYPTION_KEYS="not-a-key")
    assert result.returncode != 0
    assert "PANEL_ENCRYPTION_KEYS=" in result.stderr
    assert "not-a-key" not in result.stderr


def test_it_makes_no_folder_when_it_reads_its_settings(tmp_path):
    """Folders are made by what writes to them (a key, the broker, an export), not by reading settings."""
    result = check(PANEL_VAR_DIR=str(tmp_path / "var"), CELERY_BROKER_FOLDER=str(tmp_path / "broker"),
                   SECRET_KEY="not-a-real-key-" + "k" * 30)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(tmp_path.iterdir()) == []


def test_it_offers_the_sandbox_as_a_command_only_when_asked():
    assert "Unknown command: 'plcloud_sandbox'" in manage("help", "plcloud_sandbox").stderr
    offered = manage("help", "plcloud_sandbox", PANEL_SANDBOX_COMMAND="true")
    assert offered.returncode == 0 and "Run the Plcloud sandbox" in offered.stdout
