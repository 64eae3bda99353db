"""Start-up refuses a bad setting with a message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def check(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in env}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
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
